"""Volunteering's output types: a certificate of hours, the figures (a person's own hours: me/volunteering.py)."""
from __future__ import annotations

import strawberry


@strawberry.type(description="某站点或活动的服务时长")
class PlaceHours:
    station_id: strawberry.ID | None
    event_id: strawberry.ID | None
    hours: float


@strawberry.type(description="志愿服务时长证明（编号可供查验；不含姓名，打印时由站点填写）")
class VolunteerCertificate:
    number: int = strawberry.field(description="证明编号")
    youth_id: strawberry.ID
    hours: float
    shifts: int
    by_place: list[PlaceHours] = strawberry.field(description="按站点（及活动）分列的时长")

    @classmethod
    def of(cls, answer: dict) -> VolunteerCertificate:
        return cls(number=answer["number"], youth_id=answer["youthId"], hours=answer["hours"],
                   shifts=answer["shifts"],
                   by_place=[PlaceHours(station_id=p["stationId"], event_id=p["eventId"], hours=p["hours"])
                             for p in answer["byPlace"]])


@strawberry.type(description="志愿服务：班次、服务时长与人次（按班次日期，北京时间）")
class VolunteeringFigures:
    shifts: int = strawberry.field(description="发布的班次")
    volunteer_hours: float = strawberry.field(description="志愿服务时长（小时）")
    served: int = strawberry.field(description="服务人次（每人每班次一次）")
