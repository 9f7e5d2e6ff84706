"""Media campaigns' reads: the staff's list, a campaign's entries for its admin (to judge them), and the public
showcase of selected entries — all from the stations service, which alone can open the sealed titles and links."""
from __future__ import annotations

import strawberry

from ..common import STATIONS, Context, forward, read_scope
from .types import Campaign, CampaignEntry, CampaignShowcase, ShowcaseEntry, Status


@strawberry.type
class Query:
    @strawberry.field(description="征集活动（本区的与全市的，新到旧），含各状态作品数；团委管理员、站点工作人员")
    async def campaigns(self, info: strawberry.Info, district: str | None = None,
                        status: Status | None = None) -> list[Campaign]:  # type: ignore[valid-type]
        scope = await read_scope(info, ("admin", "station_staff"), district)
        answer = await forward(info, STATIONS, "/campaigns", method="GET",
                               params={"district": scope} if scope else None)
        found = [Campaign.of(r) for r in answer["campaigns"]]
        return [c for c in found if status is None or c.status == status]

    @strawberry.field(description="一项征集活动的作品（供评选：状态、标题、链接；不含作者）；该活动的团委管理员")
    async def campaign_entries(self, info: strawberry.Info, campaign_id: strawberry.ID) -> list[CampaignEntry]:
        answer = await forward(info, STATIONS, f"/campaigns/{campaign_id}/entries", method="GET")
        return [CampaignEntry.of(r) for r in answer["entries"]]

    @strawberry.field(description="征集活动的入选作品（仅标题与链接，不含作者）；公开：无需登录（未登录时按来源地址限流）")
    async def campaign_showcase(self, info: strawberry.Info, campaign_id: strawberry.ID) -> CampaignShowcase:
        ctx: Context = info.context
        ctx.public()
        # what the entrants consented to publish: the stations service answers it to anyone, without a token
        answer = await ctx.service(STATIONS).call("GET", f"/campaigns/{campaign_id}/showcase", token=None)
        return CampaignShowcase(campaign_id=answer["campaignId"], title=answer["title"],
                                entries=[ShowcaseEntry(title=e["title"], link=e["link"]) for e in answer["entries"]])
