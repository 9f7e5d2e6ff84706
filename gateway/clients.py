"""Forwarding mutations to the owning service, with the caller's token and the trace context."""
from __future__ import annotations

import re

import httpx

from chassis.errors import FieldError, Unavailable, ValidationFailed
from chassis.purpose import HEADER as PURPOSE_HEADER
from chassis.purpose import header_value
from chassis.service_client import ServiceHttp, Unreachable

from .errors import ServiceError

# A path the gateway builds is its own words and ids: letters, digits and `_:.~-` between slashes, never `.` or
# `..` alone. Ids are checked against their rule before any resolver runs (ids.py); this is the second line,
# so that no value can add a segment, a query string or an escape to a service URL.
SAFE_PATH = re.compile(r"(/(?!\.{1,2}(?:/|$))[A-Za-z0-9_:.~-]+)+")


class ServiceClient:
    def __init__(self, name: str, base_url: str, timeout: float = 10.0,
                 transport: httpx.AsyncBaseTransport | None = None):
        self.name = name
        self.http = ServiceHttp(base_url, timeout=timeout, transport=transport)

    async def call(self, method: str, path: str, *, token: str | None, json: dict | None = None,
                   params: dict | None = None) -> dict:
        """`token` None: a public read the service answers without one (the 榜样 list)."""
        if not SAFE_PATH.fullmatch(path):
            raise ValidationFailed([FieldError("id", "编号格式无效", "id")])
        headers = {} if token is None else {"authorization": f"Bearer {token}"}
        # `purpose` is never put in a URL (URLs reach spans and logs; chassis/purpose.py): whatever a resolver
        # passes as a `purpose` parameter travels in the X-Purpose header.
        params = dict(params or {})
        purpose = params.pop("purpose", None)
        if purpose is not None:
            headers[PURPOSE_HEADER] = header_value(str(purpose))
        try:
            response = await self.http.request(method, path, json=json, params=params or None, headers=headers)
        except Unreachable:
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
