"""Programmes (e.g. 新青年学堂骑手班): enrolment, sessions with attendance, exam result, scholarship.

Two deciders: the programme (its sessions) and one enrolment per youth per programme, stream
`enrolment-<programme>-<youth>`, so a second enrolment of the same person is refused by the store
itself and a large programme never loads every learner to record one attendance.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from chassis import checks
from chassis.decider import Command, Decider, State
from chassis.errors import Collector, RuleViolated
from chassis.event import Event, event
from contracts.stations import ProgrammeEvents

from .common import aware

SCHOLARSHIP_MAX = Decimal("100000")


class ExamResult(StrEnum):
    PASSED = "PASSED"
    FAILED = "FAILED"


def programme_stream(programme_id: str) -> str:
    return f"programme-{programme_id}"


def enrolment_stream(programme_id: str, youth_id: str) -> str:
    return f"enrolment-{programme_id}-{youth_id}"


# ---- programme ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class ProgrammeFacts:
    """What creating a programme asks for and what its `created` event records (name and kind cleaned)."""
    programme_id: str
    name: str
    kind: str  # free label, e.g. RIDER_DIPLOMA (新青年学堂骑手班), CAREER, LEGAL
    district: str
    starts_on: date


class CreateProgramme(ProgrammeFacts, Command):
    """Create a programme."""


class AddSession(Command):
    session_id: str
    title: str
    starts_at: datetime


ProgrammeCommand = CreateProgramme | AddSession


@event(ProgrammeEvents.CREATED)
class ProgrammeCreated(ProgrammeFacts, Event):
    pass


@event(ProgrammeEvents.SESSION_ADDED)
class SessionAdded(Event):
    programme_id: str
    session_id: str
    title: str
    starts_at: datetime


ProgrammeEvent = ProgrammeCreated | SessionAdded


class ProgrammeState(State):
    exists: bool = False  # created: programme_id and district are set
    programme_id: str | None = None
    district: str | None = None
    name: str | None = None
    sessions: tuple[str, ...] = ()


def decide_programme(command: ProgrammeCommand, state: ProgrammeState) -> list[ProgrammeEvent]:
    if isinstance(command, CreateProgramme):
        if state.exists:
            raise RuleViolated("该项目已存在。", rule="already_exists")
        errors = Collector()
        checks.text(errors, command.name, "name", "项目名称")
        checks.text(errors, command.kind, "kind", "项目类别", 40)
        checks.district(errors, command.district)
        errors.raise_if_any()
        return [ProgrammeCreated(programme_id=command.programme_id, name=command.name.strip(),
                                 kind=command.kind.strip().upper(), district=command.district,
                                 starts_on=command.starts_on)]
    if not state.exists or state.programme_id is None:
        raise RuleViolated("项目不存在。", rule="not_found")
    if isinstance(command, AddSession):
        errors = Collector()
        checks.text(errors, command.title, "title", "课程名称")
        aware(command.starts_at, "startsAt", errors)
        errors.raise_if_any()
        if command.session_id in state.sessions:
            raise RuleViolated("该课次已存在。", rule="duplicate_session")
        return [SessionAdded(programme_id=state.programme_id, session_id=command.session_id,
                             title=command.title.strip(), starts_at=command.starts_at)]
    raise TypeError(f"unknown command {type(command).__name__}")


def evolve_programme(state: ProgrammeState, event: ProgrammeEvent) -> ProgrammeState:
    if isinstance(event, ProgrammeCreated):
        return ProgrammeState(exists=True, programme_id=event.programme_id, district=event.district,
                              name=event.name)
    if isinstance(event, SessionAdded):
        return replace(state, sessions=(*state.sessions, event.session_id))
    return state


programme = Decider(initial=ProgrammeState, decide=decide_programme, evolve=evolve_programme)


# ---- enrolment ---------------------------------------------------------------------------------

class Enrol(Command):
    programme: ProgrammeState
    youth_id: str
    enrolled_on: date


class RecordAttendance(Command):
    programme: ProgrammeState
    session_id: str


@dataclass(frozen=True)
class ExamFacts:
    result: str
    exam_on: date


@dataclass(frozen=True)
class ScholarshipFacts:
    amount: Decimal  # yuan
    paid_on: date


class RecordExamResult(ExamFacts, Command):
    """Record the learner's exam result (once)."""


class PayScholarship(ScholarshipFacts, Command):
    """Pay the learner's scholarship (once, after a passed exam)."""


EnrolmentCommand = Enrol | RecordAttendance | RecordExamResult | PayScholarship


