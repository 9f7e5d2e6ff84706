"""Cases read model (cs_cases) from the stations service's case topic: status, category, urgency, district,
deadlines, referral and outcome. Public fields only: a case's summary is never on the topic (sealed in
the stations service), so it cannot reach this table. Reads: gateway/tables/cases.py."""
from __future__ import annotations

from chassis.dispatch import Handler, statement
from contracts.stations import CASE, AgencyStatus, CaseEvents, CaseStatus

from .reading import Reading


def _status(status: CaseStatus, at_agency: AgencyStatus) -> Handler:
    """The case's status and the agency's (an agency's reply, or a worker recording it)."""
    return statement(f"UPDATE cs_cases SET status = '{status}', agency_status = '{at_agency}' WHERE case_id = $1",
                     "case_id")


def _flag(column: str) -> Handler:
    return statement(f"UPDATE cs_cases SET {column} = true WHERE case_id = $1", "case_id")


_opened = statement(
    """INSERT INTO cs_cases (case_id, source, category, urgency, district, station_id, youth_id, appeal_id, status,
                             opened_at, first_response_due, resolve_due)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'OPEN', $9::text::timestamptz, $10::text::timestamptz,
               $11::text::timestamptz) ON CONFLICT (case_id) DO NOTHING""",
    "case_id", "source", "category", "urgency", "district", "station_id", "youth_id", "appeal_id", "opened_at",
    "first_response_due", "resolve_due")

# A later deadline from triage is a fresh window: the overdue mark of the earlier one is cleared (SET reads the
# row as it was: resolve_due here is the earlier deadline).
_triaged = statement(
    """UPDATE cs_cases SET status = 'TRIAGED', category = $2, urgency = $3, assignee = $4,
              triaged_at = $5::text::timestamptz, first_response_in_time = $6, resolve_due = $7::text::timestamptz,
              resolution_overdue = resolution_overdue AND $7::text::timestamptz <= resolve_due
       WHERE case_id = $1""",
    "case_id", "category", "urgency", "assignee", "triaged_at", "in_time", "resolve_due")

_referred = statement("UPDATE cs_cases SET status = 'REFERRED', agency = $2, agency_reason = NULL, "
                      "agency_status = 'REFERRED' WHERE case_id = $1", "case_id", "agency")

_declined = statement("UPDATE cs_cases SET status = 'DECLINED', agency_reason = $2, agency_status = 'DECLINED' "
                      "WHERE case_id = $1", "case_id", "reason")

_reported = statement("UPDATE cs_cases SET agency_status = $2 WHERE case_id = $1", "case_id", "status")

# Resolving a case the agency holds closes it there too (a declined referral stays declined).
_resolved = statement(
    """UPDATE cs_cases SET status = 'RESOLVED', outcome = $2, resolved_at = $3::text::timestamptz,
              resolved_in_time = $4,
              agency_status = CASE WHEN agency_status IS NULL OR agency_status = 'DECLINED' THEN agency_status
                                   ELSE 'CLOSED' END
       WHERE case_id = $1""", "case_id", "outcome", "resolved_at", "in_time")

_rated = statement("UPDATE cs_cases SET status = 'RATED', rating = $2 WHERE case_id = $1", "case_id", "rating")

_reopened = statement(
    """UPDATE cs_cases SET status = 'TRIAGED', outcome = NULL, resolved_at = NULL, resolved_in_time = NULL,
              rating = NULL, resolution_overdue = false, resolve_due = $2::text::timestamptz,
              reopened = reopened + 1 WHERE case_id = $1""", "case_id", "resolve_due")


class CasesProjection(Reading, name="gateway.cases", reads=(CASE,), streams=("case-",),
                      tables=("cs_cases",)):
    handlers = {
        CaseEvents.OPENED: _opened,
        CaseEvents.TRIAGED: _triaged,
        CaseEvents.REFERRED: _referred,
        CaseEvents.AGENCY_ACCEPTED: _status(CaseStatus.ACCEPTED, AgencyStatus.ACCEPTED),
        CaseEvents.AGENCY_DECLINED: _declined,
        CaseEvents.AGENCY_REPORTED: _reported,
        CaseEvents.MEDIATION_STARTED: _status(CaseStatus.IN_MEDIATION, AgencyStatus.IN_MEDIATION),
        CaseEvents.AID_GRANTED: _status(CaseStatus.AID_GRANTED, AgencyStatus.AID_GRANTED),
        CaseEvents.RESOLVED: _resolved,
        CaseEvents.RATED: _rated,
        CaseEvents.REOPENED: _reopened,
        CaseEvents.FIRST_RESPONSE_OVERDUE: _flag("first_response_overdue"),
        CaseEvents.RESOLUTION_OVERDUE: _flag("resolution_overdue"),
    }
