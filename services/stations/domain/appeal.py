"""Appeals (接诉即办): 12345 work orders about these groups, with deadlines by urgency tier.

received → dispatched to a handling unit → contacted → resolved → rated by the citizen. Each tier has
a contact and a resolve deadline counted from receipt; a scheduled process marks what is overdue
(`MarkOverdue` with `now` passed in, so the rule stays pure). What leaves the service is the
district, tier and timings: never the caller's words, address or location (kept in the service's own
table, see tables.py).
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from chassis import checks
from chassis.clock import BEIJING, beijing_week
from chassis.decider import Command, Decider, State
from chassis.errors import Collector, RuleViolated
from chassis.event import Event, event
from chassis.lifecycle import stream_naming
from contracts.stations import AppealEvents, CaseCategory

from .common import MarkOverdue, Step, aware, beijing_month, check_point

APPEAL_NAMESPACE = uuid.UUID("0b6e0f4c-4d1f-4a8e-8f41-2a7c5d1e7d12")


class Tier(StrEnum):
    EMERGENCY = "EMERGENCY"
    UTILITIES = "UTILITIES"
    GENERAL = "GENERAL"
    COMPLEX = "COMPLEX"


class AppealStatus(StrEnum):
    RECEIVED = "RECEIVED"
    DISPATCHED = "DISPATCHED"
    CONTACTED = "CONTACTED"
    RESOLVED = "RESOLVED"
    RATED = "RATED"


class Satisfaction(StrEnum):
    SATISFIED = "SATISFIED"                  # 满意
    BASICALLY_SATISFIED = "BASICALLY_SATISFIED"  # 基本满意
    UNSATISFIED = "UNSATISFIED"              # 不满意


@dataclass(frozen=True)
class Window:
    """A deadline length: hours are elapsed time; days are calendar days in Beijing (same wall-clock
    time N days later), which is how people read "7 天内"."""
    hours: int = 0
    days: int = 0

    @classmethod
    def parse(cls, text: str) -> Window:
        text = text.strip().lower()
        if text.endswith("h") and text[:-1].isdigit() and int(text[:-1]) > 0:
            return cls(hours=int(text[:-1]))
        if text.endswith("d") and text[:-1].isdigit() and int(text[:-1]) > 0:
            return cls(days=int(text[:-1]))
        raise ValueError(f"deadline {text!r}: expected <n>h or <n>d, e.g. 2h or 7d")


# (contact, resolve) per tier. DOMAIN.md's defaults (2 h, 24 h, 7 d, 15 d) are the resolve deadlines;
# contact: 2 h for emergencies, else 24 h (12345: 非紧急诉求 24 小时内联系), never after the resolve one.
DEFAULT_DEADLINES: dict[str, tuple[Window, Window]] = {
    Tier.EMERGENCY: (Window(hours=2), Window(hours=2)),
    Tier.UTILITIES: (Window(hours=24), Window(hours=24)),
    Tier.GENERAL: (Window(hours=24), Window(days=7)),
    Tier.COMPLEX: (Window(hours=24), Window(days=15)),
}


def deadline(start: datetime, window: Window) -> datetime:
    """`start` + `window`, computed in Asia/Shanghai; the answer is tz-aware (Beijing time)."""
    local = start.astimezone(BEIJING)
    if window.days:
        naive = local.replace(tzinfo=None) + timedelta(days=window.days)
        return naive.replace(tzinfo=BEIJING)
    return (local + timedelta(hours=window.hours)).astimezone(BEIJING)


def appeal_id_for(service_request_id: str) -> str:
    """The same 12345 work order always maps to the same appeal: importing twice is refused."""
    return str(uuid.uuid5(APPEAL_NAMESPACE, service_request_id.strip()))


# ---- commands ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class WorkOrder:
    """What importing a 12345 work order asks for and its `imported` event records first (texts cleaned)."""
    appeal_id: str
    service_request_id: str
    service_code: str
    service_name: str
    tier: str
    district: str


class ImportAppeal(WorkOrder, Command):
    """An Open311 GeoReport v2 service request plus the tier and district 12345 assigned."""
    requested_datetime: datetime
    lat: float | None
    lon: float | None
    deadlines: dict[str, tuple[Window, Window]]  # tier → (contact, resolve): configuration, passed in
    category: str | None = None  # from the case taxonomy (contracts.stations.CaseCategory), when known


class CategoriseAppeal(Command):
    """Staff set (or correct) the appeal's category; the hot-topic counts move with it."""
    category: str
    at: datetime


class DispatchAppeal(Command):
    unit: str
    at: datetime


