"""A young person's own steps at the stations (youth token): book an event and give the place back, enrol
in a programme, rate a station's service on a day, and list their bookings and enrolments.

The person is never named in the request: the registry tells which record the caller's account is linked
to (chassis.own_record). Events, programmes and stations are public and open to anyone in any district, so
an unknown id answers NOT_FOUND.
"""
from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from chassis.commands import transaction
from chassis.errors import NotFound
from chassis.http import Accepted, ApiModel
from chassis.own_record import own_youth_id

from .. import incubation_commands, tables
from ..commands import booking_of, enrolment, execute, existing_only, own_case_summaries
from ..deps import runtime
from ..domain import activity, programme, rating, station
from .campaigns import own_entries
from .common import own_list
from .internships import application
from .my_cases import own_case
from .role_models import own_nominations

router = APIRouter(prefix="/me", tags=["me"])
NO_EVENT = "活动不存在。"


class BookingRequest(ApiModel):
    event_id: uuid.UUID


class EnrolmentRequest(ApiModel):
    programme_id: uuid.UUID


class RatingRequest(ApiModel):
    station_id: uuid.UUID
    on: date = Field(description="接受服务的日期（北京时间）")
    score: int = Field(description="1–5 分")
    comment: str | None = None


@router.post("/bookings", status_code=201, response_model=Accepted, summary="本人报名活动（名额已满时 capacity_reached）")
async def book_event(body: BookingRequest, request: Request, youth_id: str = Depends(own_youth_id)):
    rt, eid = runtime(request), str(body.event_id)
    return await execute(rt, rt.deps.stores.event, activity.activity, activity.stream_id(eid),
                         activity.RegisterForActivity(youth_id, rt.deps.clock.now()), eid,
                         guard=existing_only(NO_EVENT), then=booking_of(youth_id))


@router.post("/bookings:cancel", response_model=Accepted, summary="本人取消活动报名（活动开始前）")
async def cancel_booking(body: BookingRequest, request: Request, youth_id: str = Depends(own_youth_id)):
    rt, eid = runtime(request), str(body.event_id)
    return await execute(rt, rt.deps.stores.event, activity.activity, activity.stream_id(eid),
                         activity.CancelRegistration(youth_id, rt.deps.clock.now()), eid,
                         guard=existing_only(NO_EVENT), then=booking_of(youth_id))


@router.post("/enrolments", status_code=201, response_model=Accepted, summary="本人报名项目（如新青年学堂骑手班）")
async def enrol_in_programme(body: EnrolmentRequest, request: Request, youth_id: str = Depends(own_youth_id)):
    rt, pid = runtime(request), str(body.programme_id)
    today = rt.deps.clock.today()
    return await enrolment(rt, None, pid, youth_id, lambda p: programme.Enrol(p, youth_id, today))


@router.post("/ratings", status_code=201, response_model=Accepted, summary="本人评价站点某天的服务（每站每天一次）")
async def rate_service(body: RatingRequest, request: Request, youth_id: str = Depends(own_youth_id)):
    rt, sid = runtime(request), str(body.station_id)
    async with transaction(rt.pool) as conn:
        at = station.station.fold((await rt.deps.stores.station.load(conn, station.stream_id(sid))).events)
    command = rating.RateService(station_id=sid, station_exists=at.exists, youth_id=youth_id, on=body.on,
                                 score=body.score, comment=body.comment, today=rt.deps.clock.today())
    rating.validate(command)  # a bad score is VALIDATION even for a station that does not exist
    if not at.exists:
        raise NotFound("站点不存在。")

    async def keep(conn, outcome) -> None:
        comment = body.comment.strip() if body.comment and body.comment.strip() else None
        await tables.keep_rating(conn, youth_id, sid, body.on, body.score, comment)

    return await execute(rt, rt.deps.stores.service, rating.rating, rating.stream_id(sid, youth_id, body.on),
                         command, sid, then=keep)


@router.get("/bookings", summary="本人报名的活动")
async def my_bookings(request: Request, youth_id: str = Depends(own_youth_id)) -> dict:
    return {"bookings": [_booking(r) for r in await own_list(request, tables.BOOKINGS, youth_id)]}


@router.get("/export", summary="本人查阅、复制（PIPL 第 45 条）：驿站服务持有的本人信息")
async def export_mine(request: Request, youth_id: str = Depends(own_youth_id)) -> dict:
    rt = runtime(request)
    async with rt.pool.acquire() as conn:  # every list the service holds of the person
        mine = {own: await tables.own_rows(conn, own, youth_id) for own in tables.OWN_LISTS}
    # The person's own words, in full: the summaries of their cases and projects (None once shredded).
    summaries = await own_case_summaries(rt, youth_id, [r["case_id"] for r in mine[tables.CASES]])
    projects = await incubation_commands.own_summaries(rt, youth_id, [r["project_id"] for r in mine[tables.PROJECTS]])
    return {
        "services": [{"recordId": r["record_id"], "stationId": r["station_id"], "serviceType": r["service_type"],
                      "deliveredOn": r["delivered_on"].isoformat()} for r in mine[tables.SERVICES]],
        "bookings": [_booking(r) for r in mine[tables.BOOKINGS]],
        "enrolments": [_enrolment(r) for r in mine[tables.ENROLMENTS]],
        "ratings": [{"stationId": r["station_id"], "on": r["rated_on"].isoformat(), "score": r["score"],
                     "comment": r["comment"]} for r in mine[tables.RATINGS]],
        "cases": [own_case(r) | {"summary": summaries[r["case_id"]]} for r in mine[tables.CASES]],
        "volunteering": [{"shiftId": r["shift_id"], "stationId": r["station_id"], "eventId": r["event_id"],
                          "day": r["day"].isoformat(), "hours": r["minutes"] / 60} for r in mine[tables.VOLUNTEERING]],
        "projects": [{"projectId": r["project_id"], "stationId": r["station_id"], "title": r["title"], "field": r["field"],
                      "status": r["status"], "appliedAt": r["applied_at"].isoformat(),
                      "summary": projects[r["project_id"]]} for r in mine[tables.PROJECTS]],
        "roleModels": await own_nominations(request, youth_id),  # 榜样 nominations, with the profile to be published
        "campaignEntries": await own_entries(rt, youth_id),  # media campaigns: their titles and links included
        "internshipApplications": [application(r) for r in mine[tables.INTERNSHIPS]],
    }


@router.get("/enrolments", summary="本人报名的项目")
async def my_enrolments(request: Request, youth_id: str = Depends(own_youth_id)) -> dict:
    return {"enrolments": [_enrolment(r) for r in await own_list(request, tables.ENROLMENTS, youth_id)]}


def _booking(r) -> dict:
    return {"eventId": r["event_id"], "title": r["title"], "startsAt": r["starts_at"].isoformat()}


def _enrolment(r) -> dict:
    return {"programmeId": r["programme_id"], "name": r["name"], "enrolledOn": r["enrolled_on"].isoformat()}
