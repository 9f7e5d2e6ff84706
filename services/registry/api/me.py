"""Registry HTTP API for a young person's own token: register themselves or claim the record staff created,
then read, change, export and erase their own record, and give or withdraw their consents.

Every route takes the record from the caller's own account (`accounts.own_record`), never from an id in the
request, so nobody else's record can be named here. Changes are audited with the actor `self`.
"""
from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from chassis.auth import YOUTH, Principal
from chassis.commands import transaction
from chassis.errors import Duplicate, FieldError, RuleViolated, ValidationFailed
from chassis.http import Accepted, ApiModel
from chassis.service import caller
from contracts.registry import OWN_RECORD_PATH, AccountLink, Channel

from .. import commands, tables
from ..access import OWN, personal_view
from ..accounts import account_digest, claim_code_digest, own_record
from ..deps import Runtime, runtime
from ..domain.commands import GiveConsent, LinkAccount, UpdateProfile, WithdrawConsent
from ..domain.rules import CAMEL, validate_registration
from ..read_limits import DUPLICATE_REGISTRATION, INVALID_CLAIM_CODE, admit_self_refusals, count_self_refusal
from .profile import YouthProfile, export_of, exported_ids, profile_of
from .youth import ConsentRequest, RegisterYouthRequest, UpdateProfileRequest, WithdrawRequest

router = APIRouter(tags=["me"])
SELF_CHANNELS = (Channel.APP, Channel.WECHAT)  # where a person can give consent about themselves


class RegisterMeRequest(RegisterYouthRequest):
    channel: Channel = Channel.APP


class ClaimRequest(ApiModel):
    code: str = Field(min_length=1, max_length=20, description="驿站打印的认领码")


class SelfConsentRequest(ConsentRequest):
    channel: Channel = Channel.APP


async def youth_caller(who: Principal = Depends(caller)) -> Principal:
    who.require(YOUTH)
    return who


def _self(who: Principal) -> Principal:
    """The audit's actor for a person acting on their own record (their account stays out of the trail)."""
    return replace(who, subject="self")


class InvalidClaimCode(RuleViolated, code="RULE_VIOLATED", status=409):
    """No live claim code is the one given (counted: unlimited, the answer tells which codes are not live)."""


@asynccontextmanager
async def _refusals_counted(rt: Runtime, who: Principal, kind: str, refusal: type[Exception]) -> AsyncIterator[None]:
    """The block, admitted only while the account's refusals of `kind` in the last hour are under the allowance;
    a `refusal` raised in it is counted (apart from the block's transaction, which it rolls back)."""
    account = account_digest(rt.deps.vault, who.subject)
    await admit_self_refusals(rt.pool, account, kind, rt.settings.registry_self_refusals_per_hour)
    try:
        yield
    except refusal:
        await count_self_refusal(rt.pool, account, kind)
        raise


def _self_channel(channel: str) -> None:
    if channel not in SELF_CHANNELS:
        raise ValidationFailed([FieldError("channel", "本人操作的渠道应为 APP 或 WECHAT", "enum")])


@router.post("/me", status_code=201, response_model=Accepted, summary="本人登记并关联本人账号（registerMe）")
async def register_me(body: RegisterMeRequest, request: Request, who: Principal = Depends(youth_caller)):
    _self_channel(body.channel)
    if body.registered_on is not None:  # a person registers themself today; only staff type in an earlier form
        raise ValidationFailed([FieldError("registeredOn", "本人登记即当天登记，不能指定登记日期", "not_allowed")])
    rt = runtime(request)
    youth_id = str(uuid.uuid4())
    today = rt.deps.clock.today()
    command = body.command(youth_id, today)
    validate_registration(command)
    async with _refusals_counted(rt, who, DUPLICATE_REGISTRATION, Duplicate), transaction(rt.pool) as conn:
        await _not_linked_yet(conn, rt, who)
        await commands.run(conn, rt.deps.store, rt.deps.vault, youth_id, command, audit=lambda state: tables.audit_write(
            _self(who), "REGISTER", youth_id, [CAMEL[k] for k in state.profile], "本人登记"))
        linked = await commands.run(conn, rt.deps.store, rt.deps.vault, youth_id,
                                    LinkAccount(who.subject, AccountLink.SELF_REGISTERED, today))
    return linked.accepted()


@router.post("/me:claim", response_model=Accepted, summary="用认领码认领驿站为本人登记的记录（claimMyRecord）")
async def claim_my_record(body: ClaimRequest, request: Request, who: Principal = Depends(youth_caller)):
    rt = runtime(request)
    async with _refusals_counted(rt, who, INVALID_CLAIM_CODE, InvalidClaimCode), transaction(rt.pool) as conn:
        await _not_linked_yet(conn, rt, who)
        code = await tables.take_claim_code(conn, claim_code_digest(rt.deps.vault, body.code))
        if code is None:
            raise InvalidClaimCode("认领码无效或已使用。", rule="claim_code_invalid")
        link = LinkAccount(who.subject, AccountLink.CLAIM_CODE, rt.deps.clock.today(), now=rt.deps.clock.now(),
                           code_expires_at=code["expires_at"])
        outcome = await commands.run(conn, rt.deps.store, rt.deps.vault, code["youth_id"], link)
        await tables.record_audit(conn, _self(who), "CLAIM", code["youth_id"], [], "本人认领记录")
    return outcome.accepted()


