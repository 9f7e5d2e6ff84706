"""Volunteer shifts (志愿服务) at a station or an event: published by station staff, signed up for by the
youth themselves or added by staff, and the hours each volunteer served recorded once per person per shift.

One stream per shift (`shift-<id>`, on the events topic). Recording is idempotent like person-times: the same
person's hours recorded again (an upload retried) decide nothing; a different figure is refused, because a
change of hours is an explicit correction with its own event. Hours are kept in minutes (no float sums) and
never exceed the shift's length. Events carry the pseudonymous youth id only, never a name.
"""
from __future__ import annotations

from dataclasses import field, replace
from datetime import date, datetime, timedelta

from chassis import checks
from chassis.clock import beijing_date
from chassis.decider import Command, Decider, State
from chassis.errors import Collector, RuleViolated
from chassis.event import Event, event
from chassis.lifecycle import stream_naming
from contracts.stations import ActivityEvents

from .common import aware

PLACES_MAX = 1000
LONGEST = timedelta(hours=12)  # one shift; longer service is several shifts


class PublishShift(Command):
    shift_id: str
    district: str
    starts_at: datetime
    ends_at: datetime
    places: int
    station_id: str | None = None  # where: a station, an event, or both (an event held at a station)
    event_id: str | None = None


class SignUpForShift(Command):
    youth_id: str
    now: datetime | None = None  # the person themselves: not once the shift has started; None: staff add them


class RecordHours(Command):
    youth_id: str
    minutes: int


class CorrectHours(Command):
    youth_id: str
    minutes: int  # the right figure (0: did not serve after all)
    reason: str


ShiftCommand = PublishShift | SignUpForShift | RecordHours | CorrectHours


@event(ActivityEvents.SHIFT_PUBLISHED)
class ShiftPublished(Event):
    shift_id: str
    district: str
    day: date  # Beijing day the shift starts
    starts_at: datetime
    ends_at: datetime
    places: int
    station_id: str | None
    event_id: str | None


@event(ActivityEvents.SHIFT_SIGNED_UP)
class ShiftSignedUp(Event):
    shift_id: str
    youth_id: str


@event(ActivityEvents.HOURS_RECORDED)
class HoursRecorded(Event):
    shift_id: str
    youth_id: str
    district: str
    day: date
    minutes: int


@event(ActivityEvents.HOURS_CORRECTED)
class HoursCorrected(Event):
    shift_id: str
    youth_id: str
    district: str
    day: date
    minutes: int
    previous: int  # what the figure was: the dashboard moves by the difference
    reason: str


ShiftEvent = ShiftPublished | ShiftSignedUp | HoursRecorded | HoursCorrected


class ShiftState(State):
    exists: bool = False
    shift_id: str | None = None
    district: str | None = None
    day: date | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    places: int = 0
    station_id: str | None = None
    event_id: str | None = None
    volunteers: frozenset[str] = field(default_factory=frozenset)
    minutes: tuple[tuple[str, int], ...] = ()  # (youth id, minutes recorded), in recording order

    @property
    def length(self) -> int:
        """The shift's length in minutes: no volunteer serves more."""
        if self.starts_at is None or self.ends_at is None:
            return 0
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    def recorded(self, youth_id: str) -> int | None:
        return dict(self.minutes).get(youth_id)


def _publish(c: PublishShift, state: ShiftState) -> list[ShiftEvent]:
    if state.exists:
        raise RuleViolated("该志愿服务班次已存在。", rule="already_exists")
    errors = Collector()
    checks.district(errors, c.district)
    if c.station_id is None and c.event_id is None:
        errors.add("stationId", "请指定站点或活动（至少一项）", "required")
    if aware(c.starts_at, "startsAt", errors) & aware(c.ends_at, "endsAt", errors):
        if c.ends_at <= c.starts_at:
            errors.add("endsAt", "结束时间须晚于开始时间", "order")
        elif c.ends_at - c.starts_at > LONGEST:
            errors.add("endsAt", f"一个班次最长 {LONGEST.seconds // 3600} 小时", "too_long")
    if not 1 <= c.places <= PLACES_MAX:
        errors.add("places", f"名额应为 1–{PLACES_MAX} 人", "range")
    errors.raise_if_any()
    return [ShiftPublished(shift_id=c.shift_id, district=c.district, day=beijing_date(c.starts_at),
                           starts_at=c.starts_at, ends_at=c.ends_at, places=c.places, station_id=c.station_id,
                           event_id=c.event_id)]


