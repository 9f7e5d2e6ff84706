"""推优 this year on the dashboard, from the counters the recommendations projection keeps."""
from __future__ import annotations

import strawberry

from ...tables import recommendations as tables
from ..common import read_this_year
from .types import Kind, KindFigures, RecommendationFigures


@strawberry.type
class DashboardPart:
    @strawberry.field(description="推优：本年（北京时间）推荐与采纳的人数，按推荐日期")
    async def recommendations(self, info: strawberry.Info) -> RecommendationFigures:
        rows = await read_this_year(info, tables.figures, self.district)
        return RecommendationFigures(this_year=sum(r["recommended"] for r in rows),
                                     adopted_this_year=sum(r["adopted"] for r in rows),
                                     by_kind=[KindFigures(kind=Kind(r["kind"]), recommended=r["recommended"],
                                                          adopted=r["adopted"]) for r in rows])
