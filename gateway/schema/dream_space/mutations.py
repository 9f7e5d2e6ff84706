"""筑梦空间's mutations, forwarded to the stations service (which checks roles, districts and rules again)."""
from __future__ import annotations

import strawberry

from ..common import STATIONS, CommandResult, body, command, input_mutation, mine


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

    @strawberry.mutation(description="支持孵化项目（站点工作人员，本区）")
    async def support_project(self, info: strawberry.Info, project_id: strawberry.ID) -> CommandResult:
        return await command(info, STATIONS, f"/projects/{project_id}/support", json={})

    @strawberry.mutation(description="不予支持孵化项目（须写明原因）")
    async def decline_project(self, info: strawberry.Info, project_id: strawberry.ID, reason: str) -> CommandResult:
        return await command(info, STATIONS, f"/projects/{project_id}/decline", json={"reason": reason})

    @strawberry.mutation(description="记录孵化项目里程碑（进行中的项目）")
    async def note_project_milestone(self, info: strawberry.Info, project_id: strawberry.ID,
                                     note: str) -> CommandResult:
        return await command(info, STATIONS, f"/projects/{project_id}/milestones", json={"note": note})

    @strawberry.mutation(description="孵化项目结项：COMPLETED 完成 | STOPPED 终止")
    async def end_project(self, info: strawberry.Info, project_id: strawberry.ID, outcome: str) -> CommandResult:
        return await command(info, STATIONS, f"/projects/{project_id}/end", json={"outcome": outcome})

    offer_internship = input_mutation(STATIONS, "/internships", OfferInternshipInput,
                                      "发布合作企业实习岗位（站点工作人员，本区站点）")

    @strawberry.mutation(description="本人申请实习岗位（仅青年本人令牌），可附申请说明（200 字内）；岗位关闭后为 "
                                     "RULE_VIOLATED（closed），同一岗位已有待处理或已录用的申请为 already_applied")
    async def apply_for_internship(self, info: strawberry.Info, internship_id: strawberry.ID,
                                   note: str | None = None) -> CommandResult:
        return await mine(info, STATIONS, "/me/internship-applications",
                          json=body(internship_id=internship_id, note=note))

    @strawberry.mutation(description="本人撤回实习申请（处理前；非本人的申请为 NOT_FOUND）")
    async def withdraw_internship_application(self, info: strawberry.Info,
                                              application_id: strawberry.ID) -> CommandResult:
        return await mine(info, STATIONS, f"/me/internship-applications/{application_id}/withdraw")

    @strawberry.mutation(description="录用实习申请（本区站点工作人员）；录用人数已达名额时为 RULE_VIOLATED（internship_full）")
    async def accept_internship_application(self, info: strawberry.Info,
                                            application_id: strawberry.ID) -> CommandResult:
        return await command(info, STATIONS, f"/internship-applications/{application_id}/accept", json={})

    @strawberry.mutation(description="不录用实习申请（须写明原因，申请人可见）")
    async def decline_internship_application(self, info: strawberry.Info, application_id: strawberry.ID,
                                             reason: str) -> CommandResult:
        return await command(info, STATIONS, f"/internship-applications/{application_id}/decline",
                             json={"reason": reason})

    @strawberry.mutation(description="关闭实习岗位（名额已满或撤回）；尚未处理的申请随之结束（ENDED）")
    async def close_internship(self, info: strawberry.Info, internship_id: strawberry.ID) -> CommandResult:
        return await command(info, STATIONS, f"/internships/{internship_id}/close", json={})
