"""面对面's output types, and the read model's rows made into them. No names: counts and issues only."""
from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry

from ..cases.types import Category
from ..joint.types import Department, department

ROLES = {"NPC_DEPUTY": "人大代表", "CPPCC_MEMBER": "政协委员"}
KINDS = {"SUGGESTION": "建议", "PROPOSAL": "提案"}
STATUSES = {"SUBMITTED": "已提交", "ACCEPTED": "已立案", "NOT_ACCEPTED": "不予立案", "ANSWERED": "已答复"}

DeputyRole = strawberry.enum(Enum("DeputyRole", {k: k for k in ROLES}), description="代表身份：人大代表 / 政协委员")
ProposalKind = strawberry.enum(Enum("ProposalKind", {k: k for k in KINDS}), description="建议（人大）/ 提案（政协）")
ProposalStatus = strawberry.enum(Enum("ProposalStatus", {k: k for k in STATUSES}),
                                 description="已提交 → 已立案 → 已答复；或不予立案")


@strawberry.type(description="面对面活动中青年提出的问题")
class FaceToFaceIssue:
    id: strawberry.ID
    category: Category = strawberry.field(description="问题类别（与诉求类别相同）")
    text: str


@strawberry.type(description="人大代表/政协委员与新青年面对面（只记人数，不记姓名）")
class FaceToFaceSession:
    id: strawberry.ID
    district: str
    held_on: date
    place: str
    deputy_role: DeputyRole
    deputies: int
    youth_attending: int
    issues: list[FaceToFaceIssue]


def to_session(r, issues: list) -> FaceToFaceSession:
    return FaceToFaceSession(
        id=r["session_id"], district=r["district"], held_on=r["held_on"], place=r["place"],
        deputy_role=DeputyRole[r["deputy_role"]], deputies=r["deputies"], youth_attending=r["youth_attending"],
        issues=[FaceToFaceIssue(id=i["issue_id"], category=Category(i["category"]), text=i["text"])
                for i in issues])


@strawberry.type(description="由问题形成的建议或提案，及答复单位的答复")
class Proposal:
    id: strawberry.ID
    session_id: strawberry.ID
    issue_id: strawberry.ID
    district: str
    kind: ProposalKind
    title: str
    department: Department = strawberry.field(description="答复单位")
    status: ProposalStatus
    submitted_on: date
    response: str | None = strawberry.field(description="不予立案的理由，或答复内容")
    decided_on: date | None = strawberry.field(description="立案或不予立案的日期")
    answered_on: date | None


def to_proposal(r) -> Proposal:
    return Proposal(id=r["proposal_id"], session_id=r["session_id"], issue_id=r["issue_id"], district=r["district"],
                    kind=ProposalKind[r["kind"]], title=r["title"], department=department(r["department"]),
                    status=ProposalStatus[r["status"]], submitted_on=r["submitted_on"], response=r["response"],
                    decided_on=r["decided_on"], answered_on=r["answered_on"])


@strawberry.type(description="某状态的建议/提案数")
class ProposalCount:
    status: ProposalStatus
    count: int


@strawberry.type(description="面对面：活动场次、参加青年人次、建议/提案按状态（按活动日期）")
class FaceToFaceFigures:
    sessions: int
    youth_attending: int
    proposals_by_status: list[ProposalCount] = strawberry.field(description="每种状态都列出（无则为 0）")
