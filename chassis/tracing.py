"""OpenTelemetry set-up and W3C trace-context helpers.

The trace context travels in HTTP headers, in event metadata (so it survives a Kafka outage in the
store) and in Kafka headers, so one trace covers request → append → publish → consume → projection.
Span attributes never carry personal data: only ids, types, counts — and SQL text with its `$n`
placeholders, never the bound values (asyncpg is instrumented without `capture_parameters`).
"""
from __future__ import annotations

import os
from collections.abc import Sequence

from opentelemetry import context, propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import Decision, ParentBased, Sampler, SamplingResult, TraceIdRatioBased
from opentelemetry.trace import Link, SpanKind, TraceState
from opentelemetry.util.types import Attributes

_provider: TracerProvider | None = None


class NoOrphanQueries(Sampler):
    """Database calls are traced inside a request, a publish or a projection handler; the background
    loops' own polls (outbox drain, advisory lock, checkpoints) would each start a one-span trace of
    their own every second, so a database span without a parent is dropped. Of the other new traces,
    `ratio` are kept, decided from the trace id (TraceIdRatioBased); a span with a parent follows the
    parent's decision, carried in `traceparent` (ParentBased), so a trace is recorded whole or not at all
    across the gateway, the services, the relay and the projections."""

    def __init__(self, ratio: float = 1.0) -> None:
        self._ratio = ratio
        self._inner = ParentBased(TraceIdRatioBased(ratio))

    def should_sample(self, parent_context: context.Context | None, trace_id: int, name: str,
                      kind: SpanKind | None = None, attributes: Attributes = None, links: Sequence[Link] | None = None,
                      trace_state: TraceState | None = None) -> SamplingResult:
        parent = trace.get_current_span(parent_context).get_span_context()
        if not parent.is_valid and kind == SpanKind.CLIENT and any(k.startswith("db.system") for k in attributes or ()):
            return SamplingResult(Decision.DROP)
        return self._inner.should_sample(parent_context, trace_id, name, kind, attributes, links, trace_state)

    def get_description(self) -> str:
        return f"NoOrphanQueries(ParentBased(TraceIdRatioBased({self._ratio})))"


def setup_tracing(service_name: str, otlp_endpoint: str | None = None,
                  extra_processors: Sequence[SpanProcessor] = (), *, zipkin_endpoint: str | None = None,
                  sample_ratio: float = 1.0) -> TracerProvider:
    """Install one tracer provider per process (idempotent: tests build several apps in one process,
    and add their in-memory exporters through `extra_processors`)."""
    global _provider
    if _provider is None:
        # HTTP spans and metrics with the stable OpenTelemetry names (http.request.method, url.path,
        # http.response.status_code; http.server.request.duration in seconds), read once when the first
        # instrumentation starts, i.e. after this. Database spans keep the asyncpg instrumentation's names.
        os.environ.setdefault("OTEL_SEMCONV_STABILITY_OPT_IN", "http")
        _provider = tracer_provider(service_name, otlp_endpoint, zipkin_endpoint, sample_ratio)
        trace.set_tracer_provider(_provider)
        _instrument_libraries()
    for p in extra_processors:
        _provider.add_span_processor(p)
    os.environ.setdefault("OTEL_SERVICE_NAME", service_name)
    return _provider


def tracer_provider(service_name: str, otlp_endpoint: str | None, zipkin_endpoint: str | None = None,
                    sample_ratio: float = 1.0) -> TracerProvider:
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}),
                              sampler=NoOrphanQueries(sample_ratio))
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=f"{otlp_endpoint}/v1/traces")))
    if zipkin_endpoint:  # the local dashboards (`xinqing up --observe`): Zipkin takes its own JSON
        from .zipkin import ZipkinExporter

        provider.add_span_processor(BatchSpanProcessor(ZipkinExporter(zipkin_endpoint), schedule_delay_millis=1000))
    return provider


def _instrument_libraries() -> None:
    from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor

    # capture_parameters=False: bound values (names, mobiles…) never become span attributes.
    AsyncPGInstrumentor(capture_parameters=False).instrument(tracer_provider=_provider)
    # Outgoing HTTP (gateway → services) makes its own CLIENT spans: chassis/service_client.py.


def current_traceparent() -> str | None:
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier.get("traceparent")


def traceparent_of(span: trace.Span) -> str | None:
    carrier: dict[str, str] = {}
    propagate.inject(carrier, context=trace.set_span_in_context(span))
    return carrier.get("traceparent")


def context_from_traceparent(traceparent: str | None) -> context.Context:
    if not traceparent:
        return context.Context()
    return propagate.extract({"traceparent": traceparent})
