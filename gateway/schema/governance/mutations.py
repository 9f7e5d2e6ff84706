"""Governance items' steps, forwarded to the stations service (which checks the role, the hot topic's or
item's district and every rule again)."""
from __future__ import annotations

from datetime import date, datetime

import strawberry

from ..assignees import AssigneeKind
from ..common import STATIONS, CommandResult, body, command
from .types import GOVERNANCE_STAFF


@strawberry.input(description="集中诉求立项治理")
class OpenGovernanceItemInput:
    title: str
    assignee_kind: AssigneeKind = strawberry.field(description="DEPARTMENT（市级部门）或 DISTRICT（区）")
    assignee: str = strawberry.field(description="承办部门名称，或区县代码")
    due_on: date = strawberry.field(description="完成期限（北京时间，当日内）")
    at: datetime | None = None


@strawberry.type
class Mutation:
    @strawberry.mutation(description="把集中诉求立项为主动治理事项（本区站点工作人员与管理员；每个集中诉求一项）")
    async def open_governance_item(self, info: strawberry.Info, hot_topic_id: strawberry.ID,
                                   input: OpenGovernanceItemInput) -> CommandResult:
        info.context.principal.require(*GOVERNANCE_STAFF)
        return await command(info, STATIONS, f"/hot-topics/{hot_topic_id}/governance", json=body(input))

    @strawberry.mutation(description="登记治理措施")
    async def add_governance_action(self, info: strawberry.Info, item_id: strawberry.ID, text: str,
                                    at: datetime | None = None) -> CommandResult:
        info.context.principal.require(*GOVERNANCE_STAFF)
        return await command(info, STATIONS, f"/governance/{item_id}/actions",
                             json=body(text=text, at=at))

    @strawberry.mutation(description="治理事项完成（须已登记至少一项措施）")
    async def complete_governance_item(self, info: strawberry.Info, item_id: strawberry.ID,
                                       at: datetime | None = None) -> CommandResult:
        info.context.principal.require(*GOVERNANCE_STAFF)
        return await command(info, STATIONS, f"/governance/{item_id}/done", json=body(at=at))
