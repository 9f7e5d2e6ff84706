"""Reads of 榜样选树's dashboard counters (gateway/projections/role_models.py)."""
from __future__ import annotations

import asyncpg


async def figures(conn: asyncpg.Connection, district: str | None, year: int) -> tuple[asyncpg.Record, list]:
    """Nominated, selected and withdrawn for `year`'s list, and the year's talks and audiences by venue kind, in a
    district (None: the city)."""
    years = await conn.fetchrow(
        """SELECT coalesce(sum(nominated), 0)::int AS nominated, coalesce(sum(selected), 0)::int AS selected,
                  coalesce(sum(withdrawn), 0)::int AS withdrawn
             FROM rm_year_counts WHERE ($1::text IS NULL OR district = $1) AND year = $2""", district, year)
    talks = await conn.fetch(
        """SELECT venue_kind, sum(talks)::int AS talks, sum(audience)::int AS audience FROM rm_talk_counts
            WHERE ($1::text IS NULL OR district = $1) AND year = $2 GROUP BY venue_kind""", district, year)
    return years, talks
