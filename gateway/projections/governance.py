"""Hot topics (集中诉求) and governance items (主动治理) from xq.stations.governance: the lists (gv_hot_topics,
gv_items, gv_actions) and the dashboard's counters per district (gv_counts: open hot topics, open items,
overdue items), moved in the same transaction as the rows they count. Reads: gateway/tables/governance.py.

A hot topic is open until the governance item made of it is done. An item is overdue from the job's
marking until it is done (an item done late leaves the overdue count; its lateness stays on the item).
"""
from __future__ import annotations

import asyncpg

from chassis.envelope import Envelope
from contracts.stations import GOVERNANCE, GovernanceEvents, HotTopicEvents

from .counters import counter_upsert
from .reading import Reading

_COUNT = counter_upsert("gv_counts", ("district",), ("open_hot_topics", "items_open", "items_overdue"))


async def _count(conn: asyncpg.Connection, district: str, *, hot: int = 0, open_: int = 0, overdue: int = 0) -> None:
    await conn.execute(_COUNT, district, hot, open_, overdue)


async def _detected(conn: asyncpg.Connection, e: Envelope) -> None:
    d = e.data
    inserted = await conn.fetchval(
        """INSERT INTO gv_hot_topics (hot_topic_id, category, district, week, count, baseline, detected_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7::text::timestamptz) ON CONFLICT DO NOTHING RETURNING true""",
        d["hot_topic_id"], d["category"], d["district"], d["week"], d["count"], float(d["baseline"]),
        d["detected_at"])
    if inserted:
        await _count(conn, d["district"], hot=1)


async def _opened(conn: asyncpg.Connection, e: Envelope) -> None:
    d = e.data
    inserted = await conn.fetchval(
        """INSERT INTO gv_items (item_id, hot_topic_id, category, district, week, title, assignee_kind, assignee,
                                 due_on, opened_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text::date, $10::text::timestamptz)
           ON CONFLICT DO NOTHING RETURNING true""",
        d["item_id"], d["hot_topic_id"], d["category"], d["district"], d["week"], d["title"], d["assignee_kind"],
        d["assignee"], d["due_on"], d["opened_at"])
    if inserted:
        await conn.execute("UPDATE gv_hot_topics SET item_id = $2 WHERE hot_topic_id = $1", d["hot_topic_id"],
                           d["item_id"])
        await _count(conn, d["district"], open_=1)


async def _action(conn: asyncpg.Connection, e: Envelope) -> None:
    d = e.data
    await conn.execute("INSERT INTO gv_actions (item_id, number, text, at) VALUES ($1, $2, $3, $4::text::timestamptz) "
                       "ON CONFLICT DO NOTHING", d["item_id"], d["number"], d["text"], d["at"])
    await conn.execute("UPDATE gv_items SET actions = greatest(actions, $2) WHERE item_id = $1", d["item_id"],
                       d["number"])


async def _done(conn: asyncpg.Connection, e: Envelope) -> None:
    d = e.data
    item = await conn.fetchrow(
        """UPDATE gv_items SET status = 'DONE', done_at = $2::text::timestamptz, done_in_time = $3
            WHERE item_id = $1 AND status = 'OPEN' RETURNING district, hot_topic_id, overdue""",
        d["item_id"], d["done_at"], d["in_time"])
    if item is not None:
        await conn.execute("UPDATE gv_hot_topics SET status = 'DONE' WHERE hot_topic_id = $1", item["hot_topic_id"])
        await _count(conn, item["district"], hot=-1, open_=-1, overdue=-int(item["overdue"]))


async def _overdue(conn: asyncpg.Connection, e: Envelope) -> None:
    district = await conn.fetchval("UPDATE gv_items SET overdue = true WHERE item_id = $1 AND status = 'OPEN' "
                                   "AND NOT overdue RETURNING district", e.data["item_id"])
    if district is not None:
        await _count(conn, district, overdue=1)


class GovernanceProjection(Reading, name="gateway.governance", reads=(GOVERNANCE,),
                           streams=("hottopic-", "governance-"), tables=("gv_hot_topics", "gv_items", "gv_actions", "gv_counts")):
    handlers = {
        HotTopicEvents.DETECTED: _detected,
        GovernanceEvents.OPENED: _opened,
        GovernanceEvents.ACTION_ADDED: _action,
        GovernanceEvents.DONE: _done,
        GovernanceEvents.OVERDUE: _overdue,
    }
