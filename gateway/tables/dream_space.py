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



async def _newest_first(conn: asyncpg.Connection, table: str, key: tuple[str, str], filter_: tuple[str, str],
                        district: str | None, value: object, after: list | None, limit: int) -> list[asyncpg.Record]:
    """A page of `table` in a district (None: all), newest first by `key` (its time column and id: the keyset),
    with `filter_` (a column and its SQL type) equal to `value` unless None. Names are constants of this module."""
    (at, ident), (column, cast) = key, filter_
    after = after or [None, None]
    return await conn.fetch(
        f"""SELECT * FROM {table} WHERE ($1::text IS NULL OR district = $1) AND ($2::{cast} IS NULL OR {column} = $2)
              AND ($3::text IS NULL OR ({at}, {ident}) < ($3::text::timestamptz, $4))
            ORDER BY {at} DESC, {ident} DESC LIMIT $5""", district, value, after[0], after[1], limit)


async def list_projects(conn: asyncpg.Connection, *, district: str | None, status: str | None, after: list | None,
                        limit: int) -> list[asyncpg.Record]:
    """Incubation projects, newest first, of a status (None: any)."""
    return await _newest_first(conn, "ds_projects", ("applied_at", "project_id"), ("status", "text"),
                               district, status, after, limit)


async def list_internships(conn: asyncpg.Connection, *, district: str | None, open: bool | None, after: list | None,
                           limit: int) -> list[asyncpg.Record]:
    """Internships offered, newest first, open or closed (None: both)."""
    return await _newest_first(conn, "ds_internships", ("offered_at", "internship_id"), ("open", "bool"),
                               district, open, after, limit)