class ContactCitizen(Step):
    """The handling unit's first contact with the citizen (against the contact deadline)."""


class ResolveAppeal(Step):
    """The handling unit resolved the appeal (against the resolve deadline)."""


class RateAppeal(Command):
    satisfaction: str
    at: datetime


AppealCommand = ImportAppeal | CategoriseAppeal | DispatchAppeal | ContactCitizen | ResolveAppeal | RateAppeal | MarkOverdue


# ---- events --------------------------------------------------------------------------------------

@event(AppealEvents.IMPORTED)
class AppealImported(WorkOrder, Event):
    received_at: datetime
    contact_due: datetime
    resolve_due: datetime


@event(AppealEvents.DISPATCHED)
class AppealDispatched(Event):
    appeal_id: str
    unit: str
    dispatched_at: datetime
    month: str  # Beijing month of dispatch (YYYY-MM): the month the unit is ranked in


@event(AppealEvents.CONTACTED)
class CitizenContacted(Event):
    appeal_id: str
    contacted_at: datetime
    in_time: bool


@event(AppealEvents.RESOLVED)
class AppealResolved(Event):
    appeal_id: str
    resolved_at: datetime
    in_time: bool


@event(AppealEvents.RATED)
class AppealRated(Event):
    appeal_id: str
    satisfaction: str
    rated_at: datetime


@event(AppealEvents.CONTACT_OVERDUE)
class ContactOverdue(Event):
    appeal_id: str
    due: datetime
    marked_at: datetime


@event(AppealEvents.RESOLUTION_OVERDUE)
class ResolutionOverdue(Event):
    appeal_id: str
    due: datetime
    marked_at: datetime


@event(AppealEvents.CATEGORISED)
class AppealCategorised(Event):
    appeal_id: str
    category: str
    previous: str | None  # the category it had (its count moves from there), None the first time
    district: str
    week: str  # Beijing ISO week of receipt (YYYY-Www): the week it counts in for hot topics
    categorised_at: datetime


AppealEvent = (AppealImported | AppealCategorised | AppealDispatched | CitizenContacted | AppealResolved | AppealRated
               | ContactOverdue | ResolutionOverdue)


class AppealState(State):
    exists: bool = False  # imported: appeal_id, district, status, received_at and both deadlines are set
    appeal_id: str | None = None
    district: str | None = None
    status: str | None = None
    received_at: datetime | None = None
    contact_due: datetime | None = None
    resolve_due: datetime | None = None
    contacted: bool = False
    resolved: bool = False
    contact_overdue: bool = False
    resolution_overdue: bool = False
    category: str | None = None


def _check_category(errors: Collector, category: str) -> None:
    checks.one_of(errors, "category", category, CaseCategory, "类别")


def _moment(errors: Collector, at: datetime, state: AppealState, field: str = "at") -> None:
    if aware(at, field, errors) and state.received_at and at < state.received_at:
        errors.add(field, "时间不能早于工单受理时间", "before_received")


