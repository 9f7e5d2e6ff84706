"""The joint meeting's queries: member departments, the measures board (a department's own measures
first), action items (the caller's own first), meetings, and the next meeting's agenda."""
from __future__ import annotations

from datetime import date

import strawberry

from chassis.errors import FieldError, ValidationFailed
from chassis.reference import DEPARTMENTS

from ...tables import governance as governance_tables
from ...tables import joint_meetings as tables
from ..branches.types import MeasureArea
from ..common import DASHBOARD_ROLES, Context, read_scope
from ..governance.types import HotTopic, to_hot_topic
from ..pagination import BAD_CURSOR, Connection, table_page
from .types import (
    ActionItem,
    Department,
    JointMeeting,
    JointMeetingLevel,
    MeasureStatus,
    department,
    to_item,
    to_measure_status,
    to_meeting,
)

AGENDA_ITEMS = 100


@strawberry.type(description="下次联席会议议程的素材（查询，不生成文件）")
class Agenda:
    district: str | None = strawberry.field(description="议程范围：null 为全市")
    stale_measures: list[MeasureStatus] = strawberry.field(description="久未报告进度的措施")
    overdue_items: list[ActionItem] = strawberry.field(description="超期未办结的待办")
    hot_topics: list[HotTopic] = strawberry.field(description="未办结的 12345 集中诉求（新到旧；尚未立治理事项或事项未办结）")


def _mine(ctx: Context) -> tuple[str | None, str | None]:
    """What the caller's "own work" is: its department (department staff), or its district."""
    p = ctx.principal
    return p.department, (p.district if p.department is None else None)


def _item_key(key: list | None) -> list | None:
    if key is not None:
        try:
            date.fromisoformat(key[1])
        except ValueError:
            raise ValidationFailed([FieldError("after", BAD_CURSOR, "cursor")]) from None
    return key


@strawberry.type
class Query:
    @strawberry.field(description="联席会议成员单位（代码与名称）")
    def departments(self, info: strawberry.Info) -> list[Department]:
        info.context.principal.require(*DASHBOARD_ROLES)
        return [department(code) for code in DEPARTMENTS]

    @strawberry.field(description="22 条措施的推进情况（可按方面、牵头单位、久未报告筛选）；部门工作人员本单位牵头的在前")
    async def measure_board(self, info: strawberry.Info, area: MeasureArea | None = None, lead: str | None = None,
                            stale_only: bool = False, min_position: str | None = None) -> list[MeasureStatus]:
        await read_scope(info, DASHBOARD_ROLES, None, min_position)
        ctx: Context = info.context
        mine = ctx.principal.department
        async with ctx.runtime.pool.acquire() as conn:
            rows = await tables.measure_board(conn, ctx.today(),
                                              ctx.runtime.settings.measure_stale_days, area=area.value if area else None,
                                              lead=lead, stale_only=stale_only, first_for=mine)
        return [to_measure_status(r, mine) for r in rows]

    @strawberry.field(description="联席会议待办事项（可按承办部门、区筛选；默认只看在办）；本单位（本区）承办的在前")
    async def action_items(self, info: strawberry.Info, department: str | None = None, district: str | None = None,
                           open_only: bool = True, first: int | None = None, after: str | None = None,
                           min_position: str | None = None) -> Connection[ActionItem]:
        district = await read_scope(info, DASHBOARD_ROLES, district, min_position)
        mine = _mine(info.context)
        return await table_page(
            info, first, after, lambda conn, key, limit: tables.item_page(
                conn, district=district, department=department, open_only=open_only, mine=mine,
                after=_item_key(key), limit=limit),
            node=lambda r: to_item(r, mine), key=lambda r: (r["rank"], r["due_on"].isoformat(), r["item_id"]),
            shape=3)

    @strawberry.field(description="市/区联席会议记录（新的在前）；区级令牌看到本区和市级的会议")
    async def joint_meetings(self, info: strawberry.Info, level: JointMeetingLevel | None = None,
                             district: str | None = None, first: int | None = None, after: str | None = None,
                             min_position: str | None = None) -> Connection[JointMeeting]:
        district = await read_scope(info, DASHBOARD_ROLES, district, min_position)
        mine = _mine(info.context)

        async def read(conn, key, limit):
            rows = await tables.meeting_page(conn, level=level.value if level else None, district=district,
                                             after=key, limit=limit)
            items: dict[str, list[ActionItem]] = {}
            for r in await tables.items_of_meetings(conn, [m["meeting_id"] for m in rows]):
                if district is None or r["district"] in (None, district):  # a city meeting's items elsewhere: not shown
                    items.setdefault(r["meeting_id"], []).append(to_item(r, mine))
            return [(m, items.get(m["meeting_id"], [])) for m in rows]
        return await table_page(info, first, after, read, node=lambda pair: to_meeting(*pair),
                                key=lambda pair: (pair[0]["held_on"].isoformat(), pair[0]["meeting_id"]),
                                shape=2, dated=True)

    @strawberry.field(description="下次联席会议议程的素材：久未报告的措施、超期待办、未办结的集中诉求")
    async def next_meeting_agenda(self, info: strawberry.Info, district: str | None = None) -> Agenda:
        district = await read_scope(info, DASHBOARD_ROLES, district)
        ctx: Context = info.context
        mine = _mine(ctx)
        async with ctx.runtime.pool.acquire() as conn:
            stale = await tables.measure_board(conn, ctx.today(),
                                               ctx.runtime.settings.measure_stale_days, stale_only=True)
            overdue = await tables.overdue_items(conn, district, AGENDA_ITEMS)
            # 集中诉求 still open (no governance item yet, or one not done): the 12345 side's (issue 17)
            hot = await governance_tables.list_hot_topics(conn, district=district, category=None, status="OPEN",
                                                          week=None, after=None, limit=AGENDA_ITEMS)
        return Agenda(district=district, stale_measures=[to_measure_status(r, mine[0]) for r in stale],
                      overdue_items=[to_item(r, mine) for r in overdue], hot_topics=[to_hot_topic(r) for r in hot])
