"""Reads of the joint meeting's work (filled by gateway/projections/joint_meetings.py and branches.py):
the measures with their stale flag, the action items (a caller's own first), the meetings, and what the
next meeting's agenda is drafted from.

"Stale": no progress report for more than `stale_days` (XQ_MEASURE_STALE_DAYS) — counted from the last
report, or from the day the measure was defined when none has come yet; `today` is the gateway's clock.
"""
from __future__ import annotations

from datetime import date, timedelta

import asyncpg

_MEASURES = """
    SELECT m.*, coalesce(m.reported_on, m.defined_on) < $1::date AS stale,
           (SELECT count(*) FROM br_milestones s WHERE s.measure_id = m.measure_id)::int AS milestones,
           (SELECT count(*) FROM br_milestones s WHERE s.measure_id = m.measure_id
                AND s.completed_on IS NOT NULL)::int AS milestones_done,
           (SELECT count(*) FROM br_contributions c WHERE c.measure_id = m.measure_id)::int AS contributions
      FROM br_measures m
"""


def stale_before(today: date, stale_days: int) -> date:
    """A measure whose last report (or definition) is before this day is stale."""
    return today - timedelta(days=stale_days)


async def measure_board(conn: asyncpg.Connection, today: date, stale_days: int, *, area: str | None = None,
                        lead: str | None = None, stale_only: bool = False, first_for: str | None = None) -> list:
    """The 22 measures, filtered; `first_for`'s measures (its lead) first, then the others by id."""
    return await conn.fetch(
        f"""SELECT * FROM ({_MEASURES}) q
             WHERE ($2::text IS NULL OR area = $2) AND ($3::text IS NULL OR lead = $3) AND (NOT $4 OR stale)
             ORDER BY (lead = $5) IS NOT TRUE, measure_id""",
        stale_before(today, stale_days), area, lead, stale_only, first_for)


async def contributions(conn: asyncpg.Connection, measure_ids: list[str]) -> list:
    return await conn.fetch("SELECT * FROM br_contributions WHERE measure_id = ANY($1::text[]) "
                            "ORDER BY contributed_on DESC, event_id", measure_ids)


_RANK = """CASE WHEN (assignee_kind = 'DEPARTMENT' AND assignee = $3) OR (assignee_kind = 'DISTRICT'
                     AND assignee = $4) THEN '0' ELSE '1' END"""


async def item_page(conn: asyncpg.Connection, *, district: str | None, department: str | None, open_only: bool,
                    mine: tuple[str | None, str | None], after: list | None, limit: int) -> list:
    """Action items in the district scope (None: all), filtered by assignee department; the caller's own
    (`mine`: its department, its district) first, then by due date. Keyset: (rank, due date, id)."""
    key = after or [None, None, None]
    return await conn.fetch(
        f"""SELECT * FROM (SELECT i.*, {_RANK} AS rank FROM jm_items i
                            WHERE ($1::text IS NULL OR district = $1)
                              AND ($2::text IS NULL OR (assignee_kind = 'DEPARTMENT' AND assignee = $2))
                              AND (NOT $5 OR status = 'OPEN')) q
             WHERE $6::text IS NULL OR (rank, due_on, item_id) > ($6, $7::date, $8)
             ORDER BY rank, due_on, item_id LIMIT $9""",
        district, department, mine[0], mine[1], open_only, key[0], date.fromisoformat(key[1]) if key[1] else None,
        key[2], limit)


async def open_items(conn: asyncpg.Connection, district: str | None, limit: int) -> list:
    """Open items in the district scope, overdue first, then by due date (the dashboard's table)."""
    return await conn.fetch(
        """SELECT * FROM jm_items WHERE status = 'OPEN' AND ($1::text IS NULL OR district = $1)
            ORDER BY overdue DESC, due_on, item_id LIMIT $2""", district, limit)


async def open_item_counts(conn: asyncpg.Connection, district: str | None) -> list:
    """(assignee kind, assignee, open, overdue) in the district scope."""
    return await conn.fetch(
        """SELECT assignee_kind, assignee, count(*)::int AS open, count(*) FILTER (WHERE overdue)::int AS overdue
             FROM jm_items WHERE status = 'OPEN' AND ($1::text IS NULL OR district = $1)
            GROUP BY assignee_kind, assignee ORDER BY overdue DESC, open DESC, assignee""", district)


async def overdue_items(conn: asyncpg.Connection, district: str | None, limit: int) -> list:
    return await conn.fetch(
        """SELECT * FROM jm_items WHERE status = 'OPEN' AND overdue AND ($1::text IS NULL OR district = $1)
            ORDER BY due_on, item_id LIMIT $2""", district, limit)


async def meeting_page(conn: asyncpg.Connection, *, level: str | None, district: str | None, after: list | None,
                       limit: int) -> list:
    """Meetings, newest first; a district scope sees its district's meetings and the city's."""
    key = after or [None, None]
    return await conn.fetch(
        """SELECT * FROM jm_meetings
            WHERE ($1::text IS NULL OR level = $1) AND ($2::text IS NULL OR district = $2 OR district IS NULL)
              AND ($3::date IS NULL OR (held_on, meeting_id) < ($3, $4))
            ORDER BY held_on DESC, meeting_id DESC LIMIT $5""",
        level, district, date.fromisoformat(key[0]) if key[0] else None, key[1], limit)


async def items_of_meetings(conn: asyncpg.Connection, meeting_ids: list[str]) -> list:
    return await conn.fetch("SELECT * FROM jm_items WHERE meeting_id = ANY($1::text[]) ORDER BY due_on, item_id",
                            meeting_ids)
