"""Programmes (e.g. 新青年学堂骑手班): sessions, enrolments, attendance, exams, scholarships."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from chassis.auth import Principal
from chassis.http import Accepted, ApiModel
from chassis.service import caller

from ..commands import enrolment, execute
from ..deps import runtime
from ..domain import programme
from .common import STAFF

router = APIRouter(tags=["programmes"])
ENROLMENT = "/programmes/{programme_id}/enrolments/{youth_id}"  # one person's enrolment in one programme


class CreateProgrammeRequest(ApiModel):
    name: str
    kind: str = Field(description="项目类别，如 RIDER_DIPLOMA（新青年学堂骑手班）")
    district: str
    starts_on: date


class AddSessionRequest(ApiModel):
    title: str
    starts_at: datetime


class EnrolRequest(ApiModel):
    youth_id: uuid.UUID


class AttendanceRequest(ApiModel):
    session_id: uuid.UUID


class ExamRequest(ApiModel):
    result: str = Field(description="PASSED | FAILED")
    exam_on: date


class ScholarshipRequest(ApiModel):
    amount: Decimal = Field(description="元，最多两位小数")
    paid_on: date


@router.post("/programmes", status_code=201, response_model=Accepted, summary="新建培养项目")
async def create_programme(body: CreateProgrammeRequest, request: Request, who: Principal = Depends(caller)):
    who.require_in(body.district, *STAFF)
    rt, pid = runtime(request), str(uuid.uuid4())
    return await execute(rt, rt.deps.stores.programme, programme.programme, programme.programme_stream(pid),
                         programme.CreateProgramme(pid, body.name, body.kind, body.district, body.starts_on), pid)


@router.post("/programmes/{programme_id}/sessions", status_code=201, response_model=Accepted, summary="新增课次")
async def add_session(programme_id: uuid.UUID, body: AddSessionRequest, request: Request,
                      who: Principal = Depends(caller)):
    who.require(*STAFF)
    rt, pid, session_id = runtime(request), str(programme_id), str(uuid.uuid4())
    result = await execute(rt, rt.deps.stores.programme, programme.programme, programme.programme_stream(pid),
                           programme.AddSession(session_id, body.title, body.starts_at), pid, who=who)
    return {**result, "id": session_id}


@router.post("/programmes/{programme_id}/enrolments", status_code=201, response_model=Accepted, summary="报名")
async def enrol(programme_id: uuid.UUID, body: EnrolRequest, request: Request, who: Principal = Depends(caller)):
    who.require(*STAFF)
    rt = runtime(request)
    today = rt.deps.clock.today()
    return await enrolment(rt, who, str(programme_id), str(body.youth_id),
                           lambda p: programme.Enrol(p, str(body.youth_id), today))


@router.post(f"{ENROLMENT}/attendance", response_model=Accepted, summary="登记课次出勤")
async def attend(programme_id: uuid.UUID, youth_id: uuid.UUID, body: AttendanceRequest, request: Request,
                 who: Principal = Depends(caller)):
    return await _staff_step(request, who, programme_id, youth_id,
                             lambda p: programme.RecordAttendance(p, str(body.session_id)))


@router.post(f"{ENROLMENT}/exam", response_model=Accepted, summary="登记考试结果")
async def exam(programme_id: uuid.UUID, youth_id: uuid.UUID, body: ExamRequest, request: Request,
               who: Principal = Depends(caller)):
    return await _staff_step(request, who, programme_id, youth_id,
                             lambda p: programme.RecordExamResult(body.result, body.exam_on))


@router.post(f"{ENROLMENT}/scholarship", response_model=Accepted, summary="发放奖学金")
async def scholarship(programme_id: uuid.UUID, youth_id: uuid.UUID, body: ScholarshipRequest, request: Request,
                      who: Principal = Depends(caller)):
    return await _staff_step(request, who, programme_id, youth_id,
                             lambda p: programme.PayScholarship(body.amount, body.paid_on))


async def _staff_step(request: Request, who: Principal, programme_id: uuid.UUID, youth_id: uuid.UUID, make):
    """Station staff act on a person's enrolment in a programme of their district; `make(programme)` is the
    command, built on the programme's current state."""
    who.require(*STAFF)
    return await enrolment(runtime(request), who, str(programme_id), str(youth_id), make)
