"""The league organisation's lists: branches, a branch's members, transfers, organisations contacted,
meeting compliance per branch and the 22 measures, keyset-paginated (..pagination)."""
from __future__ import annotations

import strawberry

from ...tables import branches as tables
from ..common import DASHBOARD_ROLES, Context, read_scope
from ..pagination import Connection, scoped_page, table_page
from .dashboard import chosen_quarter
from .types import (
    LIST_ROLES,
    Branch,
    BranchCompliance,
    BranchKind,
    Measure,
    MeasureArea,
    Member,
    Organisation,
    Transfer,
    TransferStatus,
    to_branch,
    to_compliance,
    to_measure,
    to_member,
    to_organisation,
    to_transfer,
)


@strawberry.type
class Query:
    @strawberry.field(description="团支部列表（按区、类型筛选）")
    async def branches(self, info: strawberry.Info, district: str | None = None, kind: BranchKind | None = None,
                       first: int | None = None, after: str | None = None,
                       min_position: str | None = None) -> Connection[Branch]:
        return await scoped_page(
            info, LIST_ROLES, district, first, after, tables.branch_page, {"kind": kind.value if kind else None},
            node=to_branch, order=("district", "name", "branch_id"), min_position=min_position)

    @strawberry.field(description="某团支部的团员（仅青年编号）")
    async def branch_members(self, info: strawberry.Info, branch_id: strawberry.ID, first: int | None = None,
                             after: str | None = None, min_position: str | None = None) -> Connection[Member]:
        await read_scope(info, LIST_ROLES, None, min_position)
        ctx: Context = info.context

        async def read(conn, key, limit):
            district = await tables.branch_district(conn, str(branch_id))
            if district is not None:
                ctx.principal.require_district(district)
            return await tables.member_page(conn, branch_id=str(branch_id), district=ctx.principal.district,
                                            after=key, limit=limit)
        return await table_page(info, first, after, read, node=to_member,
                                key=lambda r: (r["joined_on"].isoformat(), r["youth_id"]), shape=2, dated=True)

    @strawberry.field(description="组织关系转接（本区转出或转入的）")
    async def transfers(self, info: strawberry.Info, status: TransferStatus | None = None,
                        district: str | None = None, first: int | None = None, after: str | None = None,
                        min_position: str | None = None) -> Connection[Transfer]:
        return await scoped_page(
            info, LIST_ROLES, district, first, after, tables.transfer_page, {"status": status.value if status else None},
            node=to_transfer, order=("requested_on", "transfer_id"), dated=True, min_position=min_position)

    @strawberry.field(description="联系的组织；withoutBranch: true 只看尚未建团支部的")
    async def organisations(self, info: strawberry.Info, district: str | None = None,
                            without_branch: bool | None = None, first: int | None = None, after: str | None = None,
                            min_position: str | None = None) -> Connection[Organisation]:
        return await scoped_page(
            info, LIST_ROLES, district, first, after, tables.organisation_page, {"without_branch": without_branch},
            node=to_organisation, order=("district", "name", "organisation_id"), min_position=min_position)

    @strawberry.field(description="各团支部某季度的三会两制一课落实情况")
    async def meeting_compliance(self, info: strawberry.Info, quarter: str | None = None,
                                 district: str | None = None, first: int | None = None, after: str | None = None,
                                 min_position: str | None = None) -> Connection[BranchCompliance]:
        quarter = chosen_quarter(info, quarter)
        district = await read_scope(info, LIST_ROLES, district, min_position)
        return await table_page(
            info, first, after, lambda conn, key, limit: tables.compliance_page(conn, district, quarter, key, limit),
            node=to_compliance, key=lambda r: (r["branch_id"],), shape=1)

    @strawberry.field(description="22 条措施及其进展")
    async def measures(self, info: strawberry.Info, area: MeasureArea | None = None, first: int | None = None,
                       after: str | None = None, min_position: str | None = None) -> Connection[Measure]:
        await read_scope(info, DASHBOARD_ROLES, None, min_position)
        return await table_page(
            info, first, after, lambda conn, key, limit: tables.measure_rows(conn, area.value if area else None,
                                                                             key, limit),
            node=to_measure, key=lambda r: (r["measure_id"],), shape=1)
