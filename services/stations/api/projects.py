"""筑梦空间 incubation projects and internships: a young person applies at a DREAM_SPACE station with their own token; the
staff of the station's district support or decline it, note its milestones and end it. Staff
list internships offered by partner companies at a station of their district, and close them."""
from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from chassis.auth import Principal
from chassis.http import Accepted, ApiModel
from chassis.own_record import own_youth_id
from chassis.purpose import purpose_header
from chassis.service import caller

from .. import incubation_commands, tables
from ..deps import runtime
from ..domain import incubation, internship
from .common import STAFF, moment, own_list

router = APIRouter(tags=["dream-space"])


class ApplyRequest(ApiModel):
    station_id: uuid.UUID
    title: str
    field: str = Field(description="ONLINE_LITERATURE | INDIE_MUSIC | DESIGN | LIVE_STREAMING | OTHER")
    summary: str = Field(max_length=incubation.SUMMARY_MAX, description=f"项目简介（不超过 {incubation.SUMMARY_MAX} 字）")


class InternshipRequest(ApiModel):
    station_id: uuid.UUID
    company: str = Field(description="企业名称")
    title: str = Field(description="岗位名称")
    places: int = Field(description=f"名额（1–{internship.PLACES_MAX} 人）")


class StepRequest(ApiModel):
    at: datetime | None = None


class DeclineRequest(StepRequest):
    reason: str


class MilestoneRequest(StepRequest):
    note: str


class EndRequest(StepRequest):
    outcome: str = Field(description="COMPLETED | STOPPED")


@router.post("/me/projects", status_code=201, response_model=Accepted, summary="本人申请筑梦空间孵化项目")
async def apply(body: ApplyRequest, request: Request, youth_id: str = Depends(own_youth_id)):
    rt = runtime(request)
    command = incubation.ApplyForProject(str(uuid.uuid4()), youth_id, str(body.station_id), "", "", body.title,
                                         body.field, body.summary, rt.deps.clock.now())
    return await incubation_commands.apply(rt, command)


@router.get("/me/projects", summary="本人的孵化项目")
async def my_projects(request: Request, youth_id: str = Depends(own_youth_id)) -> list[dict]:
    return [{"id": r["project_id"], "stationId": r["station_id"], "district": r["district"], "title": r["title"],
             "field": r["field"], "status": r["status"], "appliedAt": r["applied_at"].isoformat()}
            for r in await own_list(request, tables.PROJECTS, youth_id)]


async def _step(request: Request, who: Principal, project_id: uuid.UUID, command: incubation.ProjectCommand) -> dict:
    who.require(*STAFF)
    return await incubation_commands.step(runtime(request), who, str(project_id), command)


@router.get("/projects/{project_id}/summary", summary="读取孵化项目简介（本区站点工作人员与管理员；留痕）")
async def summary(project_id: uuid.UUID, request: Request, who: Principal = Depends(caller),
                  purpose: str = Depends(purpose_header(required=True, max_length=200))) -> dict:
    who.require(*STAFF)
    text = await incubation_commands.read_summary(runtime(request), who, str(project_id), purpose)
    return {"projectId": str(project_id), "summary": text, "erased": text is None}


@router.post("/projects/{project_id}/support", response_model=Accepted, summary="支持孵化项目")
async def support(project_id: uuid.UUID, body: StepRequest, request: Request, who: Principal = Depends(caller)):
    return await _step(request, who, project_id, incubation.SupportProject(moment(runtime(request), body.at)))


@router.post("/projects/{project_id}/decline", response_model=Accepted, summary="不予支持孵化项目")
async def decline(project_id: uuid.UUID, body: DeclineRequest, request: Request, who: Principal = Depends(caller)):
    command = incubation.DeclineProject(body.reason, moment(runtime(request), body.at))
    return await _step(request, who, project_id, command)


@router.post("/projects/{project_id}/milestones", response_model=Accepted, summary="记录项目里程碑")
async def milestone(project_id: uuid.UUID, body: MilestoneRequest, request: Request,
                    who: Principal = Depends(caller)):
    command = incubation.NoteMilestone(body.note, moment(runtime(request), body.at))
    return await _step(request, who, project_id, command)


@router.post("/projects/{project_id}/end", response_model=Accepted, summary="项目结项（完成或终止）")
async def end(project_id: uuid.UUID, body: EndRequest, request: Request, who: Principal = Depends(caller)):
    return await _step(request, who, project_id, incubation.EndProject(body.outcome, moment(runtime(request), body.at)))


@router.post("/internships", status_code=201, response_model=Accepted, summary="发布合作企业实习岗位")
async def offer_internship(body: InternshipRequest, request: Request, who: Principal = Depends(caller)):
    who.require(*STAFF)
    command = internship.OfferInternship(str(uuid.uuid4()), str(body.station_id), "", body.company, body.title,
                                         body.places)
    return await incubation_commands.offer_internship(runtime(request), who, command)


@router.post("/internships/{internship_id}/close", response_model=Accepted, summary="关闭实习岗位")
async def close_internship(internship_id: uuid.UUID, request: Request, who: Principal = Depends(caller)):
    who.require(*STAFF)
    return await incubation_commands.close_internship(runtime(request), who, str(internship_id))
