"""Who a young person is, for a service other than the registry: the record their account is linked to.

The link lives in the registry only (its keyed hash of the token's `sub`), so a service asks the registry,
with the caller's own token, which record that is (`contracts.registry.OWN_RECORD_PATH`). The registry
verifies the token again and answers from its link table; nothing the client sends names the record, so
a young person can only ever act on their own.
"""
from __future__ import annotations

import httpx
from fastapi import Depends, Request

from chassis.auth import YOUTH, Principal
from chassis.errors import NotFound, Unavailable
from chassis.service import caller
from chassis.service_client import ServiceHttp, Unreachable
from contracts.registry import OWN_RECORD_PATH


class OwnRecord:
    def __init__(self, registry_url: str, *, timeout: float = 5.0, transport: httpx.AsyncBaseTransport | None = None):
        self.http = ServiceHttp(registry_url, timeout=timeout, transport=transport)

    async def youth_id(self, who: Principal) -> str:
        """The caller's own record id; FORBIDDEN for a staff token, NOT_FOUND when the account has none."""
        who.require(YOUTH)
        try:
            response = await self.http.get(OWN_RECORD_PATH, headers={"authorization": f"Bearer {who.token}"})
        except Unreachable:
            raise Unavailable("登记服务暂时无法连接，请稍后重试。", retry_after=2) from None
        if response.status_code == 404:
            raise NotFound(response.json().get("message", "未找到您的登记记录。"))  # the registry's words
        if response.status_code != 200:
            raise Unavailable(f"登记服务暂时无法确认您的身份（HTTP {response.status_code}），请稍后重试。", retry_after=2)
        return str(response.json()["youthId"])

    async def aclose(self) -> None:
        await self.http.aclose()


async def own_youth_id(request: Request, who: Principal = Depends(caller)) -> str:
    """FastAPI dependency of a young person's own routes: their record id, asked of the registry through the
    service's `deps.registry` (an OwnRecord). A staff token: FORBIDDEN."""
    registry: OwnRecord = request.app.state.runtime.deps.registry
    return await registry.youth_id(who)
