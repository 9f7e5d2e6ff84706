"""The 22 measures: the plan (loaded from the league office's file), milestones, and what the departments
report — progress by the lead department, contributions by the supporting ones."""
from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from chassis.auth import DEPARTMENT_STAFF, Principal
from chassis.commands import transaction
from chassis.errors import FieldError, Forbidden, ValidationFailed
from chassis.http import Accepted, ApiModel
from chassis.service import caller

from ..commands import apply_plan
from ..domain import measure
from ..plan import MEASURES, Plan
from .common import MEASURE_OFFICE, MeasureId, MilestoneId, execute, rt_of, stores, today

router = APIRouter(prefix="/measures", tags=["measures"])
REPORTERS = ("admin", DEPARTMENT_STAFF)  # the league office for anyone; a department for its own measures


class AddMilestoneRequest(ApiModel):
    title: str
    due_on: date


Links = list[str]
EVIDENCE = Field(default_factory=list, max_length=20, description="佐证链接（http(s) 网址，至多 10 个）")


class ReportProgressRequest(ApiModel):
    percent: int
    note: str = Field("", max_length=measure.NOTE_MAX, description="做了什么")
    evidence: Links = EVIDENCE
    reported_on: date | None = Field(None, description="报告日期（默认今天）")


class ContributionRequest(ApiModel):
    note: str = Field(max_length=measure.NOTE_MAX, description="本单位做了什么")
    evidence: Links = EVIDENCE
    contributed_on: date | None = None


class PlannedMilestoneBody(ApiModel):
    id: uuid.UUID
    title: str
    due_on: date


class PlannedMeasureBody(ApiModel):
    id: str = Field(pattern=r"^M\d{2}$")
    area: str
    title: str
    lead: str
    supporting: list[str] = Field(default_factory=list, max_length=30)
    target_on: date | None = None
    milestones: list[PlannedMilestoneBody] = Field(default_factory=list, max_length=30)


class PlanRequest(ApiModel):
    examples: bool
    measures: list[PlannedMeasureBody] = Field(max_length=MEASURES)


class PlanLoaded(ApiModel):
    changes: int
    measures_changed: list[str]
    position: str | None


def _acting_for(who: Principal) -> str | None:
    """The department a caller reports for; the league office (admin) reports as itself (None)."""
    return None if who.has_any(*MEASURE_OFFICE) else who.department


def _plan_of(body: PlanRequest) -> Plan:
    ids = [m.id for m in body.measures]
    if len(ids) != MEASURES or len(set(ids)) != MEASURES:
        raise ValidationFailed([FieldError("measures", f"应有 {MEASURES} 条措施，编号各不相同", "count")])
    if {m.area for m in body.measures} != set(measure.Area.__members__):
        raise ValidationFailed([FieldError("measures", "五个方面都须有措施", "areas")])
    return Plan(examples=body.examples, measures=tuple(measure.PlanMeasure(
        measure_id=m.id, area=m.area, title=m.title, lead=m.lead, partners=tuple(m.supporting),
        placeholder=body.examples, target_on=m.target_on,
        milestones=tuple(measure.PlannedMilestone(str(s.id), s.title, s.due_on) for s in m.milestones))
        for m in body.measures))


@router.post("/plan", response_model=PlanLoaded, summary="载入 22 条措施清单（联席会议办公室；每处变化记为事件）")
async def load_plan(body: PlanRequest, request: Request, who: Principal = Depends(caller)):
    who.require(*MEASURE_OFFICE)
    if who.district is not None:  # the measures are the city's: the league office loads them city-wide
        raise Forbidden("措施清单由市级联席会议办公室载入（全市范围的令牌）。", rule="district")
    rt = rt_of(request)
    plan = _plan_of(body)
    async with transaction(rt.pool) as conn:
        envelopes = await apply_plan(conn, stores(rt).measure, plan, today(rt))
    return PlanLoaded(changes=len(envelopes), measures_changed=sorted({e.data["measure_id"] for e in envelopes}),
                      position=envelopes[-1].position if envelopes else None)


async def _act(request: Request, measure_id: str, command, entity_id: str | None = None):
    rt = rt_of(request)
    return await execute(rt, stores(rt).measure, measure.measure, measure.stream_id(measure_id), command,
                         entity_id or measure_id)


@router.post("/{measureId}/milestones", status_code=201, response_model=Accepted, summary="新增工作节点")
async def add_milestone(body: AddMilestoneRequest, request: Request, measure_id: MeasureId,
                        who: Principal = Depends(caller)):
    who.require(*MEASURE_OFFICE)
    milestone_id = str(uuid.uuid4())
    return await _act(request, measure_id,
                      measure.AddMilestone(milestone_id=milestone_id, title=body.title, due_on=body.due_on),
                      entity_id=milestone_id)


@router.post("/{measureId}/milestones/{milestoneId}/complete", response_model=Accepted, summary="完成工作节点")
async def complete_milestone(milestone_id: MilestoneId, request: Request, measure_id: MeasureId,
                             who: Principal = Depends(caller)):
    who.require(*MEASURE_OFFICE)
    return await _act(request, measure_id,
                      measure.CompleteMilestone(milestone_id=str(milestone_id), today=today(rt_of(request))),
                      entity_id=str(milestone_id))


@router.post("/{measureId}/progress", response_model=Accepted,
             summary="报告推进进度（牵头单位报告本单位牵头的措施；联席会议办公室可代报）")
async def report_progress(body: ReportProgressRequest, request: Request, measure_id: MeasureId,
                          who: Principal = Depends(caller)):
    who.require(*REPORTERS)
    return await _act(request, measure_id, measure.ReportProgress(
        percent=body.percent, note=body.note, today=today(rt_of(request)), acting_for=_acting_for(who),
        evidence=tuple(body.evidence), reported_on=body.reported_on))


@router.post("/{measureId}/contributions", response_model=Accepted, summary="配合单位填写工作贡献")
async def add_contribution(body: ContributionRequest, request: Request, measure_id: MeasureId,
                           who: Principal = Depends(caller)):
    who.require(DEPARTMENT_STAFF)
    assert who.department is not None  # the verifier refuses a department_staff token without one
    return await _act(request, measure_id, measure.AddContribution(
        acting_for=who.department, note=body.note, today=today(rt_of(request)), evidence=tuple(body.evidence),
        contributed_on=body.contributed_on))
