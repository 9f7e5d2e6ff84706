"""Internships (实习岗位) offered by partner companies of the parks and companies a station serves, listed by
the station's staff (the company, the places, open until closed), and the young people's applications for them.

A young person applies with their own token (at most one open application per internship); the staff of the
station's district accept or decline (a reason is required), never more accepted than places; the applicant may
withdraw before a decision; closing the offer ends the applications still pending, in the same step, and so does
the erasure of the applicant's record for theirs.

One stream per offer (`internship-<id>`, on the events topic beside events, shifts and projects): the
applications live on it because the places bound them. Events name the applicant by the pseudonymous youth id
only; the applicant's optional note is checked here but never put on an event (the runner keeps it in the
service's own table, deleted on erasure).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from chassis import checks
from chassis.decider import Command, Decider, State
from chassis.errors import Collector
from chassis.event import Event, event
from chassis.lifecycle import refuse_if, stream_naming
from contracts.stations import ActivityEvents, ApplicationStatus

PLACES_MAX = 1000
NOTE_MAX = 200
REASON_MAX = 200
MISSING_APPLICATION = "实习申请不存在。"


class OfferInternship(Command):
    internship_id: str
    station_id: str
    district: str  # the station's
    company: str
    title: str
    places: int


class CloseInternship(Command):
    """The places are filled or the offer withdrawn; pending applications end with it."""


class ApplyForInternship(Command):
    """A young person applies themselves (youth token); `note` is optional (None or text by the chassis rule)."""
    application_id: str
    youth_id: str
    note: str | None
    at: datetime


class AcceptApplication(Command):
    application_id: str
    at: datetime


class DeclineApplication(Command):
    application_id: str
    reason: str
    at: datetime


class WithdrawApplication(Command):
    """By the applicant: `youth_id` is the caller's (another person's application is NOT_FOUND)."""
    application_id: str
    youth_id: str
    at: datetime


class EndForErasure(Command):
    """The registry erased the applicant: their application, if still pending, ends (a replay changes nothing)."""
    application_id: str


class EndReason(StrEnum):
    CLOSED = "CLOSED"  # the offer closed
    ERASED = "ERASED"  # the applicant's record was erased


InternshipCommand = (OfferInternship | CloseInternship | ApplyForInternship | AcceptApplication | DeclineApplication
                     | WithdrawApplication | EndForErasure)


@event(ActivityEvents.INTERNSHIP_OFFERED)
class InternshipOffered(Event):
    internship_id: str
    station_id: str
    district: str
    company: str
    title: str
    places: int


@event(ActivityEvents.INTERNSHIP_CLOSED)
class InternshipClosed(Event):
    internship_id: str
    district: str
    places: int  # the open places the figure loses


@dataclass(frozen=True)
class ApplicationEvent(Event):
    """What every application event carries: which application, of which offer, in which district."""
    internship_id: str
    application_id: str
    district: str


@event(ActivityEvents.INTERNSHIP_APPLIED)
class InternshipApplied(ApplicationEvent):
    youth_id: str
    at: datetime


@event(ActivityEvents.APPLICATION_ACCEPTED)
class ApplicationAccepted(ApplicationEvent):
    at: datetime


@event(ActivityEvents.APPLICATION_DECLINED)
class ApplicationDeclined(ApplicationEvent):
    reason: str
    at: datetime


@event(ActivityEvents.APPLICATION_WITHDRAWN)
class ApplicationWithdrawn(ApplicationEvent):
    at: datetime


@event(ActivityEvents.APPLICATION_ENDED)
class ApplicationEnded(ApplicationEvent):
    """Still pending when the offer closed, or when the applicant was erased (`reason`: EndReason)."""
    reason: str


InternshipEvent = (InternshipOffered | InternshipClosed | InternshipApplied | ApplicationAccepted | ApplicationDeclined
                   | ApplicationWithdrawn | ApplicationEnded)
DECIDED = {ApplicationAccepted: ApplicationStatus.ACCEPTED, ApplicationDeclined: ApplicationStatus.DECLINED,
           ApplicationWithdrawn: ApplicationStatus.WITHDRAWN, ApplicationEnded: ApplicationStatus.ENDED}


@dataclass(frozen=True)
class Application:
    youth_id: str
    status: ApplicationStatus = ApplicationStatus.PENDING


class InternshipState(State):
    exists: bool = False
    internship_id: str = ""
    district: str = ""
    station_id: str = ""
    company: str = ""
    title: str = ""
    places: int = 0
    open: bool = False
    applications: dict[str, Application] = field(default_factory=dict)  # by application id

    @property
    def accepted(self) -> int:
        return sum(a.status is ApplicationStatus.ACCEPTED for a in self.applications.values())

    def open_application_of(self, youth_id: str) -> bool:
        return any(a.youth_id == youth_id and a.status in (ApplicationStatus.PENDING, ApplicationStatus.ACCEPTED)
                   for a in self.applications.values())


def _offer(command: OfferInternship, state: InternshipState) -> list[InternshipEvent]:
    refuse_if(state.exists, "该实习岗位已存在。", "already_exists")
    errors = Collector()
    checks.district(errors, command.district)
    checks.text(errors, command.company, "company", "企业名称")
    checks.text(errors, command.title, "title", "岗位名称")
    if not 1 <= command.places <= PLACES_MAX:
        errors.add("places", f"名额应为 1–{PLACES_MAX} 人", "range")
    errors.raise_if_any()
    return [InternshipOffered(internship_id=command.internship_id, station_id=command.station_id,
                              district=command.district, company=command.company.strip(),
                              title=command.title.strip(), places=command.places)]


def _apply(c: ApplyForInternship, state: InternshipState) -> list[InternshipEvent]:
    if c.note is not None:  # optional, but when given it follows the text rule
        errors = Collector()
        checks.text(errors, c.note, "note", "申请说明", max_len=NOTE_MAX)
        errors.raise_if_any()
    refuse_if(not state.open, "该实习岗位已关闭，不能再申请。", "closed")
    refuse_if(c.application_id in state.applications, "该实习申请已存在。", "already_exists")
    refuse_if(state.open_application_of(c.youth_id), "你已申请该实习岗位（待处理或已录用）。", "already_applied")
    return [InternshipApplied(internship_id=state.internship_id, application_id=c.application_id,
                              district=state.district, youth_id=c.youth_id, at=c.at)]


def _pending(state: InternshipState, application_id: str) -> Application:
    """The application, which must still wait for a decision (RULE_VIOLATED `already_decided` otherwise)."""
    found = state.applications.get(application_id)
    refuse_if(found is None, MISSING_APPLICATION, "not_found")
    assert found is not None
    refuse_if(found.status is not ApplicationStatus.PENDING, "该实习申请已有结果。", "already_decided")
    return found


def _decide_application(c: AcceptApplication | DeclineApplication | WithdrawApplication,
                        state: InternshipState) -> list[InternshipEvent]:
    ids = {"internship_id": state.internship_id, "application_id": c.application_id, "district": state.district}
    if isinstance(c, WithdrawApplication):
        refuse_if(c.application_id in state.applications and state.applications[c.application_id].youth_id
                  != c.youth_id, MISSING_APPLICATION, "not_found")  # not theirs: as if it did not exist
        _pending(state, c.application_id)
        return [ApplicationWithdrawn(**ids, at=c.at)]
    _pending(state, c.application_id)
    if isinstance(c, DeclineApplication):
        errors = Collector()
        checks.text(errors, c.reason, "reason", "未录用的原因", max_len=REASON_MAX)
        errors.raise_if_any()
        return [ApplicationDeclined(**ids, reason=c.reason.strip(), at=c.at)]
    refuse_if(state.accepted >= state.places, f"该实习岗位的 {state.places} 个名额已满，不能再录用。", "internship_full")
    return [ApplicationAccepted(**ids, at=c.at)]


def decide(command: InternshipCommand, state: InternshipState) -> list[InternshipEvent]:
    if isinstance(command, OfferInternship):
        return _offer(command, state)
    refuse_if(not state.exists, "实习岗位不存在。", "not_found")
    if isinstance(command, ApplyForInternship):
        return _apply(command, state)
    if isinstance(command, AcceptApplication | DeclineApplication | WithdrawApplication):
        return _decide_application(command, state)
    if isinstance(command, EndForErasure):
        found = state.applications.get(command.application_id)
        if found is None or found.status is not ApplicationStatus.PENDING:
            return []
        return [ApplicationEnded(internship_id=state.internship_id, application_id=command.application_id,
                                 district=state.district, reason=EndReason.ERASED)]
    refuse_if(not state.open, "该实习岗位已关闭。", "already_closed")
    closed: list[InternshipEvent] = [
        InternshipClosed(internship_id=state.internship_id, district=state.district, places=state.places)]
    return closed + [ApplicationEnded(internship_id=state.internship_id, application_id=aid, district=state.district,
                                      reason=EndReason.CLOSED)
                     for aid, a in state.applications.items() if a.status is ApplicationStatus.PENDING]


def evolve(state: InternshipState, event: InternshipEvent) -> InternshipState:
    if isinstance(event, InternshipOffered):
        return InternshipState(exists=True, internship_id=event.internship_id, district=event.district,
                               station_id=event.station_id, company=event.company, title=event.title,
                               places=event.places, open=True)
    if isinstance(event, InternshipClosed):
        return replace(state, open=False)
    if isinstance(event, InternshipApplied):
        return replace(state, applications={**state.applications, event.application_id: Application(event.youth_id)})
    status = DECIDED[type(event)]
    before = state.applications[event.application_id]
    return replace(state, applications={**state.applications, event.application_id: replace(before, status=status)})


internship = Decider(initial=InternshipState, decide=decide, evolve=evolve)
EVENTS = (InternshipOffered, InternshipClosed, InternshipApplied, ApplicationAccepted, ApplicationDeclined,
          ApplicationWithdrawn, ApplicationEnded)
stream_id = stream_naming("internship")
