"""Events at the stations (salons, exhibitions, forums, talks): schedule, registration, attendance."""
from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from chassis.auth import Principal
from chassis.http import Accepted, ApiModel
from chassis.service import caller

from ..commands import Then, booking_of, execute
from ..deps import runtime
from ..domain import activity
from .common import STAFF

router = APIRouter(tags=["events"])


class ScheduleEventRequest(ApiModel):
    kind: str = Field(description="SALON | COMPETITION | EXHIBITION | BIENNALE | FORUM | VISIT | TALK | OTHER")
    title: str
    district: str
    starts_at: datetime
    capacity: int
    station_id: uuid.UUID | None = None


class EventYouthRequest(ApiModel):
    youth_id: uuid.UUID


@router.post("/events", status_code=201, response_model=Accepted, summary="发布活动")
async def schedule_event(body: ScheduleEventRequest, request: Request, who: Principal = Depends(caller)):
    who.require_in(body.district, *STAFF)
    rt, eid = runtime(request), str(uuid.uuid4())
    command = activity.ScheduleActivity(eid, body.kind, body.title, body.district, body.starts_at, body.capacity,
                                        str(body.station_id) if body.station_id else None)
    return await execute(rt, rt.deps.stores.event, activity.activity, activity.stream_id(eid), command, eid)


@router.post("/events/{event_id}/registrations", response_model=Accepted, summary="活动报名")
async def register_for_event(event_id: uuid.UUID, body: EventYouthRequest, request: Request,
                             who: Principal = Depends(caller)):
    return await _staff_step(request, who, event_id, activity.RegisterForActivity(str(body.youth_id)),
                             then=booking_of(str(body.youth_id)))


@router.post("/events/{event_id}/attendance", response_model=Accepted, summary="活动签到")
async def attend_event(event_id: uuid.UUID, body: EventYouthRequest, request: Request,
                       who: Principal = Depends(caller)):
    return await _staff_step(request, who, event_id, activity.RecordActivityAttendance(str(body.youth_id)))


async def _staff_step(request: Request, who: Principal, event_id: uuid.UUID, command, *, then: Then | None = None):
    """Station staff act on an event that exists in their district."""
    who.require(*STAFF)
    rt, eid = runtime(request), str(event_id)
    return await execute(rt, rt.deps.stores.event, activity.activity, activity.stream_id(eid), command, eid, who=who,
                         then=then)