def decide(command: AppealCommand, state: AppealState) -> list[AppealEvent]:
    if isinstance(command, ImportAppeal):
        if state.exists:
            raise RuleViolated("该 12345 工单已导入，不能重复导入。", rule="already_imported",
                               appeal_id=state.appeal_id)
        errors = Collector()
        checks.text(errors, command.service_request_id, "service_request_id", "工单编号", 64)
        checks.text(errors, command.service_code, "service_code", "诉求类别代码", 64)
        checks.text(errors, command.service_name, "service_name", "诉求类别", 100)
        if command.tier not in command.deadlines:
            errors.add("tier", f"紧急程度无效：应为 {'、'.join(Tier)} 之一", "enum")
        checks.district(errors, command.district)
        if command.lat is not None or command.lon is not None:
            check_point(errors, command.lat, command.lon, lon_field="long")
        aware(command.requested_datetime, "requested_datetime", errors)
        if command.category is not None:
            _check_category(errors, command.category)
        errors.raise_if_any()
        contact, resolve = command.deadlines[command.tier]
        received = command.requested_datetime
        categorised: list[AppealEvent] = [] if command.category is None else [AppealCategorised(
            appeal_id=command.appeal_id, category=command.category, previous=None, district=command.district,
            week=beijing_week(received), categorised_at=received)]
        return [AppealImported(
            appeal_id=command.appeal_id, service_request_id=command.service_request_id.strip(),
            service_code=command.service_code.strip(), service_name=command.service_name.strip(),
            tier=command.tier, district=command.district, received_at=received,
            contact_due=min(deadline(received, contact), deadline(received, resolve)),
            resolve_due=deadline(received, resolve)), *categorised]
    if not state.exists or state.appeal_id is None or state.contact_due is None or state.resolve_due is None:
        raise RuleViolated("工单不存在。", rule="not_found")
    if isinstance(command, MarkOverdue):
        events: list[AppealEvent] = []
        if not state.contacted and not state.contact_overdue and command.now > state.contact_due:
            events.append(ContactOverdue(appeal_id=state.appeal_id, due=state.contact_due, marked_at=command.now))
        if not state.resolved and not state.resolution_overdue and command.now > state.resolve_due:
            events.append(ResolutionOverdue(appeal_id=state.appeal_id, due=state.resolve_due,
                                            marked_at=command.now))
        return events  # nothing due: nothing to say (the scheduled process may ask again)
    errors = Collector()
    _moment(errors, command.at, state)
    if isinstance(command, CategoriseAppeal):
        _check_category(errors, command.category)
        errors.raise_if_any()
        if command.category == state.category:
            return []  # already so: nothing changes, nothing counts twice
        assert state.district is not None and state.received_at is not None
        return [AppealCategorised(appeal_id=state.appeal_id, category=command.category, previous=state.category,
                                  district=state.district, week=beijing_week(state.received_at),
                                  categorised_at=command.at)]
    if isinstance(command, DispatchAppeal):
        checks.text(errors, command.unit, "unit", "承办单位", 100)
        errors.raise_if_any()
        if state.status != AppealStatus.RECEIVED:
            raise RuleViolated("工单已派发，不能重复派发。", rule="already_dispatched")
        return [AppealDispatched(appeal_id=state.appeal_id, unit=command.unit.strip(), dispatched_at=command.at,
                                 month=beijing_month(command.at))]
    if isinstance(command, ContactCitizen):
        errors.raise_if_any()
        if state.status != AppealStatus.DISPATCHED:
            raise RuleViolated("只有已派发、尚未联系的工单才能登记首次联系。", rule="not_dispatched"
                               if state.status == AppealStatus.RECEIVED else "already_contacted")
        return [CitizenContacted(appeal_id=state.appeal_id, contacted_at=command.at,
                                 in_time=command.at <= state.contact_due)]
    if isinstance(command, ResolveAppeal):
        errors.raise_if_any()
        if state.status != AppealStatus.CONTACTED:
            raise RuleViolated("须先联系诉求人，才能办结工单。" if not state.contacted else "工单已办结。",
                               rule="not_contacted" if not state.contacted else "already_resolved")
        return [AppealResolved(appeal_id=state.appeal_id, resolved_at=command.at,
                               in_time=command.at <= state.resolve_due)]
    if isinstance(command, RateAppeal):
        checks.one_of(errors, "satisfaction", command.satisfaction, Satisfaction, "评价")
        errors.raise_if_any()
        if state.status != AppealStatus.RESOLVED:
            raise RuleViolated("工单办结后才能评价。" if not state.resolved else "该工单已评价。",
                               rule="not_resolved" if not state.resolved else "already_rated")
        return [AppealRated(appeal_id=state.appeal_id, satisfaction=command.satisfaction, rated_at=command.at)]
    raise TypeError(f"unknown command {type(command).__name__}")


def evolve(state: AppealState, event: AppealEvent) -> AppealState:
    if isinstance(event, AppealImported):
        return AppealState(exists=True, appeal_id=event.appeal_id, district=event.district,
                           status=AppealStatus.RECEIVED, received_at=event.received_at,
                           contact_due=event.contact_due, resolve_due=event.resolve_due)
    if isinstance(event, AppealCategorised):
        return replace(state, category=event.category)
    if isinstance(event, AppealDispatched):
        return replace(state, status=AppealStatus.DISPATCHED)
    if isinstance(event, CitizenContacted):
        return replace(state, status=AppealStatus.CONTACTED, contacted=True)
    if isinstance(event, AppealResolved):
        return replace(state, status=AppealStatus.RESOLVED, resolved=True)
    if isinstance(event, AppealRated):
        return replace(state, status=AppealStatus.RATED)
    if isinstance(event, ContactOverdue):
        return replace(state, contact_overdue=True)
    if isinstance(event, ResolutionOverdue):
        return replace(state, resolution_overdue=True)
    return state


appeal = Decider(initial=AppealState, decide=decide, evolve=evolve)
EVENTS = (AppealImported, AppealCategorised, AppealDispatched, CitizenContacted, AppealResolved, AppealRated, ContactOverdue,
          ResolutionOverdue)
stream_id = stream_naming("appeal")
