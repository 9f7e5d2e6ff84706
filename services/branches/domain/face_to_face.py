"""面对面: a session between 人大代表 / 政协委员 and new youth, recorded by district (or city) league staff,
and the issues the youth raised there. Only counts and the issues are kept — no deputy's or youth's name
(the session is a public-facing record; personal data stays in the registry). A proposal that follows an
issue is its own aggregate (domain/proposal.py).
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date
from enum import StrEnum

from chassis import checks
from chassis.codec import EventCodec
from chassis.decider import Command, Decider, State
from chassis.errors import Collector, Forbidden, RuleViolated
from chassis.event import Event, event
from chassis.lifecycle import refuse_if, stream_naming
from contracts.branches import FaceToFaceEvents
from contracts.stations import CaseCategory

from .rules import check_text

PLACE_MAX = 100
ATTENDING_MAX = 10_000  # a count typed by staff, not a roll call: anything larger is a typing slip


class DeputyRole(StrEnum):
    NPC_DEPUTY = "NPC_DEPUTY"      # 人大代表
    CPPCC_MEMBER = "CPPCC_MEMBER"  # 政协委员


@dataclass(frozen=True)
class Recorder:
    """League staff: a district's (district set) or the city's office (district None)."""
    district: str | None


def require_scope(recorder: Recorder, district: str) -> None:
    """A district's staff act on their district's sessions only; the city's office on any."""
    if recorder.district is not None and recorder.district != district:
        raise Forbidden("该面对面活动不属于您所在的区。", rule="district")


@dataclass(frozen=True)
class Session:
    """What a session was: asked by `RecordSession`, recorded as it is (the place trimmed) by `SessionHeld`."""
    session_id: str
    held_on: date
    district: str
    place: str
    deputy_role: str
    deputies: int
    youth_attending: int


class RecordSession(Session, Command, kw_only=True):
    recorder: Recorder
    today: date


class RaiseIssue(Command):
    recorder: Recorder
    issue_id: str
    category: str
    text: str


@event(FaceToFaceEvents.SESSION_HELD)
class SessionHeld(Session, Event):
    pass


@event(FaceToFaceEvents.ISSUE_RAISED)
class IssueRaised(Event):
    session_id: str
    issue_id: str
    district: str
    category: str
    text: str


SessionCommand = RecordSession | RaiseIssue
SessionEvent = SessionHeld | IssueRaised


class SessionState(State):
    exists: bool = False
    session_id: str = ""
    district: str = ""
    issues: frozenset[str] = frozenset()


def check_count(errors: Collector, field: str, value: int, label: str, minimum: int) -> None:
    if not minimum <= value <= ATTENDING_MAX:
        errors.add(field, f"{label}应为 {minimum} 到 {ATTENDING_MAX} 之间的整数", "range")


def _record(command: RecordSession) -> SessionHeld:
    errors = Collector()
    if command.held_on > command.today:
        errors.add("heldOn", "活动日期不能晚于今天", "future")
    if checks.district(errors, command.district):
        if command.recorder.district not in (None, command.district):
            raise Forbidden("只能记录本区的面对面活动。", rule="district")
    checks.text(errors, command.place, "place", "地点", PLACE_MAX)
    checks.one_of(errors, "deputyRole", command.deputy_role, DeputyRole, "代表身份")
    check_count(errors, "deputies", command.deputies, "代表人数", 1)
    check_count(errors, "youthAttending", command.youth_attending, "参加青年人数", 1)
    errors.raise_if_any()
    facts = {f.name: getattr(command, f.name) for f in fields(Session)}
    return SessionHeld(**{**facts, "place": command.place.strip()})


def decide(command: SessionCommand, state: SessionState) -> list[SessionEvent]:
    if isinstance(command, RecordSession):
        refuse_if(state.exists, "该面对面活动已记录。", "already_recorded")
        return [_record(command)]
    if not state.exists:
        raise RuleViolated("未找到该面对面活动。", rule="session_not_found")
    require_scope(command.recorder, state.district)
    refuse_if(command.issue_id in state.issues, "该问题已记录。", "already_raised")
    errors = Collector()
    checks.one_of(errors, "category", command.category, CaseCategory, "问题类别")
    text = check_text(errors, "text", command.text)
    errors.raise_if_any()
    return [IssueRaised(state.session_id, command.issue_id, state.district, command.category, text)]


def evolve(state: SessionState, event: SessionEvent) -> SessionState:
    if isinstance(event, SessionHeld):
        return SessionState(True, event.session_id, event.district)
    return replace(state, issues=state.issues | {event.issue_id})


face_to_face = Decider(initial=SessionState, decide=decide, evolve=evolve)
codec = EventCodec(SessionHeld, IssueRaised)
stream_id = stream_naming("face-to-face")
