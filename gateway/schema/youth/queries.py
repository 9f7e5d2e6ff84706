"""Youth reads forwarded to the registry: one person's record, the operators' search, the audit trail
(paginated, ..pagination)."""
from __future__ import annotations

from datetime import date

import strawberry

from ..common import body, forward, without_none
from ..pagination import Connection, paginate, service_rows
from .types import (
    SERVICE,
    AuditEntry,
    Subtype,
    Youth,
    YouthListItem,
    YouthStatus,
    YouthType,
    purpose_params,
    to_audit_entry,
    to_list_item,
    to_youth,
)


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
class Query:
    @strawberry.field(description="青年档案（个人信息来自登记服务，按角色打码；revealIdNumber 显示完整身份证号并记入审计）")
    async def youth(self, info: strawberry.Info, id: strawberry.ID, reveal_id_number: bool = False,
                    purpose: str | None = None) -> Youth:
        params = purpose_params(purpose, reveal="idNumber" if reveal_id_number else None)
        return to_youth(await forward(info, SERVICE, f"/youth/{id}", method="GET", params=params))

    @strawberry.field(description="检索青年（分页）；手机号、身份证号、单位名称经盲索引精确匹配")
    async def youths(self, info: strawberry.Info, filter: YouthFilter | None = None, first: int | None = None,
                     after: str | None = None, purpose: str | None = None) -> Connection[YouthListItem]:
        f = filter or YouthFilter()

        async def search(after_key: list | None, limit: int) -> list:
            query = body(f, first=limit, after=after_key, purpose=purpose)
            return service_rows(await forward(info, SERVICE, "/youth:search", json=query))
        return await paginate(first, after, search, node=to_list_item, key=lambda p: (p["registeredOn"], p["id"]))

    @strawberry.field(description="审计记录（仅管理员）")
    async def audit_entries(self, info: strawberry.Info, youth_id: strawberry.ID | None = None,
                            actor: str | None = None, action: str | None = None, first: int | None = None,
                            after: str | None = None) -> Connection[AuditEntry]:
        async def entries(after_key: list | None, limit: int) -> list:
            params = without_none({"youthId": youth_id, "actor": actor, "action": action, "first": limit,
                                   "after": after_key[0] if after_key else None})
            return service_rows(await forward(info, SERVICE, "/audit", method="GET", params=params))
        return await paginate(first, after, entries, node=to_audit_entry, key=lambda a: (a["id"],))
