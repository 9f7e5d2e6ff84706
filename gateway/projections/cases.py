"""Cases read model (cs_cases) from the stations service's case topic: status, category, urgency, district,
deadlines, referral and outcome. Public fields only: a case's summary is never on the topic (sealed in
the stations service), so it cannot reach this table. Reads: gateway/tables/cases.py."""
from __future__ import annotations

import asyncpg

from chassis.envelope import Envelope
from chassis.projection import Dispatch
from chassis.settings import Settings
from contracts.stations import CASE, CaseEvents, CaseStatus


async def _opened(conn: asyncpg.Connection, e: Envelope) -> None:
    d = e.data
    await conn.execute(
        """INSERT INTO cs_cases (case_id, source, category, urgency, district, station_id, youth_id, appeal_id,
                                 status, opened_at, first_response_due, resolve_due)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::text::timestamptz, $11::text::timestamptz,
                   $12::text::timestamptz) ON CONFLICT (case_id) DO NOTHING""",
        d["case_id"], d["source"], d["category"], d["urgency"], d["district"], d["station_id"], d["youth_id"],
        d["appeal_id"], CaseStatus.OPEN, d["opened_at"], d["first_response_due"], d["resolve_due"])


async def _triaged(conn: asyncpg.Connection, e: Envelope) -> None:
    d = e.data
    await conn.execute(
        """UPDATE cs_cases SET status = $2, category = $3, urgency = $4, assignee = $5,
                  triaged_at = $6::text::timestamptz, first_response_in_time = $7, resolve_due = $8::text::timestamptz
           WHERE case_id = $1""",
        d["case_id"], CaseStatus.TRIAGED, d["category"], d["urgency"], d["assignee"], d["triaged_at"],
        d["in_time"], d["resolve_due"])


async def _referred(conn: asyncpg.Connection, e: Envelope) -> None:
    await conn.execute("UPDATE cs_cases SET status = $2, agency = $3, agency_reason = NULL WHERE case_id = $1",
                       e.data["case_id"], CaseStatus.REFERRED, e.data["agency"])


async def _declined(conn: asyncpg.Connection, e: Envelope) -> None:
    await conn.execute("UPDATE cs_cases SET status = $2, agency_reason = $3 WHERE case_id = $1",
                       e.data["case_id"], CaseStatus.DECLINED, e.data["reason"])


def _status(status: CaseStatus):
    async def handle(conn: asyncpg.Connection, e: Envelope) -> None:
        await conn.execute("UPDATE cs_cases SET status = $2 WHERE case_id = $1", e.data["case_id"], status)
    return handle


async def _resolved(conn: asyncpg.Connection, e: Envelope) -> None:
    d = e.data
    await conn.execute(
        """UPDATE cs_cases SET status = $2, outcome = $3, resolved_at = $4::text::timestamptz, resolved_in_time = $5
           WHERE case_id = $1""", d["case_id"], CaseStatus.RESOLVED, d["outcome"], d["resolved_at"], d["in_time"])


async def _rated(conn: asyncpg.Connection, e: Envelope) -> None:
    await conn.execute("UPDATE cs_cases SET status = $2, rating = $3 WHERE case_id = $1",
                       e.data["case_id"], CaseStatus.RATED, e.data["rating"])


async def _reopened(conn: asyncpg.Connection, e: Envelope) -> None:
    await conn.execute(
        """UPDATE cs_cases SET status = $2, outcome = NULL, resolved_at = NULL, resolved_in_time = NULL,
                  rating = NULL, resolution_overdue = false, resolve_due = $3::text::timestamptz,
                  reopened = reopened + 1 WHERE case_id = $1""",
        e.data["case_id"], CaseStatus.TRIAGED, e.data["resolve_due"])


async def _first_response_overdue(conn: asyncpg.Connection, e: Envelope) -> None:
    await conn.execute("UPDATE cs_cases SET first_response_overdue = true WHERE case_id = $1", e.data["case_id"])


async def _resolution_overdue(conn: asyncpg.Connection, e: Envelope) -> None:
    await conn.execute("UPDATE cs_cases SET resolution_overdue = true WHERE case_id = $1", e.data["case_id"])


class CasesProjection(Dispatch):
    name = "gateway.cases"
    tables = ("cs_cases",)
    stream_prefixes = ("case-",)
    handlers = {
        CaseEvents.OPENED: _opened,
        CaseEvents.TRIAGED: _triaged,
        CaseEvents.REFERRED: _referred,
        CaseEvents.AGENCY_ACCEPTED: _status(CaseStatus.ACCEPTED),
        CaseEvents.AGENCY_DECLINED: _declined,
        CaseEvents.MEDIATION_STARTED: _status(CaseStatus.IN_MEDIATION),
        CaseEvents.AID_GRANTED: _status(CaseStatus.AID_GRANTED),
        CaseEvents.RESOLVED: _resolved,
        CaseEvents.RATED: _rated,
        CaseEvents.REOPENED: _reopened,
        CaseEvents.FIRST_RESPONSE_OVERDUE: _first_response_overdue,
        CaseEvents.RESOLUTION_OVERDUE: _resolution_overdue,
    }

    def __init__(self, settings: Settings):
        self.topics = (settings.topic(CASE.name),)
