"""The case's events (services/stations/domain/case.py decides them). The youth's words — the summary, the
reason a case is reopened — are personal: the event store seals them with the case's own key and never
publishes them. A declining agency's reason is public (the agency's stated ground, recorded without names)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from chassis.codec import personal
from contracts.stations import CaseEvents

# ---- events --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CaseFact:
    """What every event of a case says first: which case it is (stored flat, `case_id` the first key)."""
    case_id: str


@dataclass(frozen=True)
class CaseOpened(CaseFact):
    TYPE: ClassVar[str] = CaseEvents.OPENED
    source: str
    category: str
    urgency: str
    district: str
    station_id: str | None
    youth_id: str | None
    appeal_id: str | None
    opened_at: datetime
    first_response_due: datetime
    resolve_due: datetime
    summary: str | None = personal(default=None)  # None once the case's key is shredded


@dataclass(frozen=True)
class CaseTriaged(CaseFact):
    TYPE: ClassVar[str] = CaseEvents.TRIAGED
    category: str
    urgency: str
    assignee: str
    triaged_at: datetime
    in_time: bool
    resolve_due: datetime


@dataclass(frozen=True)
class CaseReferred(CaseFact):
    TYPE: ClassVar[str] = CaseEvents.REFERRED
    agency: str
    referred_at: datetime
    consent: bool = True  # the youth's consent to this referral (a referral is never recorded without it)
    contact_shared: bool = False  # and their separate consent to give the agency their contact
    contact: str | None = personal(default=None)  # None once the case's key is shredded


@dataclass(frozen=True)
class AgencyAccepted(CaseFact):
    TYPE: ClassVar[str] = CaseEvents.AGENCY_ACCEPTED
    agency: str
    at: datetime


@dataclass(frozen=True)
class AgencyDeclined(CaseFact):
    TYPE: ClassVar[str] = CaseEvents.AGENCY_DECLINED
    agency: str
    reason: str  # the agency's reason (no personal content: "不属受理范围")
    at: datetime


@dataclass(frozen=True)
class AgencyReported(CaseFact):
    """The agency's word on a case that changes its status at the agency, not the case's own (in progress,
    mediation not settled, aid refused)."""
    TYPE: ClassVar[str] = CaseEvents.AGENCY_REPORTED
    agency: str
    status: str  # contracts.stations.AgencyStatus
    at: datetime


@dataclass(frozen=True)
class CaseStep(CaseFact):
    """A step at the agency that says nothing but when it was taken."""
    at: datetime


@dataclass(frozen=True)
class MediationStarted(CaseStep):
    TYPE: ClassVar[str] = CaseEvents.MEDIATION_STARTED


@dataclass(frozen=True)
class AidGranted(CaseStep):
    TYPE: ClassVar[str] = CaseEvents.AID_GRANTED


@dataclass(frozen=True)
class CaseResolved(CaseFact):
    TYPE: ClassVar[str] = CaseEvents.RESOLVED
    outcome: str
    resolved_at: datetime
    in_time: bool


@dataclass(frozen=True)
class CaseRated(CaseFact):
    TYPE: ClassVar[str] = CaseEvents.RATED
    rating: int
    rated_at: datetime


@dataclass(frozen=True)
class CaseReopened(CaseFact):
    TYPE: ClassVar[str] = CaseEvents.REOPENED
    reopened_at: datetime
    resolve_due: datetime
    reason: str | None = personal(default=None)  # None once the case's key is shredded


@dataclass(frozen=True)
class CaseOverdue(CaseFact):
    """A reminder from the overdue job: the deadline `due` had passed when it looked, at `marked_at`."""
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
