"""Reads of media campaigns' dashboard counters (gateway/projections/campaigns.py)."""
from __future__ import annotations

import asyncpg


async def figures(conn: asyncpg.Connection, district: str | None, year: int) -> asyncpg.Record:
    """Campaigns open, and entries and selected entries of `year`: a district's own campaigns (None: the city's
    office reads every campaign, city-wide and of each district)."""
    return await conn.fetchrow(
        """SELECT (SELECT coalesce(sum(open), 0)::int FROM mc_campaign_counts
                    WHERE $1::text IS NULL OR scope = $1) AS open,
                  coalesce(sum(entries), 0)::int AS entries, coalesce(sum(selected), 0)::int AS selected
             FROM mc_entry_counts WHERE ($1::text IS NULL OR scope = $1) AND year = $2""", district, year)
