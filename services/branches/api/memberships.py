"""Membership routes: apply / approve / reject, join with an invitation code, transfer
(组织关系转接), leave. The person is named by their youth id only; their age and status come from the
service's own view of registry events, never from a call to the registry."""
from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from chassis.auth import Principal
from chassis.commands import accepted, transaction
from chassis.errors import NotFound, RuleViolated, VersionConflict
from chassis.http import Accepted, ApiModel
from chassis.retry import retrying
from chassis.service import caller

from .. import tables
from ..commands import branch_facts, run, run_membership, share_branch, youth_facts
from ..domain import branch, membership, transfer
from ..domain.facts import BranchFacts
from ..domain.membership import LeaveReason, RejectReason
from ..domain.transfer import Side
from .common import SECRETARIES, YouthId, now, rt_of, stores, today

router = APIRouter(prefix="/memberships", tags=["memberships"])
REDEEM_ATTEMPTS = 5  # riders racing for the same code conflict on the branch stream: try again


class BranchRef(ApiModel):
    branch_id: uuid.UUID


class RejectRequest(ApiModel):
    branch_id: uuid.UUID
    reason: RejectReason = RejectReason.OTHER


class JoinRequest(ApiModel):
    code: str = Field(max_length=16, description="邀请码")


class TransferRequest(ApiModel):
    to_branch_id: uuid.UUID
    initiated_by: Side = Field(description="FROM: the current branch starts it; TO: the receiving branch")


class TransferRef(ApiModel):
    transfer_id: uuid.UUID


class LeaveRequest(ApiModel):
    reason: LeaveReason


async def _facts_in_scope(conn, rt, who: Principal, branch_id: str) -> BranchFacts:
    facts = await branch_facts(conn, stores(rt), branch_id)
    who.require_found_in_district(facts.district, "未找到该团支部。")
    return facts


async def _current(conn, rt, youth_id: str) -> membership.MembershipState:
    stream = await stores(rt).membership.load(conn, membership.stream_id(youth_id))
    return membership.membership.fold(stream.events)


@router.post("/{youthId}/apply", status_code=201, response_model=Accepted, summary="入团申请")
async def apply(youth_id: YouthId, body: BranchRef, request: Request, who: Principal = Depends(caller)):
    who.require(*SECRETARIES)
    rt = rt_of(request)
    person = await youth_facts(rt.pool, str(youth_id), wait=rt.settings.consistency_wait_seconds)
    async with transaction(rt.pool) as conn:
        await share_branch(conn, str(body.branch_id))
        facts = await _facts_in_scope(conn, rt, who, str(body.branch_id))
        envelopes, _ = await run_membership(conn, stores(rt), str(youth_id), membership.Apply(
            youth_id=str(youth_id), branch=facts, youth=person, today=today(rt)))
    return accepted(envelopes, str(youth_id))


@router.post("/{youthId}/approve", response_model=Accepted, summary="批准入团申请")
async def approve(youth_id: YouthId, body: BranchRef, request: Request, who: Principal = Depends(caller)):
    who.require(*SECRETARIES)  # before the look-up: a caller without the role learns nothing about the id
    rt = rt_of(request)
    person = await youth_facts(rt.pool, str(youth_id), wait=rt.settings.consistency_wait_seconds)
    return await _decide_application(request, who, str(youth_id), str(body.branch_id),
                                     lambda rt: membership.Approve(branch_id=str(body.branch_id), today=today(rt),
                                                                   youth=person))


@router.post("/{youthId}/reject", response_model=Accepted, summary="不批准入团申请")
async def reject(youth_id: YouthId, body: RejectRequest, request: Request, who: Principal = Depends(caller)):
    return await _decide_application(request, who, str(youth_id), str(body.branch_id),
                                     lambda rt: membership.Reject(branch_id=str(body.branch_id), reason=body.reason,
                                                                  today=today(rt)))


async def _decide_application(request: Request, who: Principal, youth_id: str, branch_id: str, make):
    who.require(*SECRETARIES)
    rt = rt_of(request)
    async with transaction(rt.pool) as conn:
        await share_branch(conn, branch_id)
        await _facts_in_scope(conn, rt, who, branch_id)
        envelopes, _ = await run_membership(conn, stores(rt), youth_id, make(rt))
    return accepted(envelopes, youth_id)


@router.post("/{youthId}/join", status_code=201, response_model=Accepted, summary="凭邀请码加入流动团支部")
async def join_with_invitation(youth_id: YouthId, body: JoinRequest, request: Request,
                               who: Principal = Depends(caller)):
    who.require(*SECRETARIES)
    rt = rt_of(request)
    return await redeem_invitation(rt, str(youth_id), body.code,
                                   lambda conn, branch_id: _facts_in_scope(conn, rt, who, branch_id))


