"""OpenTelemetry set-up and W3C trace-context helpers.

The trace context travels in HTTP headers, in event metadata (so it survives a Kafka outage in the
store) and in Kafka headers, so one trace covers request → append → publish → consume → projection.
Span attributes never carry personal data: only ids, types, counts.
"""
from __future__ import annotations

import os

from opentelemetry import context, propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

_provider: TracerProvider | None = None


def setup_tracing(service_name: str, otlp_endpoint: str | None = None,
                  extra_processors: list[SpanProcessor] | None = None) -> TracerProvider:
    """Install one tracer provider per process (idempotent: tests build several apps in one process)."""
    global _provider
    if _provider is None:
        _provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
        trace.set_tracer_provider(_provider)
        if otlp_endpoint:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            _provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=f"{otlp_endpoint}/v1/traces")))
    for p in extra_processors or []:
        _provider.add_span_processor(p)
    os.environ.setdefault("OTEL_SERVICE_NAME", service_name)
    return _provider


def current_traceparent() -> str | None:
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier.get("traceparent")


def context_from_traceparent(traceparent: str | None) -> context.Context:
    if not traceparent:
        return context.Context()
    return propagate.extract({"traceparent": traceparent})


def inject_headers(headers: dict[str, str]) -> dict[str, str]:
    propagate.inject(headers)
    return headers