def _minutes(state: ShiftState, minutes: int, least: int) -> None:
    errors = Collector()
    if not least <= minutes <= state.length:
        errors.add("hours", f"服务时长应为 {least}–{state.length} 分钟（不超过班次时长）", "range")
    errors.raise_if_any()


def decide(command: ShiftCommand, state: ShiftState) -> list[ShiftEvent]:
    if isinstance(command, PublishShift):
        return _publish(command, state)
    if not state.exists or state.shift_id is None or state.district is None or state.day is None:
        raise RuleViolated("志愿服务班次不存在。", rule="not_found")
    if isinstance(command, SignUpForShift):
        if command.youth_id in state.volunteers:
            raise RuleViolated("该青年已报名此班次。", rule="already_signed_up")
        if command.now is not None and state.starts_at is not None and command.now >= state.starts_at:
            raise RuleViolated("班次已开始，不能报名。", rule="shift_started")
        if len(state.volunteers) >= state.places:
            raise RuleViolated(f"班次名额已满（{state.places} 人）。", rule="places_reached", places=state.places)
        return [ShiftSignedUp(shift_id=state.shift_id, youth_id=command.youth_id)]
    if command.youth_id not in state.volunteers:
        raise RuleViolated("该青年未报名此班次，不能登记时长。", rule="not_signed_up")
    before = state.recorded(command.youth_id)
    if isinstance(command, RecordHours):
        _minutes(state, command.minutes, 1)
        if before == command.minutes:
            return []  # recorded already: a repeat changes nothing
        if before is not None:
            raise RuleViolated("该青年本班次的时长已登记；如需更改请更正时长。", rule="already_recorded")
        return [HoursRecorded(shift_id=state.shift_id, youth_id=command.youth_id, district=state.district,
                              day=state.day, minutes=command.minutes)]
    if isinstance(command, CorrectHours):
        if before is None:
            raise RuleViolated("该青年本班次尚未登记时长，无需更正。", rule="not_recorded")
        _minutes(state, command.minutes, 0)
        errors = Collector()
        checks.text(errors, command.reason, "reason", "更正原因", max_len=200)
        errors.raise_if_any()
        if before == command.minutes:
            return []
        return [HoursCorrected(shift_id=state.shift_id, youth_id=command.youth_id, district=state.district,
                               day=state.day, minutes=command.minutes, previous=before,
                               reason=command.reason.strip())]
    raise TypeError(f"unknown command {type(command).__name__}")


def evolve(state: ShiftState, event: ShiftEvent) -> ShiftState:
    if isinstance(event, ShiftPublished):
        return ShiftState(exists=True, shift_id=event.shift_id, district=event.district, day=event.day,
                          starts_at=event.starts_at, ends_at=event.ends_at, places=event.places,
                          station_id=event.station_id, event_id=event.event_id)
    if isinstance(event, ShiftSignedUp):
        return replace(state, volunteers=state.volunteers | {event.youth_id})
    if isinstance(event, HoursRecorded | HoursCorrected):
        kept = tuple((y, m) for y, m in state.minutes if y != event.youth_id)
        return replace(state, minutes=(*kept, (event.youth_id, event.minutes)))
    return state


shift = Decider(initial=ShiftState, decide=decide, evolve=evolve)
EVENTS = (ShiftPublished, ShiftSignedUp, HoursRecorded, HoursCorrected)
stream_id = stream_naming("shift")
