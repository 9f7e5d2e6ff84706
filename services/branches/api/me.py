"""A young person's own membership (youth token): join a branch with the code on a poster, apply to a
branch, ask to move to another, leave, and see where they stand.

The person is never named in the request: the registry tells which record the caller's account is
linked to (chassis.own_record), so these routes act on the caller's own membership stream only. Branch
ids are public (any district), so an unknown branch answers NOT_FOUND.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

import orjson
from fastapi import APIRouter, Depends, Request

from chassis.commands import accepted, transaction
from chassis.errors import NotFound
from chassis.http import Accepted, ApiModel
from chassis.own_record import own_youth_id

from ..commands import branch_facts, branch_state, run_membership, share_branch, youth_facts
from ..deps import Runtime
from ..domain import membership, transfer
from ..domain.facts import BranchFacts, YouthFacts
from ..domain.membership import LeaveReason
from ..domain.transfer import Side
from .common import rt_of, stores, today
from .memberships import BranchRef, JoinRequest, redeem_invitation

router = APIRouter(prefix="/me/membership", tags=["me"])
NO_BRANCH = "未找到该团支部。"


class TransferToRequest(ApiModel):
    to_branch_id: uuid.UUID


async def _existing_branch(conn, rt: Runtime, branch_id: str) -> BranchFacts:
    facts = await branch_facts(conn, stores(rt), branch_id)
    if facts.district is None:
        raise NotFound(NO_BRANCH)
    return facts


@router.post(":join", status_code=201, response_model=Accepted, summary="本人凭邀请码加入流动团支部")
async def join_with_code(body: JoinRequest, request: Request, youth_id: str = Depends(own_youth_id)):
    rt = rt_of(request)
    return await redeem_invitation(rt, youth_id, body.code,
                                   lambda conn, branch_id: _existing_branch(conn, rt, branch_id))


@router.post(":apply", status_code=201, response_model=Accepted, summary="本人提出入团申请")
async def apply(body: BranchRef, request: Request, youth_id: str = Depends(own_youth_id)):
    return await _towards(request, youth_id, body.branch_id, youth_id, lambda person, to, day: membership.Apply(
        youth_id=youth_id, branch=to, youth=person, today=day))


@router.post(":transfer", status_code=201, response_model=Accepted,
             summary="本人申请组织关系转接（由接收团支部审批）")
async def request_transfer(body: TransferToRequest, request: Request, youth_id: str = Depends(own_youth_id)):
    transfer_id = str(uuid.uuid4())

    def ask(person: YouthFacts, to: BranchFacts, day: date) -> transfer.RequestTransfer:
        return transfer.RequestTransfer(transfer_id=transfer_id, to_branch=to, initiated_by=Side.FROM, youth=person,
                                        today=day)
    return await _towards(request, youth_id, body.to_branch_id, transfer_id, ask)


async def _towards(request: Request, youth_id: str, branch_id: uuid.UUID, entity_id: str,
                   make: Callable[[YouthFacts, BranchFacts, date], object]):
    """The person's own step towards an existing branch (applying to it, asking to move to it).
    `make(person, branch, day)` is the command on their membership stream: the person as the registry last
    said, the branch's facts with the branch held (no dissolving it meanwhile)."""
    rt = rt_of(request)
    person = await youth_facts(rt.pool, youth_id, wait=rt.settings.consistency_wait_seconds)
    async with transaction(rt.pool) as conn:
        await share_branch(conn, str(branch_id))
        to = await _existing_branch(conn, rt, str(branch_id))
        envelopes, _ = await run_membership(conn, stores(rt), youth_id, make(person, to, today(rt)))
    return accepted(envelopes, entity_id)


@router.post(":leave", response_model=Accepted, summary="本人申请退出团支部")
async def leave(request: Request, youth_id: str = Depends(own_youth_id)):
    rt = rt_of(request)
    async with transaction(rt.pool) as conn:
        envelopes, _ = await run_membership(conn, stores(rt), youth_id,
                                            membership.Leave(reason=LeaveReason.BY_REQUEST, today=today(rt)))
    return accepted(envelopes, youth_id)


@router.get("", summary="本人的团组织关系：所在或申请中的团支部，及待处理的转接")
async def my_membership(request: Request, youth_id: str = Depends(own_youth_id)) -> dict:
    rt = rt_of(request)
    async with rt.pool.acquire() as conn:
        stream = await stores(rt).membership.load(conn, membership.stream_id(youth_id))
        state = membership.membership.fold(stream.events)
        if state.status == membership.Status.NONE or state.branch_id is None:
            return {"memberships": []}
        pending = state.transfer
        names = {b: (await branch_state(conn, stores(rt), b)).name
                 for b in (state.branch_id, *((pending.to_branch_id,) if pending else ()))}
    return {"memberships": [{
        "status": str(state.status), "branchId": state.branch_id, "branchName": names[state.branch_id],
        "district": state.district,
        "transfer": {"toBranchId": pending.to_branch_id, "toBranchName": names[pending.to_branch_id],
                     "expiresOn": pending.expires_on.isoformat()} if pending else None}]}


@router.get("/export", summary="本人查阅、复制（PIPL 第 45 条）：团组织关系的全部记录（申请、入团、转接、退出）")
async def export_mine(request: Request, youth_id: str = Depends(own_youth_id)) -> dict:
    rt = rt_of(request)
    async with rt.pool.acquire() as conn:
        stream = await stores(rt).membership.load(conn, membership.stream_id(youth_id))
    # The events as recorded (dates and ids, nothing personal beyond the pseudonymous id).
    return {"memberships": [{"type": e.TYPE, "fields": orjson.loads(orjson.dumps(e))} for e in stream.events]}
