"""Reads of 筑梦空间's dashboard counters (gateway/projections/dream_space.py) and staff lists
(gateway/projections/dream_space_lists.py)."""
from __future__ import annotations

import asyncpg


async def figures(conn: asyncpg.Connection, district: str | None) -> asyncpg.Record:
    """Projects applied, active (supported, not ended), completed and stopped, internships open (offers and
    places), and applications for internships made and accepted (the lists' projection), in a district (None:
    the city)."""
    return await conn.fetchrow(
        """SELECT coalesce(sum(applied), 0)::int AS applied, coalesce(sum(active), 0)::int AS active,
                  coalesce(sum(completed), 0)::int AS completed, coalesce(sum(stopped), 0)::int AS stopped,
                  (SELECT coalesce(sum(open_offers), 0)::int FROM ds_internship_counts
                    WHERE $1::text IS NULL OR district = $1) AS open_offers,
                  (SELECT coalesce(sum(open_places), 0)::int FROM ds_internship_counts
                    WHERE $1::text IS NULL OR district = $1) AS open_places,
                  (SELECT coalesce(sum(applications), 0)::int FROM ds_internships
                    WHERE $1::text IS NULL OR district = $1) AS applications,
                  (SELECT coalesce(sum(accepted), 0)::int FROM ds_internships
                    WHERE $1::text IS NULL OR district = $1) AS accepted
             FROM ds_project_counts WHERE $1::text IS NULL OR district = $1""", district)


async def list_projects(conn: asyncpg.Connection, *, district: str | None, status: str | None, after: list | None,
                        limit: int) -> list[asyncpg.Record]:
    """Incubation projects, newest first (keyset on applied_at, project_id)."""
    after = after or [None, None]
    return await conn.fetch(
        """SELECT * FROM ds_projects WHERE ($1::text IS NULL OR district = $1) AND ($2::text IS NULL OR status = $2)
              AND ($3::text IS NULL OR (applied_at, project_id) < ($3::text::timestamptz, $4))
            ORDER BY applied_at DESC, project_id DESC LIMIT $5""", district, status, after[0], after[1], limit)


async def list_internships(conn: asyncpg.Connection, *, district: str | None, open: bool | None, after: list | None,
                           limit: int) -> list[asyncpg.Record]:
    """Internships offered, newest first (keyset on offered_at, internship_id)."""
    after = after or [None, None]
    return await conn.fetch(
        """SELECT * FROM ds_internships WHERE ($1::text IS NULL OR district = $1) AND ($2::bool IS NULL OR open = $2)
              AND ($3::text IS NULL OR (offered_at, internship_id) < ($3::text::timestamptz, $4))
            ORDER BY offered_at DESC, internship_id DESC LIMIT $5""", district, open, after[0], after[1], limit)
