"""Registry HTTP API, commands on people (FastAPI). Field names are camelCase, as in the GraphQL schema.

Every change is audited (who, which person, which fields, purpose); values never enter the audit.
Identifiers (mobile, ID number) travel only in request bodies, never in URLs (URLs reach logs and spans).
"""
from __future__ import annotations

import uuid
from datetime import date, datetime

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from chassis.auth import Principal
from chassis.commands import transaction
from chassis.db import unavailable_as_503
from chassis.errors import RuleViolated
from chassis.http import Accepted, ApiModel
from chassis.purpose import purpose_header
from chassis.service import caller
from contracts.registry import Channel, Education, EmployerKind, Gender, Need

from .. import commands, tables
from ..access import OPERATORS
from ..accounts import CLAIM_CODE_VALID, claim_code_digest, new_claim_code
from ..deps import Runtime, runtime
from ..domain.commands import GiveConsent, MergeInto, RegisterYouth, UpdateProfile, WithdrawConsent
from ..domain.decider import claim_code_issuable
from ..domain.rules import CAMEL, validate_registration

router = APIRouter(tags=["youth"])
PURPOSE = Depends(purpose_header())  # 用途（记入审计），如 “受理本人查询”: a header, never in the URL


class ProfileFields(ApiModel):
    id_number: str | None = Field(None, description="身份证号（GB 11643-1999），可选")
    wechat: str | None = None
    employer: str | None = Field(None, description="工作单位 / 平台")
    employer_kind: EmployerKind | None = None
    education: Education | None = None
    needs: list[Need] = Field(default_factory=list, max_length=10)


class RegisterYouthRequest(ProfileFields):
    name: str = Field(description="姓名")
    gender: Gender
    birth_date: date
    mobile: str = Field(description="中国大陆手机号，可带 +86 / 0086")
    district: str = Field(description="GB/T 2260 district code, one of Beijing's 16")
    youth_type: str = Field(description="ONLINE_CULTURE | INDEPENDENT_ART | NEW_BUSINESS")
    subtype: str
    consents: list[str] = Field(default_factory=list, max_length=20,
                                description="purposes consented to; REGISTRATION is required")
    notice_version: str = Field("v1", description="告知书版本")
    channel: Channel = Channel.IN_PERSON
    registered_on: date | None = Field(None, description="登记日期（如问卷的填表日期；默认今天，北京时间）："
                                                         "不能晚于今天，不能早于本人年满 16 周岁之日")

    def command(self, youth_id: str, on: date) -> RegisterYouth:
        return RegisterYouth(
            youth_id=youth_id, name=self.name, gender=self.gender, birth_date=self.birth_date, mobile=self.mobile,
            district=self.district, youth_type=self.youth_type, subtype=self.subtype, consents=tuple(self.consents),
            today=on, id_number=self.id_number, wechat=self.wechat, employer=self.employer,
            employer_kind=self.employer_kind, education=self.education, needs=tuple(self.needs),
            notice_version=self.notice_version, channel=self.channel, registered_on=self.registered_on)


class UpdateProfileRequest(ApiModel):
    """Only the fields present are changed (null clears an optional one)."""
    mobile: str | None = None
    wechat: str | None = None
    district: str | None = None
    employer: str | None = None
    employer_kind: EmployerKind | None = None
    youth_type: str | None = None
    subtype: str | None = None
    needs: list[Need] | None = Field(None, max_length=10)
    education: Education | None = None
    expected_version: int | None = Field(None, description="乐观并发：上次读到的版本")


class ConsentRequest(ApiModel):
    purpose: str = Field(description="REGISTRATION | SERVICE_RECORDS | SHARE_WITH_AGENCY:<HRSS|JUSTICE|UNION|WOMEN|GOVSERVICE>")
    notice_version: str = "v1"
    channel: Channel = Channel.IN_PERSON


class WithdrawRequest(ApiModel):
    purpose: str


class MergeRequest(ApiModel):
    youth_id: uuid.UUID
    other_youth_id: uuid.UUID


@router.post("/youth:merge", response_model=Accepted,
             summary="合并重复记录：较早登记的记录保留，另一条记录合并进去")
async def merge_youth(body: MergeRequest, request: Request, who: Principal = Depends(caller),
                      purpose: str | None = PURPOSE):
    who.require(*OPERATORS)
    rt = runtime(request)
    a, b = str(body.youth_id), str(body.other_youth_id)
    if a == b:
        raise RuleViolated("不能把记录合并到它自己。", rule="merge_self")
    async with transaction(rt.pool) as conn:
        survivor, gone = (a, b) if await tables.first_registered(conn, [a, b]) == a else (b, a)
        await tables.lock_survivor(conn, survivor)  # an erasure of the survivor's person finishes first
        kept, _ = await commands.load_existing(conn, rt.deps.store, survivor, who)
        outcome = await commands.run(conn, rt.deps.store, rt.deps.vault, gone, MergeInto(survivor, kept.status),
                                     who=who)
        await tables.record_audit(conn, who, "MERGE", [gone, survivor], [], purpose or "合并重复记录")
    return outcome.accepted()


class ClaimCode(ApiModel):
    youth_id: str
    code: str = Field(description="一次性认领码：本人在应用中输入，即可把这条记录关联到本人账号")
    expires_at: datetime


