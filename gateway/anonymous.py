"""Anonymous callers — no Authorization header: the public station finder and event list that a phone
opens before anyone signs in — are rate-limited per client address (a token bucket: `per_minute` calls
a minute, as a burst of as many), answered 429 with Retry-After beyond that.

The client address is the connection's peer, unless that peer is one of the configured proxies
(`XQ_TRUSTED_PROXIES`): then the right-most X-Forwarded-For entry that is not itself a trusted proxy.
An X-Forwarded-For from anyone else is ignored, so a client cannot pick its own bucket. The buckets live
in this process (bounded; the least recently seen are dropped): with several gateway replicas each
enforces the limit on what reaches it.
"""
from __future__ import annotations

import ipaddress
import math
from collections import OrderedDict
from typing import TYPE_CHECKING

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send

if TYPE_CHECKING:  # deps.py holds the limit made here
    from .deps import GatewayDeps

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def proxies(setting: str) -> tuple[Network, ...]:
    """`XQ_TRUSTED_PROXIES`: addresses or networks, comma-separated (e.g. "10.0.0.0/8, 127.0.0.1")."""
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in setting.split(",") if p.strip())


class AnonymousLimit:
    MAX_CLIENTS = 100_000

    def __init__(self, per_minute: int, trusted_proxies: tuple[Network, ...] = ()):
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0  # tokens a second
        self.trusted = trusted_proxies
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # client → (tokens, at)

    def take(self, client: str, now: float) -> float | None:
        """None: the call may go ahead; else the seconds until it may."""
        tokens, at = self._buckets.pop(client, (self.capacity, now))
        tokens = min(self.capacity, tokens + max(0.0, now - at) * self.rate)
        wait = None if tokens >= 1 else (1 - tokens) / self.rate
        self._buckets[client] = (tokens - 1 if wait is None else tokens, now)
        if len(self._buckets) > self.MAX_CLIENTS:
            self._buckets.popitem(last=False)
        return wait

    def client(self, peer: str | None, forwarded_for: str | None) -> str:
        if peer is None or not forwarded_for or not self._trusted(peer):
            return peer or "unknown"
        for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
            if not self._trusted(hop):
                return hop
        return peer

    def _trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.trusted)


class AnonymousRateLimit:
    """ASGI middleware over /graphql: a request without a token takes from its address's bucket."""

    def __init__(self, app: ASGIApp, deps: GatewayDeps, path: str = "/graphql"):
        self.app = app
        self.deps = deps  # read at each request: a test may replace its clock
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.path):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or ())
        if b"authorization" not in headers:
            deps = self.deps
            limit: AnonymousLimit = deps.anonymous
            forwarded = headers.get(b"x-forwarded-for")
            client = limit.client((scope.get("client") or (None,))[0], forwarded.decode("latin-1") if forwarded else None)
            wait = limit.take(client, deps.clock.now().timestamp())
            if wait is not None:
                await self._refuse(send, math.ceil(wait))
                return
        await self.app(scope, receive, send)

    @staticmethod
    async def _refuse(send: Send, retry_after: int) -> None:
        body = orjson.dumps({"data": None, "errors": [{
            "message": f"未登录的请求过于频繁，请 {retry_after} 秒后重试（登录后不受此限制）。",
            "extensions": {"code": "RATE_LIMITED", "retryAfter": retry_after}}]})
        await send({"type": "http.response.start", "status": 429,
                    "headers": [(b"content-type", b"application/json"), (b"retry-after", str(retry_after).encode()),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
