"""Staff steps on a case, forwarded to the stations service (which checks roles, the case's district, the
youth's consent to a referral and every other rule again)."""
from __future__ import annotations

from datetime import datetime

import strawberry

from ..common import STATIONS, CommandResult, body, command, forwarded, input_mutation
from .types import Category, Outcome, Urgency


@strawberry.input(description="登记个案：来访青年，或来自 12345 工单（给出 appealId）")
class OpenCaseInput:
    category: Category
    district: str
    summary: str = strawberry.field(description="青年本人所述或认可的诉求摘要（加密保存，不进入看板与消息）")
    urgency: Urgency = Urgency.NORMAL
    station_id: strawberry.ID | None = None
    youth_id: strawberry.ID | None = strawberry.field(default=None, description="登记青年编号（已登记时）")
    appeal_id: strawberry.ID | None = strawberry.field(default=None, description="来源 12345 工单编号")
    at: datetime | None = None


@strawberry.type
class Mutation:
    open_case = input_mutation(STATIONS, "/cases", OpenCaseInput, "登记个案（站点工作人员：来访或 12345 工单）")

    @forwarded(STATIONS, "/cases/{case_id}/triage", "分诊：确认类别与紧急程度，指定承办人或单位（首次响应）")
    async def triage_case(self, info: strawberry.Info, case_id: strawberry.ID, category: Category, urgency: Urgency,
                          assignee: str, at: datetime | None = None) -> CommandResult: ...

    @forwarded(STATIONS, "/cases/{case_id}/referral",
               "转介至机构；consent：青年已同意本次转介（未同意则拒绝，不发布）；"
               "shareContact/contact：青年另行同意向该机构提供的联系方式")
    async def refer_case(self, info: strawberry.Info, case_id: strawberry.ID, agency: str, consent: bool,
                         at: datetime | None = None, share_contact: bool = False,
                         contact: str | None = None) -> CommandResult: ...

    @strawberry.mutation(description="登记机构答复：受理，或不予受理及理由")
    async def record_agency_answer(self, info: strawberry.Info, case_id: strawberry.ID, accepted: bool,
                                   reason: str = "", at: datetime | None = None) -> CommandResult:
        # the default "" = no reason given: dropped (the service refuses blank text in any field)
        return await command(info, STATIONS, f"/cases/{case_id}/agency-answer",
                             json=body(accepted=accepted, reason=reason or None, at=at))

    @forwarded(STATIONS, "/cases/{case_id}/mediation", "进入调解")
    async def start_case_mediation(self, info: strawberry.Info, case_id: strawberry.ID,
                                   at: datetime | None = None) -> CommandResult: ...

    @forwarded(STATIONS, "/cases/{case_id}/aid", "获批法律援助")
    async def grant_case_aid(self, info: strawberry.Info, case_id: strawberry.ID,
                             at: datetime | None = None) -> CommandResult: ...

    @forwarded(STATIONS, "/cases/{case_id}/resolve", "办结个案")
    async def resolve_case(self, info: strawberry.Info, case_id: strawberry.ID, outcome: Outcome,
                           at: datetime | None = None) -> CommandResult: ...

    @forwarded(STATIONS, "/cases/{case_id}/rating", "登记青年评价（1–5）")
    async def rate_case(self, info: strawberry.Info, case_id: strawberry.ID, rating: int,
                        at: datetime | None = None) -> CommandResult: ...

    @forwarded(STATIONS, "/cases/{case_id}/reopen", "重新办理（办结后 30 天内）")
    async def reopen_case(self, info: strawberry.Info, case_id: strawberry.ID, reason: str,
                          at: datetime | None = None) -> CommandResult: ...
