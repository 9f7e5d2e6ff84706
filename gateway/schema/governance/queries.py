"""Hot topics and governance items: district-scoped lists over the gateway's read models (keyset pages)."""
from __future__ import annotations

import re

import strawberry

from chassis.errors import FieldError, ValidationFailed

from ...tables import governance as tables
from ..cases.types import Category
from ..common import read_scope
from ..pagination import Connection, rows_page, scoped_page
from .types import (
    GOVERNANCE_READ,
    GovernanceItem,
    GovernanceStatus,
    HotTopic,
    HotTopicStatus,
    to_hot_topic,
    to_item,
)

WEEK = re.compile(r"^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$")


@strawberry.input(description="集中诉求筛选")
class HotTopicFilter:
    district: str | None = strawberry.field(default=None, description="区县代码；区级令牌只能是本区")
    category: Category | None = None
    status: HotTopicStatus | None = None
    week: str | None = strawberry.field(default=None, description="YYYY-Www（北京时间 ISO 周）")


@strawberry.input(description="治理事项筛选")
class GovernanceFilter:
    district: str | None = strawberry.field(default=None, description="区县代码；区级令牌只能是本区")
    status: GovernanceStatus | None = None
    overdue: bool | None = None


@strawberry.type
class Query:
    @strawberry.field(description="集中诉求（新到旧分页）；区级令牌只看本区")
    async def hot_topics(self, info: strawberry.Info, filter: HotTopicFilter | None = None, first: int | None = None,
                         after: str | None = None) -> Connection[HotTopic]:
        chosen = filter or HotTopicFilter()
        district = await read_scope(info, GOVERNANCE_READ, chosen.district)
        if chosen.week is not None and not WEEK.match(chosen.week):
            raise ValidationFailed([FieldError("week", "周的格式应为 YYYY-Www（如 2026-W46）", "format")])
        return await rows_page(
            info, first, after, tables.list_hot_topics, {
                "district": district, "category": chosen.category.value if chosen.category else None,
                "status": chosen.status.value if chosen.status else None, "week": chosen.week},
            node=to_hot_topic, order=("detected_at", "hot_topic_id"))

    @strawberry.field(description="主动治理事项（新到旧分页）；区级令牌只看本区；可按状态、是否逾期筛选")
    async def governance_items(self, info: strawberry.Info, filter: GovernanceFilter | None = None,
                               first: int | None = None, after: str | None = None) -> Connection[GovernanceItem]:
        chosen = filter or GovernanceFilter()
        return await scoped_page(
            info, GOVERNANCE_READ, chosen.district, first, after, tables.list_items,
            {"status": chosen.status.value if chosen.status else None, "overdue": chosen.overdue},
            node=to_item, order=("opened_at", "item_id"))
