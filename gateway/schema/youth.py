"""Youth in the GraphQL schema: the person lifecycle (forwarded to the registry), operators' search and
profile (personal fields fetched from the registry on demand, never stored here), the audit trail, and
the youth figures of the dashboard (from the gateway's own read model)."""
from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import strawberry
from strawberry.scalars import JSON

from chassis.reference import DISTRICTS, SUBTYPES, YOUTH_TYPES
from contracts import registry
from contracts.agencies import AGENCIES

from ..tables import youth as tables
from .branches import Branch, youth_branch
from .common import CommandResult, Context, command, forward, without_none
from .pagination import Connection, paginate, service_rows


def _enum_of(contract: type[Enum], name: str, description: str):
    """A GraphQL enum with the members of a contract's enum (a copy: strawberry marks the class it is given)."""
    return strawberry.enum(Enum(name, {m.name: m.value for m in contract}), description=description)


Gender = _enum_of(registry.Gender, "Gender", "性别")
YouthType = strawberry.enum(Enum("YouthType", {k: k for k in YOUTH_TYPES}), description="青年类型")
Subtype = strawberry.enum(Enum("Subtype", {k: k for k in SUBTYPES}), description="细分类型")
Need = _enum_of(registry.Need, "Need", "需求（缺社保、缺规划、缺法律帮助、缺学习机会）")
Education = _enum_of(registry.Education, "Education", "学历")
EmployerKind = _enum_of(registry.EmployerKind, "EmployerKind", "工作单位类型")
ConsentChannel = _enum_of(registry.Channel, "ConsentChannel", "取得同意的渠道")
YouthStatus = _enum_of(registry.Status, "YouthStatus", "记录状态")
# GraphQL names cannot hold ':'; SHARE_WITH_AGENCY_HRSS stands for the registry's SHARE_WITH_AGENCY:HRSS.
ConsentPurpose = strawberry.enum(
    Enum("ConsentPurpose", {registry.REGISTRATION: registry.REGISTRATION,
                            registry.SERVICE_RECORDS: registry.SERVICE_RECORDS,
                            **{registry.share_with(a).replace(":", "_"): registry.share_with(a) for a in AGENCIES}}),
    description=f"同意的用途：登记、服务记录、向某机构共享（{'、'.join(AGENCIES.values())}）")
PURPOSE_DOC = f"同意用途：REGISTRATION、SERVICE_RECORDS 或 SHARE_WITH_AGENCY_<{'|'.join(AGENCIES)}>"
SERVICE = "registry"


@strawberry.input(description="登记一名新兴青年")
class RegisterYouthInput:
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


@strawberry.input(description="检索条件（区级令牌只检索本区）")
class YouthFilter:
    district: str | None = None
    youth_type: YouthType | None = None
    subtype: Subtype | None = None
    employer: str | None = strawberry.field(default=None, description="单位/平台名称，精确匹配（盲索引）")
    age_band: str | None = strawberry.field(default=None, description="16-17、18-22、23-28、29-35（按当年周岁）")
    registered_from: date | None = None
    registered_to: date | None = None
    status: YouthStatus | None = None
    mobile: str | None = strawberry.field(default=None, description="按手机号精确查找")
    id_number: str | None = strawberry.field(default=None, description="按身份证号精确查找")


@strawberry.type
class Consent:
    purpose: ConsentPurpose
    notice_version: str
    channel: str
    given_on: date


@strawberry.type(description="青年档案；个人信息按角色给出（身份证号默认打码）")
class Youth:
    id: strawberry.ID
    status: YouthStatus
    district: str
    youth_type: YouthType
    subtype: Subtype
    employer_kind: str | None
    is_minor: bool
    registered_on: date
    consents: list[Consent]
    version: int
    merged_into: strawberry.ID | None
    name: str | None
    gender: str | None
    birth_date: date | None
    mobile: str | None
    id_number: str | None
    wechat: str | None
    employer: str | None
    education: str | None
    needs: list[str] | None

    @strawberry.field(description="所在团支部（团组织书记、管理员可见，其他角色为 null；同一请求内批量读取；"
                                  "不在您权限范围内的区时为 null）")
    async def branch(self, info: strawberry.Info) -> Branch | None:
        return await youth_branch(info, self.id)


@strawberry.type(description="检索结果中的一名青年")
class YouthListItem:
    id: strawberry.ID
    status: YouthStatus
    district: str
    youth_type: YouthType
    subtype: Subtype
    employer_kind: str | None
    registered_on: date
    name: str | None
    gender: str | None
    mobile: str | None
    id_number: str | None

    @strawberry.field(description="所在团支部（团组织书记、管理员可见，其他角色为 null；同一请求内批量读取；"
                                  "不在您权限范围内的区时为 null）")
    async def branch(self, info: strawberry.Info) -> Branch | None:
        return await youth_branch(info, self.id)


