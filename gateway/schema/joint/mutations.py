"""The joint meeting's mutations, forwarded to the branches service with the caller's token (it checks
roles, the department a department's staff act for, districts and every rule again)."""
from __future__ import annotations

from datetime import date

import strawberry

from ..assignees import AssigneeKind
from ..common import BRANCHES, CommandResult, body, command, forward, forwarded
from .types import JointMeetingLevel


@strawberry.input(description="决定事项的一项待办")
class ActionItemInput:
    title: str
    assignee_kind: AssigneeKind
    assignee: str = strawberry.field(description="成员单位代码（如 RSJ）或区县代码（如 110105）")
    due_on: date


@strawberry.input(description="会议的一项决定及其待办")
class DecisionInput:
    text: str
    items: list[ActionItemInput] = strawberry.field(default_factory=list)


@strawberry.input(description="记录一次联席会议")
class RecordJointMeetingInput:
    level: JointMeetingLevel
    held_on: date
    attending: list[str] = strawberry.field(description="参会成员单位代码")
    topics: list[str]
    district: str | None = strawberry.field(default=None, description="区级会议的区县代码；市级会议为空")
    decisions: list[DecisionInput] = strawberry.field(default_factory=list)


@strawberry.type(description="联席会议已记录")
class JointMeetingRecorded:
    id: strawberry.ID
    version: int
    position: str = strawberry.field(description="读己之写：把它作为 minPosition 传给查询")
    item_ids: list[strawberry.ID] = strawberry.field(description="生成的待办编号（按决定及其待办的顺序）")


@strawberry.type
class Mutation:
    @strawberry.mutation(description="记录联席会议（市级：市联席会议办公室；区级：本区团委），决定事项生成待办")
    async def record_joint_meeting(self, info: strawberry.Info, input: RecordJointMeetingInput) -> JointMeetingRecorded:
        answer = await forward(info, BRANCHES, "/joint-meetings", json=body(input))
        return JointMeetingRecorded(id=answer["id"], version=answer["version"], position=answer["position"],
                                    item_ids=answer["items"])

    @forwarded(BRANCHES, "/action-items/{item_id}/progress", "承办方记录待办进展")
    async def note_action_item_progress(self, info: strawberry.Info, item_id: strawberry.ID,
                                        note: str) -> CommandResult: ...

    @strawberry.mutation(description="承办方办结待办")
    async def complete_action_item(self, info: strawberry.Info, item_id: strawberry.ID,
                                   note: str = "") -> CommandResult:
        return await command(info, BRANCHES, f"/action-items/{item_id}/done",
                             json=body(note=note or None))  # the default "" = no note

    @forwarded(BRANCHES, "/measures/{measure_id}/contributions", "配合单位填写措施的工作贡献（做了什么、佐证链接）")
    async def add_measure_contribution(self, info: strawberry.Info, measure_id: strawberry.ID, note: str,
                                       evidence: list[str] | None = None,
                                       contributed_on: date | None = None) -> CommandResult: ...
