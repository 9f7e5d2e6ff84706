"""The person lifecycle, forwarded to the registry: register, update, consent, merge, erase, export, and the
claim code a station prints so that the person can link the record to their own account."""
from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry.scalars import JSON

from ..common import CommandResult, body, command, forward, forwarded, input_mutation
from .types import (
    PURPOSE_DOC,
    SERVICE,
    ConsentChannel,
    ConsentPurpose,
    Education,
    EmployerKind,
    Gender,
    Need,
    Subtype,
    YouthType,
    purpose_params,
)


@strawberry.input(name="RegistrationFields", description="登记的资料（本人登记与工作人员登记共用）")
class RegistrationFields:
    """What a person's registration holds, whoever types it in (not itself in the schema: each mutation's
    input names it)."""

    name: str
    gender: Gender
    birth_date: date
    mobile: str
    district: str = strawberry.field(description="区县代码（GB/T 2260），如 110105 朝阳区")
    youth_type: YouthType
    subtype: Subtype
    consents: list[ConsentPurpose] = strawberry.field(description=PURPOSE_DOC + "；须含 REGISTRATION")
    id_number: str | None = strawberry.field(default=None, description="身份证号（可选）")
    wechat: str | None = None
    employer: str | None = strawberry.field(default=None, description="工作单位 / 平台")
    employer_kind: EmployerKind | None = None
    education: Education | None = None
    needs: list[Need] | None = None
    notice_version: str | None = strawberry.field(default=None, description="告知书版本（默认 v1）")
    channel: ConsentChannel | None = None


@strawberry.input(description="登记一名新兴青年")
class RegisterYouthInput(RegistrationFields):
    """Only an operator's registration may date it (a survey's 填表日期); a person registers today."""

    registered_on: date | None = strawberry.field(
        default=None, description="登记日期（如问卷的填表日期；默认今天，北京时间）：不能晚于今天，不能早于本人年满 16 周岁之日")


@strawberry.input(description="更新资料：只修改给出的字段（null 清除可选字段）")
class UpdateYouthProfileInput:
    mobile: str | None = strawberry.UNSET
    wechat: str | None = strawberry.UNSET
    district: str | None = strawberry.UNSET
    employer: str | None = strawberry.UNSET
    employer_kind: EmployerKind | None = strawberry.UNSET
    youth_type: YouthType | None = strawberry.UNSET
    subtype: Subtype | None = strawberry.UNSET
    needs: list[Need] | None = strawberry.UNSET
    education: Education | None = strawberry.UNSET


@strawberry.type(description="一次性认领码：本人在应用中输入（claimMyRecord），即可把这条记录关联到本人账号")
class ClaimCode:
    youth_id: strawberry.ID
    code: str
    expires_at: datetime = strawberry.field(description="过期时间（签发后 7 天）；新码作废旧码")


@strawberry.type
class Mutation:
    register_youth = input_mutation(SERVICE, "/youth", RegisterYouthInput, "登记青年（转发至登记服务）")

    @strawberry.mutation(description="更新资料（每次更新记为一个事件，只含变更的字段）")
    async def update_youth_profile(self, info: strawberry.Info, id: strawberry.ID, input: UpdateYouthProfileInput,
                                   expected_version: int | None = None, purpose: str | None = None) -> CommandResult:
        # only the fields given travel (null clears one: UpdateYouthProfileInput's fields default to UNSET)
        return await command(info, SERVICE, f"/youth/{id}", method="PATCH",
                             json=body(input, expected_version=expected_version), params=purpose_params(purpose))

    @forwarded(SERVICE, "/youth/{id}/consents", "取得同意（" + PURPOSE_DOC + "）")
    async def give_consent(self, info: strawberry.Info, id: strawberry.ID, purpose: ConsentPurpose,
                           notice_version: str, channel: ConsentChannel) -> CommandResult: ...

    @strawberry.mutation(description="撤回同意；撤回 REGISTRATION 即停用该记录")
    async def withdraw_consent(self, info: strawberry.Info, id: strawberry.ID,
                               purpose: ConsentPurpose) -> CommandResult:
        return await command(info, SERVICE, f"/youth/{id}/consents/withdraw", json={"purpose": purpose.value})

    @strawberry.mutation(description="合并两条重复记录：较早登记的保留，返回被合并的记录")
    async def merge_youth(self, info: strawberry.Info, youth_id: strawberry.ID, other_youth_id: strawberry.ID,
                          purpose: str | None = None) -> CommandResult:
        return await command(info, SERVICE, "/youth:merge", json=body(youth_id=youth_id, other_youth_id=other_youth_id),
                             params=purpose_params(purpose))

    @strawberry.mutation(description="删除个人信息（PIPL 第 47 条）：销毁该人的数据密钥，各处不再可读")
    async def erase_youth(self, info: strawberry.Info, id: strawberry.ID, purpose: str | None = None) -> CommandResult:
        return await command(info, SERVICE, f"/youth/{id}/erase", params=purpose_params(purpose))

    @strawberry.mutation(description="查阅、复制（PIPL 第 45 条）：导出登记服务持有的该人全部信息（JSON），记入审计")
    async def export_youth(self, info: strawberry.Info, id: strawberry.ID, purpose: str | None = None) -> JSON:
        return await forward(info, SERVICE, f"/youth/{id}/export", method="GET", params=purpose_params(purpose))

    @strawberry.mutation(description="为工作人员登记的青年打印一次性认领码（驿站工作人员、登记管理员，限本区）")
    async def issue_claim_code(self, info: strawberry.Info, youth_id: strawberry.ID) -> ClaimCode:
        answer = await forward(info, SERVICE, f"/youth/{youth_id}/claim-code")
        return ClaimCode(youth_id=answer["youthId"], code=answer["code"],
                         expires_at=datetime.fromisoformat(answer["expiresAt"]))
