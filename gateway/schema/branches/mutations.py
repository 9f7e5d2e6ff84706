"""The league organisation's mutations, forwarded to the branches service (which checks roles,
districts and every rule again)."""
from __future__ import annotations

from datetime import date
from typing import Any

import strawberry

from ..common import BRANCHES, CommandResult, body, command, forward, forwarded, input_mutation
from .types import BranchKind, LeaveReason, MeetingKind, OrganisationKind, RejectReason, TransferSide


@strawberry.input(description="成立团支部")
class FoundBranchInput:
    name: str
    kind: BranchKind
    district: str = strawberry.field(description="区县代码（GB/T 2260）：所属区团委")
    organisation_id: strawberry.ID | None = strawberry.field(default=None, description="在哪个联系的组织中建立")


@strawberry.input(description="记录联系的组织")
class RecordOrganisationInput:
    name: str
    kind: OrganisationKind
    district: str


@strawberry.input(description="记录会议或活动")
class RecordMeetingInput:
    branch_id: strawberry.ID
    kind: MeetingKind
    held_on: date
    topic: str
    attendees: list[strawberry.ID] = strawberry.field(default_factory=list, description="参会团员的青年编号")


@strawberry.type(description="邀请码已发放")
class InvitationResult:
    id: strawberry.ID
    version: int
    position: str
    code: str
    expires_at: str
    max_uses: int


def _membership_step(step: str, description: str) -> Any:
    """A step on a youth's membership that names the branch (apply, approve): one resolver, one route each."""

    async def resolve(info: strawberry.Info, youth_id: strawberry.ID, branch_id: strawberry.ID) -> CommandResult:
        return await command(info, BRANCHES, f"/memberships/{youth_id}/{step}", json={"branchId": branch_id})

    return strawberry.mutation(resolver=resolve, description=description)


def _transfer_answer(answer: str, description: str) -> Any:
    """The receiving branch's answer to a pending transfer (approve, reject)."""

    async def resolve(info: strawberry.Info, youth_id: strawberry.ID, transfer_id: strawberry.ID) -> CommandResult:
        return await command(info, BRANCHES, f"/memberships/{youth_id}/transfer/{answer}", json={"transferId": transfer_id})

    return strawberry.mutation(resolver=resolve, description=description)


@strawberry.type
class Mutation:
    found_branch = input_mutation(BRANCHES, "/branches", FoundBranchInput, "成立团支部")

    @forwarded(BRANCHES, "/branches/{branch_id}/rename", "团支部更名")
    async def rename_branch(self, info: strawberry.Info, branch_id: strawberry.ID, name: str,
                            expected_version: int | None = None) -> CommandResult: ...

    @forwarded(BRANCHES, "/branches/{branch_id}/secretary", "任命团支部书记（须为本支部团员）")
    async def assign_secretary(self, info: strawberry.Info, branch_id: strawberry.ID,
                               secretary_id: strawberry.ID) -> CommandResult: ...

    @forwarded(BRANCHES, "/branches/{branch_id}/dissolve", "撤销团支部（须先转出或退出全部团员）")
    async def dissolve_branch(self, info: strawberry.Info, branch_id: strawberry.ID) -> CommandResult: ...

    @strawberry.mutation(description="发放入团邀请码（流动团支部）")
    async def issue_invitation(self, info: strawberry.Info, branch_id: strawberry.ID, valid_hours: int = 72,
                               max_uses: int = 50) -> InvitationResult:
        a = await forward(info, BRANCHES, f"/branches/{branch_id}/invitations",
                          json={"validHours": valid_hours, "maxUses": max_uses})
        return InvitationResult(id=a["id"], version=a["version"], position=a["position"], code=a["code"],
                                expires_at=a["expiresAt"], max_uses=a["maxUses"])

    record_organisation_contact = input_mutation(BRANCHES, "/organisations", RecordOrganisationInput, "记录联系的组织")

    @forwarded(BRANCHES, "/organisations/{organisation_id}/relationship", "与组织建立工作关系")
    async def establish_working_relationship(self, info: strawberry.Info,
                                             organisation_id: strawberry.ID) -> CommandResult: ...

    apply_for_membership = _membership_step("apply", "入团申请")
    approve_membership = _membership_step("approve", "批准入团申请")

    @forwarded(BRANCHES, "/memberships/{youth_id}/reject", "不批准入团申请")
    async def reject_membership(self, info: strawberry.Info, youth_id: strawberry.ID, branch_id: strawberry.ID,
                                reason: RejectReason) -> CommandResult: ...

    @forwarded(BRANCHES, "/memberships/{youth_id}/join", "凭邀请码加入流动团支部")
    async def join_with_invitation(self, info: strawberry.Info, youth_id: strawberry.ID, code: str) -> CommandResult: ...

    @forwarded(BRANCHES, "/memberships/{youth_id}/transfer", "发起组织关系转接（返回转接编号）")
    async def request_transfer(self, info: strawberry.Info, youth_id: strawberry.ID, to_branch_id: strawberry.ID,
                               initiated_by: TransferSide) -> CommandResult: ...

    approve_transfer = _transfer_answer("approve", "接收团支部同意转接")
    reject_transfer = _transfer_answer("reject", "接收团支部拒绝转接")

    @forwarded(BRANCHES, "/memberships/{youth_id}/leave", "退出团支部")
    async def leave_branch(self, info: strawberry.Info, youth_id: strawberry.ID, reason: LeaveReason) -> CommandResult: ...

    record_meeting = input_mutation(BRANCHES, "/meetings", RecordMeetingInput, "记录会议或活动（含参会团员）")

    @forwarded(BRANCHES, "/meetings/{meeting_id}/attendance", "补记参会团员")
    async def record_attendance(self, info: strawberry.Info, meeting_id: strawberry.ID,
                                attendees: list[strawberry.ID]) -> CommandResult: ...

    @forwarded(BRANCHES, "/measures/{measure_id}/milestones", "为措施新增工作节点")
    async def add_milestone(self, info: strawberry.Info, measure_id: strawberry.ID, title: str,
                            due_on: date) -> CommandResult: ...

    @forwarded(BRANCHES, "/measures/{measure_id}/milestones/{milestone_id}/complete", "完成工作节点")
    async def complete_milestone(self, info: strawberry.Info, measure_id: strawberry.ID,
                                 milestone_id: strawberry.ID) -> CommandResult: ...

    @strawberry.mutation(description="报告措施推进进度（0–100）：牵头单位报告本单位牵头的措施（做了什么、佐证链接、"
                                     "日期），联席会议办公室可代报")
    async def report_measure_progress(self, info: strawberry.Info, measure_id: strawberry.ID, percent: int,
                                      note: str = "", evidence: list[str] | None = None,
                                      reported_on: date | None = None) -> CommandResult:
        return await command(info, BRANCHES, f"/measures/{measure_id}/progress", json=body(
            percent=percent, note=note or None, evidence=evidence, reported_on=reported_on))  # "" = no note
