"""Events (salons, competitions, exhibitions, biennales, forums, visits, talks) with registration, capacity and attendance.

Called `activity` in code so it never reads as a domain event; its API, topic and event types say
"event" (`xq.stations.event.*`). Capacity is a rule of the one stream, so two people racing for the
last seat meet at the expected version: one wins, the other is told the event is full.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from chassis import checks
from chassis.decider import Command, Decider, State
from chassis.errors import Collector, RuleViolated
from chassis.event import Event, event
from chassis.lifecycle import stream_naming
from contracts.stations import ActivityEvents

from .common import aware

CAPACITY_MAX = 100_000


class ActivityKind(StrEnum):
    SALON = "SALON"
    EXHIBITION = "EXHIBITION"
    FORUM = "FORUM"
    TALK = "TALK"
    COMPETITION = "COMPETITION"  # 赛
    BIENNALE = "BIENNALE"  # 双年展
    VISIT = "VISIT"  # 参访
    OTHER = "OTHER"


@dataclass(frozen=True)
class ActivityFacts:
    """What scheduling an event asks for and what its `scheduled` event records (the title cleaned)."""
    event_id: str
    kind: str
    title: str
    district: str
    starts_at: datetime
    capacity: int
    station_id: str | None = None  # the station it is held at, if any


class ScheduleActivity(ActivityFacts, Command):
    """Schedule an event."""


class RegisterForActivity(Command):
    youth_id: str
    now: datetime | None = None  # a person booking themselves: not once the event has started


class CancelRegistration(Command):
    """A person gives their place back (before the event starts, and not once attended)."""
    youth_id: str
    now: datetime


class RecordActivityAttendance(Command):
    youth_id: str


ActivityCommand = ScheduleActivity | RegisterForActivity | CancelRegistration | RecordActivityAttendance


@event(ActivityEvents.SCHEDULED)
class ActivityScheduled(ActivityFacts, Event):
    pass


@event(ActivityEvents.REGISTERED)
class ActivityRegistered(Event):
    event_id: str
    youth_id: str


@event(ActivityEvents.REGISTRATION_CANCELLED)
class ActivityRegistrationCancelled(Event):
    event_id: str
    youth_id: str


@event(ActivityEvents.ATTENDED)
class ActivityAttended(Event):
    event_id: str
    youth_id: str


ActivityEvent = ActivityScheduled | ActivityRegistered | ActivityRegistrationCancelled | ActivityAttended


class ActivityState(State):
    exists: bool = False  # scheduled: event_id and district are set
    event_id: str | None = None
    district: str | None = None
    title: str | None = None
    starts_at: datetime | None = None
    capacity: int = 0
    registered: frozenset[str] = field(default_factory=frozenset)
    attended: frozenset[str] = field(default_factory=frozenset)


def decide(command: ActivityCommand, state: ActivityState) -> list[ActivityEvent]:
    if isinstance(command, ScheduleActivity):
        if state.exists:
            raise RuleViolated("该活动已存在。", rule="already_exists")
        errors = Collector()
        checks.one_of(errors, "kind", command.kind, ActivityKind, "活动类型")
        checks.text(errors, command.title, "title", "活动名称")
        checks.district(errors, command.district)
        aware(command.starts_at, "startsAt", errors)
        if not 1 <= command.capacity <= CAPACITY_MAX:
            errors.add("capacity", f"容量应为 1–{CAPACITY_MAX} 人", "range")
        errors.raise_if_any()
        return [ActivityScheduled(event_id=command.event_id, kind=command.kind, title=command.title.strip(),
                                  district=command.district, starts_at=command.starts_at,
                                  capacity=command.capacity, station_id=command.station_id)]
    if not state.exists or state.event_id is None:
        raise RuleViolated("活动不存在。", rule="not_found")
    if isinstance(command, RegisterForActivity):
        if command.youth_id in state.registered:
            raise RuleViolated("该青年已报名此活动。", rule="already_registered")
        if command.now is not None:
            _not_started(state, command.now, "报名")
        if len(state.registered) >= state.capacity:
            raise RuleViolated(f"活动名额已满（容量 {state.capacity} 人），无法报名。", rule="capacity_reached",
                               capacity=state.capacity)
        return [ActivityRegistered(event_id=state.event_id, youth_id=command.youth_id)]
    if isinstance(command, CancelRegistration):
        _unused_place(state, command.youth_id, "您未报名此活动。", "已签到的活动不能取消报名。")
        _not_started(state, command.now, "取消报名")
        return [ActivityRegistrationCancelled(event_id=state.event_id, youth_id=command.youth_id)]
    if isinstance(command, RecordActivityAttendance):
        _unused_place(state, command.youth_id, "该青年未报名此活动，不能登记出席。", "该青年的出席已登记。")
        return [ActivityAttended(event_id=state.event_id, youth_id=command.youth_id)]
    raise TypeError(f"unknown command {type(command).__name__}")


def _unused_place(state: ActivityState, youth_id: str, not_registered: str, attended: str) -> None:
    """A place booked and not yet used: what both cancelling and recording attendance need (each says it its way:
    to the person themselves, or to the staff at the door)."""
    if youth_id not in state.registered:
        raise RuleViolated(not_registered, rule="not_registered")
    if youth_id in state.attended:
        raise RuleViolated(attended, rule="already_attended")


def _not_started(state: ActivityState, now: datetime, what: str) -> None:
    if state.starts_at is not None and now >= state.starts_at:
        raise RuleViolated(f"活动已开始，不能{what}。", rule="event_started")


def evolve(state: ActivityState, event: ActivityEvent) -> ActivityState:
    if isinstance(event, ActivityScheduled):
        return ActivityState(exists=True, event_id=event.event_id, district=event.district, title=event.title,
                             starts_at=event.starts_at, capacity=event.capacity)
    if isinstance(event, ActivityRegistered):
        return replace(state, registered=state.registered | {event.youth_id})
    if isinstance(event, ActivityRegistrationCancelled):
        return replace(state, registered=state.registered - {event.youth_id})
    if isinstance(event, ActivityAttended):
        return replace(state, attended=state.attended | {event.youth_id})
    return state


activity = Decider(initial=ActivityState, decide=decide, evolve=evolve)
EVENTS = (ActivityScheduled, ActivityRegistered, ActivityRegistrationCancelled, ActivityAttended)
stream_id = stream_naming("event")
