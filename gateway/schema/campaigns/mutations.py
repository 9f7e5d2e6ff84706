"""Media campaigns' mutations, forwarded to the stations service (which checks roles, districts and rules again)."""
from __future__ import annotations

from datetime import date

import strawberry

from ..common import STATIONS, CommandResult, forwarded, input_mutation, mine
from .types import Audience


@strawberry.input(description="发布征集活动")
class LaunchCampaignInput:
    title: str = strawberry.field(description="征集名称（不超过 100 字）")
    theme: str = strawberry.field(description="征集主题与说明（不超过 1000 字）")
    opens_on: date = strawberry.field(description="开始征集日期（不早于今天）")
    closes_on: date = strawberry.field(description="截止日期（含当天；征集期不超过一年）")
    audiences: list[Audience] = strawberry.field(description="面向的青年群体（至少一个）")  # type: ignore[valid-type]
    district: str | None = strawberry.field(default=None, description="区县代码；不填为令牌的范围（全市令牌：全市征集）")


@strawberry.input(description="参加征集：提交作品（本人）")
class EnterCampaignInput:
    campaign_id: strawberry.ID
    title: str = strawberry.field(description="作品标题（不超过 100 字）")
    link: str = strawberry.field(description="作品链接（https://，不超过 500 个字符）")
    consent_to_publish: bool = strawberry.field(description="同意公开发布作品的标题与链接（必须为 true）")


@strawberry.type
class Mutation:
    launch_campaign = input_mutation(STATIONS, "/campaigns", LaunchCampaignInput,
                                     "发布征集活动（团委管理员：区级为本区，全市令牌为全市）")

    @forwarded(STATIONS, "/campaigns/{campaign_id}/close", "提前结束征集（该活动的团委管理员）")
    async def close_campaign(self, info: strawberry.Info, campaign_id: strawberry.ID) -> CommandResult: ...

    @forwarded(STATIONS, "/campaign-entries/{entry_id}/judge",
               "评选作品：入选（selected: true）或未入选，可附说明；每件作品评选一次")
    async def judge_campaign_entry(self, info: strawberry.Info, entry_id: strawberry.ID, selected: bool,
                                   note: str | None = None) -> CommandResult: ...

    enter_campaign = input_mutation(STATIONS, "/me/campaign-entries", EnterCampaignInput,
                                    "本人参加征集，提交作品（仅青年本人令牌；须同意公开发布）", send=mine)

    @forwarded(STATIONS, "/me/campaign-entries/{entry_id}/withdraw", "本人撤回作品（评选前）", send=mine)
    async def withdraw_campaign_entry(self, info: strawberry.Info, entry_id: strawberry.ID) -> CommandResult: ...
