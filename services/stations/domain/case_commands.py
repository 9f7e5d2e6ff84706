"""The commands on a case (services/stations/domain/case.py decides them). Time comes on the command;
configuration (deadlines, the categories an agency takes) too."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from chassis.decider import Command

from .appeal import Window
from .case_events import Intake
from .common import MarkOverdue as MarkOverdue  # the overdue job asks every aggregate the same
from .common import Step

# (first response, resolution) by urgency; "CATEGORY/URGENCY" keys override one category (settings: config.py).
Deadlines = Mapping[str, tuple[Window, Window]]


class OpenCase(Intake, Command):
    summary: str
    at: datetime
    deadlines: Deadlines
    station_id: str | None = None
    youth_id: str | None = None  # the registry's pseudonymous id, when the youth is registered
    appeal_id: str | None = None


class TriageCase(Command):
    category: str
    urgency: str
    assignee: str  # the unit or worker handling it
    at: datetime
    deadlines: Deadlines


class ReferCase(Command):
    agency: str
    consent: bool  # the youth agreed to THIS referral, to THIS agency (recorded by the worker who asked)
    at: datetime
    takes: frozenset[str] = frozenset()  # the categories the agency's agreement takes (none: no referrals)
    share_contact: bool = False  # the youth's separate consent to give the agency their contact
    contact: str | None = None  # the contact they agreed to give (personal: sealed with the case's key)


class RecordAgencyAnswer(Command):
    accepted: bool
    reason: str
    at: datetime


class StartMediation(Step):
    """The agency that accepted the case starts mediating."""


class GrantAid(Step):
    """The agency that accepted the case grants legal aid."""


class ResolveCase(Command):
    outcome: str
    at: datetime


class RateCase(Command):
    rating: int
    at: datetime


class ReopenCase(Command):
    reason: str
    at: datetime
    deadlines: Deadlines


class AgencyReply(Command):
    """What the agency the case is referred to answered on its replies topic (a validated message; see
    case_replies.py for what each kind does to the case)."""
    agency: str
    kind: str  # contracts.partners.ReplyMessages
    at: datetime
    reason: str = ""  # declined
    stage: str = ""  # in-progress: HANDLING | MEDIATION | AID_REVIEW
    result: str = ""  # mediation-result: SETTLED | NOT_SETTLED; aid-decision: GRANTED | REFUSED
    outcome: str = ""  # closed: a CaseOutcome


CaseCommand = (OpenCase | TriageCase | ReferCase | RecordAgencyAnswer | StartMediation | GrantAid | ResolveCase
           | RateCase | ReopenCase | MarkOverdue | AgencyReply)
