"""榜样选树 this year on the dashboard, from the counters the role-models projection keeps."""
from __future__ import annotations

import strawberry

from contracts.stations import VenueKind

from ...tables import role_models as tables
from ..common import Context, read_table
from .types import RoleModelFigures, Venue, VenueFigures


@strawberry.type
class DashboardPart:
    @strawberry.field(description="榜样选树与宣讲：本年（北京时间）提名、入选本年度榜样、宣讲场次与听众（不随看板日期范围变化）")
    async def role_models(self, info: strawberry.Info) -> RoleModelFigures:
        ctx: Context = info.context
        year = ctx.today().year
        years, talks = await read_table(info, tables.figures, self.district, year)
        by_kind = {r["venue_kind"]: r for r in talks}
        venues = [VenueFigures(venue_kind=Venue(k), talks=by_kind[k]["talks"] if k in by_kind else 0,
                               audience=by_kind[k]["audience"] if k in by_kind else 0) for k in VenueKind]
        return RoleModelFigures(year=year, nominated=years["nominated"], selected=years["selected"],
                                withdrawn=years["withdrawn"], talks=sum(v.talks for v in venues),
                                audience=sum(v.audience for v in venues), by_venue=venues)
