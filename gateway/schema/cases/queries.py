"""The cases list (keyset pages over the gateway's read model, district-scoped) and the audited read of one
case's summary (forwarded to the stations service, which checks the district and records the read)."""
from __future__ import annotations

import strawberry

from ...tables import cases as tables
from ..common import STATIONS, forward
from ..pagination import Connection, scoped_page
from .types import CASE_STAFF, Case, CaseFilter, CaseSummary, to_case


@strawberry.type
class Query:
    @strawberry.field(description="求助个案列表（新到旧分页）；可按状态、类别、区县、承办单位、转介机构、站点筛选，区级令牌只看本区")
    async def cases(self, info: strawberry.Info, filter: CaseFilter | None = None, first: int | None = None,
                    after: str | None = None) -> Connection[Case]:
        chosen = filter or CaseFilter()
        return await scoped_page(
            info, CASE_STAFF, chosen.district, first, after, tables.list_cases, {
                "status": chosen.status.value if chosen.status else None,
                "category": chosen.category.value if chosen.category else None, "unit": chosen.unit,
                "agency": chosen.agency, "station_id": chosen.station_id},
            node=to_case, order=("opened_at", "case_id"))

    @strawberry.field(description="读取个案的诉求摘要：仅本区站点工作人员与管理员，须说明用途，每次读取留痕")
    async def case_summary(self, info: strawberry.Info, case_id: strawberry.ID, purpose: str) -> CaseSummary:
        info.context.principal.require(*CASE_STAFF)
        answer = await forward(info, STATIONS, f"/cases/{case_id}/summary", method="GET",
                               params={"purpose": purpose})
        return CaseSummary(case_id=answer["caseId"], summary=answer["summary"], erased=answer["erased"])
