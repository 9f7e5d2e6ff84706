"""Youth in the GraphQL schema: registration, and the youth figures of the dashboard."""
from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry

from chassis.reference import DISTRICTS, SUBTYPES, YOUTH_TYPES

from ..views import youth as views
from ..views import youth_daily
from .common import CommandResult, Context

Gender = strawberry.enum(Enum("Gender", {"MALE": "MALE", "FEMALE": "FEMALE"}), description="性别")
YouthType = strawberry.enum(Enum("YouthType", {k: k for k in YOUTH_TYPES}), description="青年类型")
Subtype = strawberry.enum(Enum("Subtype", {k: k for k in SUBTYPES}), description="细分类型")
ConsentPurpose = strawberry.enum(Enum("ConsentPurpose", {"REGISTRATION": "REGISTRATION",
                                                         "SERVICE_RECORDS": "SERVICE_RECORDS"}),
                                 description="同意的用途")


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
class DashboardPart:
    @strawberry.field(description="登记青年；看板带日期范围时为该期间内登记的青年")
    async def youth(self, info: strawberry.Info) -> YouthFigures:
        ctx: Context = info.context
        scope = self.scope
        async with ctx.runtime.pool.acquire() as conn:
            if scope.has_dates:
                counts = await youth_daily.registrations_between(conn, scope.district, scope.date_from, scope.date_to)
            else:
                counts = await views.youth_counts(conn, scope.district)
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
        ctx: Context = info.context
        body = {"name": input.name, "gender": input.gender.value, "birthDate": input.birth_date.isoformat(),
                "mobile": input.mobile, "district": input.district, "youthType": input.youth_type.value,
                "subtype": input.subtype.value, "consents": [c.value for c in input.consents]}
        result = await ctx.service("registry").call("POST", "/youth", token=ctx.principal.token, json=body)
        return CommandResult(id=result["id"], version=result["version"], position=result["position"])
