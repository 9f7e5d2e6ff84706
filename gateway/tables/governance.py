"""Reads of the hot topics and governance items (gv_*, written by gateway/projections/governance.py)."""
from __future__ import annotations

import asyncpg


async def list_hot_topics(conn: asyncpg.Connection, *, district: str | None, category: str | None,
                          status: str | None, week: str | None, after: list | None, limit: int) -> list[asyncpg.Record]:
    """Newest first, keyset on (detected_at, hot_topic_id)."""
    after = after or [None, None]
    return await conn.fetch(
        """SELECT * FROM gv_hot_topics
            WHERE ($1::text IS NULL OR district = $1) AND ($2::text IS NULL OR category = $2)
              AND ($3::text IS NULL OR status = $3) AND ($4::text IS NULL OR week = $4)
              AND ($5::text IS NULL OR (detected_at, hot_topic_id) < ($5::text::timestamptz, $6))
            ORDER BY detected_at DESC, hot_topic_id DESC LIMIT $7""",
        district, category, status, week, after[0], after[1], limit)


async def list_items(conn: asyncpg.Connection, *, district: str | None, status: str | None, overdue: bool | None,
                     after: list | None, limit: int) -> list[asyncpg.Record]:
    after = after or [None, None]
    return await conn.fetch(
        """SELECT * FROM gv_items
            WHERE ($1::text IS NULL OR district = $1) AND ($2::text IS NULL OR status = $2)
              AND ($3::bool IS NULL OR overdue = $3)
              AND ($4::text IS NULL OR (opened_at, item_id) < ($4::text::timestamptz, $5))
            ORDER BY opened_at DESC, item_id DESC LIMIT $6""",
        district, status, overdue, after[0], after[1], limit)


async def actions_of(conn: asyncpg.Connection, item_ids: list[str]) -> list[asyncpg.Record]:
    return await conn.fetch("SELECT * FROM gv_actions WHERE item_id = ANY($1::text[]) ORDER BY item_id, number",
                            item_ids)


async def topic_appeals(conn: asyncpg.Connection, keys: list[tuple[str, str, str]],
                        limit: int) -> list[asyncpg.Record]:
    """The appeals hot topics (and their governance items) came from — each (category, district, week) key's
    newest `limit` — for a page of topics in one statement."""
    return await conn.fetch(
        """SELECT k.category AS key_category, k.district AS key_district, k.week AS key_week, a.*,
                  ((a.contact_overdue AND NOT coalesce(a.contacted_in_time, false))
                   OR (a.resolution_overdue AND NOT coalesce(a.resolved_in_time, false))) AS overdue
             FROM unnest($1::text[], $2::text[], $3::text[]) AS k(category, district, week)
             CROSS JOIN LATERAL (SELECT * FROM st_appeals s
                                  WHERE s.category = k.category AND s.district = k.district AND s.week = k.week
                                  ORDER BY s.received_at DESC, s.appeal_id DESC LIMIT $4) a""",
        [k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys], limit)


async def counts(conn: asyncpg.Connection, district: str | None) -> asyncpg.Record:
    """Open hot topics, open and overdue governance items: the city (16 rows at most) or one district."""
    return await conn.fetchrow(
        """SELECT coalesce(sum(open_hot_topics), 0)::int AS open_hot_topics,
                  coalesce(sum(items_open), 0)::int AS items_open,
                  coalesce(sum(items_overdue), 0)::int AS items_overdue
             FROM gv_counts WHERE $1::text IS NULL OR district = $1""", district)
