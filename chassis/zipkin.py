"""Spans to Zipkin in its v2 JSON (`POST /api/v2/spans`), for the local ops dashboards
(`xinqing up --observe`, docs/RUNBOOK.md).

Why not OTLP: Zipkin 3.4 has no OTLP receiver of its own, and the OpenTelemetry Zipkin exporter
packages are not in the lock; the mapping is a few lines (the one the OpenTelemetry specification
gives for Zipkin): kind, microsecond times, the resource's service name, attributes as string tags,
an error status as the `error` tag, events as annotations. Only what the span already holds goes
out, so the guarantees of chassis/tracing.py (no personal data in spans) carry over.
"""
from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Any

import orjson
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult
from opentelemetry.trace import SpanKind, StatusCode

KINDS = {SpanKind.SERVER: "SERVER", SpanKind.CLIENT: "CLIENT", SpanKind.PRODUCER: "PRODUCER",
         SpanKind.CONSUMER: "CONSUMER"}  # INTERNAL: no kind in Zipkin


def _tag(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return str(value).lower() if isinstance(value, bool) else str(value)


def zipkin_span(span: ReadableSpan) -> dict[str, Any]:
    ctx = span.get_span_context()
    assert ctx is not None
    start, end = span.start_time or 0, span.end_time or span.start_time or 0
    out: dict[str, Any] = {
        "traceId": f"{ctx.trace_id:032x}",
        "id": f"{ctx.span_id:016x}",
        "name": span.name,
        "timestamp": start // 1000,
        "duration": max((end - start) // 1000, 1),  # Zipkin drops a zero duration
        "localEndpoint": {"serviceName": str(span.resource.attributes.get("service.name", "unknown"))},
    }
    if span.parent is not None:
        out["parentId"] = f"{span.parent.span_id:016x}"
    if span.kind in KINDS:
        out["kind"] = KINDS[span.kind]
    tags = {key: _tag(value) for key, value in (span.attributes or {}).items()}
    if span.status.status_code == StatusCode.ERROR:
        tags["otel.status_code"] = "ERROR"
        tags["error"] = span.status.description or "true"
    if span.links:
        tags["otel.links"] = str(len(span.links))  # Zipkin has no links: how many, so the batch spans say so
    if tags:
        out["tags"] = tags
    if span.events:
        out["annotations"] = [{"timestamp": e.timestamp // 1000, "value": e.name} for e in span.events]
    return out


class ZipkinExporter(SpanExporter):
    """Posts each batch (from a BatchSpanProcessor's thread, about once a second) to
    `<endpoint>/api/v2/spans`. With urllib, not httpx: httpx is traced here (a span per export would be
    exported in turn, for ever) and logs every request at INFO."""

    def __init__(self, endpoint: str, timeout: float = 5.0):
        self.url = endpoint.rstrip("/") + "/api/v2/spans"
        self.timeout = timeout

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        request = urllib.request.Request(self.url, data=orjson.dumps([zipkin_span(s) for s in spans]),
                                         headers={"content-type": "application/json"}, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout):  # noqa: S310 (the configured endpoint)
                return SpanExportResult.SUCCESS
        except (urllib.error.URLError, OSError):
            return SpanExportResult.FAILURE  # Zipkin is down: the dashboards miss these spans, nothing else

    def shutdown(self) -> None:
        pass
