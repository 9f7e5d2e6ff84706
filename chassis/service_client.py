"""The HTTP client one service keeps for another (gateway → services, services → registry).

Over the network it is aiohttp. The gateway's mutations spent about 35 % of their CPU in httpx
(docs/BENCHMARKS.md, *The gateway's mutation: service calls over aiohttp*); a keep-alive POST to a uvicorn
app costs the caller about 0.09 ms of CPU through aiohttp against 0.85 ms through httpx (session 11,
`bench/service_client_cost.py`). In-process, as the tests run the apps, an httpx transport reaches the app
(`transport=httpx.ASGITransport(app=…)` or a `MockTransport`): the same calls, the same answers.

Each call is a CLIENT span whose context travels in `traceparent`, so the called service's spans continue
the caller's trace. The span names the method, the server and the path, never the query string (a search's
parameters may be what someone typed).

Connections are kept alive between calls, but never longer than `KEEPALIVE_SECONDS`: well below uvicorn's
keep-alive timeout (5 s), so the client never reuses a connection the server is closing at that moment (a
call sent on a connection the server has just closed fails, and the caller would answer UNAVAILABLE for a
request the service never saw; benchmark 5b's harness, whose clients kept them 5 s, lost a few writes in
1,400 that way).
"""
from __future__ import annotations

import json as jsonlib
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

import aiohttp
import httpx
from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode

KEEPALIVE_SECONDS = 2.0

tracer = trace.get_tracer("xinqing.service_client")


class Unreachable(Exception):
    """The other service could not be reached, or did not answer in time: it may not have seen the call."""


@dataclass(frozen=True, slots=True)
class Answer:
    status_code: int
    content: bytes

    def json(self) -> Any:
        """The body as JSON (ValueError when it is not)."""
        return jsonlib.loads(self.content)


class _Send(Protocol):
    async def __call__(self, method: str, url: str, body: bytes | None, params: dict[str, Any] | None,
                       headers: dict[str, str]) -> Answer: ...

    async def close(self) -> None: ...


class ServiceHttp:
    def __init__(self, base_url: str, *, timeout: float, transport: httpx.AsyncBaseTransport | None = None):
        self.base_url = base_url.rstrip("/")
        where = urlsplit(self.base_url)
        self._attributes: dict[str, str | int] = {"server.address": where.hostname or "",
                                                  "server.port": where.port or (443 if where.scheme == "https" else 80)}
        self._send: _Send = _Network(timeout) if transport is None else _InProcess(timeout, transport)

    async def request(self, method: str, path: str, *, json: Any = None, params: dict[str, Any] | None = None,
                      headers: dict[str, str] | None = None) -> Answer:
        """`path` is the service's own (from the base URL on); raises Unreachable, never an HTTP status."""
        headers = dict(headers or {})
        body = None
        if json is not None:
            body = jsonlib.dumps(json, ensure_ascii=False).encode()
            headers["content-type"] = "application/json"
        with tracer.start_as_current_span(method, kind=SpanKind.CLIENT, attributes={
                "http.request.method": method, "url.path": path, **self._attributes}) as span:
            propagate.inject(headers)  # this span is the called service's parent
            try:
                answer = await self._send(method, self.base_url + path, body, _query(params), headers)
            except Unreachable as exc:
                span.set_status(Status(StatusCode.ERROR, str(exc)))
                raise
            span.set_attribute("http.response.status_code", answer.status_code)
            if answer.status_code >= 500:
                span.set_status(Status(StatusCode.ERROR))
            return answer

    async def get(self, path: str, *, headers: dict[str, str] | None = None) -> Answer:
        return await self.request("GET", path, headers=headers)

    async def aclose(self) -> None:
        await self._send.close()


def _query(params: dict[str, Any] | None) -> dict[str, str] | None:
    """Query values as text, the same way whichever client sends them (true/false, numbers as written)."""
    if not params:
        return None
    return {key: "true" if value is True else "false" if value is False else "" if value is None else str(value)
            for key, value in params.items()}


class _Network:
    """aiohttp. The session is made on the first call, inside the event loop that serves the app."""

    def __init__(self, timeout: float):
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.session: aiohttp.ClientSession | None = None

    def open(self) -> aiohttp.ClientSession:
        if self.session is None or self.session.closed:
            self.session = aiohttp.ClientSession(
                timeout=self.timeout, connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS))
        return self.session

    async def __call__(self, method: str, url: str, body: bytes | None, params: dict[str, Any] | None,
                       headers: dict[str, str]) -> Answer:
        try:
            # never redirected: a redirect would carry the caller's token to wherever it points
            async with self.open().request(method, url, data=body, params=params, headers=headers,
                                           allow_redirects=False) as response:
                return Answer(response.status, await response.read())
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise Unreachable(f"{type(exc).__name__}: {exc}") from None

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()


class _InProcess:
    """httpx over a transport that reaches an app in this process (tests)."""

    def __init__(self, timeout: float, transport: httpx.AsyncBaseTransport):
        self.http = httpx.AsyncClient(timeout=timeout, transport=transport)

    async def __call__(self, method: str, url: str, body: bytes | None, params: dict[str, Any] | None,
                       headers: dict[str, str]) -> Answer:
        try:
            response = await self.http.request(method, url, content=body, params=params, headers=headers)
        except httpx.TransportError as exc:
            raise Unreachable(f"{type(exc).__name__}: {exc}") from None
        return Answer(response.status_code, response.content)

    async def close(self) -> None:
        await self.http.aclose()
