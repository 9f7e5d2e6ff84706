"""What `me` shows of a young person's own bookings and enrolments, from the stations service (which asks
the registry whose record the token's account is linked to, so no argument names a person)."""
from __future__ import annotations

from datetime import date, datetime

import strawberry

from ..common import STATIONS, forward


@strawberry.type(description="本人报名的活动")
class MyBooking:
    event_id: strawberry.ID
    title: str
    starts_at: datetime


@strawberry.type(description="本人报名的项目（如新青年学堂骑手班）")
class MyEnrolment:
    programme_id: strawberry.ID
    name: str
    enrolled_on: date


async def my_bookings(info: strawberry.Info) -> list[MyBooking]:
    answer = await forward(info, STATIONS, "/me/bookings", method="GET")
    return [MyBooking(event_id=b["eventId"], title=b["title"], starts_at=datetime.fromisoformat(b["startsAt"]))
            for b in answer["bookings"]]


async def my_enrolments(info: strawberry.Info) -> list[MyEnrolment]:
    answer = await forward(info, STATIONS, "/me/enrolments", method="GET")
    return [MyEnrolment(programme_id=e["programmeId"], name=e["name"],
                        enrolled_on=date.fromisoformat(e["enrolledOn"])) for e in answer["enrolments"]]