async def redeem_invitation(rt, youth_id: str, typed_code: str, branch_in_scope) -> dict:
    """Join the branch of an invitation code; `branch_in_scope(conn, branch_id)` gives the branch's facts
    when the caller may join someone to it (a secretary: their district; the person themselves: any)."""
    code = typed_code.strip().upper()
    person = await youth_facts(rt.pool, youth_id, wait=rt.settings.consistency_wait_seconds)

    async def redeem():
        async with transaction(rt.pool) as conn:
            branch_id = await tables.branch_of_code(conn, code)
            if branch_id is None:
                raise RuleViolated("邀请码无效，请核对后重试。", rule="invitation_unknown")
            await share_branch(conn, branch_id)
            facts = await branch_in_scope(conn, branch_id)
            # One transaction for both streams: a refused join uses no code, a refused code undoes the join.
            envelopes, _ = await run_membership(conn, stores(rt), youth_id, membership.JoinWithInvitation(
                youth_id=youth_id, branch=facts, youth=person, code=code, today=today(rt)))
            try:
                await run(conn, stores(rt).branch, branch.branch, branch.stream_id(branch_id),
                          branch.RedeemInvitation(code=code, now=now(rt)))
            except VersionConflict as conflict:
                raise _CodeRace(conflict) from None
        return accepted(envelopes, youth_id)

    try:  # the whole transaction again: the join is decided anew on the code's fresh state
        return await retrying(redeem, on=_CodeRace, attempts=REDEEM_ATTEMPTS)
    except _CodeRace as race:
        raise race.conflict from None


class _CodeRace(Exception):
    """Another rider used the same code at the same moment (the branch stream moved on)."""

    def __init__(self, conflict: VersionConflict):
        super().__init__(conflict.message)
        self.conflict = conflict


@router.post("/{youthId}/transfer", status_code=201, response_model=Accepted, summary="发起组织关系转接")
async def request_transfer(youth_id: YouthId, body: TransferRequest, request: Request,
                           who: Principal = Depends(caller)):
    who.require(*SECRETARIES)
    rt = rt_of(request)
    person = await youth_facts(rt.pool, str(youth_id), wait=rt.settings.consistency_wait_seconds)
    async with transaction(rt.pool) as conn:
        await share_branch(conn, str(body.to_branch_id))
        to = await branch_facts(conn, stores(rt), str(body.to_branch_id))
        if to.district is None:  # a transfer may go to another district: its branches are named openly
            raise NotFound("未找到接收团支部。")
        current = await _current(conn, rt, str(youth_id))
        # Either side may start it: the caller acts for the side it names.
        who.require_district(to.district if body.initiated_by == Side.TO else (current.district or to.district))
        transfer_id = str(uuid.uuid4())
        envelopes, _ = await run_membership(conn, stores(rt), str(youth_id), transfer.RequestTransfer(
            transfer_id=transfer_id, to_branch=to, initiated_by=body.initiated_by, youth=person,
            today=today(rt)))
    return accepted(envelopes, transfer_id)  # the id the receiving branch answers with


@router.post("/{youthId}/transfer/approve", response_model=Accepted, summary="接收团支部同意转接")
async def approve_transfer(youth_id: YouthId, body: TransferRef, request: Request,
                           who: Principal = Depends(caller)):
    return await _answer_transfer(request, who, str(youth_id), str(body.transfer_id), approve=True)


@router.post("/{youthId}/transfer/reject", response_model=Accepted, summary="接收团支部拒绝转接")
async def reject_transfer(youth_id: YouthId, body: TransferRef, request: Request,
                          who: Principal = Depends(caller)):
    return await _answer_transfer(request, who, str(youth_id), str(body.transfer_id), approve=False)


async def _answer_transfer(request: Request, who: Principal, youth_id: str, transfer_id: str, *, approve: bool):
    who.require(*SECRETARIES)
    rt = rt_of(request)
    async with transaction(rt.pool) as conn:
        current = await _current(conn, rt, youth_id)
        pending = current.transfer
        if pending is None or pending.transfer_id != transfer_id:
            raise RuleViolated("没有待处理的该项组织关系转接（可能已处理或已失效）。", rule="no_pending_transfer")
        await share_branch(conn, pending.to_branch_id)
        to = await _facts_in_scope(conn, rt, who, pending.to_branch_id)  # the receiving branch answers
        command = (transfer.ApproveTransfer(transfer_id=transfer_id, to_branch_active=to.active, today=today(rt))
                   if approve else transfer.RejectTransfer(transfer_id=transfer_id, today=today(rt)))
        envelopes, _ = await run_membership(conn, stores(rt), youth_id, command)
    return accepted(envelopes, youth_id)


@router.post("/{youthId}/leave", response_model=Accepted, summary="退出团支部（迁出、超龄、开除、本人申请）")
async def leave(youth_id: YouthId, body: LeaveRequest, request: Request, who: Principal = Depends(caller)):
    who.require(*SECRETARIES)
    rt = rt_of(request)
    async with transaction(rt.pool) as conn:
        current = await _current(conn, rt, str(youth_id))
        if current.district is not None:
            who.require_district(current.district)
        envelopes, _ = await run_membership(conn, stores(rt), str(youth_id),
                                            membership.Leave(reason=body.reason, today=today(rt)))
    return accepted(envelopes, str(youth_id))
