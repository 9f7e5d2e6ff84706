"""One trace per request: GraphQL → gateway → registry → event store → outbox → Kafka → projection,
with every parent link right, also when Kafka was down in between; and no personal data in spans or
logs. Spans are caught by an in-memory exporter added to the process' tracer provider."""
from __future__ import annotations

import asyncio
import contextvars
import logging
import time

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from chassis.tracing import setup_tracing
from gateway.app import create_app as create_gateway
from gateway.clients import ServiceClient
from tests.support import bearer, eventually, running

REGISTER = "mutation Register($input: RegisterYouthInput!) { registerYouth(input: $input) { id version position } }"


@pytest.fixture(scope="module")
def spans():
    exporter = InMemorySpanExporter()
    setup_tracing("tests", extra_processors=[SimpleSpanProcessor(exporter)])
    yield exporter
    exporter.shutdown()  # the provider is the process'; later modules' spans are not kept


class SeparateProcessTransport(httpx.ASGITransport):
    """Calls the in-process registry in a fresh context, as another process would be called: the
    trace can only continue through the `traceparent` header."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        call = super().handle_async_request(request)
        return await asyncio.create_task(call, context=contextvars.Context())


@pytest.fixture(scope="module")
async def gateway(settings, registry, spans):
    """The gateway forwarding to the in-process registry as to another process (its CLIENT span and the
    `traceparent` it sends are made above the transport, chassis/service_client.py)."""
    async with running(create_gateway(settings)) as client:
        rt = client.app.state.runtime
        transport = SeparateProcessTransport(app=registry.app)
        rt.deps.clients["registry"] = ServiceClient("registry", "http://registry", transport=transport)
        yield client


def youth(mobile: str, name: str = "赵铁柱", birth: str = "1999-07-21") -> dict:
    return {"name": name, "gender": "MALE", "birthDate": birth, "mobile": mobile, "district": "110108",
            "youthType": "NEW_BUSINESS", "subtype": "COURIER", "consents": ["REGISTRATION"]}


async def register(gateway, token, data: dict) -> str:
    response = await gateway.post("/graphql", json={"query": REGISTER, "variables": {"input": data}},
                                  headers=bearer(token("registry_operator")))
    body = response.json()
    assert "errors" not in body, body
    return body["data"]["registerYouth"]["id"]


def find(spans: list[ReadableSpan], predicate, what: str) -> ReadableSpan:
    found = [s for s in spans if predicate(s)]
    assert found, f"no {what} among {sorted({(s.name, str(s.kind)) for s in spans})}"
    return found[0]


# Several consumers read the registry's stream (gateway youth and daily, branches, stations, partners):
# the trace followed is the one into the gateway's youth read model.
PROJECT = "project gateway.youth"


async def trace_of_projection(exporter: InMemorySpanExporter, stream: str, timeout: float = 60) -> list[ReadableSpan]:
    """Every span of the trace that ends in the projection of `stream` (waits for that span)."""
    async def projected() -> bool:
        return any(s.name == PROJECT and s.attributes.get("xq.stream") == stream
                   for s in exporter.get_finished_spans())
    await eventually(projected, timeout=timeout)
    done = exporter.get_finished_spans()
    project = next(s for s in done if s.name == PROJECT and s.attributes.get("xq.stream") == stream)
    return [s for s in done if s.context.trace_id == project.context.trace_id]


def parent_of(span: ReadableSpan, spans: list[ReadableSpan]) -> ReadableSpan | None:
    return next((s for s in spans if span.parent and s.context.span_id == span.parent.span_id), None)


def is_under(span: ReadableSpan, ancestor: ReadableSpan, spans: list[ReadableSpan]) -> bool:
    while span is not None:
        if span.context.span_id == ancestor.context.span_id:
            return True
        span = parent_of(span, spans)
    return False


def assert_write_path(trace: list[ReadableSpan], stream: str) -> tuple[ReadableSpan, ReadableSpan, ReadableSpan]:
    """registry HTTP server → eventstore.append (+ its INSERT) → publish → project (+ its INSERT)."""
    server = find(trace, lambda s: s.kind == SpanKind.SERVER and s.name == "POST /youth", "registry server span")
    append = find(trace, lambda s: s.name == "eventstore.append" and s.attributes.get("xq.stream") == stream,
                  "eventstore.append span")
    assert is_under(append, server, trace)
    find(trace, lambda s: s.kind == SpanKind.CLIENT and s.attributes.get("db.system") == "postgresql"
         and "INSERT INTO events" in s.attributes.get("db.statement", "") and is_under(s, append, trace),
         "event INSERT under the append")
    publish = find(trace, lambda s: s.kind == SpanKind.PRODUCER and s.attributes.get("xq.stream") == stream
                   and s.status.status_code != StatusCode.ERROR, "acknowledged publish span")
    assert publish.parent.span_id == append.context.span_id, "publish must continue from the append"
    project = find(trace, lambda s: s.kind == SpanKind.CONSUMER and s.name == PROJECT
                   and s.attributes.get("xq.stream") == stream, "projection span")
    assert project.parent.span_id == publish.context.span_id, "the projection must continue from the publish"
    assert project.attributes["messaging.consumer.group.name"].endswith("gateway.youth")
    find(trace, lambda s: "INSERT INTO youth " in s.attributes.get("db.statement", "")
         and s.parent and s.parent.span_id == project.context.span_id, "projection write under the projection span")
    return server, append, publish


async def test_one_trace_from_the_graphql_request_to_the_projection_write(gateway, spans, token):
    spans.clear()
    youth_id = await register(gateway, token, youth("13700000001"))
    stream = f"youth-{youth_id}"
    trace = await trace_of_projection(spans, stream)

    root = find(trace, lambda s: s.kind == SpanKind.SERVER and s.name == "POST /graphql", "gateway server span")
    assert root.parent is None, "the gateway's HTTP span starts the trace"
    # "Register" is not on the operation-name allow-list (gateway/operations.py): the span says `other`.
    operation = find(trace, lambda s: s.name == "graphql mutation other"
                     and s.attributes["graphql.operation.sent_name"] == "Register", "GraphQL operation span")
    assert operation.parent.span_id == root.context.span_id
    resolver = find(trace, lambda s: s.name == "graphql.resolve Mutation.registerYouth", "resolver span")
    assert resolver.parent.span_id == operation.context.span_id
    forward = find(trace, lambda s: s.kind == SpanKind.CLIENT and s.name == "POST", "gateway → registry HTTP client span")
    assert forward.parent.span_id == resolver.context.span_id
    server, _, _ = assert_write_path(trace, stream)
    assert server.parent.span_id == forward.context.span_id, "the registry continues the gateway's trace"
    assert len({s.context.trace_id for s in trace}) == 1


async def test_the_trace_survives_a_kafka_outage(gateway, registry, spans, token, infra):
    if not infra.can_inject_faults:
        pytest.fail("fault injection needs the project's launcher (XQ_TEST_EXTERNAL/containers cannot kill the broker)")
    spans.clear()
    await infra.kill("kafka")
    try:
        youth_id = await register(gateway, token, youth("13700000002"))  # accepted: the outbox keeps it
        ready = await registry.get("/health/ready")  # degraded, not unready: commands still succeed
        assert ready.status_code == 200 and ready.json()["status"] == "degraded"
        assert ready.json()["checks"]["database"] == "ok"
        assert ready.json()["checks"]["kafka"].startswith("unavailable")
    finally:
        restarting = time.time_ns()  # span times are epoch nanoseconds too
        await infra.start("kafka")
    stream = f"youth-{youth_id}"
    trace = await trace_of_projection(spans, stream, timeout=120)
    root = find(trace, lambda s: s.kind == SpanKind.SERVER and s.name == "POST /graphql", "gateway server span")
    server, append, publish = assert_write_path(trace, stream)
    assert is_under(server, root, trace)
    # Acknowledged after the outage, still in the request's trace. (A registration commits inside its
    # append's statement, so the relay may start sending before the append's span has ended.)
    assert publish.end_time > restarting and publish.end_time > append.end_time


async def test_no_personal_data_in_spans_or_logs(gateway, spans, token):
    name, mobile, birth = "钱多多", "13700000003", "1998-02-14"
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    keep = Keep(level=logging.DEBUG)
    root_logger = logging.getLogger()
    root_logger.addHandler(keep)
    try:
        spans.clear()
        youth_id = await register(gateway, token, youth(mobile, name=name, birth=birth))
        trace = await trace_of_projection(spans, f"youth-{youth_id}")
        # a failed registration too: validation errors must not echo the input into spans either
        bad = await gateway.post("/graphql", json={"query": REGISTER, "variables": {"input": youth("123", name=name)}},
                                 headers=bearer(token("registry_operator")))
        assert bad.json()["errors"][0]["extensions"]["code"] == "VALIDATION"
    finally:
        root_logger.removeHandler(keep)
    assert len(trace) > 10
    exported = " ".join(
        f"{s.name} {dict(s.attributes)} {[(e.name, dict(e.attributes)) for e in s.events]}"
        for s in spans.get_finished_spans())
    logged = " ".join(f"{r.getMessage()} {r.__dict__}" for r in records)
    for secret in (name, mobile, birth, "+86" + mobile):
        assert secret not in exported, f"{secret!r} in a span"
        assert secret not in logged, f"{secret!r} in a log record"


async def test_no_identifier_in_any_span_of_the_registry_paths(gateway, registry, spans, token):
    """Every registry path that carries identifiers — register, a duplicate, a refused ID number, a read
    with the ID number revealed, a search by mobile, a profile update, an export, the registry's own
    read — with a real mobile and ID number: none of them, nor the name, WeChat id or birth date,
    appears in any span name, attribute, event or status of the gateway, the registry, the relay or
    the projections."""
    from datetime import date

    from tests.registry_support import id_number

    birth = date(1996, 5, 17)
    idn, mobile, new_mobile = id_number(birth, "MALE"), "13912345678", "13987654321"
    person = {**youth(mobile, name="孙悟空", birth=birth.isoformat()), "idNumber": idn, "wechat": "wukong_wx_96",
              "employer": "花果山快递"}
    op = bearer(token("registry_operator"))

    async def call(query: str, variables: dict) -> dict:
        return (await gateway.post("/graphql", json={"query": query, "variables": variables}, headers=op)).json()

    spans.clear()
    youth_id = await register(gateway, token, person)
    assert (await call(REGISTER, {"input": person}))["errors"][0]["extensions"]["code"] == "DUPLICATE"
    wrong = {**person, "mobile": "13900000001", "idNumber": idn[:-1] + ("0" if idn[-1] != "0" else "1")}
    assert (await call(REGISTER, {"input": wrong}))["errors"][0]["extensions"]["code"] == "VALIDATION"
    read = await call("query($y: ID!) { youth(id: $y, revealIdNumber: true) { idNumber mobile name } }", {"y": youth_id})
    assert read["data"]["youth"]["idNumber"] == idn
    found = await call("query($m: String) { youths(filter: {mobile: $m}) { nodes { id } } }", {"m": mobile})
    assert [n["id"] for n in found["data"]["youths"]["nodes"]] == [youth_id]
    by_id = await call("query($i: String) { youths(filter: {idNumber: $i}) { nodes { id } } }", {"i": idn})
    assert [n["id"] for n in by_id["data"]["youths"]["nodes"]] == [youth_id]
    updated = await call("mutation($y: ID!, $m: String) { updateYouthProfile(id: $y, input: {mobile: $m}) { id } }",
                         {"y": youth_id, "m": new_mobile})
    assert "errors" not in updated, updated
    assert (await call("mutation($y: ID!) { exportYouth(id: $y) }", {"y": youth_id}))["data"]["exportYouth"]
    own = await registry.get(f"/youth/{youth_id}", headers=op)
    assert own.status_code == 200 and own.json()["mobile"] == "+86" + new_mobile
    await trace_of_projection(spans, f"youth-{youth_id}")

    finished = spans.get_finished_spans()
    covered = {s.name for s in finished}
    assert {"POST /graphql", "POST /youth", "POST /youth:search", "PATCH /youth/{youth_id}", "GET /youth/{youth_id}",
            "GET /youth/{youth_id}/export", "eventstore.append", "project gateway.youth", "INSERT"} <= covered, covered
    exported = "\n".join(
        f"{s.name} {dict(s.attributes)} {s.status.description} "
        f"{[(e.name, dict(e.attributes)) for e in s.events]} {[dict(link.attributes or {}) for link in s.links]}"
        for s in finished)
    for secret in (idn, idn.lower(), mobile, "+86" + mobile, new_mobile, "孙悟空", "wukong_wx_96", "花果山快递",
                   birth.isoformat(), idn[6:14]):
        assert secret not in exported, f"{secret!r} in a span"
