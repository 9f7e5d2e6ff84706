"""Hot topics (集中诉求) and governance items (主动治理) as GraphQL types, made from gv_* rows."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import strawberry

from contracts.stations import CaseCategory

from ...tables import governance as tables
from ..assignees import AssigneeKind
from ..cases.types import Category
from ..common import Context
from ..stations.types import Appeal, to_appeal

GOVERNANCE_STAFF = ("admin", "station_staff")  # who opens and tracks items (the service checks the district)
GOVERNANCE_READ = ("admin", "station_staff", "department_viewer")  # who sees topics and items (no personal data)
APPEALS_MAX = 100


@strawberry.enum(description="集中诉求状态：OPEN 未办结（未立项或治理中），DONE 治理事项已完成")
class HotTopicStatus(StrEnum):
    OPEN = "OPEN"
    DONE = "DONE"


@strawberry.enum(description="治理事项状态")
class GovernanceStatus(StrEnum):
    OPEN = "OPEN"
    DONE = "DONE"


async def _appeals(info: strawberry.Info, category: str, district: str, week: str, first: int) -> list[Appeal]:
    """The appeals of one topic's (category, district, week); a page's topics are read in one statement."""
    ctx: Context = info.context
    limit = max(1, min(first, APPEALS_MAX))

    async def load(keys: list[tuple[str, str, str]]) -> list[list[Appeal]]:
        async with ctx.runtime.pool.acquire() as conn:
            rows = await tables.topic_appeals(conn, keys, limit)
        found: dict[tuple[str, str, str], list[Appeal]] = {k: [] for k in keys}
        for r in rows:
            found[(r["key_category"], r["key_district"], r["key_week"])].append(to_appeal(r))
        return [found[k] for k in keys]
    return await ctx.loader(f"topic_appeals:{limit}", load).load((category, district, week))


async def _actions_of(ctx: Context, item_ids: list[str]) -> list[list]:
    """The actions of a page's items in one statement (the request's DataLoader batches them)."""
    async with ctx.runtime.pool.acquire() as conn:
        rows = await tables.actions_of(conn, item_ids)
    by_item: dict[str, list] = {i: [] for i in item_ids}
    for r in rows:
        by_item[r["item_id"]].append(r)
    return [by_item[i] for i in item_ids]


@strawberry.type(description="集中诉求：某类别工单在某区某周（北京时间 ISO 周）明显多于该类别近几周")
class HotTopic:
    id: strawberry.ID
    category: Category
    district: str
    week: str = strawberry.field(description="YYYY-Www")
    count: int = strawberry.field(description="检测时该周该类工单数")
    baseline: float = strawberry.field(description="此前几周的周均数（比较基准）")
    detected_at: datetime
    status: HotTopicStatus
    governance_item_id: strawberry.ID | None

    @strawberry.field(description="来源工单（该类别、该区、该周）")
    async def appeals(self, info: strawberry.Info, first: int = 50) -> list[Appeal]:
        return await _appeals(info, self.category.value, self.district, self.week, first)


@strawberry.type(description="治理措施")
class GovernanceAction:
    number: int
    text: str
    at: datetime


@strawberry.type(description="主动治理事项")
class GovernanceItem:
    id: strawberry.ID
    hot_topic_id: strawberry.ID
    category: Category
    district: str
    week: str
    title: str
    assignee_kind: AssigneeKind
    assignee: str
    due_on: date
    opened_at: datetime
    status: GovernanceStatus
    action_count: int
    done_at: datetime | None
    done_in_time: bool | None
    overdue: bool = strawberry.field(description="已逾期（由定时任务标记）")

    @strawberry.field(description="治理措施（按登记顺序）")
    async def actions(self, info: strawberry.Info) -> list[GovernanceAction]:
        ctx: Context = info.context
        rows = await ctx.loader("governance_actions", lambda ids: _actions_of(ctx, ids)).load(str(self.id))
        return [GovernanceAction(number=r["number"], text=r["text"], at=r["at"]) for r in rows]

    @strawberry.field(description="来源工单（该集中诉求的类别、区、周）")
    async def appeals(self, info: strawberry.Info, first: int = 50) -> list[Appeal]:
        return await _appeals(info, self.category.value, self.district, self.week, first)


def to_hot_topic(r) -> HotTopic:
    return HotTopic(id=r["hot_topic_id"], category=CaseCategory(r["category"]), district=r["district"],
                    week=r["week"], count=r["count"], baseline=r["baseline"], detected_at=r["detected_at"],
                    status=HotTopicStatus(r["status"]), governance_item_id=r["item_id"])


def to_item(r) -> GovernanceItem:
    return GovernanceItem(
        id=r["item_id"], hot_topic_id=r["hot_topic_id"], category=CaseCategory(r["category"]), district=r["district"],
        week=r["week"], title=r["title"], assignee_kind=AssigneeKind(r["assignee_kind"]), assignee=r["assignee"],
        due_on=r["due_on"], opened_at=r["opened_at"], status=GovernanceStatus(r["status"]),
        action_count=r["actions"], done_at=r["done_at"], done_in_time=r["done_in_time"], overdue=r["overdue"])
