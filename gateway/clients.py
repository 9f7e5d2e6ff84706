"""Forwarding mutations to the owning service, with the caller's token and the trace context."""
from __future__ import annotations

import httpx

from chassis.errors import Unavailable
from chassis.tracing import inject_headers

from .errors import ServiceError


class ServiceClient:
    def __init__(self, name: str, base_url: str, timeout: float = 10.0,
                 transport: httpx.AsyncBaseTransport | None = None):
        self.name = name
        self.http = httpx.AsyncClient(base_url=base_url, timeout=timeout, transport=transport)

    async def call(self, method: str, path: str, *, token: str, json: dict | None = None,
                   params: dict | None = None) -> dict:
        headers = inject_headers({"authorization": f"Bearer {token}"})
        try:
            response = await self.http.request(method, path, json=json, params=params, headers=headers)
        except httpx.TransportError:
            raise Unavailable(f"{self.name} 服务暂时无法连接，请稍后重试。") from None
        if response.status_code >= 400:
            try:
                body = response.json()
            except ValueError:
                body = {}
            if "code" not in body:
                body = {"code": "UNAVAILABLE" if response.status_code >= 500 else "ERROR",
                        "message": f"{self.name} 服务返回错误（HTTP {response.status_code}）。"}
            raise ServiceError(body)
        return response.json()

    async def close(self) -> None:
        await self.http.aclose()
