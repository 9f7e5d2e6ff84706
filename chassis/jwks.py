"""Signing keys from a JWKS URL, without ever fetching on the event loop.

PyJWT's `PyJWKClient` fetches the key set synchronously whenever its cache misses — at the first request
and whenever the provider rotates its keys — and the token check runs on the event loop (the gateway's
GraphQL context), so one slow identity provider would stall every request of the process. Here the key
set is fetched in a worker thread: at start-up (`load`), and again in the background when a token names a
key id we do not hold. Until that refresh has answered, such a token gets 503 with Retry-After (the
client tries again in a second); once it has, a key id still unknown is an invalid token (401).
"""
from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import Any

import jwt

from .errors import Unauthenticated, Unavailable

log = logging.getLogger(__name__)


class JwksKeys:
    def __init__(self, url: str, *, timeout: float = 5.0, min_refresh_seconds: float = 10.0):
        self.url = url
        # At most one fetch per this many seconds: a stream of tokens with made-up key ids cannot make us
        # hammer the provider, nor keep a refresh always pending; a key rotated in just after a fetch is
        # picked up by the next fetch this much later.
        self.min_refresh_seconds = min_refresh_seconds
        self._client = jwt.PyJWKClient(url, cache_keys=False, cache_jwk_set=False, timeout=timeout)
        self._keys: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._fetching = False
        self._fetched_at: float | None = None  # monotonic time of the last answered fetch (success or failure)

    def fetch(self) -> None:
        """Fetch the key set now (blocking: call it in a thread)."""
        try:
            found = {k.key_id: k.key for k in self._client.get_jwk_set(refresh=True).keys if k.key_id}
        except jwt.PyJWTError as exc:  # unreachable, or not a key set
            log.warning("JWKS fetch failed", extra={"url": self.url, "error": type(exc).__name__})
            found = None
        with self._lock:
            if found is not None:
                self._keys = found
            self._fetched_at = time.monotonic()
            self._fetching = False

    async def load(self) -> None:
        """At start-up, in a worker thread: requests then find the keys in memory."""
        with self._lock:
            self._fetching = True
        await asyncio.to_thread(self.fetch)

    def key_for(self, token: str) -> Any:
        """The key that signed `token`, from memory; never blocks."""
        kid = jwt.get_unverified_header(token).get("kid")
        with self._lock:
            key = self._keys.get(kid) if kid else None
            if key is not None:
                return key
            recent = self._fetched_at is not None and time.monotonic() - self._fetched_at < self.min_refresh_seconds
            if self._fetching or not recent:
                if not self._fetching:
                    self._fetching = True
                    threading.Thread(target=self.fetch, name="jwks-refresh", daemon=True).start()
                raise Unavailable("正在更新身份验证密钥，请稍后重试。", retry_after=1)
        raise Unauthenticated("令牌无效（签名密钥未知），请重新登录。")
