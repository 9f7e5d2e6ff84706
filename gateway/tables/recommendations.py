"""Reads of 推优's dashboard counters (gateway/projections/recommendations.py)."""
from __future__ import annotations

import asyncpg


async def figures(conn: asyncpg.Connection, district: str | None, year: int) -> list[asyncpg.Record]:
    """Recommended and adopted by kind, in a district (None: the city) and a year of recommendation."""
    return await conn.fetch(
        """SELECT kind, sum(recommended)::int AS recommended, sum(adopted)::int AS adopted FROM rc_year_counts
            WHERE ($1::text IS NULL OR district = $1) AND year = $2 GROUP BY kind ORDER BY kind""", district, year)
