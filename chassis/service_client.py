"""The HTTP client one service keeps for another (gateway → services, services → registry).

Connections are kept alive between calls, but never longer than `KEEPALIVE_SECONDS`: well below uvicorn's
keep-alive timeout (5 s), so the client never reuses a connection the server is closing at that moment.
httpx's default is 5 s too; a call sent on a connection the server has just closed fails with ReadError,
and the caller would get UNAVAILABLE for a request the service never saw. (Benchmark 5b's harness, whose
clients had the default, lost a few writes in 1,400 to ReadError under load.)
"""
from __future__ import annotations

import httpx

KEEPALIVE_SECONDS = 2.0


def service_client(base_url: str, *, timeout: float,
                   transport: httpx.AsyncBaseTransport | None = None) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=base_url, timeout=timeout, transport=transport,
                             limits=httpx.Limits(keepalive_expiry=KEEPALIVE_SECONDS))
