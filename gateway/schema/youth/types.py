"""Youth in the GraphQL schema, its types: the registry's enums (from contracts/), a person's record as
operators see it (personal fields from the registry, masked by role), the audit trail, the dashboard's
youth figures; and what travels to the registry."""
from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import strawberry

from chassis.reference import SUBTYPES, YOUTH_TYPES
from contracts import registry
from contracts.agencies import AGENCIES

from ..branches import Branch, youth_branch
from ..common import REGISTRY, without_none


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
SERVICE = REGISTRY  # the owner of every person's record: youth reads and commands go there


async def _branch_of(root: Youth | YouthListItem, info: strawberry.Info) -> Branch | None:
    return await youth_branch(info, root.id)


BRANCH_DOC = "所在团支部（团组织书记、管理员可见，其他角色为 null；同一请求内批量读取；不在您权限范围内的区时为 null）"


@strawberry.type
class Consent:
    purpose: ConsentPurpose
    notice_version: str
    channel: str
    given_on: date


@strawberry.type
class YouthBase:
    """What the record and a search hit both show first; not a GraphQL type itself."""

    id: strawberry.ID
    status: YouthStatus
    district: str
    youth_type: YouthType
    subtype: Subtype
    employer_kind: str | None


@strawberry.type(description="青年档案；个人信息按角色给出（身份证号默认打码）")
class Youth(YouthBase):
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

    branch: Branch | None = strawberry.field(resolver=_branch_of, description=BRANCH_DOC)


@strawberry.type(description="检索结果中的一名青年")
class YouthListItem(YouthBase):
    registered_on: date
    name: str | None
    gender: str | None
    mobile: str | None
    id_number: str | None

    branch: Branch | None = strawberry.field(resolver=_branch_of, description=BRANCH_DOC)


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


def to_youth(p: dict) -> Youth:
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


def to_list_item(p: dict) -> YouthListItem:
    return YouthListItem(id=p["id"], status=YouthStatus[p["status"]], district=p["district"],
                         youth_type=YouthType[p["youthType"]], subtype=Subtype[p["subtype"]],
                         employer_kind=p.get("employerKind"), registered_on=date.fromisoformat(p["registeredOn"]),
                         name=p.get("name"), gender=p.get("gender"), mobile=p.get("mobile"), id_number=p.get("idNumber"))


def purpose_params(purpose: str | None, **more) -> dict:
    """Query parameters of a request that states why it reads or changes personal fields."""
    return without_none({"purpose": purpose, **more})


def to_audit_entry(a: dict) -> AuditEntry:
    return AuditEntry(id=a["id"], at=datetime.fromisoformat(a["at"]), actor=a["actor"], roles=a["roles"],
                      scope=a["scope"], action=a["action"], youth_id=a["youthId"], fields=a["fields"],
                      purpose=a["purpose"], trace_id=a["traceId"])
