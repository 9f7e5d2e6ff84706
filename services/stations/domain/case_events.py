"""The case's events (services/stations/domain/case.py decides them). The youth's words — the summary, the
reason a case is reopened — are personal: the event store seals them with the case's own key and never
publishes them. A declining agency's reason is public (the agency's stated ground, recorded without names)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chassis.codec import personal
from chassis.event import Event, event
from contracts.stations import CaseEvents


@dataclass(frozen=True)
class Intake:
    """What opening a case asks for and its `opened` event records first: the case, where it came from, its
    class (category and urgency) and district."""
    case_id: str
    source: str
    category: str
    urgency: str
    district: str


# ---- events --------------------------------------------------------------------------------------

@event(CaseEvents.OPENED)
class CaseOpened(Intake, Event):
    station_id: str | None
    youth_id: str | None
    appeal_id: str | None
    opened_at: datetime
    first_response_due: datetime
    resolve_due: datetime
    summary: str | None = personal(default=None)  # None once the case's key is shredded


@event(CaseEvents.TRIAGED)
class CaseTriaged(Event):
    case_id: str
    category: str
    urgency: str
    assignee: str
    triaged_at: datetime
    in_time: bool
    resolve_due: datetime


@event(CaseEvents.REFERRED)
class CaseReferred(Event):
    case_id: str
    agency: str
    referred_at: datetime
    consent: bool = True  # the youth's consent to this referral (a referral is never recorded without it)
    contact_shared: bool = False  # and their separate consent to give the agency their contact
    contact: str | None = personal(default=None)  # None once the case's key is shredded


@event(CaseEvents.AGENCY_ACCEPTED)
class AgencyAccepted(Event):
    case_id: str
    agency: str
    at: datetime


@event(CaseEvents.AGENCY_DECLINED)
class AgencyDeclined(Event):
    case_id: str
    agency: str
    reason: str  # the agency's reason (no personal content: "不属受理范围")
    at: datetime


@event(CaseEvents.AGENCY_REPORTED)
class AgencyReported(Event):
    """The agency's word on a case that changes its status at the agency, not the case's own (in progress,
    mediation not settled, aid refused)."""
    case_id: str
    agency: str
    status: str  # contracts.stations.AgencyStatus
    at: datetime


@dataclass(frozen=True)
class CaseStep(Event):
    """A step at the agency that says nothing but when it was taken."""
    case_id: str
    at: datetime


@event(CaseEvents.MEDIATION_STARTED)
class MediationStarted(CaseStep):
    pass


@event(CaseEvents.AID_GRANTED)
class AidGranted(CaseStep):
    pass


@event(CaseEvents.RESOLVED)
class CaseResolved(Event):
    case_id: str
    outcome: str
    resolved_at: datetime
    in_time: bool


@event(CaseEvents.RATED)
class CaseRated(Event):
    case_id: str
    rating: int
    rated_at: datetime


@event(CaseEvents.REOPENED)
class CaseReopened(Event):
    case_id: str
    reopened_at: datetime
    resolve_due: datetime
    reason: str | None = personal(default=None)  # None once the case's key is shredded


@dataclass(frozen=True)
class CaseOverdue(Event):
    """A reminder from the overdue job: the deadline `due` had passed when it looked, at `marked_at`."""
    case_id: str
    due: datetime
    marked_at: datetime


@event(CaseEvents.FIRST_RESPONSE_OVERDUE)
class FirstResponseOverdue(CaseOverdue):
    pass


@event(CaseEvents.RESOLUTION_OVERDUE)
class ResolutionOverdue(CaseOverdue):
    pass


CaseEvent = (CaseOpened | CaseTriaged | CaseReferred | AgencyAccepted | AgencyDeclined | AgencyReported
             | MediationStarted | AidGranted | CaseResolved | CaseRated | CaseReopened | FirstResponseOverdue | ResolutionOverdue)

EVENTS = (CaseOpened, CaseTriaged, CaseReferred, AgencyAccepted, AgencyDeclined, AgencyReported, MediationStarted,
          AidGranted, CaseResolved, CaseRated, CaseReopened, FirstResponseOverdue, ResolutionOverdue)
