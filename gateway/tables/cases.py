"""Reads of the cases read models: the list (cs_cases, gateway/projections/cases.py) and the dashboard's
counters (cf_*, gateway/projections/case_figures.py)."""
from __future__ import annotations

from datetime import date

import asyncpg


async def list_cases(conn: asyncpg.Connection, *, district: str | None, status: str | None, category: str | None,
                     after: list | None, limit: int, unit: str | None = None, agency: str | None = None,
                     station_id: str | None = None) -> list[asyncpg.Record]:
    """Newest first, keyset on (opened_at, case_id). `unit`: the assignee handling it (承办单位)."""
    after = after or [None, None]
    return await conn.fetch(
        """SELECT * FROM cs_cases
            WHERE ($1::text IS NULL OR district = $1) AND ($2::text IS NULL OR status = $2)
              AND ($3::text IS NULL OR category = $3)
              AND ($4::text IS NULL OR (opened_at, case_id) < ($4::text::timestamptz, $5))
              AND ($7::text IS NULL OR assignee = $7) AND ($8::text IS NULL OR agency = $8)
              AND ($9::text IS NULL OR station_id = $9)
            ORDER BY opened_at DESC, case_id DESC LIMIT $6""",
        district, status, category, after[0], after[1], limit, unit, agency, station_id)


# The counters' bounds: district (None: the city) and the Beijing days of opening (or referral) in range.
_WITHIN = "($1::text IS NULL OR district = $1) AND ($2::date IS NULL OR day >= $2) AND ($3::date IS NULL OR day <= $3)"


async def case_counts(conn: asyncpg.Connection, district: str | None, date_from: date | None, date_to: date | None,
                      group: str) -> list[asyncpg.Record]:
    """Cases opened and first responses, summed by `group` (category or district)."""
    column = {"category": "category", "district": "district"}[group]
    return await conn.fetch(
        f"""SELECT {column} AS key, sum(opened)::int AS opened, sum(responded)::int AS responded,
                   sum(response_seconds)::bigint AS seconds, sum(responded_in_time)::int AS in_time
              FROM cf_case_counts WHERE {_WITHIN} GROUP BY 1 ORDER BY 1""", district, date_from, date_to)


async def referral_counts(conn: asyncpg.Connection, district: str | None, date_from: date | None,
                          date_to: date | None) -> list[asyncpg.Record]:
    return await conn.fetch(
        f"""SELECT agency, sum(referred)::int AS referred, sum(accepted)::int AS accepted,
                   sum(declined)::int AS declined
              FROM cf_referral_counts WHERE {_WITHIN} GROUP BY agency ORDER BY agency""",
        district, date_from, date_to)
