"""Reads of volunteering's dashboard counters (gateway/projections/volunteering.py)."""
from __future__ import annotations

from datetime import date

import asyncpg


async def figures(conn: asyncpg.Connection, district: str | None, date_from: date | None,
                  date_to: date | None) -> asyncpg.Record:
    """Shifts, minutes served and people-shifts served, in a district (None: the city) and a range of shift days."""
    return await conn.fetchrow(
        """SELECT coalesce(sum(shifts), 0)::int AS shifts, coalesce(sum(minutes), 0)::bigint AS minutes,
                  coalesce(sum(served), 0)::int AS served FROM vo_day_counts
            WHERE ($1::text IS NULL OR district = $1) AND ($2::date IS NULL OR day >= $2)
              AND ($3::date IS NULL OR day <= $3)""", district, date_from, date_to)
