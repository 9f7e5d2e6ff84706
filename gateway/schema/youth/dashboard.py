"""Youth on the dashboard, from the gateway's own read models: registered youth now (or registered within
the dashboard's date range), and registrations per ISO week."""
from __future__ import annotations

from datetime import date

import strawberry

from chassis.reference import DISTRICTS, YOUTH_TYPES

from ...tables import youth as tables
from ..common import Context
from ..pagination import Connection, table_page
from .types import DistrictCount, TypeCount, YouthFigures, YouthType


@strawberry.type(description="一周的登记数")
class WeekCount:
    week: date = strawberry.field(description="该周周一")
    count: int


@strawberry.type
class DashboardPart:
    @strawberry.field(description="登记青年；看板带日期范围时为该期间内登记的青年")
    async def youth(self, info: strawberry.Info) -> YouthFigures:
        ctx: Context = info.context
        scope = self.scope
        async with ctx.runtime.pool.acquire() as conn:
            if scope.has_dates:
                counts = await tables.registrations_between(conn, scope.district, scope.date_from, scope.date_to)
            else:
                counts = await tables.youth_counts(conn, scope.district)
        return YouthFigures(
            total=counts.total,
            by_type=[TypeCount(type=YouthType[t], name=YOUTH_TYPES[t], count=n)
                     for t, n in sorted(counts.by_type.items())],
            by_district=[DistrictCount(district=d, name=DISTRICTS.get(d, d), count=n)
                         for d, n in sorted(counts.by_district.items())],
        )

    @strawberry.field(description="每周登记数（按周升序，无登记的周不列出）；按看板的区县与日期范围")
    async def registrations_per_week(self, info: strawberry.Info, first: int | None = 52,
                                     after: str | None = None) -> Connection[WeekCount]:
        scope = self.scope
        return await table_page(
            info, first, after, lambda conn, key, limit: tables.registrations_per_week(
                conn, scope.district, scope.date_from, scope.date_to,
                after=date.fromisoformat(key[0]) if key else None, limit=limit),
            node=lambda r: WeekCount(week=r[0], count=r[1]), key=lambda r: (r[0].isoformat(),), shape=1, dated=True)
