"""筑梦空间's mutations, forwarded to the stations service (which checks roles, districts and rules again)."""
from __future__ import annotations

import strawberry

from ..common import STATIONS, CommandResult, forwarded, input_mutation, mine


@strawberry.input(description="申请筑梦空间孵化项目")
class ApplyForProjectInput:
    station_id: strawberry.ID = strawberry.field(description="筑梦空间站点")
    title: str
    field: str = strawberry.field(description="ONLINE_LITERATURE 网络文学 | INDIE_MUSIC 独立音乐 | DESIGN 设计 | "
                                              "LIVE_STREAMING 直播 | OTHER 其他")
    summary: str = strawberry.field(description="项目简介（不超过 500 字）")


@strawberry.input(description="发布合作企业的实习岗位（不含个人信息）")
class OfferInternshipInput:
    station_id: strawberry.ID = strawberry.field(description="本区站点")
    company: str = strawberry.field(description="企业名称")
    title: str = strawberry.field(description="岗位名称")
    places: int = strawberry.field(description="名额（1–1000 人）")


@strawberry.type
class Mutation:
    apply_for_project = input_mutation(STATIONS, "/me/projects", ApplyForProjectInput,
                                       "本人申请筑梦空间孵化项目（仅青年本人令牌）", send=mine)

    @forwarded(STATIONS, "/projects/{project_id}/support", "支持孵化项目（站点工作人员，本区）")
    async def support_project(self, info: strawberry.Info, project_id: strawberry.ID) -> CommandResult: ...

    @forwarded(STATIONS, "/projects/{project_id}/decline", "不予支持孵化项目（须写明原因）")
    async def decline_project(self, info: strawberry.Info, project_id: strawberry.ID, reason: str) -> CommandResult: ...

    @forwarded(STATIONS, "/projects/{project_id}/milestones", "记录孵化项目里程碑（进行中的项目）")
    async def note_project_milestone(self, info: strawberry.Info, project_id: strawberry.ID,
                                     note: str) -> CommandResult: ...

    @forwarded(STATIONS, "/projects/{project_id}/end", "孵化项目结项：COMPLETED 完成 | STOPPED 终止")
    async def end_project(self, info: strawberry.Info, project_id: strawberry.ID, outcome: str) -> CommandResult: ...

    offer_internship = input_mutation(STATIONS, "/internships", OfferInternshipInput,
                                      "发布合作企业实习岗位（站点工作人员，本区站点）")

    @forwarded(STATIONS, "/me/internship-applications",
               "本人申请实习岗位（仅青年本人令牌），可附申请说明（200 字内）；岗位关闭后为 "
               "RULE_VIOLATED（closed），同一岗位已有待处理或已录用的申请为 already_applied", send=mine)
    async def apply_for_internship(self, info: strawberry.Info, internship_id: strawberry.ID,
                                   note: str | None = None) -> CommandResult: ...

    @forwarded(STATIONS, "/me/internship-applications/{application_id}/withdraw",
               "本人撤回实习申请（处理前；非本人的申请为 NOT_FOUND）", send=mine)
    async def withdraw_internship_application(self, info: strawberry.Info,
                                              application_id: strawberry.ID) -> CommandResult: ...

    @forwarded(STATIONS, "/internship-applications/{application_id}/accept",
               "录用实习申请（本区站点工作人员）；录用人数已达名额时为 RULE_VIOLATED（internship_full）")
    async def accept_internship_application(self, info: strawberry.Info,
                                            application_id: strawberry.ID) -> CommandResult: ...

    @forwarded(STATIONS, "/internship-applications/{application_id}/decline", "不录用实习申请（须写明原因，申请人可见）")
    async def decline_internship_application(self, info: strawberry.Info, application_id: strawberry.ID,
                                             reason: str) -> CommandResult: ...

    @forwarded(STATIONS, "/internships/{internship_id}/close", "关闭实习岗位（名额已满或撤回）；尚未处理的申请随之结束（ENDED）")
    async def close_internship(self, info: strawberry.Info, internship_id: strawberry.ID) -> CommandResult: ...
