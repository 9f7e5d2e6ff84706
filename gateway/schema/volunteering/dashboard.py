"""Volunteer hours on the dashboard, from the counters the volunteering projection keeps."""
from __future__ import annotations

import strawberry

from ...tables import volunteering as tables
from ..common import read_table
from .types import VolunteeringFigures


@strawberry.type
class DashboardPart:
    @strawberry.field(description="志愿服务：班次、时长与人次；看板带日期范围时为该期间内的班次")
    async def volunteering(self, info: strawberry.Info) -> VolunteeringFigures:
        r = await read_table(info, tables.figures, self.district, self.date_from, self.date_to)
        return VolunteeringFigures(shifts=r["shifts"], volunteer_hours=r["minutes"] / 60, served=r["served"])