@dataclass(frozen=True)
class Learner(Event):
    """What every event of an enrolment says first: whose, in which programme (stored flat, in this order). An
    event that records a command's facts lists them after: `class X(Facts, Learner)` puts Learner's fields first."""
    programme_id: str
    youth_id: str


@event(ProgrammeEvents.ENROLLED)
class Enrolled(Learner):
    district: str
    enrolled_on: date


@event(ProgrammeEvents.SESSION_ATTENDED)
class SessionAttended(Learner):
    session_id: str


@event(ProgrammeEvents.EXAM_RESULT_RECORDED)
class ExamResultRecorded(ExamFacts, Learner):
    pass


@event(ProgrammeEvents.SCHOLARSHIP_PAID)
class ScholarshipPaid(ScholarshipFacts, Learner):
    pass


EnrolmentEvent = Enrolled | SessionAttended | ExamResultRecorded | ScholarshipPaid


class EnrolmentState(State):
    exists: bool = False  # enrolled: programme_id and youth_id are set
    programme_id: str | None = None
    youth_id: str | None = None
    attended: frozenset[str] = field(default_factory=frozenset)
    result: str | None = None
    scholarship_paid: bool = False


def decide_enrolment(command: EnrolmentCommand, state: EnrolmentState) -> list[EnrolmentEvent]:
    if isinstance(command, Enrol):
        programme = command.programme
        if not programme.exists or programme.programme_id is None or programme.district is None:
            raise RuleViolated("项目不存在。", rule="programme_not_found")
        if state.exists:
            raise RuleViolated("该青年已报名此项目，不能重复报名。", rule="already_enrolled")
        return [Enrolled(programme_id=programme.programme_id, youth_id=command.youth_id,
                         district=programme.district, enrolled_on=command.enrolled_on)]
    if not state.exists or state.programme_id is None or state.youth_id is None:
        raise RuleViolated("该青年未报名此项目。", rule="not_enrolled")
    if isinstance(command, RecordAttendance):
        if command.session_id not in command.programme.sessions:
            raise RuleViolated("该项目没有这个课次。", rule="session_not_found")
        if command.session_id in state.attended:
            raise RuleViolated("该课次的出勤已登记。", rule="already_attended")
        return [SessionAttended(programme_id=state.programme_id, youth_id=state.youth_id,
                                session_id=command.session_id)]
    if isinstance(command, RecordExamResult):
        if command.result not in ExamResult.__members__:
            errors = Collector()
            errors.add("result", "考试结果应为 PASSED 或 FAILED", "enum")
            errors.raise_if_any()
        if state.result is not None:
            raise RuleViolated("考试结果已登记，不能重复登记。", rule="result_recorded")
        return [ExamResultRecorded(programme_id=state.programme_id, youth_id=state.youth_id,
                                   result=command.result, exam_on=command.exam_on)]
    if isinstance(command, PayScholarship):
        if not Decimal("0") < command.amount <= SCHOLARSHIP_MAX or command.amount != command.amount.quantize(
                Decimal("0.01")):
            errors = Collector()
            errors.add("amount", f"奖学金金额应大于 0、不超过 {SCHOLARSHIP_MAX} 元，最多两位小数", "range")
            errors.raise_if_any()
        if state.result != ExamResult.PASSED:
            raise RuleViolated("通过考试后才能发放奖学金。", rule="exam_not_passed")
        if state.scholarship_paid:
            raise RuleViolated("奖学金已发放，不能重复发放。", rule="already_paid")
        return [ScholarshipPaid(programme_id=state.programme_id, youth_id=state.youth_id,
                                amount=command.amount, paid_on=command.paid_on)]
    raise TypeError(f"unknown command {type(command).__name__}")


def evolve_enrolment(state: EnrolmentState, event: EnrolmentEvent) -> EnrolmentState:
    if isinstance(event, Enrolled):
        return EnrolmentState(exists=True, programme_id=event.programme_id, youth_id=event.youth_id)
    if isinstance(event, SessionAttended):
        return replace(state, attended=state.attended | {event.session_id})
    if isinstance(event, ExamResultRecorded):
        return replace(state, result=event.result)
    if isinstance(event, ScholarshipPaid):
        return replace(state, scholarship_paid=True)
    return state


enrolment = Decider(initial=EnrolmentState, decide=decide_enrolment, evolve=evolve_enrolment)
EVENTS = (ProgrammeCreated, SessionAdded, Enrolled, SessionAttended, ExamResultRecorded, ScholarshipPaid)
