"""What `me` shows of a young person's own volunteer hours, from the stations service (which asks the registry
whose record the token's account is linked to, so no argument names a person)."""
from __future__ import annotations

import strawberry

from ..common import STATIONS, forward


@strawberry.type(description="本人的志愿服务时长")
class MyVolunteering:
    hours: float = strawberry.field(description="累计服务时长（小时）")
    shifts: int = strawberry.field(description="已登记时长的班次数")


async def my_volunteering(info: strawberry.Info) -> MyVolunteering:
    answer = await forward(info, STATIONS, "/me/volunteering", method="GET")
    return MyVolunteering(hours=answer["hours"], shifts=answer["shifts"])
