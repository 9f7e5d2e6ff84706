"""`me`: the caller's own record, from the registry."""
from __future__ import annotations

import strawberry

from ..common import forward, own
from .types import SERVICE, MyRecord, to_my_record


@strawberry.type
class Query:
    @strawberry.field(description="本人的登记记录（仅青年本人令牌）：资料（身份证号打码）与同意；"
                                  "尚未登记或认领、或已删除时为 NOT_FOUND")
    async def me(self, info: strawberry.Info) -> MyRecord:
        own(info)
        return to_my_record(await forward(info, SERVICE, "/me", method="GET"))