@router.get("/me", response_model=YouthProfile, response_model_exclude_none=True,
            summary="本人的登记记录（身份证号打码）")
async def me(request: Request, who: Principal = Depends(youth_caller)):
    rt = runtime(request)
    async with transaction(rt.pool) as conn:
        youth_id = await own_record(conn, rt.deps.vault, who)
        state, version = await commands.load(conn, rt.deps.store, youth_id)
    return profile_of(state, version, personal_view(state.profile, OWN))


class OwnRecordId(ApiModel):
    youth_id: str


@router.get(OWN_RECORD_PATH, response_model=OwnRecordId,
            summary="本人账号关联的记录编号（其他服务凭本人令牌询问；未关联或已删除为 NOT_FOUND）")
async def own_record_id(request: Request, who: Principal = Depends(youth_caller)):
    rt = runtime(request)
    async with rt.pool.acquire() as conn:
        return OwnRecordId(youth_id=await own_record(conn, rt.deps.vault, who))


@router.patch("/me", response_model=Accepted, summary="本人更新资料")
async def update_my_profile(body: UpdateProfileRequest, request: Request, who: Principal = Depends(youth_caller)):
    changes = {k: v for k, v in body.model_dump(exclude_unset=True).items() if k != "expected_version"}
    return await _own_command(runtime(request), who, UpdateProfile(changes), "UPDATE",
                              expected_version=body.expected_version)


@router.post("/me/consents", response_model=Accepted, summary="本人给予同意（按用途）")
async def give_my_consent(body: SelfConsentRequest, request: Request, who: Principal = Depends(youth_caller)):
    _self_channel(body.channel)
    rt = runtime(request)
    return await _own_command(rt, who, GiveConsent(body.purpose, body.notice_version, body.channel,
                                                   rt.deps.clock.today()), "CONSENT_GIVE")


@router.post("/me/consents/withdraw", response_model=Accepted, summary="本人撤回同意；撤回“登记”同意即停用记录")
async def withdraw_my_consent(body: WithdrawRequest, request: Request, who: Principal = Depends(youth_caller)):
    rt = runtime(request)
    return await _own_command(rt, who, WithdrawConsent(body.purpose, rt.deps.clock.today()), "CONSENT_WITHDRAW")


@router.get("/me/export", summary="本人查阅、复制个人信息（PIPL 第 45 条）")
async def export_my_data(request: Request, who: Principal = Depends(youth_caller)) -> dict:
    rt = runtime(request)
    async with transaction(rt.pool) as conn:
        youth_id = await own_record(conn, rt.deps.vault, who)
        exported = await export_of(conn, rt, youth_id, None)
        await tables.record_audit(conn, _self(who), "EXPORT", exported_ids(exported), ["*"], "本人查阅、复制")
    return exported


@router.post("/me:erase", response_model=Accepted,
             summary="本人删除个人信息（PIPL 第 47 条，加密销毁；合并进同一人的记录一并删除；账号关联随之解除）")
async def erase_me(request: Request, who: Principal = Depends(youth_caller)):
    rt = runtime(request)
    async with transaction(rt.pool) as conn:
        youth_id = await own_record(conn, rt.deps.vault, who)
        outcome, erased = await commands.erase(conn, rt.deps.store, rt.deps.vault, youth_id,
                                               rt.deps.clock.today(), None)
        await tables.record_audit(conn, _self(who), "ERASE", erased, ["*"], "本人申请删除")
    return outcome.accepted()


async def _not_linked_yet(conn, rt: Runtime, who: Principal) -> None:
    if await tables.linked_youth(conn, account_digest(rt.deps.vault, who.subject)) is not None:
        raise RuleViolated("您的账号已关联一条登记记录，不能再登记或认领。", rule="account_already_linked")


async def _own_command(rt: Runtime, who: Principal, command, action: str, expected_version: int | None = None):
    async with transaction(rt.pool) as conn:
        youth_id = await own_record(conn, rt.deps.vault, who)
        outcome = await commands.run(conn, rt.deps.store, rt.deps.vault, youth_id, command,
                                     expected_version=expected_version)
        if outcome.envelopes:  # field names of an update, the purpose of a consent
            changed = [CAMEL[f] for e in outcome.envelopes for f in e.data.get("changed", [])]
            await tables.record_audit(conn, _self(who), action, youth_id,
                                      changed or [f"consent:{outcome.envelopes[0].data['purpose']}"], "本人操作")
    return outcome.accepted()
