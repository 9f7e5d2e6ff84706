"""筑梦空间's figures on the dashboard, from the counters the dream-space projection keeps."""
from __future__ import annotations

import strawberry

from ...tables import dream_space as tables
from ..common import read_table
from .types import DreamSpaceFigures


@strawberry.type
class DashboardPart:
    @strawberry.field(description="筑梦空间：孵化项目与实习岗位（当前与累计；不随看板日期范围变化）")
    async def dream_space(self, info: strawberry.Info) -> DreamSpaceFigures:
        r = await read_table(info, tables.figures, self.district)
        return DreamSpaceFigures(applied_projects=r["applied"], active_projects=r["active"],
                                 completed_projects=r["completed"], stopped_projects=r["stopped"],
                                 open_internships=r["open_offers"], open_internship_places=r["open_places"],
                                 internship_applications=r["applications"], accepted_applications=r["accepted"])
