"""Metrics every process exposes: OpenTelemetry instruments, scraped by Prometheus at `/metrics` and
pushed by OTLP when `XQ_OTLP_ENDPOINT` is set (one set of instruments, two ways out).

Counters and histograms are recorded where things happen (commands, appends, publishes, projection
handlers, GraphQL operations). Gauges that need IO — outbox backlog, consumer lag, projection
positions and freshness — are sampled by `chassis.telemetry.Sampler` (before each scrape and every
`XQ_METRICS_INTERVAL_SECONDS`) and read from `GAUGES` by the instruments' callbacks.
Attributes are names of things (service, route, topic, event type, error code), never personal data.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypeAlias

from opentelemetry import metrics
from opentelemetry.metrics import CallbackOptions, Observation
from prometheus_client import CollectorRegistry

if TYPE_CHECKING:
    from opentelemetry.sdk.metrics import MeterProvider

# The registry `/metrics` renders (a private one: the default registry also collects process
# metrics twice when several apps share a test process).
PROMETHEUS = CollectorRegistry(auto_describe=True)
_provider: MeterProvider | None = None

meter = metrics.get_meter("xinqing")

# Buckets in seconds, as OpenTelemetry's HTTP conventions advise for http.server.request.duration. Without
# them the SDK's default buckets (0, 5, 10, 25 … 10,000: meant for milliseconds) put every answer under
# 5 s, and histogram_quantile reads about 4.9 s for any p95/p99: the latency alerts fired on nothing.
SECONDS_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0)

COMMAND_DURATION = meter.create_histogram(
    "xq.command.duration", unit="s", description="time to answer a command (an HTTP request that changes state)",
    explicit_bucket_boundaries_advisory=SECONDS_BUCKETS)
GRAPHQL_DURATION = meter.create_histogram(
    "xq.graphql.duration", unit="s", description="time to answer a GraphQL operation, per operation name and type",
    explicit_bucket_boundaries_advisory=SECONDS_BUCKETS)
EVENTS_APPENDED = meter.create_counter(
    "xq.events.appended", unit="{event}", description="events appended to an event store, per event type")
EVENTS_PUBLISHED = meter.create_counter(
    "xq.events.published", unit="{event}", description="events the outbox relay published to Kafka")
EVENTS_PROJECTED = meter.create_counter(
    "xq.projection.applied", unit="{event}", description="events a projection applied (repeats not counted)")
PROJECTION_RESTARTS = meter.create_counter(
    "xq.projection.restarts", unit="{restart}",
    description="projection consumers started afresh by the sampler: stalled (events wait behind an unmoved checkpoint) or died")
RELAY_RESTARTS = meter.create_counter(
    "xq.relay.restarts", unit="{restart}",
    description="outbox relays started afresh by the sampler: stalled (the oldest outbox row unmoved while leading) or died")
ERRORS = meter.create_counter(
    "xq.errors", unit="{error}", description="errors per component (http, relay, projection, graphql) and kind")


# A series of a gauge: its attributes as ((name, value), …), hashable and in a fixed order.
Attributes: TypeAlias = tuple[tuple[str, str], ...]


class Gauges:
    """Latest sampled value of each gauge, per attribute set, per owner (one owner per running app, so
    an app that stops takes its series with it)."""

    def __init__(self) -> None:
        self._values: dict[str, dict[object, dict[Attributes, float]]] = {}

    def replace(self, owner: object, name: str, values: dict[Attributes, float]) -> None:
        self._values.setdefault(name, {})[owner] = values

    def forget(self, owner: object) -> None:
        for by_owner in self._values.values():
            by_owner.pop(owner, None)

    def observe(self, name: str) -> Iterable[Observation]:
        for values in list(self._values.get(name, {}).values()):
            for attrs, value in values.items():
                yield Observation(value, dict(attrs))


GAUGES = Gauges()

GAUGE_DESCRIPTIONS = {
    "xq.outbox.backlog": ("{event}", "events stored but not yet acknowledged by Kafka"),
    "xq.outbox.oldest_age": ("s", "age of the oldest event still in the outbox (0 when empty)"),
    "xq.consumer.lag": ("{message}", "messages on the partition not yet applied by the consumer group"),
    "xq.projection.position": ("{offset}", "next offset the projection applies, per partition"),
    "xq.projection.event_age": ("s", "age of the newest event the projection applied (its staleness when lag > 0)"),
    "xq.kafka.up": ("1", "1 when this process reached the Kafka broker at the last sample, else 0"),
}


def _callback(name: str) -> Callable[[CallbackOptions], Iterable[Observation]]:
    def observe(options: CallbackOptions) -> Iterable[Observation]:
        return GAUGES.observe(name)
    return observe


for _name, (_unit, _description) in GAUGE_DESCRIPTIONS.items():
    meter.create_observable_gauge(_name, callbacks=[_callback(_name)], unit=_unit, description=_description)


def setup_metrics(service_name: str, otlp_endpoint: str | None = None, interval_seconds: float = 15.0) -> None:
    """Install one meter provider per process (idempotent, like `setup_tracing`)."""
    global _provider
    if _provider is None:
        _provider = meter_provider(service_name, otlp_endpoint, interval_seconds, PROMETHEUS)
        metrics.set_meter_provider(_provider)


def meter_provider(service_name: str, otlp_endpoint: str | None, interval_seconds: float,
                   registry: CollectorRegistry) -> MeterProvider:
    from opentelemetry.exporter.prometheus import PrometheusMetricReader
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import MetricReader
    from opentelemetry.sdk.resources import Resource

    readers: list[MetricReader] = [PrometheusMetricReader(registry=registry)]
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
        from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader

        readers.append(PeriodicExportingMetricReader(OTLPMetricExporter(endpoint=f"{otlp_endpoint}/v1/metrics"),
                                                     export_interval_millis=interval_seconds * 1000))
    return MeterProvider(metric_readers=readers, resource=Resource.create({"service.name": service_name}))


def render() -> bytes:
    from prometheus_client import generate_latest

    return generate_latest(PROMETHEUS)
