"""A young person's commands on their own record, forwarded with their token: to the registry (the record
itself), to the branches service (their membership) and to the stations service (bookings, enrolments,
ratings); those two ask the registry whose record the token's account is linked to, so no argument names a
person."""
from __future__ import annotations

from datetime import date
from typing import Any

import strawberry
from strawberry.scalars import JSON

from ..cases.types import Category, Urgency
from ..common import BRANCHES, STATIONS, CommandResult, body, forward, forwarded, input_mutation, mine, own
from ..youth.mutations import RegistrationFields, UpdateYouthProfileInput
from ..youth.types import PURPOSE_DOC, ConsentChannel, ConsentPurpose
from .types import SERVICE

SELF_CHANNEL = "APP 或 WECHAT（默认 APP）"
EXPORT_NOTE = ("青年之家持有的本人全部信息：登记服务的记录，以及团组织关系（memberships）、推优（recommendations：类别、状态、"
               "推荐与结果日期）、接受的服务（services）、活动报名（bookings）、项目报名（enrolments）、服务评价（ratings）、"
               "求助个案及本人所述诉求（cases）、志愿服务时长（volunteering）、筑梦空间孵化项目（projects）、"
               "实习申请（internshipApplications）。")


def _my_booking(path: str, description: str) -> Any:
    """The person's own place at an event (book, cancel): the stations service answers."""

    async def resolve(info: strawberry.Info, event_id: strawberry.ID) -> CommandResult:
        return await mine(info, STATIONS, path, json={"eventId": event_id})

    return strawberry.mutation(resolver=resolve, description=description)


@strawberry.input(description="本人登记：本人填写的资料；须同意 REGISTRATION")
class RegisterMeInput(RegistrationFields):
    """The same fields as an operator's registration, in the same order; two say what they mean for a person."""

    district: str = strawberry.field(description="工作或居住的区（GB/T 2260），如 110105 朝阳区")
    channel: ConsentChannel | None = strawberry.field(default=None, description="取得同意的渠道：" + SELF_CHANNEL)


@strawberry.input(description="本人登记求助个案")
class OpenMyCaseInput:
    category: Category
    summary: str = strawberry.field(description="本人所述的诉求（加密保存，仅本人与本区站点工作人员可读）")
    district: str = strawberry.field(description="求助所在的区（GB/T 2260），如 110105 朝阳区")
    urgency: Urgency = Urgency.NORMAL


@strawberry.type
class Mutation:
    register_me = input_mutation(SERVICE, "/me", RegisterMeInput, "本人登记，并把记录关联到本人账号（仅青年本人令牌）。"
                                 "手机号已登记时为 DUPLICATE（如曾在驿站登记，请用认领码认领）", send=mine)

    @forwarded(SERVICE, "/me:claim", "用驿站打印的一次性认领码（7 天内有效）认领工作人员为本人登记的记录", send=mine)
    async def claim_my_record(self, info: strawberry.Info, code: str) -> CommandResult: ...

    @strawberry.mutation(description="本人更新资料（只修改给出的字段）")
    async def update_my_profile(self, info: strawberry.Info, input: UpdateYouthProfileInput,
                                expected_version: int | None = None) -> CommandResult:
        return await mine(info, SERVICE, "/me", method="PATCH", json=body(input, expected_version=expected_version))

    @forwarded(SERVICE, "/me/consents", "本人给予同意（" + PURPOSE_DOC + "）；渠道 " + SELF_CHANNEL, send=mine)
    async def give_my_consent(self, info: strawberry.Info, purpose: ConsentPurpose, notice_version: str = "v1",
                              channel: ConsentChannel | None = None) -> CommandResult: ...

    @strawberry.mutation(description="本人撤回同意；撤回 REGISTRATION 即停用本人的记录")
    async def withdraw_my_consent(self, info: strawberry.Info, purpose: ConsentPurpose) -> CommandResult:
        return await mine(info, SERVICE, "/me/consents/withdraw", json={"purpose": purpose.value})

    @strawberry.mutation(description="本人查阅、复制（PIPL 第 45 条）：导出持有的本人全部信息（JSON）：登记记录、"
                                     "团组织关系、推优、接受的服务、活动与项目报名、服务评价、求助个案、志愿服务、"
                                     "筑梦空间项目与实习申请")
    async def export_my_data(self, info: strawberry.Info) -> JSON:
        own(info)
        exported = await forward(info, SERVICE, "/me/export", method="GET")
        # What the other services hold under the person's pseudonymous id, each asked with the caller's token.
        branches = await forward(info, BRANCHES, "/me/membership/export", method="GET")
        recommendations = await forward(info, BRANCHES, "/me/recommendations", method="GET")
        stations = await forward(info, STATIONS, "/me/export", method="GET")
        return {**exported, "memberships": branches["memberships"],
                "recommendations": recommendations["recommendations"], **stations, "note": EXPORT_NOTE}

    @forwarded(SERVICE, "/me:erase",
               "本人删除个人信息（PIPL 第 47 条）：销毁本人的数据密钥（合并进来的记录一并删除），"
               "账号关联随之解除；之后 me 为 NOT_FOUND", send=mine)
    async def erase_me(self, info: strawberry.Info) -> CommandResult: ...

    @forwarded(BRANCHES, "/me/membership:join", "本人凭海报上的邀请码加入流动团支部", send=mine)
    async def join_branch_with_code(self, info: strawberry.Info, code: str) -> CommandResult: ...

    @forwarded(BRANCHES, "/me/membership:apply",
               "本人向团支部提出入团申请，由该团支部审批（工作人员代办用 applyForMembership）", send=mine)
    async def apply_for_my_membership(self, info: strawberry.Info, branch_id: strawberry.ID) -> CommandResult: ...

    @forwarded(BRANCHES, "/me/membership:transfer", "本人申请把组织关系转到另一团支部，由接收团支部审批；返回转接编号", send=mine)
    async def request_my_transfer(self, info: strawberry.Info, to_branch_id: strawberry.ID) -> CommandResult: ...

    @forwarded(BRANCHES, "/me/membership:leave", "本人申请退出所在团支部", send=mine)
    async def leave_my_branch(self, info: strawberry.Info) -> CommandResult: ...

    book_event = _my_booking("/me/bookings",
                             "本人报名活动；名额已满时为 RULE_VIOLATED（rule capacity_reached），活动开始后不能报名")
    cancel_booking = _my_booking("/me/bookings:cancel", "本人取消活动报名（活动开始前），名额随之释放")

    @forwarded(STATIONS, "/me/enrolments", "本人报名项目（如新青年学堂骑手班）", send=mine)
    async def enrol_in_programme(self, info: strawberry.Info, programme_id: strawberry.ID) -> CommandResult: ...

    @forwarded(STATIONS, "/me/ratings",
               "本人评价某站点某天的服务：1–5 分，可附评价（200 字内）；每个站点每天一次，"
               "30 天内", send=mine)
    async def rate_service(self, info: strawberry.Info, station_id: strawberry.ID, on: date, score: int,
                           comment: str | None = None) -> CommandResult: ...


    open_my_case = input_mutation(STATIONS, "/me/cases", OpenMyCaseInput,
                                  "本人登记求助个案（如欠薪、劳动争议）；返回个案编号，办理进度见 me { cases }", send=mine)

    @forwarded(STATIONS, "/me/cases/{case_id}/rating", "本人评价已办结的个案：1–5 分，一次；非本人的个案为 NOT_FOUND", send=mine)
    async def rate_my_case(self, info: strawberry.Info, case_id: strawberry.ID, score: int) -> CommandResult: ...
