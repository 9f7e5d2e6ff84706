"""面对面's mutations, forwarded to the branches service with the caller's token (it checks roles, the
district, the department a department's staff answer for, and every rule again)."""
from __future__ import annotations

from datetime import date

import strawberry

from ..cases.types import Category
from ..common import BRANCHES, CommandResult, command, forwarded, input_mutation
from .types import DeputyRole, ProposalKind


@strawberry.input(description="记录一次面对面活动（只记人数，不记姓名）")
class RecordFaceToFaceInput:
    held_on: date
    district: str
    place: str
    deputy_role: DeputyRole
    deputies: int = strawberry.field(description="到场代表/委员人数")
    youth_attending: int = strawberry.field(description="参加青年人数")


@strawberry.type
class Mutation:
    record_face_to_face = input_mutation(BRANCHES, "/face-to-face", RecordFaceToFaceInput,
                                         "记录面对面活动（区团委：本区；市团委：全市）")

    @forwarded(BRANCHES, "/face-to-face/{session_id}/issues", "记录活动中青年提出的问题（返回问题编号）")
    async def raise_face_to_face_issue(self, info: strawberry.Info, session_id: strawberry.ID,
                                       category: Category, text: str) -> CommandResult: ...

    @forwarded(BRANCHES, "/face-to-face/{session_id}/issues/{issue_id}/proposals",
               "就问题形成建议（人大）或提案（政协），交答复单位")
    async def submit_proposal(self, info: strawberry.Info, session_id: strawberry.ID, issue_id: strawberry.ID,
                              kind: ProposalKind, title: str, department: str) -> CommandResult: ...

    @forwarded(BRANCHES, "/proposals/{proposal_id}/accept", "答复单位立案（本单位工作人员，或团委代为登记）")
    async def accept_proposal(self, info: strawberry.Info, proposal_id: strawberry.ID) -> CommandResult: ...

    @strawberry.mutation(description="答复单位不予立案（须写明理由）")
    async def decline_proposal(self, info: strawberry.Info, proposal_id: strawberry.ID,
                               reason: str) -> CommandResult:
        return await command(info, BRANCHES, f"/proposals/{proposal_id}/not-accepted", json={"text": reason})

    @strawberry.mutation(description="答复单位答复已立案的建议/提案")
    async def answer_proposal(self, info: strawberry.Info, proposal_id: strawberry.ID,
                              answer: str) -> CommandResult:
        return await command(info, BRANCHES, f"/proposals/{proposal_id}/answer", json={"text": answer})
