"""What `me` shows of a young person's own 筑梦空间 projects and internship applications, from the stations
service (which asks the registry whose record the token's account is linked to, so no argument names a person)."""
from __future__ import annotations

from datetime import datetime

import strawberry

from ..common import STATIONS, forward
from ..dream_space.types import InternshipApplication


@strawberry.type(description="本人申请的筑梦空间孵化项目")
class MyProject:
    id: strawberry.ID
    station_id: strawberry.ID
    district: str
    title: str
    field: str
    status: str = strawberry.field(description="APPLIED | SUPPORTED | DECLINED | COMPLETED | STOPPED")
    applied_at: datetime


async def my_projects(info: strawberry.Info) -> list[MyProject]:
    answer = await forward(info, STATIONS, "/me/projects", method="GET")
    return [MyProject(id=p["id"], station_id=p["stationId"], district=p["district"], title=p["title"],
                      field=p["field"], status=p["status"], applied_at=datetime.fromisoformat(p["appliedAt"]))
            for p in answer]


async def my_internship_applications(info: strawberry.Info) -> list[InternshipApplication]:
    answer = await forward(info, STATIONS, "/me/internship-applications", method="GET")
    return [InternshipApplication.of(a) for a in answer]
