"""Youth over time on the dashboard: registrations per ISO week, from the per-day counts table."""
from __future__ import annotations

from datetime import date

import strawberry

from ..tables import youth
from .pagination import Connection, table_page


@strawberry.type(description="一周的登记数")
class WeekCount:
    week: date = strawberry.field(description="该周周一")
    count: int


@strawberry.type
class DashboardPart:
    @strawberry.field(description="每周登记数（按周升序，无登记的周不列出）；按看板的区县与日期范围")
    async def registrations_per_week(self, info: strawberry.Info, first: int | None = 52,
                                     after: str | None = None) -> Connection[WeekCount]:
        scope = self.scope
        return await table_page(
            info, first, after, lambda conn, key, limit: youth.registrations_per_week(
                conn, scope.district, scope.date_from, scope.date_to,
                after=date.fromisoformat(key[0]) if key else None, limit=limit),
            node=lambda r: WeekCount(week=r[0], count=r[1]), key=lambda r: (r[0].isoformat(),), shape=1, dated=True)
