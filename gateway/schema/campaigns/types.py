"""Media campaigns' output types; the enums are the stations contract's (contracts/stations.py)."""
from __future__ import annotations

from datetime import date, datetime

import strawberry

from contracts.stations import CampaignAudience, CampaignStatus, EntryStatus

Audience = strawberry.enum(CampaignAudience, name="CampaignAudience",
                           description="ONLINE_CULTURE 网络文化青年 | INDEPENDENT_ART 独立文艺青年 | NEW_BUSINESS 生活新业态青年")
Status = strawberry.enum(CampaignStatus, name="CampaignStatus",
                         description="UPCOMING 尚未开始征集 | OPEN 征集中 | CLOSED 已截止（到期或提前结束）")
EntryState = strawberry.enum(EntryStatus, name="CampaignEntryStatus",
                             description="SUBMITTED 已提交 | WITHDRAWN 已撤回 | SELECTED 入选 | NOT_SELECTED 未入选")


@strawberry.type(description="一项征集活动的作品数（按状态；不含作者）")
class CampaignEntryCounts:
    submitted: int = strawberry.field(description="已提交、待评选")
    withdrawn: int
    selected: int
    not_selected: int


@strawberry.type(description="媒体征集活动（如「小岗位 大英雄」）")
class Campaign:
    id: strawberry.ID
    title: str
    theme: str
    district: str | None = strawberry.field(description="区县代码；null 为全市征集")
    opens_on: date
    closes_on: date = strawberry.field(description="截止日期（含当天）")
    audiences: list[Audience]  # type: ignore[valid-type]
    status: Status  # type: ignore[valid-type]
    entries: CampaignEntryCounts

    @classmethod
    def of(cls, r: dict) -> Campaign:
        n = r["entries"]
        return cls(id=r["id"], title=r["title"], theme=r["theme"], district=r["district"],
                   opens_on=date.fromisoformat(r["opensOn"]), closes_on=date.fromisoformat(r["closesOn"]),
                   audiences=[Audience(a) for a in r["audiences"]], status=Status(r["status"]),
                   entries=CampaignEntryCounts(submitted=n.get("SUBMITTED", 0), withdrawn=n.get("WITHDRAWN", 0),
                                               selected=n.get("SELECTED", 0), not_selected=n.get("NOT_SELECTED", 0)))


@strawberry.type(description="一件征集作品（标题与链接为作者本人的内容；作者登记删除后为 null）")
class CampaignEntry:
    id: strawberry.ID
    campaign_id: strawberry.ID
    campaign_title: str
    status: EntryState  # type: ignore[valid-type]
    note: str = strawberry.field(description="评选说明（可为空）")
    submitted_at: datetime
    title: str | None
    link: str | None

    @classmethod
    def of(cls, r: dict) -> CampaignEntry:
        return cls(id=r["id"], campaign_id=r["campaignId"], campaign_title=r["campaignTitle"],
                   status=EntryState(r["status"]), note=r["note"], submitted_at=datetime.fromisoformat(r["submittedAt"]),
                   title=r["title"], link=r["link"])


@strawberry.type(description="入选作品（公开：仅标题与链接，不含作者）")
class ShowcaseEntry:
    title: str
    link: str


@strawberry.type(description="征集活动的入选作品展示")
class CampaignShowcase:
    campaign_id: strawberry.ID
    title: str
    entries: list[ShowcaseEntry]


@strawberry.type(description="媒体征集：进行中的征集活动，本年（北京时间）的作品与入选作品")
class CampaignFigures:
    open_campaigns: int = strawberry.field(description="已发布、尚未截止的征集活动")
    entries_this_year: int = strawberry.field(description="本年提交的作品（不含撤回的）")
    selected_this_year: int = strawberry.field(description="本年入选的作品")
