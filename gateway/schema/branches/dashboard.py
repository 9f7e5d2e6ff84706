"""The league organisation's figures on the dashboard: branches, members, coverage, transfers, the
organisations contacted, meeting compliance and the 22 measures (current state), and what happened
within the dashboard's date range."""
from __future__ import annotations

from datetime import date

import strawberry

from chassis.errors import FieldError, ValidationFailed
from chassis.reference import DISTRICTS

from ...tables import branches as tables
from ..common import Context
from .types import (
    AREAS,
    BRANCH_KINDS,
    STAGES,
    AreaProgress,
    BranchFigures,
    BranchKind,
    BranchPeriod,
    ComplianceFigures,
    Coverage,
    DistrictBranches,
    DistrictPipeline,
    KindCount,
    MeasureArea,
    MeasureFigures,
    OrganisationFigures,
    OrganisationStage,
    StageCount,
    to_measure,
)


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def check_quarter(quarter: str) -> str:
    if len(quarter) != 7 or not quarter[:4].isdigit() or quarter[4:6] != "-Q" or quarter[6] not in "1234":
        raise ValidationFailed([FieldError("quarter", "季度格式应为 YYYY-Qn，如 2026-Q4", "format")])
    return quarter


def chosen_quarter(info: strawberry.Info, quarter: str | None) -> str:
    """The quarter asked for, checked; without one the current quarter (Beijing, the gateway's clock)."""
    return check_quarter(quarter) if quarter else quarter_of(info.context.today())


def share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


@strawberry.type
class DashboardPart:
    @strawberry.field(description="团组织：团支部、团员、覆盖率、转接、联系的组织、三会两制一课、22 条措施（当前状态）；"
                                  "period 为看板日期范围内的动态")
    async def branches(self, info: strawberry.Info, quarter: str | None = None) -> BranchFigures:
        ctx: Context = info.context
        quarter = chosen_quarter(info, quarter)
        async with ctx.runtime.pool.acquire() as conn:
            counts = await tables.branch_counts(conn, self.district)
            pipeline = await tables.organisation_counts(conn, self.district)
            total, compliant = await tables.compliance_counts(conn, self.district, quarter)
            measures = [to_measure(r) for r in await tables.measure_rows(conn)]
            scope = self.scope
            period = await tables.period_counts(conn, scope.district, scope.date_from, scope.date_to)
        stages = pipeline["by_stage"]
        by_area = {}
        for m in measures:
            by_area.setdefault(m.area.value, []).append(m.progress)
        return BranchFigures(
            total=counts.branches,
            by_kind=[KindCount(kind=BranchKind[k], name=BRANCH_KINDS[k], count=n)
                     for k, n in sorted(counts.by_kind.items())],
            by_district=[DistrictBranches(district=d, name=DISTRICTS.get(d, d), branches=b, members=m)
                         for d, (b, m) in sorted(counts.by_district.items())],
            members=counts.members, applications_pending=counts.applications_pending,
            coverage=Coverage(registered=counts.riders_and_couriers, in_branch=counts.riders_and_couriers_in_branch,
                              share=share(counts.riders_and_couriers_in_branch, counts.riders_and_couriers)),
            transfers_pending=counts.transfers_pending, transfers_expired=counts.transfers_expired,
            organisations=OrganisationFigures(
                total=sum(stages.values()), with_branch=stages.get("BRANCH_FOUNDED", 0),
                without_branch=sum(stages.values()) - stages.get("BRANCH_FOUNDED", 0),
                by_stage=[StageCount(stage=OrganisationStage[s], name=STAGES[s], count=stages.get(s, 0))
                          for s in STAGES],
                by_district=[DistrictPipeline(district=d, name=DISTRICTS.get(d, d), contacted=s.get("CONTACTED", 0),
                                              working=s.get("WORKING", 0), branch_founded=s.get("BRANCH_FOUNDED", 0))
                             for d, s in sorted(pipeline["by_district"].items())]),
            meeting_compliance=ComplianceFigures(quarter=quarter, branches=total, compliant=compliant,
                                                 share=share(compliant, total)),
            measures=MeasureFigures(
                total=len(measures),
                average_progress=round(sum(m.progress for m in measures) / len(measures), 1) if measures else 0.0,
                by_area=[AreaProgress(area=MeasureArea[a], name=AREAS[a], measures=len(by_area.get(a, [])),
                                      average_progress=round(sum(by_area[a]) / len(by_area[a]), 1)
                                      if by_area.get(a) else 0.0) for a in AREAS],
                items=measures),
            period=BranchPeriod(date_from=scope.date_from, date_to=scope.date_to, **vars(period)),
        )
