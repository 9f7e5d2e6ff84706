"""Branch routes: found, rename, assign a secretary, issue invitation codes, dissolve."""
from __future__ import annotations

import secrets
import uuid

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from chassis.auth import Principal
from chassis.commands import accepted, transaction
from chassis.http import Accepted, ApiModel
from chassis.service import caller

from .. import tables
from ..commands import branch_state, own_branch, run
from ..domain import branch, organisation
from .common import SECRETARIES, BranchId, execute, existing, now, require_branch_scope, rt_of, stores, today

router = APIRouter(prefix="/branches", tags=["branches"])
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud in a WeChat group
CODE_LENGTH = 6


class FoundBranchRequest(ApiModel):
    name: str = Field(description="团支部名称")
    kind: str = Field(description="MOBILE | ENTERPRISE | PARK | SOCIAL_ORG | COMMUNITY")
    district: str = Field(description="GB/T 2260 district code: the district committee it belongs to")
    organisation_id: uuid.UUID | None = Field(None, description="the organisation contacted it is founded in")


class RenameBranchRequest(ApiModel):
    name: str
    expected_version: int | None = None


class AssignSecretaryRequest(ApiModel):
    secretary_id: uuid.UUID = Field(description="youth id of a member of this branch")


class IssueInvitationRequest(ApiModel):
    valid_hours: int = Field(72, description=f"1–{branch.MAX_INVITATION_HOURS}")
    max_uses: int = Field(50, description=f"1–{branch.MAX_INVITATION_USES}")


class InvitationIssuedResponse(BaseModel):
    id: str
    version: int
    position: str
    code: str
    expiresAt: str
    maxUses: int


@router.post("", status_code=201, response_model=Accepted, summary="成立团支部 (FoundBranch)")
async def found_branch(body: FoundBranchRequest, request: Request, who: Principal = Depends(caller)):
    who.require_in(body.district, *SECRETARIES)
    rt = rt_of(request)
    branch_id = str(uuid.uuid4())
    org_id = str(body.organisation_id) if body.organisation_id else None
    command = branch.FoundBranch(branch_id=branch_id, name=body.name, kind=body.kind, district=body.district,
                                 today=today(rt), organisation_id=org_id)
    branch.validate_founding(command)
    async with transaction(rt.pool) as conn:
        envelopes, _ = await run(conn, stores(rt).branch, branch.branch, branch.stream_id(branch_id), command)
        if org_id:  # the organisation's pipeline moves to BRANCH_FOUNDED in the same transaction
            await existing(conn, who, stores(rt).organisation, organisation.organisation,
                           organisation.stream_id(org_id), "未找到该组织。")
            await run(conn, stores(rt).organisation, organisation.organisation, organisation.stream_id(org_id),
                      organisation.LinkBranch(branch_id=branch_id, today=today(rt)))
    return accepted(envelopes, branch_id)


@router.post("/{branchId}/rename", response_model=Accepted, summary="团支部更名")
async def rename_branch(branch_id: BranchId, body: RenameBranchRequest, request: Request,
                        who: Principal = Depends(caller)):
    return await _act(request, who, str(branch_id), branch.RenameBranch(name=body.name),
                      expected_version=body.expected_version)


@router.post("/{branchId}/secretary", response_model=Accepted, summary="任命团支部书记")
async def assign_secretary(branch_id: BranchId, body: AssignSecretaryRequest, request: Request,
                           who: Principal = Depends(caller)):
    who.require(*SECRETARIES)
    rt = rt_of(request)
    async with transaction(rt.pool) as conn:
        is_member = await tables.is_member(conn, str(body.secretary_id), str(branch_id))
    return await _act(request, who, str(branch_id),
                      branch.AssignSecretary(secretary_id=str(body.secretary_id), is_member=is_member))


@router.post("/{branchId}/dissolve", response_model=Accepted, summary="撤销团支部（须先转出或退出全部团员）")
async def dissolve_branch(branch_id: BranchId, request: Request, who: Principal = Depends(caller)):
    who.require(*SECRETARIES)
    rt = rt_of(request)
    async with transaction(rt.pool) as conn:
        await own_branch(conn, str(branch_id))  # no join can commit while we count
        require_branch_scope(who, await branch_state(conn, stores(rt), str(branch_id)))
        command = branch.DissolveBranch(open_memberships=await tables.open_count(conn, str(branch_id)),
                                        today=today(rt))
        envelopes, _ = await run(conn, stores(rt).branch, branch.branch, branch.stream_id(str(branch_id)), command)
    return accepted(envelopes, str(branch_id))


@router.post("/{branchId}/invitations", status_code=201, response_model=InvitationIssuedResponse,
             summary="发放入团邀请码（流动团支部，微信群方式）")
async def issue_invitation(branch_id: BranchId, body: IssueInvitationRequest, request: Request,
                           who: Principal = Depends(caller)):
    who.require(*SECRETARIES)
    rt = rt_of(request)
    async with transaction(rt.pool) as conn:
        require_branch_scope(who, await branch_state(conn, stores(rt), str(branch_id)))
        code = await _unused_code(conn)
        command = branch.IssueInvitation(code=code, now=now(rt), valid_hours=body.valid_hours, max_uses=body.max_uses)
        envelopes, state = await run(conn, stores(rt).branch, branch.branch, branch.stream_id(str(branch_id)), command)
        inv = state.invitations[code]
        await tables.record_code(conn, code, str(branch_id), inv.expires_at)
    result = accepted(envelopes, str(branch_id))
    return InvitationIssuedResponse(**result, code=code, expiresAt=inv.expires_at.isoformat(), maxUses=inv.max_uses)


async def _unused_code(conn) -> str:
    """A fresh short code (31^6 ≈ 887 million: a repeat is rare, so drawing again is enough). Not a
    retry of a failure: a drawing that ends at the first code not in use, nothing transient to wait for."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not await tables.code_taken(conn, code):
            return code


async def _act(request: Request, who: Principal, branch_id: str, command, *, expected_version: int | None = None):
    who.require(*SECRETARIES)
    rt = rt_of(request)
    return await execute(rt, stores(rt).branch, branch.branch, branch.stream_id(branch_id), command, branch_id,
                         guard=lambda state: require_branch_scope(who, state), expected_version=expected_version)
