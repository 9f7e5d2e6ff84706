"""The 22 measures: milestones and progress, kept by the joint meeting office."""
from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from chassis.auth import Principal
from chassis.commands import accepted, transaction
from chassis.http import Accepted, ApiModel
from chassis.service import caller

from ..commands import run
from ..domain import measure
from .common import MEASURE_OFFICE, MeasureId, MilestoneId, rt_of, stores, today

router = APIRouter(prefix="/measures", tags=["measures"])


class AddMilestoneRequest(ApiModel):
    title: str
    due_on: date


class ReportProgressRequest(ApiModel):
    percent: int
    note: str = Field("", max_length=measure.NOTE_MAX)


async def _act(request: Request, who: Principal, measure_id: str, command, entity_id: str | None = None):
    who.require(*MEASURE_OFFICE)
    rt = rt_of(request)
    async with transaction(rt.pool) as conn:
        envelopes, _ = await run(conn, stores(rt).measure, measure.measure, measure.stream_id(measure_id), command)
    return accepted(envelopes, entity_id or measure_id)


@router.post("/{measureId}/milestones", status_code=201, response_model=Accepted, summary="新增工作节点")
async def add_milestone(body: AddMilestoneRequest, request: Request, measure_id: MeasureId,
                        who: Principal = Depends(caller)):
    milestone_id = str(uuid.uuid4())
    return await _act(request, who, measure_id,
                      measure.AddMilestone(milestone_id=milestone_id, title=body.title, due_on=body.due_on),
                      entity_id=milestone_id)


@router.post("/{measureId}/milestones/{milestoneId}/complete", response_model=Accepted, summary="完成工作节点")
async def complete_milestone(milestone_id: MilestoneId, request: Request, measure_id: MeasureId,
                             who: Principal = Depends(caller)):
    rt = rt_of(request)
    return await _act(request, who, measure_id,
                      measure.CompleteMilestone(milestone_id=str(milestone_id), today=today(rt)),
                      entity_id=str(milestone_id))


@router.post("/{measureId}/progress", response_model=Accepted, summary="报告推进进度")
async def report_progress(body: ReportProgressRequest, request: Request, measure_id: MeasureId,
                          who: Principal = Depends(caller)):
    rt = rt_of(request)
    return await _act(request, who, measure_id,
                      measure.ReportProgress(percent=body.percent, note=body.note, today=today(rt)))

