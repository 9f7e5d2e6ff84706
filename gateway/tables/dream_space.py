"""Reads of 筑梦空间's dashboard counters (gateway/projections/dream_space.py)."""
from __future__ import annotations

import asyncpg


async def figures(conn: asyncpg.Connection, district: str | None) -> asyncpg.Record:
    """Projects applied, active (supported, not ended), completed and stopped, and internships open (offers and
    places), in a district (None: the city)."""
    return await conn.fetchrow(
        """SELECT coalesce(sum(applied), 0)::int AS applied, coalesce(sum(active), 0)::int AS active,
                  coalesce(sum(completed), 0)::int AS completed, coalesce(sum(stopped), 0)::int AS stopped,
                  (SELECT coalesce(sum(open_offers), 0)::int FROM ds_internship_counts
                    WHERE $1::text IS NULL OR district = $1) AS open_offers,
                  (SELECT coalesce(sum(open_places), 0)::int FROM ds_internship_counts
                    WHERE $1::text IS NULL OR district = $1) AS open_places
             FROM ds_project_counts WHERE $1::text IS NULL OR district = $1""", district)
