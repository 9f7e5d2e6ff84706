"""The joint meeting's work on the dashboard: the 22 measures with their stale flag and example marker,
and the open action items in the dashboard's district scope, with counts per assignee. Nothing here
depends on who asks beyond the scope (the figures are cached per scope): the page puts a department's
own work first from its token."""
from __future__ import annotations

import strawberry

from ...tables import joint_meetings as tables
from ..common import Context
from .types import ActionItem, AssigneeLoad, MeasureStatus, to_item, to_load, to_measure_status

OPEN_ITEMS_SHOWN = 200


@strawberry.type(description="联席会议工作：22 条措施的推进与待办事项")
class JointMeetingFigures:
    stale_after_days: int = strawberry.field(description="超过多少天未报告即为“久未报告”（XQ_MEASURE_STALE_DAYS）")
    measures: list[MeasureStatus] = strawberry.field(description="22 条措施（全市）")
    stale_measures: int
    open_items: list[ActionItem] = strawberry.field(description=f"在办待办（本范围内，超期在前，至多 {OPEN_ITEMS_SHOWN} 条）")
    open_items_total: int
    overdue_items: int
    by_assignee: list[AssigneeLoad] = strawberry.field(description="在办待办，按承办方（成员单位或区）")


@strawberry.type
class DashboardPart:
    @strawberry.field(description="联席会议工作：措施推进（全市）与本范围内的在办待办")
    async def joint_meeting(self, info: strawberry.Info) -> JointMeetingFigures:
        ctx: Context = info.context
        days = ctx.runtime.settings.measure_stale_days
        async with ctx.runtime.pool.acquire() as conn:
            measures = await tables.measure_board(conn, ctx.today(), days)
            items = await tables.open_items(conn, self.district, OPEN_ITEMS_SHOWN + 1)
            loads = await tables.open_item_counts(conn, self.district)
        return JointMeetingFigures(
            stale_after_days=days, measures=[to_measure_status(r) for r in measures],
            stale_measures=sum(r["stale"] for r in measures),
            open_items=[to_item(r) for r in items[:OPEN_ITEMS_SHOWN]],
            open_items_total=sum(r["open"] for r in loads), overdue_items=sum(r["overdue"] for r in loads),
            by_assignee=[to_load(r) for r in loads])
