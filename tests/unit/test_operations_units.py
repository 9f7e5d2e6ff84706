"""Logs and spans without servers: JSON lines with trace ids; background database polls make no traces."""
from __future__ import annotations

import json
import logging

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import SpanKind

from chassis.logs import setup_logging
from chassis.tracing import NoOrphanQueries


def test_logs_are_one_json_line_per_event_with_trace_and_span_ids(capsys):
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        setup_logging("registry", "INFO")
        tracer = TracerProvider().get_tracer("test")
        with tracer.start_as_current_span("work") as span:
            logging.getLogger("xq.test").info("appended", extra={"events": 2})
        logging.getLogger("xq.test").warning("outside a span")
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])
    lines = capsys.readouterr().out.strip().splitlines()
    inside, outside = (json.loads(line) for line in lines)
    ctx = span.get_span_context()
    assert inside["message"] == "appended" and inside["events"] == 2 and inside["service"] == "registry"
    assert inside["trace_id"] == format(ctx.trace_id, "032x") and inside["span_id"] == format(ctx.span_id, "016x")
    assert inside["level"] == "INFO" and "trace_id" not in outside


def test_database_calls_without_a_parent_are_not_traced_but_everything_else_is():
    provider = TracerProvider(sampler=NoOrphanQueries())
    tracer = provider.get_tracer("test")
    with tracer.start_span("SELECT", kind=SpanKind.CLIENT, attributes={"db.system": "postgresql"}) as poll:
        assert not poll.is_recording()  # the relay's poll every second: no trace of its own
    with tracer.start_as_current_span("project gateway.youth", kind=SpanKind.CONSUMER) as handler:
        assert handler.is_recording()
        with tracer.start_span("INSERT", kind=SpanKind.CLIENT, attributes={"db.system": "postgresql"}) as write:
            assert write.is_recording()  # a query inside a handler belongs to its trace
    with tracer.start_span("POST", kind=SpanKind.CLIENT, attributes={"http.method": "POST"}) as call:
        assert call.is_recording()
    assert trace.get_current_span() is trace.INVALID_SPAN


def test_with_an_otlp_endpoint_traces_and_metrics_are_pushed_to_it():
    """A real OTLP/HTTP endpoint on loopback (a plain HTTP server recording what it is sent)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from prometheus_client import CollectorRegistry

    from chassis.metrics import meter_provider
    from chassis.tracing import tracer_provider

    received: list[tuple[str, str, int]] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (the http.server API)
            body = self.rfile.read(int(self.headers["content-length"]))
            received.append((self.path, self.headers["content-type"], len(body)))
            self.send_response(200)
            self.send_header("content-type", "application/x-protobuf")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    endpoint = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        traces = tracer_provider("registry", endpoint)
        with traces.get_tracer("test").start_as_current_span("eventstore.append"):
            pass
        assert traces.force_flush(10_000)
        registry = CollectorRegistry()
        meters = meter_provider("registry", endpoint, 60, registry)
        meters.get_meter("test").create_counter("xq.test.things").add(3)
        assert meters.force_flush(10_000)
        traces.shutdown()
        meters.shutdown()
    finally:
        server.shutdown()
    paths = {path for path, kind, size in received if kind == "application/x-protobuf" and size > 0}
    assert paths == {"/v1/traces", "/v1/metrics"}
