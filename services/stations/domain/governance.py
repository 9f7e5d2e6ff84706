"""Proactive governance (主动治理): a hot topic taken up as an item, assigned to a department or a district,
with actions and a due date, tracked to done.

opened (from one hot topic: one item per hot topic, so opening twice is refused) → actions added → done.
Past the end of its due day (Beijing) and not done, the overdue job's `MarkOverdue(now)` records it once.
The item keeps the hot topic's category, district and week: the appeals it came from are those.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from chassis import checks
from chassis.clock import BEIJING
from chassis.decider import Command, Decider, State
from chassis.errors import Collector, RuleViolated
from chassis.event import Event, event
from chassis.lifecycle import stream_naming
from chassis.reference import DISTRICTS
from contracts.stations import GovernanceEvents

from .common import MarkOverdue, Step, aware

GOVERNANCE_NAMESPACE = uuid.UUID("c3f1a7e2-5b8d-4e0a-b6c9-1d2e3f4a5b6c")
TITLE_MAX = 100
ACTION_MAX = 500


class AssigneeKind(StrEnum):
    DEPARTMENT = "DEPARTMENT"  # a municipal department (e.g. 市人力社保局)
    DISTRICT = "DISTRICT"      # a district (GB/T 2260 code)


def item_id_for(hot_topic_id: str) -> str:
    return str(uuid.uuid5(GOVERNANCE_NAMESPACE, hot_topic_id))


def due_at(due_on: date) -> datetime:
    """The end of the due day in Beijing: an item due on the 10th is overdue from 00:00 on the 11th."""
    return datetime.combine(due_on + timedelta(days=1), time(), tzinfo=BEIJING)


@dataclass(frozen=True)
class ItemFacts:
    """What opening an item asks for and its `opened` event records first (title and assignee cleaned)."""
    item_id: str
    hot_topic_id: str
    category: str   # the hot topic's
    district: str   # the hot topic's
    week: str       # the hot topic's
    title: str
    assignee_kind: str
    assignee: str
    due_on: date


class OpenItem(ItemFacts, Command):
    at: datetime


class AddAction(Command):
    text: str
    at: datetime


class CompleteItem(Step):
    """The item is done (refused before its first action)."""


ItemCommand = OpenItem | AddAction | CompleteItem | MarkOverdue


@event(GovernanceEvents.OPENED)
class ItemOpened(ItemFacts, Event):
    due_at: datetime
    opened_at: datetime


@event(GovernanceEvents.ACTION_ADDED)
class ActionAdded(Event):
    item_id: str
    number: int  # 1, 2, … in order
    text: str    # what was done (an institutional measure, not a person's words)
    at: datetime


@event(GovernanceEvents.DONE)
class ItemDone(Event):
    item_id: str
    done_at: datetime
    in_time: bool


@event(GovernanceEvents.OVERDUE)
class ItemOverdue(Event):
    item_id: str
    due_at: datetime
    marked_at: datetime


ItemEvent = ItemOpened | ActionAdded | ItemDone | ItemOverdue


class ItemState(State):
    exists: bool = False
    item_id: str = ""
    district: str | None = None
    opened_at: datetime | None = None
    due_at: datetime | None = None
    actions: int = 0
    done: bool = False
    overdue: bool = False


def _open(command: OpenItem, state: ItemState) -> list[ItemEvent]:
    if state.exists:
        raise RuleViolated("该集中诉求已立项治理，不能重复立项。", rule="already_opened", item_id=state.item_id)
    errors = Collector()
    checks.text(errors, command.title, "title", "治理事项名称", TITLE_MAX)
    # Which rule the assignee follows depends on its kind (none while the kind is unknown).
    kind_known = checks.one_of(errors, "assigneeKind", command.assignee_kind, AssigneeKind, "承办方类型")
    if kind_known and command.assignee_kind == AssigneeKind.DISTRICT:
        if command.assignee not in DISTRICTS:
            errors.add("assignee", "承办区县应为北京市 16 个区之一的 GB/T 2260 代码（如 110105）", "enum")
    elif kind_known:
        checks.text(errors, command.assignee, "assignee", "承办部门", 100)
    if aware(command.at, "at", errors) and due_at(command.due_on) <= command.at:
        errors.add("dueOn", "完成期限不能早于今天（北京时间）", "past")
    errors.raise_if_any()
    return [ItemOpened(item_id=command.item_id, hot_topic_id=command.hot_topic_id, category=command.category,
                       district=command.district, week=command.week, title=command.title.strip(),
                       assignee_kind=command.assignee_kind, assignee=command.assignee.strip(),
                       due_on=command.due_on, due_at=due_at(command.due_on), opened_at=command.at)]


def decide(command: ItemCommand, state: ItemState) -> list[ItemEvent]:
    if isinstance(command, OpenItem):
        return _open(command, state)
    if not state.exists or state.due_at is None or state.opened_at is None:
        raise RuleViolated("治理事项不存在。", rule="not_found")
    if isinstance(command, MarkOverdue):
        if state.done or state.overdue or command.now <= state.due_at:
            return []
        return [ItemOverdue(item_id=state.item_id, due_at=state.due_at, marked_at=command.now)]
    errors = Collector()
    if aware(command.at, "at", errors) and command.at < state.opened_at:
        errors.add("at", "时间不能早于立项时间", "before_opened")
    if isinstance(command, AddAction):
        checks.text(errors, command.text, "text", "治理措施", ACTION_MAX)
    errors.raise_if_any()
    if state.done:
        raise RuleViolated("治理事项已完成。", rule="already_done")
    if isinstance(command, AddAction):
        return [ActionAdded(item_id=state.item_id, number=state.actions + 1, text=command.text.strip(),
                            at=command.at)]
    if state.actions == 0:
        raise RuleViolated("请先登记至少一项治理措施，再标记完成。", rule="no_action")
    return [ItemDone(item_id=state.item_id, done_at=command.at, in_time=command.at <= state.due_at)]


def evolve(state: ItemState, event: ItemEvent) -> ItemState:
    if isinstance(event, ItemOpened):
        return ItemState(exists=True, item_id=event.item_id, district=event.district, opened_at=event.opened_at,
                         due_at=event.due_at)
    if isinstance(event, ActionAdded):
        return replace(state, actions=event.number)
    if isinstance(event, ItemDone):
        return replace(state, done=True)
    return replace(state, overdue=True)  # ItemOverdue, the last kind


item: Decider[ItemCommand, ItemState, ItemEvent] = Decider(initial=ItemState, decide=decide, evolve=evolve)
EVENTS = (ItemOpened, ActionAdded, ItemDone, ItemOverdue)
stream_id = stream_naming("governance")
