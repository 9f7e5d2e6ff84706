"""推优's mutations, forwarded to the branches service (which checks roles, districts and rules again)."""
from __future__ import annotations

from datetime import date

import strawberry

from ..common import BRANCHES, CommandResult, body, command, forwarded
from .types import Kind


@strawberry.type
class Mutation:
    @strawberry.mutation(description="团支部推优：推荐本支部团员入党（PARTY）或评优（HONOUR），须写明理由")
    async def recommend_member(self, info: strawberry.Info, youth_id: strawberry.ID, branch_id: strawberry.ID,
                               kind: Kind, reason: str) -> CommandResult:  # type: ignore[valid-type]
        return await command(info, BRANCHES, "/recommendations",
                             json=body(youth_id=youth_id, branch_id=branch_id, kind=kind, reason=reason))

    @forwarded(BRANCHES, "/recommendations/{id}/review", "区团委审核推优：同意考察（accepted: true）或退回（须写明理由）")
    async def review_recommendation(self, info: strawberry.Info, id: strawberry.ID, accepted: bool,
                                    reason: str | None = None) -> CommandResult: ...

    @forwarded(BRANCHES, "/recommendations/{id}/outcome", "区团委登记推优结果（采纳或未采纳）及日期")
    async def record_recommendation_outcome(self, info: strawberry.Info, id: strawberry.ID, adopted: bool,
                                            decided_on: date) -> CommandResult: ...

    @forwarded(BRANCHES, "/recommendations/{id}/withdraw", "团支部撤回推优（结果登记前）")
    async def withdraw_recommendation(self, info: strawberry.Info, id: strawberry.ID) -> CommandResult: ...
