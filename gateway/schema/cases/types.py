"""The cases' GraphQL types: the taxonomy shared with the stations service (contracts/stations.py) and the
Case made from a cs_cases row. No summary on a Case: it is read through `caseSummary` (CaseSummary), audited."""
from __future__ import annotations

from datetime import datetime

import strawberry

from contracts.stations import AgencyStatus, CaseCategory, CaseOutcome, CaseSource, CaseStatus, CaseUrgency

CASE_STAFF = ("admin", "station_staff")  # who handles cases, and the only roles that see them

Category = strawberry.enum(CaseCategory, name="CaseCategory", description="个案类别")
Urgency = strawberry.enum(CaseUrgency, name="CaseUrgency", description="紧急程度")
Status = strawberry.enum(CaseStatus, name="CaseStatus", description="个案状态")
Outcome = strawberry.enum(CaseOutcome, name="CaseOutcome", description="办结结果")
Source = strawberry.enum(CaseSource, name="CaseSource", description="个案来源")
AtAgency = strawberry.enum(AgencyStatus, name="AgencyStatus", description="转介机构的办理状态（来自机构答复）")


@strawberry.type(description="求助个案（不含诉求摘要；摘要经 caseSummary 读取并留痕）")
class Case:
    id: strawberry.ID
    source: Source
    category: Category
    urgency: Urgency
    district: str
    station_id: strawberry.ID | None
    appeal_id: strawberry.ID | None = strawberry.field(description="来源 12345 工单")
    status: Status
    opened_at: datetime
    first_response_due: datetime
    resolve_due: datetime
    assignee: str | None
    first_response_in_time: bool | None
    first_response_overdue: bool
    agency: str | None = strawberry.field(description="转介机构代码（当前或最近一次）")
    agency_reason: str | None = strawberry.field(description="机构不予受理的理由")
    outcome: Outcome | None
    resolved_at: datetime | None
    resolved_in_time: bool | None
    resolution_overdue: bool
    rating: int | None
    reopened: int = strawberry.field(description="重新办理次数")
    agency_status: AtAgency | None = strawberry.field(
        default=None, description="转介机构的办理状态：已转介、受理、不予受理、办理中、调解中、办结等（来自机构答复）")


@strawberry.type(description="诉求摘要（个人信息）")
class CaseSummary:
    case_id: strawberry.ID
    summary: str | None = strawberry.field(description="青年已删除登记信息时为空")
    erased: bool


@strawberry.input(description="个案筛选")
class CaseFilter:
    status: Status | None = None
    category: Category | None = None
    district: str | None = strawberry.field(default=None, description="区县代码；区级令牌只能是本区")
    unit: str | None = strawberry.field(default=None, description="承办人或单位（分诊时指定）")
    agency: str | None = strawberry.field(default=None, description="转介机构代码（当前或最近一次）")
    station_id: strawberry.ID | None = strawberry.field(default=None, description="受理站点")


def to_case(r) -> Case:
    return Case(
        id=r["case_id"], source=CaseSource(r["source"]), category=CaseCategory(r["category"]),
        urgency=CaseUrgency(r["urgency"]), district=r["district"], station_id=r["station_id"],
        appeal_id=r["appeal_id"], status=CaseStatus(r["status"]), opened_at=r["opened_at"],
        first_response_due=r["first_response_due"], resolve_due=r["resolve_due"], assignee=r["assignee"],
        first_response_in_time=r["first_response_in_time"], first_response_overdue=r["first_response_overdue"],
        agency=r["agency"], agency_reason=r["agency_reason"],
        outcome=CaseOutcome(r["outcome"]) if r["outcome"] else None, resolved_at=r["resolved_at"],
        resolved_in_time=r["resolved_in_time"], resolution_overdue=r["resolution_overdue"], rating=r["rating"],
        reopened=r["reopened"], agency_status=AgencyStatus(r["agency_status"]) if r["agency_status"] else None)
