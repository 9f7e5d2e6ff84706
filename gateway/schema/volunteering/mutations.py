"""Volunteering's mutations, forwarded to the stations service (which checks roles, districts and rules again)."""
from __future__ import annotations

from datetime import datetime

import strawberry

from ..common import STATIONS, CommandResult, forwarded, input_mutation, mine


@strawberry.input(description="发布志愿服务班次（站点与活动至少指定一项）")
class PublishShiftInput:
    district: str
    starts_at: datetime
    ends_at: datetime = strawberry.field(description="不晚于开始后 12 小时")
    places: int
    station_id: strawberry.ID | None = None
    event_id: strawberry.ID | None = None


@strawberry.type
class Mutation:
    publish_volunteer_shift = input_mutation(STATIONS, "/volunteer-shifts", PublishShiftInput,
                                             "发布志愿服务班次（站点工作人员，本区）")

    @forwarded(STATIONS, "/volunteer-shifts/{shift_id}/volunteers", "为青年报名志愿服务班次（站点工作人员）")
    async def add_volunteer(self, info: strawberry.Info, shift_id: strawberry.ID,
                            youth_id: strawberry.ID) -> CommandResult: ...

    @forwarded(STATIONS, "/volunteer-shifts/{shift_id}/hours",
               "登记服务时长（小时）；同一人同一班次重复登记不重复计数，更改请用更正")
    async def record_volunteer_hours(self, info: strawberry.Info, shift_id: strawberry.ID, youth_id: strawberry.ID,
                                     hours: float) -> CommandResult: ...

    @forwarded(STATIONS, "/volunteer-shifts/{shift_id}/hours:correct", "更正服务时长（须写明原因）")
    async def correct_volunteer_hours(self, info: strawberry.Info, shift_id: strawberry.ID, youth_id: strawberry.ID,
                                      hours: float, reason: str) -> CommandResult: ...

    @forwarded(STATIONS, "/me/volunteer-shifts", "本人报名志愿服务班次（仅青年本人令牌；班次开始前）", send=mine)
    async def sign_up_for_shift(self, info: strawberry.Info, shift_id: strawberry.ID) -> CommandResult: ...
