"""A young person's own cases (求助个案, youth token): open one (source YOUTH), list those naming them, read
the summary of their own, rate their own resolved case. The person is never named in the request
(chassis.own_record); another person's case answers exactly like a case that does not exist."""
from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, Request
from pydantic import ConfigDict, Field

from chassis.clock import beijing_date
from chassis.http import Accepted, ApiModel
from chassis.own_record import own_youth_id
from contracts.stations import CaseSource

from .. import commands, tables
from ..deps import runtime
from ..domain import case
from .common import own_list

router = APIRouter(prefix="/me/cases", tags=["me"])


class OpenMyCaseRequest(ApiModel):
    model_config = ConfigDict(str_max_length=case.SUMMARY_MAX)
    category: str = Field(description="CAREER | SOCIAL_SECURITY | LEGAL_ADVICE | … | OTHER")
    summary: str = Field(description="本人所述的诉求（个人信息：加密保存，仅本人与本区站点工作人员可读）")
    district: str = Field(description="求助所在的区（GB/T 2260）")
    urgency: str = Field("NORMAL", description="NORMAL | URGENT | CRITICAL")


class RateMyCaseRequest(ApiModel):
    score: int = Field(description="1–5 分")


@router.post("", status_code=201, response_model=Accepted, summary="本人登记求助个案")
async def open_my_case(body: OpenMyCaseRequest, request: Request, youth_id: str = Depends(own_youth_id)):
    rt = runtime(request)
    command = case.OpenCase(
        case_id=str(uuid.uuid4()), source=CaseSource.YOUTH, category=body.category, urgency=body.urgency,
        district=body.district, summary=body.summary, at=rt.deps.clock.now(), deadlines=rt.deps.case_deadlines,
        youth_id=youth_id)
    return await commands.open_own_case(rt, command)


@router.get("", summary="本人的求助个案（本人登记的，及工作人员为本人登记的；新到旧）")
async def my_cases(request: Request, youth_id: str = Depends(own_youth_id)) -> dict:
    return {"cases": [own_case(r) for r in await own_list(request, tables.CASES, youth_id)]}


@router.get("/{case_id}/summary", summary="读取本人个案的诉求摘要")
async def my_case_summary(case_id: uuid.UUID, request: Request, youth_id: str = Depends(own_youth_id)) -> dict:
    summaries = await commands.own_case_summaries(runtime(request), youth_id, [str(case_id)])
    return {"caseId": str(case_id), "summary": summaries[str(case_id)]}


@router.post("/{case_id}/rating", response_model=Accepted, summary="本人评价已办结的个案（1–5 分，一次）")
async def rate_my_case(case_id: uuid.UUID, body: RateMyCaseRequest, request: Request,
                       youth_id: str = Depends(own_youth_id)):
    rt = runtime(request)
    return await commands.own_case_step(rt, youth_id, str(case_id), case.RateCase(body.score, rt.deps.clock.now()))


def own_case(r) -> dict:
    """One of the person's cases as `me` and their export show it (the summary is added by the export only)."""
    return {"caseId": r["case_id"], "source": r["source"], "category": r["category"], "urgency": r["urgency"],
            "district": r["district"], "status": r["status"], "openedAt": r["opened_at"].isoformat(),
            "openedOn": beijing_date(r["opened_at"]).isoformat(), "agency": r["agency"],
            "agencyStatus": r["agency_status"], "outcome": r["outcome"],
            "rating": r["rating"]}