@router.post("/youth/{youth_id}/claim-code", response_model=ClaimCode,
             summary="打印认领码（一次性，7 天内有效；新码作废旧码）")
async def issue_claim_code(youth_id: uuid.UUID, request: Request, who: Principal = Depends(caller)):
    who.require(*OPERATORS, "station_staff")
    rt = runtime(request)
    code, expires_at = new_claim_code(), rt.deps.clock.now() + CLAIM_CODE_VALID
    async with transaction(rt.pool) as conn:
        state, _ = await commands.load_existing(conn, rt.deps.store, str(youth_id), who)
        claim_code_issuable(state)
        if await tables.account_in_group(conn, str(youth_id)):  # a record merged into it is linked already
            raise RuleViolated("该青年已用本人账号登录并关联了记录，无需认领码。", rule="account_already_linked")
        await tables.save_claim_code(conn, claim_code_digest(rt.deps.vault, code), str(youth_id), expires_at)
        await tables.record_audit(conn, who, "CLAIM_CODE", str(youth_id), [], "打印认领码")
    return ClaimCode(youth_id=str(youth_id), code=code, expires_at=expires_at)


@router.post("/youth", status_code=201, response_model=Accepted, summary="登记青年 (RegisterYouth)")
async def register_youth(body: RegisterYouthRequest, request: Request, who: Principal = Depends(caller),
                         purpose: str | None = PURPOSE):
    who.require_in(body.district, *OPERATORS)
    rt = runtime(request)
    youth_id = str(uuid.uuid4())
    command = body.command(youth_id, rt.deps.clock.today())
    validate_registration(command)  # before touching the database: bad input stores nothing
    async with unavailable_as_503(rt.pool) as conn:  # no transaction: one statement (commands.run)
        outcome = await commands.run(conn, rt.deps.store, rt.deps.vault, youth_id, command, who=who,
                                     audit=lambda state: tables.audit_write(
                                         who, "REGISTER", youth_id, [CAMEL[k] for k in state.profile], purpose or "登记"))
    return outcome.accepted()


@router.patch("/youth/{youth_id}", response_model=Accepted, summary="更新资料（联系方式、区、单位、细分类型、需求）")
async def update_profile(youth_id: uuid.UUID, body: UpdateProfileRequest, request: Request,
                         who: Principal = Depends(caller), purpose: str | None = PURPOSE):
    who.require(*OPERATORS)
    changes = {k: v for k, v in body.model_dump(exclude_unset=True).items() if k != "expected_version"}
    return await _command(runtime(request), who, str(youth_id), UpdateProfile(changes), "UPDATE",
                          purpose or "更新资料", expected_version=body.expected_version)


@router.post("/youth/{youth_id}/consents", response_model=Accepted, summary="取得同意（按用途）")
async def give_consent(youth_id: uuid.UUID, body: ConsentRequest, request: Request,
                       who: Principal = Depends(caller), purpose: str | None = PURPOSE):
    who.require(*OPERATORS)
    rt = runtime(request)
    command = GiveConsent(body.purpose, body.notice_version, body.channel, rt.deps.clock.today())
    return await _command(rt, who, str(youth_id), command, "CONSENT_GIVE", purpose or "同意管理")


@router.post("/youth/{youth_id}/consents/withdraw", response_model=Accepted,
             summary="撤回同意；撤回“登记”同意即停用该记录")
async def withdraw_consent(youth_id: uuid.UUID, body: WithdrawRequest, request: Request,
                           who: Principal = Depends(caller), purpose: str | None = PURPOSE):
    who.require(*OPERATORS)
    rt = runtime(request)
    return await _command(rt, who, str(youth_id), WithdrawConsent(body.purpose, rt.deps.clock.today()),
                          "CONSENT_WITHDRAW", purpose or "同意管理")


@router.post("/youth/{youth_id}/erase", response_model=Accepted,
             summary="删除个人信息（PIPL 第 47 条，加密销毁；合并进同一人的记录一并删除）")
async def erase_youth(youth_id: uuid.UUID, request: Request, who: Principal = Depends(caller),
                      purpose: str | None = PURPOSE):
    who.require(*OPERATORS)
    rt = runtime(request)
    async with transaction(rt.pool) as conn:
        outcome, erased = await commands.erase(conn, rt.deps.store, rt.deps.vault, str(youth_id),
                                               rt.deps.clock.today(), who)
        await tables.record_audit(conn, who, "ERASE", erased, ["*"], purpose or "本人申请删除")
    return outcome.accepted()


async def _command(rt: Runtime, who: Principal, youth_id: str, command, action: str, purpose: str,
                   expected_version: int | None = None) -> dict:
    async with transaction(rt.pool) as conn:
        outcome = await commands.run(conn, rt.deps.store, rt.deps.vault, youth_id, command,
                                     expected_version=expected_version, who=who)
        if outcome.envelopes:  # audit what changed: field names of an update, the purpose of a consent
            changed = [CAMEL[f] for e in outcome.envelopes for f in e.data.get("changed", [])]
            await tables.record_audit(conn, who, action, youth_id,
                                      changed or [f"consent:{outcome.envelopes[0].data['purpose']}"], purpose)
    return outcome.accepted()
