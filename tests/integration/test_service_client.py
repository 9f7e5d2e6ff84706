"""chassis.service_client over the network (aiohttp against a real uvicorn server): what a service sends
another arrives whole, the answer comes back whole, connections are reused, the trace continues, and a
service that cannot be reached is Unreachable, never an HTTP status or a library's own error."""
from __future__ import annotations

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse
from opentelemetry import trace
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from chassis.service_client import ServiceHttp, Unreachable
from chassis.tracing import setup_tracing
from tests.support import served
from xinqing.launcher.ports import free_port


def echo_app() -> FastAPI:
    app = FastAPI()

    @app.api_route("/echo/{part}", methods=["GET", "POST", "PATCH"])
    async def echo(part: str, request: Request) -> JSONResponse:
        body = await request.body()
        return JSONResponse({"method": request.method, "part": part, "query": dict(request.query_params),
                             "body": body.decode(), "headers": dict(request.headers),
                             "peer": request.client.port if request.client else None}, status_code=201)

    @app.get("/broken")
    async def broken() -> PlainTextResponse:
        return PlainTextResponse("not json", status_code=502)

    @app.get("/moved")
    async def moved() -> RedirectResponse:
        return RedirectResponse("http://127.0.0.1:9/elsewhere", status_code=307)
    return app


async def test_a_call_arrives_whole_and_its_answer_comes_back_whole_on_a_kept_connection():
    async with served(echo_app()) as url:
        client = ServiceHttp(url, timeout=5)
        try:
            first = await client.request("POST", "/echo/a", json={"name": "孙悟空", "n": 1},
                                         params={"q": "站点", "first": 3, "all": True},
                                         headers={"authorization": "Bearer t", "x-purpose": "p"})
            second = await client.get("/echo/b")
        finally:
            await client.aclose()
    assert first.status_code == 201
    seen = first.json()
    assert (seen["method"], seen["part"], seen["query"]) == ("POST", "a", {"q": "站点", "first": "3", "all": "true"})
    assert seen["body"] == '{"name": "孙悟空", "n": 1}'
    assert seen["headers"]["content-type"] == "application/json"
    assert (seen["headers"]["authorization"], seen["headers"]["x-purpose"]) == ("Bearer t", "p")
    assert second.json()["method"] == "GET" and second.json()["body"] == ""
    assert second.json()["peer"] == seen["peer"], "the second call reuses the first call's connection"


async def test_an_error_status_is_an_answer_and_a_body_that_is_not_json_says_so():
    async with served(echo_app()) as url:
        client = ServiceHttp(url, timeout=5)
        try:
            answer = await client.get("/broken")
        finally:
            await client.aclose()
    assert answer.status_code == 502 and answer.content == b"not json"
    with pytest.raises(ValueError):
        answer.json()


async def test_a_redirect_is_answered_not_followed_so_the_token_goes_nowhere_else():
    async with served(echo_app()) as url:
        client = ServiceHttp(url, timeout=5)
        try:
            answer = await client.get("/moved", headers={"authorization": "Bearer t"})
        finally:
            await client.aclose()
    assert answer.status_code == 307


async def test_a_service_nobody_listens_for_is_unreachable():
    client = ServiceHttp(f"http://127.0.0.1:{free_port('127.0.0.1')}", timeout=5)
    try:
        with pytest.raises(Unreachable):
            await client.get("/anything")
    finally:
        await client.aclose()


async def test_the_call_is_a_client_span_whose_context_the_called_service_receives():
    exporter = InMemorySpanExporter()
    setup_tracing("tests", extra_processors=[SimpleSpanProcessor(exporter)])
    try:
        async with served(echo_app()) as url:
            client = ServiceHttp(url, timeout=5)
            try:
                with trace.get_tracer("tests").start_as_current_span("caller") as caller:
                    answer = await client.request("PATCH", "/echo/c", params={"q": "私密的搜索词"})
            finally:
                await client.aclose()
        spans = [s for s in exporter.get_finished_spans() if s.kind == SpanKind.CLIENT and s.name == "PATCH"]
    finally:
        exporter.shutdown()
    assert len(spans) == 1
    span = spans[0]
    assert span.parent.span_id == caller.get_span_context().span_id
    traceparent = answer.json()["headers"]["traceparent"]
    assert traceparent.split("-")[1:3] == [f"{span.context.trace_id:032x}", f"{span.context.span_id:016x}"]
    assert span.attributes["url.path"] == "/echo/c" and span.attributes["http.response.status_code"] == 201
    assert "私密的搜索词" not in str(dict(span.attributes)), "the query string stays out of spans"
