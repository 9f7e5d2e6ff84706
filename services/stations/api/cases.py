"""Cases (求助个案) for station staff: open one for a walk-in or from a 12345 appeal, then triage, refer
(with the youth's consent to that referral), record the agency's answer, mediation or aid, resolve, rate,
reopen. The summary is read only through its own audited route."""
from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter, Depends, Request
from pydantic import ConfigDict, Field

from chassis.auth import Principal
from chassis.http import Accepted, ApiModel
from chassis.purpose import purpose_header
from chassis.service import caller
from contracts.stations import CaseSource

from .. import commands
from ..deps import runtime
from ..domain import case
from .common import STAFF, moment

router = APIRouter(tags=["cases"])


class OpenCaseRequest(ApiModel):
    model_config = ConfigDict(str_max_length=case.SUMMARY_MAX)
    category: str = Field(description="CAREER | SOCIAL_SECURITY | LEGAL_ADVICE | … | OTHER")
    urgency: str = Field("NORMAL", description="NORMAL | URGENT | CRITICAL")
    district: str
    summary: str = Field(description="青年本人所述或认可的诉求摘要（个人信息：加密保存，不外传）")
    station_id: str | None = Field(None, description="受理站点")
    youth_id: str | None = Field(None, description="登记青年编号（已登记时）")
    appeal_id: uuid.UUID | None = Field(None, description="来自 12345 工单时的工单编号")
    at: datetime | None = None


class StepRequest(ApiModel):
    at: datetime | None = Field(None, description="发生时间；缺省为现在")


class TriageRequest(StepRequest):
    category: str
    urgency: str
    assignee: str = Field(description="承办人或单位")


class ReferRequest(StepRequest):
    agency: str = Field(description="机构代码（contracts/agencies.py），如 HRSS")
    consent: bool = Field(description="青年已同意本次转介（针对该机构；每次转介单独征得）")
    share_contact: bool = Field(False, description="青年另行同意向该机构提供联系方式")
    contact: str | None = Field(None, max_length=100,
                                description="青年同意提供的联系方式（个人信息：加密保存，仅在发布时解密）")


class AgencyAnswerRequest(StepRequest):
    accepted: bool
    reason: str = Field("", description="不予受理的理由")


class ResolveRequest(StepRequest):
    outcome: str = Field(description="SETTLED | AID_GIVEN | ADVICE_GIVEN | WITHDRAWN | UNREACHABLE")


class RateRequest(StepRequest):
    rating: int = Field(description="1–5")


class ReopenRequest(StepRequest):
    reason: str


@router.post("/cases", status_code=201, response_model=Accepted, summary="登记个案（来访或 12345 工单）")
async def open_case(body: OpenCaseRequest, request: Request, who: Principal = Depends(caller)):
    who.require_in(body.district, *STAFF)
    rt = runtime(request)
    appeal_id = str(body.appeal_id) if body.appeal_id else None
    command = case.OpenCase(
        case_id=case.case_id_for_appeal(appeal_id) if appeal_id else str(uuid.uuid4()),
        source=CaseSource.APPEAL if appeal_id else CaseSource.WALK_IN, category=body.category,
        urgency=body.urgency, district=body.district, summary=body.summary, at=moment(rt, body.at),
        deadlines=rt.deps.case_deadlines, station_id=body.station_id, youth_id=body.youth_id, appeal_id=appeal_id)
    return await commands.open_case(rt, who, command)


async def _step(request: Request, who: Principal, case_id: uuid.UUID, body: StepRequest, make) -> dict:
    """`make(at)` is the command, at the moment the body names (now by default)."""
    who.require(*STAFF)
    rt = runtime(request)
    return await commands.case_step(rt, who, str(case_id), make(moment(rt, body.at)))


@router.post("/cases/{case_id}/triage", response_model=Accepted, summary="分诊：确认类别与紧急程度，指定承办")
async def triage(case_id: uuid.UUID, body: TriageRequest, request: Request, who: Principal = Depends(caller)):
    deadlines = runtime(request).deps.case_deadlines
    return await _step(request, who, case_id, body, lambda at: case.TriageCase(
        body.category, body.urgency, body.assignee, at, deadlines))


@router.post("/cases/{case_id}/referral", response_model=Accepted, summary="转介至机构（须青年同意本次转介）")
async def refer(case_id: uuid.UUID, body: ReferRequest, request: Request, who: Principal = Depends(caller)):
    terms = runtime(request).deps.referral_terms.get(body.agency)
    takes = terms.categories if terms else frozenset()  # no referral section: the agency takes none
    return await _step(request, who, case_id, body, lambda at: case.ReferCase(
        body.agency, body.consent, at, takes, body.share_contact, body.contact))


@router.post("/cases/{case_id}/agency-answer", response_model=Accepted, summary="登记机构答复（受理 / 不予受理）")
async def agency_answer(case_id: uuid.UUID, body: AgencyAnswerRequest, request: Request,
                        who: Principal = Depends(caller)):
    return await _step(request, who, case_id, body,
                       lambda at: case.RecordAgencyAnswer(body.accepted, body.reason, at))


@router.post("/cases/{case_id}/mediation", response_model=Accepted, summary="进入调解")
async def mediation(case_id: uuid.UUID, body: StepRequest, request: Request, who: Principal = Depends(caller)):
    return await _step(request, who, case_id, body, case.StartMediation)


@router.post("/cases/{case_id}/aid", response_model=Accepted, summary="获批法律援助")
async def aid(case_id: uuid.UUID, body: StepRequest, request: Request, who: Principal = Depends(caller)):
    return await _step(request, who, case_id, body, case.GrantAid)


@router.post("/cases/{case_id}/resolve", response_model=Accepted, summary="办结")
async def resolve(case_id: uuid.UUID, body: ResolveRequest, request: Request, who: Principal = Depends(caller)):
    return await _step(request, who, case_id, body, lambda at: case.ResolveCase(body.outcome, at))


@router.post("/cases/{case_id}/rating", response_model=Accepted, summary="青年评价（1–5，由工作人员代录）")
async def rate(case_id: uuid.UUID, body: RateRequest, request: Request, who: Principal = Depends(caller)):
    return await _step(request, who, case_id, body, lambda at: case.RateCase(body.rating, at))


@router.post("/cases/{case_id}/reopen", response_model=Accepted, summary="重新办理（办结后 30 天内）")
async def reopen(case_id: uuid.UUID, body: ReopenRequest, request: Request, who: Principal = Depends(caller)):
    deadlines = runtime(request).deps.case_deadlines
    return await _step(request, who, case_id, body, lambda at: case.ReopenCase(body.reason, at, deadlines))


@router.get("/cases/{case_id}/summary", summary="读取诉求摘要（本区站点工作人员与管理员；留痕）")
async def summary(case_id: uuid.UUID, request: Request, purpose: str = Depends(purpose_header(required=True, max_length=200)),
                  who: Principal = Depends(caller)) -> dict:
    who.require(*STAFF)
    text = await commands.read_case_summary(runtime(request), who, str(case_id), purpose)
    return {"caseId": str(case_id), "summary": text, "erased": text is None}
