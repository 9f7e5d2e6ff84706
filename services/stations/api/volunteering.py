"""Volunteering (志愿服务): shifts at stations and events, sign-up, hours served, certificates of hours.

Staff of the shift's district publish shifts, add volunteers and record hours; a young person signs up
themselves and reads their own hours and certificate (youth token: the registry tells whose record it is).
"""
from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from chassis.auth import Principal
from chassis.http import Accepted, ApiModel
from chassis.own_record import own_youth_id
from chassis.service import caller

from .. import commands, tables
from ..deps import runtime
from ..domain import volunteering
from .common import STAFF, own_list

router = APIRouter(tags=["volunteering"])


class PublishShiftRequest(ApiModel):
    district: str
    starts_at: datetime
    ends_at: datetime
    places: int = Field(description="名额（人）")
    station_id: uuid.UUID | None = Field(None, description="站点与活动至少指定一项")
    event_id: uuid.UUID | None = None


class VolunteerRequest(ApiModel):
    youth_id: uuid.UUID


class HoursRequest(ApiModel):
    youth_id: uuid.UUID
    hours: float = Field(description="服务时长（小时，按分钟取整）；不超过班次时长")
    reason: str | None = Field(None, description="更正原因（仅更正时需要）")


class OwnShiftRequest(ApiModel):
    shift_id: uuid.UUID


def _minutes(hours: float) -> int:
    return round(hours * 60)


@router.post("/volunteer-shifts", status_code=201, response_model=Accepted, summary="发布志愿服务班次")
async def publish_shift(body: PublishShiftRequest, request: Request, who: Principal = Depends(caller)):
    who.require_in(body.district, *STAFF)
    command = volunteering.PublishShift(
        str(uuid.uuid4()), body.district, body.starts_at, body.ends_at, body.places,
        str(body.station_id) if body.station_id else None, str(body.event_id) if body.event_id else None)
    return await commands.publish_shift(runtime(request), who, command)


@router.post("/volunteer-shifts/{shift_id}/volunteers", response_model=Accepted, summary="为青年报名班次")
async def add_volunteer(shift_id: uuid.UUID, body: VolunteerRequest, request: Request,
                        who: Principal = Depends(caller)):
    who.require(*STAFF)
    return await commands.shift_step(runtime(request), who, str(shift_id),
                                     volunteering.SignUpForShift(str(body.youth_id)))


@router.post("/volunteer-shifts/{shift_id}/hours", response_model=Accepted,
             summary="登记服务时长（重复登记同一人同一班次不重复计数）")
async def record_hours(shift_id: uuid.UUID, body: HoursRequest, request: Request, who: Principal = Depends(caller)):
    who.require(*STAFF)
    return await commands.shift_step(runtime(request), who, str(shift_id),
                                     volunteering.RecordHours(str(body.youth_id), _minutes(body.hours)))


@router.post("/volunteer-shifts/{shift_id}/hours:correct", response_model=Accepted, summary="更正服务时长")
async def correct_hours(shift_id: uuid.UUID, body: HoursRequest, request: Request, who: Principal = Depends(caller)):
    who.require(*STAFF)
    command = volunteering.CorrectHours(str(body.youth_id), _minutes(body.hours), body.reason or "")
    return await commands.shift_step(runtime(request), who, str(shift_id), command)


@router.post("/volunteering/certificates", summary="开具志愿服务时长证明（本区工作人员：本区的时长）")
async def certify(body: VolunteerRequest, request: Request, who: Principal = Depends(caller)) -> dict:
    who.require(*STAFF)
    return await commands.certificate(runtime(request), str(body.youth_id), who.district)


@router.post("/me/volunteer-shifts", status_code=201, response_model=Accepted, summary="本人报名志愿服务班次")
async def sign_up(body: OwnShiftRequest, request: Request, youth_id: str = Depends(own_youth_id)):
    rt = runtime(request)
    return await commands.shift_step(rt, None, str(body.shift_id),
                                     volunteering.SignUpForShift(youth_id, rt.deps.clock.now()))


@router.get("/me/volunteering", summary="本人的志愿服务时长")
async def my_hours(request: Request, youth_id: str = Depends(own_youth_id)) -> dict:
    rows = await own_list(request, tables.VOLUNTEERING, youth_id)
    return {"hours": sum(r["minutes"] for r in rows) / 60, "shifts": len(rows)}


@router.post("/me/volunteering/certificate", summary="本人申请志愿服务时长证明")
async def my_certificate(request: Request, youth_id: str = Depends(own_youth_id)) -> dict:
    return await commands.certificate(runtime(request), youth_id, None)
