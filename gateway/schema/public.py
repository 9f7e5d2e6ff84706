"""What anyone may read without signing in (a phone before its owner signs in): the upcoming events and
programmes (e.g. 骑手班), with public fields only — what, when, where and, for events, how many places are
left; never who booked or enrolled, and no enrolment counts for programmes (they have no capacity, and a
count of a small class singles people out). The nearest
stations (stations/queries.py) are public too. Anonymous calls are rate-limited per client address
(gateway/anonymous.py)."""
from __future__ import annotations

from datetime import date

import strawberry

from chassis.clock import Clock
from chassis.errors import FieldError, ValidationFailed
from chassis.reference import DISTRICTS

from ..tables import stations as tables
from .common import Context
from .pagination import Connection, rows_page
from .stations.types import EventBase


@strawberry.type(description="公开的活动信息（不含报名者）")
class PublicEvent(EventBase):
    remaining_places: int = strawberry.field(description="剩余名额（报名一人即少一个）")
    station_id: strawberry.ID | None
    station_name: str | None = strawberry.field(description="举办站点的名称（未在站点举办时为 null）")


@strawberry.type(description="公开的项目信息（如新青年学堂骑手班；不含报名人数与报名者）")
class PublicProgramme:
    id: strawberry.ID
    name: str
    kind: str = strawberry.field(description="项目类别，如 RIDER_DIPLOMA（骑手班）")
    district: str
    starts_on: date
    sessions: int = strawberry.field(description="已排定的课次数")


def to_public_event(r) -> PublicEvent:
    return PublicEvent(id=r["event_id"], kind=r["kind"], title=r["title"], district=r["district"],
                       starts_at=r["starts_at"], capacity=r["capacity"],
                       remaining_places=max(0, r["capacity"] - r["registered"]), station_id=r["station_id"],
                       station_name=r["station_name"])


def to_public_programme(r) -> PublicProgramme:
    return PublicProgramme(id=r["programme_id"], name=r["name"], kind=r["kind"], district=r["district"],
                           starts_on=r["starts_on"], sessions=r["sessions"])


def public_clock(info: strawberry.Info, district: str | None) -> Clock:
    """A public list's checks (a token, when sent, must be valid; the district, when given, one of Beijing's),
    then the clock its window of what is upcoming starts from."""
    ctx: Context = info.context
    ctx.public()
    if district is not None and district not in DISTRICTS:
        raise ValidationFailed([FieldError("district", "区县代码无效：应为北京市 16 个区之一的 GB/T 2260 代码", "enum")])
    return ctx.runtime.deps.clock


@strawberry.type
class Query:
    @strawberry.field(description="即将开始的活动（尚未开始，按开始时间），可按区筛选；公开：无需登录（未登录时按来源地址限流）")
    async def upcoming_events(self, info: strawberry.Info, district: str | None = None, first: int | None = None,
                              after: str | None = None) -> Connection[PublicEvent]:
        now = public_clock(info, district).now()
        return await rows_page(
            info, first, after, tables.upcoming_events, {"district": district, "now": now},
            node=to_public_event, order=("starts_at", "event_id"))

    @strawberry.field(description="即将开班的项目（今天及以后开班，按开班日期），如骑手班，可按区筛选；报名用 "
                                  "enrolInProgramme。公开：无需登录（未登录时按来源地址限流）")
    async def upcoming_programmes(self, info: strawberry.Info, district: str | None = None, first: int | None = None,
                                  after: str | None = None) -> Connection[PublicProgramme]:
        today = public_clock(info, district).today()
        return await rows_page(
            info, first, after, tables.upcoming_programmes, {"district": district, "today": today},
            node=to_public_programme, order=("starts_on", "programme_id"), dated=True)
