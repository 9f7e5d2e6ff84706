"""What `me` shows of a young person's own cases (求助个案), from the stations service (which asks the
registry whose record the token's account is linked to, so no argument names a person)."""
from __future__ import annotations

from datetime import date

import strawberry

from contracts.stations import AgencyStatus, CaseCategory, CaseOutcome, CaseSource, CaseStatus, CaseUrgency

from ..cases.types import AtAgency, Category, Outcome, Source, Status, Urgency
from ..common import STATIONS, forward


@strawberry.type(description="本人的求助个案（本人登记的，及站点工作人员为本人登记的）")
class MyCase:
    id: strawberry.ID
    source: Source
    status: Status
    category: Category
    urgency: Urgency
    district: str
    opened_on: date = strawberry.field(description="登记日期（北京时间）")
    agency: str | None = strawberry.field(description="转介机构代码（当前或最近一次）")
    outcome: Outcome | None
    rating: int | None = strawberry.field(description="本人的评价（1–5）")
    agency_status: AtAgency | None = strawberry.field(default=None, description="转介机构的办理状态（来自机构答复）")

    @strawberry.field(description="本人所述的诉求摘要（删除登记信息后为空）")
    async def summary(self, info: strawberry.Info) -> str | None:
        answer = await forward(info, STATIONS, f"/me/cases/{self.id}/summary", method="GET")
        return answer["summary"]


async def my_cases(info: strawberry.Info) -> list[MyCase]:
    answer = await forward(info, STATIONS, "/me/cases", method="GET")
    return [MyCase(id=c["caseId"], source=CaseSource(c["source"]), status=CaseStatus(c["status"]),
                   category=CaseCategory(c["category"]), urgency=CaseUrgency(c["urgency"]), district=c["district"],
                   opened_on=date.fromisoformat(c["openedOn"]), agency=c["agency"],
                   outcome=CaseOutcome(c["outcome"]) if c["outcome"] else None, rating=c["rating"],
                   agency_status=AgencyStatus(c["agencyStatus"]) if c.get("agencyStatus") else None)
            for c in answer["cases"]]
