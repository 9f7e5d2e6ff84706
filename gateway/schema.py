"""The GraphQL schema front-end apps and the joint meeting's dashboard use.

Queries read the gateway's own read models; mutations go to the owning service, and return the
`position` they produced so a following query can ask to see at least that (`minPosition`).
"""
from __future__ import annotations

from datetime import date
from enum import Enum
from functools import cached_property

import strawberry
from strawberry.fastapi import BaseContext

from chassis.auth import Principal
from chassis.errors import Unavailable
from chassis.reference import DISTRICTS, SUBTYPES, YOUTH_TYPES
from chassis.service import Runtime

from . import views

Gender = strawberry.enum(Enum("Gender", {"MALE": "MALE", "FEMALE": "FEMALE"}), description="性别")
YouthType = strawberry.enum(Enum("YouthType", {k: k for k in YOUTH_TYPES}), description="青年类型")
Subtype = strawberry.enum(Enum("Subtype", {k: k for k in SUBTYPES}), description="细分类型")
ConsentPurpose = strawberry.enum(Enum("ConsentPurpose", {"REGISTRATION": "REGISTRATION",
                                                         "SERVICE_RECORDS": "SERVICE_RECORDS"}),
                                 description="同意的用途")

DASHBOARD_ROLES = ("admin", "registry_operator", "branch_secretary", "station_staff", "department_viewer")


class Context(BaseContext):
    def __init__(self, runtime: Runtime):
        super().__init__()
        self.runtime = runtime

    @cached_property
    def principal(self) -> Principal:
        return self.runtime.verifier.verify(self.request.headers.get("authorization"))

    async def await_position(self, position: str | None) -> None:
        if position is None:
            return
        runner = self.runtime.projections[views.YouthProjection.name]
        try:
            reached = await runner.wait_for(position, self.runtime.settings.consistency_wait_seconds)
        except ValueError as exc:
            raise Unavailable(f"minPosition 格式无效：{exc}") from None
        if not reached:
            raise Unavailable("数据仍在同步中，尚未包含您刚才的操作，请稍后重试。", retry_after=1)


@strawberry.input(description="登记一名新兴青年")
class RegisterYouthInput:
    name: str
    gender: Gender
    birth_date: date
    mobile: str
    district: str = strawberry.field(description="区县代码（GB/T 2260），如 110105 朝阳区")
    youth_type: YouthType
    subtype: Subtype
    consents: list[ConsentPurpose]


@strawberry.type
class CommandResult:
    id: strawberry.ID
    version: int
    position: str = strawberry.field(description="读己之写：把它作为 minPosition 传给查询")


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


@strawberry.type
class YouthFigures:
    total: int
    by_type: list[TypeCount]
    by_district: list[DistrictCount]


@strawberry.type
class Dashboard:
    district: str | None = strawberry.field(description="看板范围：null 为全市")

    @strawberry.field(description="登记青年")
    async def youth(self, info: strawberry.Info) -> YouthFigures:
        ctx: Context = info.context
        async with ctx.runtime.pool.acquire() as conn:
            counts = await views.youth_counts(conn, self.district)
        return YouthFigures(
            total=counts.total,
            by_type=[TypeCount(type=YouthType[t], name=YOUTH_TYPES[t], count=n)
                     for t, n in sorted(counts.by_type.items())],
            by_district=[DistrictCount(district=d, name=DISTRICTS.get(d, d), count=n)
                         for d, n in sorted(counts.by_district.items())],
        )


@strawberry.type
class Query:
    @strawberry.field(description="联席会议看板；区级令牌只看到本区")
    async def dashboard(self, info: strawberry.Info, min_position: str | None = None) -> Dashboard:
        ctx: Context = info.context
        ctx.principal.require(*DASHBOARD_ROLES)
        await ctx.await_position(min_position)
        return Dashboard(district=ctx.principal.district)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="登记青年（转发至登记服务）")
    async def register_youth(self, info: strawberry.Info, input: RegisterYouthInput) -> CommandResult:
        ctx: Context = info.context
        who = ctx.principal
        body = {"name": input.name, "gender": input.gender.value, "birthDate": input.birth_date.isoformat(),
                "mobile": input.mobile, "district": input.district, "youthType": input.youth_type.value,
                "subtype": input.subtype.value, "consents": [c.value for c in input.consents]}
        result = await ctx.runtime.extras["registry"].call("POST", "/youth", token=who.token, json=body)
        return CommandResult(id=result["id"], version=result["version"], position=result["position"])
