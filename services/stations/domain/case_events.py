"""The case's events (services/stations/domain/case.py decides them). The youth's words — the summary, the
reason a case is reopened — are personal: the event store seals them with the case's own key and never
publishes them. A declining agency's reason is public (the agency's stated ground, recorded without names)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from chassis.codec import personal
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

@dataclass(frozen=True)
class CaseOpened(Intake):
    TYPE: ClassVar[str] = CaseEvents.OPENED
    station_id: str | None
    youth_id: str | None
    appeal_id: str | None
    opened_at: datetime
    first_response_due: datetime
    resolve_due: datetime
    summary: str | None = personal(default=None)  # None once the case's key is shredded


@dataclass(frozen=True)
class CaseTriaged:
    TYPE: ClassVar[str] = CaseEvents.TRIAGED
    case_id: str
    category: str
    urgency: str
    assignee: str
    triaged_at: datetime
    in_time: bool
    resolve_due: datetime


@dataclass(frozen=True)
class CaseReferred:
    TYPE: ClassVar[str] = CaseEvents.REFERRED
    case_id: str
    agency: str
    referred_at: datetime
    consent: bool = True  # the youth's consent to this referral (a referral is never recorded without it)
    contact_shared: bool = False  # and their separate consent to give the agency their contact
    contact: str | None = personal(default=None)  # None once the case's key is shredded


@dataclass(frozen=True)
class AgencyAccepted:
    TYPE: ClassVar[str] = CaseEvents.AGENCY_ACCEPTED
    case_id: str
    agency: str
    at: datetime


@dataclass(frozen=True)
class AgencyDeclined:
    TYPE: ClassVar[str] = CaseEvents.AGENCY_DECLINED
    case_id: str
    agency: str
    reason: str  # the agency's reason (no personal content: "不属受理范围")
    at: datetime


@dataclass(frozen=True)
class AgencyReported:
    """The agency's word on a case that changes its status at the agency, not the case's own (in progress,
    mediation not settled, aid refused)."""
    TYPE: ClassVar[str] = CaseEvents.AGENCY_REPORTED
    case_id: str
    agency: str
    status: str  # contracts.stations.AgencyStatus
    at: datetime


@dataclass(frozen=True)
class CaseStep:
    """A step at the agency that says nothing but when it was taken."""
    case_id: str
    at: datetime


@dataclass(frozen=True)
class MediationStarted(CaseStep):
    TYPE: ClassVar[str] = CaseEvents.MEDIATION_STARTED


@dataclass(frozen=True)
class AidGranted(CaseStep):
    TYPE: ClassVar[str] = CaseEvents.AID_GRANTED


@dataclass(frozen=True)
class CaseResolved:
    TYPE: ClassVar[str] = CaseEvents.RESOLVED
    case_id: str
    outcome: str
    resolved_at: datetime
    in_time: bool


@dataclass(frozen=True)
class CaseRated:
    TYPE: ClassVar[str] = CaseEvents.RATED
    case_id: str
    rating: int
    rated_at: datetime


@dataclass(frozen=True)
class CaseReopened:
    TYPE: ClassVar[str] = CaseEvents.REOPENED
    case_id: str
    reopened_at: datetime
    resolve_due: datetime
    reason: str | None = personal(default=None)  # None once the case's key is shredded


@dataclass(frozen=True)
class CaseOverdue:
    """A reminder from the overdue job: the deadline `due` had passed when it looked, at `marked_at`."""
    case_id: str
    due: datetime
    marked_at: datetime


@dataclass(frozen=True)
class FirstResponseOverdue(CaseOverdue):
    TYPE: ClassVar[str] = CaseEvents.FIRST_RESPONSE_OVERDUE


@dataclass(frozen=True)
class ResolutionOverdue(CaseOverdue):
    TYPE: ClassVar[str] = CaseEvents.RESOLUTION_OVERDUE


Event = (CaseOpened | CaseTriaged | CaseReferred | AgencyAccepted | AgencyDeclined | AgencyReported
         | MediationStarted | AidGranted | CaseResolved | CaseRated | CaseReopened | FirstResponseOverdue | ResolutionOverdue)

EVENTS = (CaseOpened, CaseTriaged, CaseReferred, AgencyAccepted, AgencyDeclined, AgencyReported, MediationStarted,
          AidGranted, CaseResolved, CaseRated, CaseReopened, FirstResponseOverdue, ResolutionOverdue)
