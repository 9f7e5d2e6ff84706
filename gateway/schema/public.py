"""What anyone may read without signing in (a phone before its owner signs in): the upcoming events, with
public fields only — what, when, where and how many places are left; never who booked. The nearest
stations (stations/queries.py) are public too. Anonymous calls are rate-limited per client address
(gateway/anonymous.py)."""
from __future__ import annotations

from datetime import datetime

import strawberry

from chassis.errors import FieldError, ValidationFailed
from chassis.reference import DISTRICTS

from ..tables import stations as tables
from .common import Context
from .pagination import Connection, table_page


@strawberry.type(description="公开的活动信息（不含报名者）")
class PublicEvent:
    id: strawberry.ID
    kind: str
    title: str
    district: str
    starts_at: datetime
    capacity: int
    remaining_places: int = strawberry.field(description="剩余名额（报名一人即少一个）")
    station_id: strawberry.ID | None
    station_name: str | None = strawberry.field(description="举办站点的名称（未在站点举办时为 null）")


def to_public_event(r) -> PublicEvent:
    return PublicEvent(id=r["event_id"], kind=r["kind"], title=r["title"], district=r["district"],
                       starts_at=r["starts_at"], capacity=r["capacity"],
                       remaining_places=max(0, r["capacity"] - r["registered"]), station_id=r["station_id"],
                       station_name=r["station_name"])


@strawberry.type
class Query:
    @strawberry.field(description="即将开始的活动（尚未开始，按开始时间），可按区筛选；公开：无需登录（未登录时按来源地址限流）")
    async def upcoming_events(self, info: strawberry.Info, district: str | None = None, first: int | None = None,
                              after: str | None = None) -> Connection[PublicEvent]:
        ctx: Context = info.context
        ctx.public()
        if district is not None and district not in DISTRICTS:
            raise ValidationFailed([FieldError("district", "区县代码无效：应为北京市 16 个区之一的 GB/T 2260 代码", "enum")])
        now = ctx.runtime.deps.clock.now()
        return await table_page(
            info, first, after, lambda conn, key, limit: tables.upcoming_events(
                conn, district=district, now=now, after=key, limit=limit),
            node=to_public_event, key=lambda r: (r["starts_at"].isoformat(), r["event_id"]), shape=2)
