"""面对面's queries, in the caller's district scope; a department's staff see the proposals addressed to
their department only."""
from __future__ import annotations

import strawberry

from ...tables import face_to_face as tables
from ..common import DASHBOARD_ROLES, Context, read_scope
from .types import FaceToFaceSession, Proposal, ProposalStatus, to_proposal, to_session

LIMIT_MAX = 200


@strawberry.type
class Query:
    @strawberry.field(description=f"面对面活动及其问题（新的在前，至多 {LIMIT_MAX} 场）")
    async def face_to_face_sessions(self, info: strawberry.Info, district: str | None = None,
                                    limit: int = 50, min_position: str | None = None) -> list[FaceToFaceSession]:
        district = await read_scope(info, DASHBOARD_ROLES, district, min_position)
        ctx: Context = info.context
        async with ctx.runtime.pool.acquire() as conn:
            rows = await tables.sessions(conn, district, max(1, min(limit, LIMIT_MAX)))
            issues: dict[str, list] = {}
            for i in await tables.issues_of(conn, [r["session_id"] for r in rows]):
                issues.setdefault(i["session_id"], []).append(i)
        return [to_session(r, issues.get(r["session_id"], [])) for r in rows]

    @strawberry.field(description=f"建议/提案（新的在前，至多 {LIMIT_MAX} 条）；部门工作人员只看交本单位答复的")
    async def proposals(self, info: strawberry.Info, district: str | None = None,
                        status: ProposalStatus | None = None, limit: int = 50,
                        min_position: str | None = None) -> list[Proposal]:
        district = await read_scope(info, DASHBOARD_ROLES, district, min_position)
        ctx: Context = info.context
        async with ctx.runtime.pool.acquire() as conn:
            rows = await tables.proposals(conn, district=district, department=ctx.principal.department,
                                          status=status.value if status else None,
                                          limit=max(1, min(limit, LIMIT_MAX)))
        return [to_proposal(r) for r in rows]
