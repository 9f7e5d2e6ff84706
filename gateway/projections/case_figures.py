"""The cases' dashboard figures as counters, moved in this projection's transaction as each case event arrives
(issue 21: a dashboard read sums a few counter rows, never the cases):

- per Beijing day of opening × district × category: cases opened, given a first response (triaged), the
  seconds from opening to that response, and how many were in time. A triage that changes the category moves
  the case's count to the new category, so the figures follow each case's current category;
- per Beijing day of referral × agency × district: referrals, and the agency's answers (accepted, declined).

Its own consumer group beside gateway.cases (the list), with its own memory of each case (cf_cases): what
a later event needs (the day it was opened, its district and category, its current referral). Redelivered
events are claimed once by the projection runner, so a counter never moves twice for one event.
"""
from __future__ import annotations

from datetime import datetime

import asyncpg

from chassis.clock import beijing_date
from chassis.envelope import Envelope
from contracts.stations import CASE, CaseEvents

from .reading import Reading


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


async def _bump(conn: asyncpg.Connection, day, district: str, category: str, *, opened: int = 0,
                responded: int = 0, seconds: int = 0, in_time: int = 0) -> None:
    await conn.execute(
        """INSERT INTO cf_case_counts (day, district, category, opened, responded, response_seconds, responded_in_time)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (day, district, category) DO UPDATE SET
             opened = cf_case_counts.opened + $4, responded = cf_case_counts.responded + $5,
             response_seconds = cf_case_counts.response_seconds + $6,
             responded_in_time = cf_case_counts.responded_in_time + $7""",
        day, district, category, opened, responded, seconds, in_time)


async def _opened(conn: asyncpg.Connection, e: Envelope) -> None:
    d = e.data
    opened_at = _at(d["opened_at"])
    inserted = await conn.fetchval(
        "INSERT INTO cf_cases (case_id, district, category, opened_on, opened_at) VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT (case_id) DO NOTHING RETURNING true",
        d["case_id"], d["district"], d["category"], beijing_date(opened_at), opened_at)
    if inserted:
        await _bump(conn, beijing_date(opened_at), d["district"], d["category"], opened=1)


async def _triaged(conn: asyncpg.Connection, e: Envelope) -> None:
    d = e.data
    case = await conn.fetchrow("SELECT district, category, opened_on, opened_at FROM cf_cases WHERE case_id = $1 "
                               "FOR UPDATE", d["case_id"])
    if case is None:
        return
    if d["category"] != case["category"]:  # the count follows the case to its confirmed category
        await _bump(conn, case["opened_on"], case["district"], case["category"], opened=-1)
        await _bump(conn, case["opened_on"], case["district"], d["category"], opened=1)
        await conn.execute("UPDATE cf_cases SET category = $2 WHERE case_id = $1", d["case_id"], d["category"])
    seconds = max(0, int((_at(d["triaged_at"]) - case["opened_at"]).total_seconds()))
    await _bump(conn, case["opened_on"], case["district"], d["category"], responded=1, seconds=seconds,
                in_time=int(bool(d["in_time"])))


async def _referred(conn: asyncpg.Connection, e: Envelope) -> None:
    d = e.data
    day = beijing_date(_at(d["referred_at"]))
    district = await conn.fetchval("UPDATE cf_cases SET referred_on = $2, agency = $3 WHERE case_id = $1 "
                                   "RETURNING district", d["case_id"], day, d["agency"])
    if district is not None:
        await _referral(conn, day, d["agency"], district, referred=1)


def _answer(column: str):
    async def handle(conn: asyncpg.Connection, e: Envelope) -> None:
        case = await conn.fetchrow("SELECT district, referred_on, agency FROM cf_cases WHERE case_id = $1",
                                   e.data["case_id"])
        if case is not None and case["referred_on"] is not None:
            await _referral(conn, case["referred_on"], case["agency"], case["district"], **{column: 1})
    return handle


async def _referral(conn: asyncpg.Connection, day, agency: str, district: str, *, referred: int = 0,
                    accepted: int = 0, declined: int = 0) -> None:
    await conn.execute(
        """INSERT INTO cf_referral_counts (day, agency, district, referred, accepted, declined)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (day, agency, district) DO UPDATE SET referred = cf_referral_counts.referred + $4,
             accepted = cf_referral_counts.accepted + $5, declined = cf_referral_counts.declined + $6""",
        day, agency, district, referred, accepted, declined)


class CaseFiguresProjection(Reading, name="gateway.case_figures", reads=(CASE,), streams=("case-",),
                            tables=("cf_cases", "cf_case_counts", "cf_referral_counts")):
    handlers = {
        CaseEvents.OPENED: _opened,
        CaseEvents.TRIAGED: _triaged,
        CaseEvents.REFERRED: _referred,
        CaseEvents.AGENCY_ACCEPTED: _answer("accepted"),
        CaseEvents.AGENCY_DECLINED: _answer("declined"),
    }
