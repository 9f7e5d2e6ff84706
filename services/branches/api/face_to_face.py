"""面对面 (issue 19): sessions of 人大代表 / 政协委员 with new youth and the issues raised, recorded by the
league committees (an admin token of the district, or the city's office); the suggestions and proposals
that follow, answered by the addressed department's staff, or by league staff on its behalf. A
department's staff asking about a proposal not addressed to them get the same FORBIDDEN as for an id of
nothing, so ids cannot be probed."""
from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from pydantic import Field

from chassis.auth import DEPARTMENT_STAFF, Principal
from chassis.commands import accepted, transaction
from chassis.errors import Forbidden, NotFound
from chassis.http import Accepted, ApiModel
from chassis.service import caller

from ..commands import run
from ..domain import face_to_face as ff
from ..domain import proposal as pr
from ..domain.rules import TEXT_MAX
from .common import execute, existing, in_district, rt_of, stores, today

router = APIRouter(tags=["face to face"])
LEAGUE = ("admin",)  # the league committees that hold 面对面 sessions
SessionId = Annotated[uuid.UUID, Path(alias="sessionId", description="面对面活动编号")]
IssueId = Annotated[uuid.UUID, Path(alias="issueId", description="问题编号")]
ProposalId = Annotated[uuid.UUID, Path(alias="proposalId", description="建议/提案编号")]
MISSING_SESSION = "未找到该面对面活动。"


class RecordSessionRequest(ApiModel):
    held_on: date
    district: str
    place: str = Field(max_length=ff.PLACE_MAX)
    deputy_role: str = Field(description="NPC_DEPUTY（人大代表）| CPPCC_MEMBER（政协委员）")
    deputies: int = Field(description="到场代表/委员人数（不记姓名）")
    youth_attending: int = Field(description="参加青年人数（不记姓名）")


class RaiseIssueRequest(ApiModel):
    category: str = Field(description="问题类别（与诉求类别相同，如 SOCIAL_SECURITY）")
    text: str = Field(max_length=TEXT_MAX)


class SubmitProposalRequest(ApiModel):
    kind: str = Field(description="SUGGESTION（建议）| PROPOSAL（提案）")
    title: str = Field(max_length=pr.TITLE_MAX)
    department: str = Field(description="答复单位代码（如 RSJ）")


class RespondRequest(ApiModel):
    text: str = Field("", max_length=TEXT_MAX, description="不予立案的理由或答复内容")


def _recorder(who: Principal) -> ff.Recorder:
    who.require(*LEAGUE)
    return ff.Recorder(who.district)


@router.post("/face-to-face", status_code=201, response_model=Accepted, summary="记录一次面对面活动")
async def record_session(body: RecordSessionRequest, request: Request, who: Principal = Depends(caller)):
    recorder = _recorder(who)
    who.require_district(body.district)
    rt = rt_of(request)
    session_id = str(uuid.uuid4())
    command = ff.RecordSession(session_id, body.held_on, body.district, body.place, body.deputy_role,
                               body.deputies, body.youth_attending, recorder=recorder, today=today(rt))
    return await execute(rt, stores(rt).face_to_face, ff.face_to_face, ff.stream_id(session_id), command, session_id)


@router.post("/face-to-face/{sessionId}/issues", status_code=201, response_model=Accepted,
             summary="记录活动中青年提出的问题")
async def raise_issue(session_id: SessionId, body: RaiseIssueRequest, request: Request,
                      who: Principal = Depends(caller)):
    recorder = _recorder(who)
    rt = rt_of(request)
    issue_id = str(uuid.uuid4())
    return await execute(rt, stores(rt).face_to_face, ff.face_to_face, ff.stream_id(str(session_id)),
                         ff.RaiseIssue(recorder, issue_id, body.category, body.text), issue_id,
                         guard=in_district(who, MISSING_SESSION))


@router.post("/face-to-face/{sessionId}/issues/{issueId}/proposals", status_code=201, response_model=Accepted,
             summary="就问题形成建议或提案，交答复单位")
async def submit_proposal(session_id: SessionId, issue_id: IssueId, body: SubmitProposalRequest, request: Request,
                          who: Principal = Depends(caller)):
    recorder = _recorder(who)
    rt = rt_of(request)
    proposal_id = str(uuid.uuid4())
    async with transaction(rt.pool) as conn:
        session = await existing(conn, who, stores(rt).face_to_face, ff.face_to_face,
                                 ff.stream_id(str(session_id)), MISSING_SESSION)
        if str(issue_id) not in session.issues:
            raise NotFound("该活动中没有这个问题。")
        command = pr.SubmitProposal(proposal_id, recorder, session.session_id, session.district, str(issue_id),
                                    body.kind, body.title, body.department, today(rt))
        envelopes, _ = await run(conn, stores(rt).proposal, pr.proposal, pr.stream_id(proposal_id), command)
    return accepted(envelopes, proposal_id)


def _responder(who: Principal) -> pr.Responder:
    who.require(*LEAGUE, DEPARTMENT_STAFF)
    if who.has_any(*LEAGUE):
        return pr.Responder(league=ff.Recorder(who.district))
    return pr.Responder(department=who.department)


def _guard(who: Principal, responder: pr.Responder):
    def check(state: pr.ProposalState) -> None:
        if responder.league is not None:
            who.require_found_in_district(state.district if state.exists else None, "未找到该建议/提案。")
        elif not state.exists:
            raise Forbidden("该建议/提案不存在，或不由您所在的单位答复。", rule="department")
        pr.require_responder(state, responder)
    return check


async def _respond(request: Request, who: Principal, proposal_id: uuid.UUID, make) -> dict:
    responder, rt, key = _responder(who), rt_of(request), str(proposal_id)
    return await execute(rt, stores(rt).proposal, pr.proposal, pr.stream_id(key), make(responder, today(rt)), key,
                         guard=_guard(who, responder))


@router.post("/proposals/{proposalId}/accept", response_model=Accepted, summary="答复单位立案")
async def accept(proposal_id: ProposalId, request: Request, who: Principal = Depends(caller)):
    return await _respond(request, who, proposal_id, lambda r, day: pr.AcceptProposal(r, day))


@router.post("/proposals/{proposalId}/not-accepted", response_model=Accepted, summary="答复单位不予立案（写明理由）")
async def decline(proposal_id: ProposalId, body: RespondRequest, request: Request, who: Principal = Depends(caller)):
    return await _respond(request, who, proposal_id, lambda r, day: pr.DeclineProposal(r, day, body.text))


@router.post("/proposals/{proposalId}/answer", response_model=Accepted, summary="答复单位答复已立案的建议/提案")
async def answer(proposal_id: ProposalId, body: RespondRequest, request: Request, who: Principal = Depends(caller)):
    return await _respond(request, who, proposal_id, lambda r, day: pr.AnswerProposal(r, day, body.text))