@strawberry.type(description="审计记录：不含个人信息的值")
class AuditEntry:
    id: strawberry.ID
    at: datetime
    actor: str
    roles: list[str]
    scope: str | None
    action: str
    youth_id: str | None
    fields: list[str]
    purpose: str | None
    trace_id: str | None


def _youth(p: dict) -> Youth:
    return Youth(id=p["id"], status=YouthStatus[p["status"]], district=p["district"],
                 youth_type=YouthType[p["youthType"]], subtype=Subtype[p["subtype"]],
                 employer_kind=p.get("employerKind"), is_minor=p["isMinor"],
                 registered_on=date.fromisoformat(p["registeredOn"]),
                 consents=[Consent(purpose=ConsentPurpose(c["purpose"]), notice_version=c["noticeVersion"], channel=c["channel"],
                                   given_on=date.fromisoformat(c["givenOn"])) for c in p["consents"]],
                 version=p["version"], merged_into=p.get("mergedInto"), name=p.get("name"), gender=p.get("gender"),
                 birth_date=date.fromisoformat(p["birthDate"]) if p.get("birthDate") else None,
                 mobile=p.get("mobile"), id_number=p.get("idNumber"), wechat=p.get("wechat"),
                 employer=p.get("employer"), education=p.get("education"), needs=p.get("needs"))


def _item(p: dict) -> YouthListItem:
    return YouthListItem(id=p["id"], status=YouthStatus[p["status"]], district=p["district"],
                         youth_type=YouthType[p["youthType"]], subtype=Subtype[p["subtype"]],
                         employer_kind=p.get("employerKind"), registered_on=date.fromisoformat(p["registeredOn"]),
                         name=p.get("name"), gender=p.get("gender"), mobile=p.get("mobile"), id_number=p.get("idNumber"))


def _value(v):
    if isinstance(v, list):
        return [_value(x) for x in v]
    return v.value if isinstance(v, Enum) else v


def _params(purpose: str | None, **more) -> dict:
    return without_none({"purpose": purpose, **more})


def _audit_entry(a: dict) -> AuditEntry:
    return AuditEntry(id=a["id"], at=datetime.fromisoformat(a["at"]), actor=a["actor"], roles=a["roles"],
                      scope=a["scope"], action=a["action"], youth_id=a["youthId"], fields=a["fields"],
                      purpose=a["purpose"], trace_id=a["traceId"])


@strawberry.type
class Query:
    @strawberry.field(description="青年档案（个人信息来自登记服务，按角色打码；revealIdNumber 显示完整身份证号并记入审计）")
    async def youth(self, info: strawberry.Info, id: strawberry.ID, reveal_id_number: bool = False,
                    purpose: str | None = None) -> Youth:
        params = _params(purpose, reveal="idNumber" if reveal_id_number else None)
        return _youth(await forward(info, SERVICE, f"/youth/{id}", method="GET", params=params))

    @strawberry.field(description="检索青年（分页）；手机号、身份证号、单位名称经盲索引精确匹配")
    async def youths(self, info: strawberry.Info, filter: YouthFilter | None = None, first: int | None = None,
                     after: str | None = None, purpose: str | None = None) -> Connection[YouthListItem]:
        f = filter or YouthFilter()

        async def search(after_key: list | None, limit: int) -> list:
            body = {"district": f.district, "youthType": _value(f.youth_type), "subtype": _value(f.subtype),
                    "employer": f.employer, "ageBand": f.age_band,
                    "registeredFrom": f.registered_from.isoformat() if f.registered_from else None,
                    "registeredTo": f.registered_to.isoformat() if f.registered_to else None,
                    "status": _value(f.status), "mobile": f.mobile, "idNumber": f.id_number, "first": limit,
                    "after": after_key, "purpose": purpose}
            return service_rows(await forward(info, SERVICE, "/youth:search", json=without_none(body)))
        return await paginate(first, after, search, node=_item, key=lambda p: (p["registeredOn"], p["id"]))

    @strawberry.field(description="审计记录（仅管理员）")
    async def audit_entries(self, info: strawberry.Info, youth_id: strawberry.ID | None = None,
                            actor: str | None = None, action: str | None = None, first: int | None = None,
                            after: str | None = None) -> Connection[AuditEntry]:
        async def entries(after_key: list | None, limit: int) -> list:
            params = without_none({"youthId": youth_id, "actor": actor, "action": action, "first": limit,
                                   "after": after_key[0] if after_key else None})
            return service_rows(await forward(info, SERVICE, "/audit", method="GET", params=params))
        return await paginate(first, after, entries, node=_audit_entry, key=lambda a: (a["id"],))


