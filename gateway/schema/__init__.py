"""The GraphQL schema, assembled from one module per domain (youth, and later branches, stations).

Each domain module contributes a Query part, a Mutation part and a Dashboard part; they are merged
here so that domains grow side by side without editing each other's files.
"""
from __future__ import annotations

import strawberry
from strawberry.tools import merge_types

from ..errors import ErrorCodes
from ..telemetry import Telemetry
from . import branches, youth
from .common import DASHBOARD_ROLES, Context, DashboardBase

DOMAINS = [youth, branches]

Dashboard = merge_types("Dashboard", tuple(m.DashboardPart for m in DOMAINS) + (DashboardBase,))


@strawberry.type
class RootQuery:
    @strawberry.field(description="联席会议看板；区级令牌只看到本区。minPosition：等待读模型追上该位置")
    async def dashboard(self, info: strawberry.Info, min_position: str | None = None) -> Dashboard:
        ctx: Context = info.context
        ctx.principal.require(*DASHBOARD_ROLES)
        await ctx.await_position(min_position)
        return Dashboard(district=ctx.principal.district)


Query = merge_types("Query", (RootQuery, *(m.Query for m in DOMAINS if hasattr(m, "Query"))))
Mutation = merge_types("Mutation", tuple(m.Mutation for m in DOMAINS))

# Telemetry first: its end runs last, so it counts the final error codes.
schema = strawberry.Schema(query=Query, mutation=Mutation, extensions=[Telemetry, ErrorCodes])

__all__ = ["Context", "schema"]
