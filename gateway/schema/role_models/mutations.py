"""榜样选树's mutations, forwarded to the stations service (which checks roles, districts and rules again); the
nominee's consent goes with their own token."""
from __future__ import annotations

from datetime import date

import strawberry

from ..common import STATIONS, CommandResult, body, command, forwarded, input_mutation, mine
from .types import Venue


@strawberry.input(description="提名榜样：被提名人须为登记在册的青年；公开资料须本人同意后才公开")
class NominateRoleModelInput:
    youth_id: strawberry.ID = strawberry.field(description="被提名人的青年编号（姓名取自登记服务）")
    district: str = strawberry.field(description="提名所在的区；区级令牌只能是本区")
    story: str = strawberry.field(description="榜样事迹（不超过 2000 字）")
    photo_ref: str = strawberry.field(description="照片引用：文件编号或网址（不含空格，不超过 500 字符）")


@strawberry.input(description="登记一场榜样宣讲")
class RoleModelTalkInput:
    talk_id: strawberry.ID = strawberry.field(description="客户端生成的宣讲编号（UUID）：重复提交同一场不会重复登记")
    venue_kind: Venue  # type: ignore[valid-type]
    place: str = strawberry.field(description="宣讲地点（如 望京 SOHO 园区）")
    given_on: date
    audience: int = strawberry.field(description="听众人数（1–100000）")


async def _on(info: strawberry.Info, nomination_id: strawberry.ID, action: str, input: object = None,
              **fields: object) -> CommandResult:
    """A staff step on a nomination (`/role-models/<id>/<action>`)."""
    return await command(info, STATIONS, f"/role-models/{nomination_id}/{action}", json=body(input, **fields))


@strawberry.type
class Mutation:
    nominate_role_model = input_mutation(STATIONS, "/role-models", NominateRoleModelInput,
                                         "提名榜样（团支部书记、站点工作人员、区团委；本区）")

    @strawberry.mutation(description="入选年度榜样（区团委；须本人已同意公开）")
    async def select_role_model(self, info: strawberry.Info, nomination_id: strawberry.ID, year: int) -> CommandResult:
        return await _on(info, nomination_id, "select", year=year)

    @strawberry.mutation(description="不予入选（区团委，须写明原因）")
    async def decline_role_model(self, info: strawberry.Info, nomination_id: strawberry.ID, reason: str) -> CommandResult:
        return await _on(info, nomination_id, "decline", reason=reason)

    @strawberry.mutation(description="撤销榜样提名或撤下榜单（须写明原因）")
    async def withdraw_role_model(self, info: strawberry.Info, nomination_id: strawberry.ID, reason: str) -> CommandResult:
        return await _on(info, nomination_id, "withdraw", reason=reason)

    @strawberry.mutation(description="登记榜样宣讲（站点工作人员、区团委；已入选的榜样）")
    async def record_role_model_talk(self, info: strawberry.Info, nomination_id: strawberry.ID,
                                     input: RoleModelTalkInput) -> CommandResult:
        return await _on(info, nomination_id, "talks", input)

    @forwarded(STATIONS, "/me/role-models/{nomination_id}/consent",
               "本人答复是否同意公开榜样资料：given true 同意；false 不同意或撤回（撤回即撤下榜单）", send=mine)
    async def answer_role_model_consent(self, info: strawberry.Info, nomination_id: strawberry.ID,
                                       given: bool) -> CommandResult: ...