@strawberry.type
class TypeCount:
    type: YouthType
    name: str
    count: int


@strawberry.type
class DistrictCount:
    district: str
    name: str
    count: int


@strawberry.type(description="登记青年（在册、有效登记同意的人数；已停用、已合并、已删除者不计）")
class YouthFigures:
    total: int
    by_type: list[TypeCount]
    by_district: list[DistrictCount]


@strawberry.type
class DashboardPart:
    @strawberry.field(description="登记青年；看板带日期范围时为该期间内登记的青年")
    async def youth(self, info: strawberry.Info) -> YouthFigures:
        ctx: Context = info.context
        scope = self.scope
        async with ctx.runtime.pool.acquire() as conn:
            if scope.has_dates:
                counts = await tables.registrations_between(conn, scope.district, scope.date_from, scope.date_to)
            else:
                counts = await tables.youth_counts(conn, scope.district)
        return YouthFigures(
            total=counts.total,
            by_type=[TypeCount(type=YouthType[t], name=YOUTH_TYPES[t], count=n)
                     for t, n in sorted(counts.by_type.items())],
            by_district=[DistrictCount(district=d, name=DISTRICTS.get(d, d), count=n)
                         for d, n in sorted(counts.by_district.items())],
        )


@strawberry.type
class Mutation:
    @strawberry.mutation(description="登记青年（转发至登记服务）")
    async def register_youth(self, info: strawberry.Info, input: RegisterYouthInput) -> CommandResult:
        body = {"name": input.name, "gender": input.gender.value, "birthDate": input.birth_date.isoformat(),
                "mobile": input.mobile, "district": input.district, "youthType": input.youth_type.value,
                "subtype": input.subtype.value, "consents": _value(input.consents), "idNumber": input.id_number,
                "wechat": input.wechat, "employer": input.employer, "employerKind": _value(input.employer_kind),
                "education": _value(input.education), "needs": _value(input.needs),
                "noticeVersion": input.notice_version, "channel": _value(input.channel)}
        return await command(info, SERVICE, "/youth", json=without_none(body))

    @strawberry.mutation(description="更新资料（每次更新记为一个事件，只含变更的字段）")
    async def update_youth_profile(self, info: strawberry.Info, id: strawberry.ID, input: UpdateYouthProfileInput,
                                   expected_version: int | None = None, purpose: str | None = None) -> CommandResult:
        names = {"employer_kind": "employerKind", "youth_type": "youthType"}
        body = {names.get(k, k): _value(v) for k, v in vars(input).items() if v is not strawberry.UNSET}
        if expected_version is not None:
            body["expectedVersion"] = expected_version
        return await command(info, SERVICE, f"/youth/{id}", method="PATCH", json=body, params=_params(purpose))

    @strawberry.mutation(description="取得同意（" + PURPOSE_DOC + "）")
    async def give_consent(self, info: strawberry.Info, id: strawberry.ID, purpose: ConsentPurpose,
                           notice_version: str, channel: ConsentChannel) -> CommandResult:
        body = {"purpose": purpose.value, "noticeVersion": notice_version, "channel": channel.value}
        return await command(info, SERVICE, f"/youth/{id}/consents", json=body)

    @strawberry.mutation(description="撤回同意；撤回 REGISTRATION 即停用该记录")
    async def withdraw_consent(self, info: strawberry.Info, id: strawberry.ID,
                               purpose: ConsentPurpose) -> CommandResult:
        return await command(info, SERVICE, f"/youth/{id}/consents/withdraw", json={"purpose": purpose.value})

    @strawberry.mutation(description="合并两条重复记录：较早登记的保留，返回被合并的记录")
    async def merge_youth(self, info: strawberry.Info, youth_id: strawberry.ID, other_youth_id: strawberry.ID,
                          purpose: str | None = None) -> CommandResult:
        body = {"youthId": youth_id, "otherYouthId": other_youth_id}
        return await command(info, SERVICE, "/youth:merge", json=body, params=_params(purpose))

    @strawberry.mutation(description="删除个人信息（PIPL 第 47 条）：销毁该人的数据密钥，各处不再可读")
    async def erase_youth(self, info: strawberry.Info, id: strawberry.ID, purpose: str | None = None) -> CommandResult:
        return await command(info, SERVICE, f"/youth/{id}/erase", params=_params(purpose))

    @strawberry.mutation(description="查阅、复制（PIPL 第 45 条）：导出登记服务持有的该人全部信息（JSON），记入审计")
    async def export_youth(self, info: strawberry.Info, id: strawberry.ID, purpose: str | None = None) -> JSON:
        return await forward(info, SERVICE, f"/youth/{id}/export", method="GET", params=_params(purpose))
