"""The staff's lists (their district's nominations with the profiles to review, and talks), and the year's public
list of role models, readable without a token like the nearest stations (rate-limited when anonymous)."""
from __future__ import annotations

from datetime import date

import strawberry

from ..common import STATIONS, Context, forward
from ..me.role_models import RoleModelNomination
from ..public import public_clock
from .types import PublicRoleModel, RoleModelTalk, Venue


@strawberry.type
class Query:
    @strawberry.field(description="本区榜样提名（新到旧；区团委、站点工作人员、团支部书记），含待审核的公开资料")
    async def role_model_nominations(self, info: strawberry.Info, limit: int = 50) -> list[RoleModelNomination]:
        answer = await forward(info, STATIONS, "/role-models", method="GET", params={"limit": limit})
        return [RoleModelNomination.of(r) for r in answer["nominations"]]

    @strawberry.field(description="本区榜样宣讲（新到旧）")
    async def role_model_talks(self, info: strawberry.Info, limit: int = 50) -> list[RoleModelTalk]:
        answer = await forward(info, STATIONS, "/role-models/talks", method="GET", params={"limit": limit})
        return [RoleModelTalk(nomination_id=t["nominationId"], talk_id=t["talkId"], district=t["district"],
                              venue_kind=Venue(t["venueKind"]), place=t["place"],
                              given_on=date.fromisoformat(t["givenOn"]),
                              audience=t["audience"]) for t in answer["talks"]]

    @strawberry.field(description="北京青年榜样年度名单：已入选且本人同意公开的榜样（姓名、照片、事迹）。"
                                  "公开：无需登录（未登录时按来源地址限流）")
    async def role_models(self, info: strawberry.Info, year: int) -> list[PublicRoleModel]:
        public_clock(info, None)
        ctx: Context = info.context
        answer = await ctx.service(STATIONS).call("GET", "/role-models/public", token=None, params={"year": year})
        return [PublicRoleModel(id=r["id"], district=r["district"], year=r["year"], name=r["name"],
                                photo_ref=r["photoRef"], story=r["story"]) for r in answer["roleModels"]]
