"""Joint meetings (市/区青年工作联席会议) as records: when, at which level (the city's or a district's),
which departments attended, the topics and the decisions. Each decision names its action items — who
(a department or a district) does what by when; the items live on as their own aggregates
(action_item.py), created in the same transaction as the meeting record.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from chassis.codec import EventCodec
from chassis.decider import Command, Decider, State
from chassis.errors import Collector
from chassis.event import Event, event
from chassis.lifecycle import refuse_if, stream_naming
from contracts.branches import JointMeetingEvents

from .rules import check_department, check_district, check_text

TOPIC_MAX = 100
DECISION_MAX = 500
TOPICS_MAX = 20
DECISIONS_MAX = 30
ITEMS_MAX = 20


class Level(StrEnum):
    CITY = "CITY"          # 市青年工作联席会议
    DISTRICT = "DISTRICT"  # 区青年工作联席会议


class AssigneeKind(StrEnum):
    DEPARTMENT = "DEPARTMENT"  # a member department (code of chassis/departments.yaml)
    DISTRICT = "DISTRICT"      # a district (its league committee leads the work there)


@dataclass(frozen=True)
class ItemSpec:
    item_id: str
    title: str
    assignee_kind: str
    assignee: str
    due_on: date


@dataclass(frozen=True)
class DecisionSpec:
    text: str
    items: tuple[ItemSpec, ...] = ()


class RecordJointMeeting(Command):
    meeting_id: str
    level: str
    district: str | None  # a district meeting's district; None for the city's
    held_on: date
    attending: tuple[str, ...]  # department codes
    topics: tuple[str, ...]
    decisions: tuple[DecisionSpec, ...]
    today: date


@event(JointMeetingEvents.HELD)
class JointMeetingHeld(Event):
    meeting_id: str
    level: str
    district: str | None
    held_on: date
    attending: list[str]
    topics: list[str]
    decisions: list[str]  # the decisions' texts, in order
    items: list[str] = field(default_factory=list)  # the action items' ids (their streams carry the rest)


class JointMeetingState(State):
    exists: bool = False
    level: str | None = None
    district: str | None = None


def _check_item(errors: Collector, where: str, item: ItemSpec, command: RecordJointMeeting) -> None:
    check_text(errors, f"{where}.title", item.title, TOPIC_MAX)
    if item.assignee_kind == AssigneeKind.DEPARTMENT:
        check_department(errors, f"{where}.assignee", item.assignee)
    elif item.assignee_kind == AssigneeKind.DISTRICT:
        check_district(errors, f"{where}.assignee", item.assignee)
        if command.level == Level.DISTRICT and item.assignee != command.district:
            errors.add(f"{where}.assignee", "区级联席会议的事项只能交给本区或成员单位", "district")
    else:
        errors.add(f"{where}.assigneeKind", "承办方应为 DEPARTMENT（成员单位）或 DISTRICT（区）", "enum")
    if item.due_on < command.held_on:
        errors.add(f"{where}.dueOn", "完成期限不能早于会议日期", "range")


def _check(command: RecordJointMeeting) -> None:
    errors = Collector()
    if command.level == Level.DISTRICT:
        check_district(errors, "district", command.district or "")
    elif command.level == Level.CITY:
        if command.district is not None:
            errors.add("district", "市级联席会议不属于某个区（district 应为空）", "city")
    else:
        errors.add("level", "会议层级应为 CITY（市级）或 DISTRICT（区级）", "enum")
    if command.held_on > command.today:
        errors.add("heldOn", "会议日期不能晚于今天（只记录已召开的会议）", "range")
    if not command.attending:
        errors.add("attending", "须有参会的成员单位", "required")
    if len(set(command.attending)) != len(command.attending):
        errors.add("attending", "参会单位有重复", "duplicate")
    for code in command.attending:
        check_department(errors, "attending", code)
    if not command.topics or len(command.topics) > TOPICS_MAX:
        errors.add("topics", f"议题应有 1–{TOPICS_MAX} 项", "count")
    for i, topic in enumerate(command.topics):
        check_text(errors, f"topics[{i}]", topic, TOPIC_MAX)
    if len(command.decisions) > DECISIONS_MAX:
        errors.add("decisions", f"决定事项不能超过 {DECISIONS_MAX} 项", "count")
    for i, decision in enumerate(command.decisions):
        check_text(errors, f"decisions[{i}].text", decision.text, DECISION_MAX)
        if len(decision.items) > ITEMS_MAX:
            errors.add(f"decisions[{i}].items", f"每项决定的待办不能超过 {ITEMS_MAX} 项", "count")
        for j, item in enumerate(decision.items):
            _check_item(errors, f"decisions[{i}].items[{j}]", item, command)
    errors.raise_if_any()


def decide(command: RecordJointMeeting, state: JointMeetingState) -> list[JointMeetingHeld]:
    refuse_if(state.exists, "该联席会议已记录。", "already_recorded")
    _check(command)
    return [JointMeetingHeld(
        meeting_id=command.meeting_id, level=command.level, district=command.district, held_on=command.held_on,
        attending=list(command.attending), topics=[t.strip() for t in command.topics],
        decisions=[d.text.strip() for d in command.decisions],
        items=[item.item_id for d in command.decisions for item in d.items])]


def evolve(state: JointMeetingState, event: JointMeetingHeld) -> JointMeetingState:
    return JointMeetingState(True, event.level, event.district)


joint_meeting = Decider(initial=JointMeetingState, decide=decide, evolve=evolve)
codec = EventCodec(JointMeetingHeld)
stream_id = stream_naming("joint-meeting")
