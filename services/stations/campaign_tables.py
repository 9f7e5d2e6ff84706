"""The stations' query tables of media campaigns (migration 0011), written in the command's transaction
(campaign_commands.py): the campaigns as launched, and their entries with each entry's title and link sealed
with the entry's own key. What the staff list, the entrant's `me`, the public showcase and the closing job read;
what the entrant's erasure unlinks (`forget_entrant`)."""
from __future__ import annotations

from datetime import date, datetime

import asyncpg

from .domain.campaign import LaunchCampaign
from .domain.campaign_entry import stream_id as entry_stream

# an entry as its admin and its entrant read it, with its campaign's title (campaign_entries e JOIN campaigns c)
ENTRIES = ("SELECT e.entry_id, e.campaign_id, e.status, e.sealed, e.note, e.submitted_at, c.title AS campaign_title "
           "FROM campaign_entries e JOIN campaigns c USING (campaign_id)")


async def keep_campaign(conn: asyncpg.Connection, c: LaunchCampaign) -> None:
    """A campaign as launched (the command the decider accepted)."""
    await conn.execute(
        """INSERT INTO campaigns (campaign_id, district, title, theme, opens_on, closes_on, audiences, launched_on)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING""",
        c.campaign_id, c.district, c.title.strip(), c.theme.strip(), c.opens_on, c.closes_on, list(c.audiences),
        c.today)


async def close_campaign(conn: asyncpg.Connection, campaign_id: str) -> None:
    await conn.execute("UPDATE campaigns SET closed = true WHERE campaign_id = $1", campaign_id)


async def window_ended(conn: asyncpg.Connection, today: date, limit: int = 500) -> list[str]:
    """Campaigns still open whose window ended before `today` (the closing job's work)."""
    rows = await conn.fetch("SELECT campaign_id FROM campaigns WHERE NOT closed AND closes_on < $1 "
                            "ORDER BY closes_on LIMIT $2", today, limit)
    return [r["campaign_id"] for r in rows]


async def campaigns(conn: asyncpg.Connection, district: str | None) -> list[asyncpg.Record]:
    """The campaigns a reader of `district` sees (its own and the city's; None: every one), newest first, with
    their entries counted by status (never who entered)."""
    return await conn.fetch(
        """SELECT c.*, coalesce(n.counts, '{}'::jsonb) AS counts FROM campaigns c
           LEFT JOIN LATERAL (SELECT jsonb_object_agg(status, k) AS counts FROM
                              (SELECT status, count(*) AS k FROM campaign_entries e
                                WHERE e.campaign_id = c.campaign_id GROUP BY status) s) n ON true
            WHERE $1::text IS NULL OR c.district = $1 OR c.district IS NULL
            ORDER BY c.opens_on DESC, c.campaign_id""", district)


async def keep_entry(conn: asyncpg.Connection, entry_id: str, campaign_id: str, youth_id: str, sealed: bytes,
                     at: datetime) -> None:
    await conn.execute(
        """INSERT INTO campaign_entries (entry_id, campaign_id, youth_id, status, sealed, submitted_at)
           VALUES ($1, $2, $3, 'SUBMITTED', $4, $5) ON CONFLICT DO NOTHING""",
        entry_id, campaign_id, youth_id, sealed, at)


async def set_entry_status(conn: asyncpg.Connection, entry_id: str, status: str, note: str = "") -> None:
    await conn.execute("UPDATE campaign_entries SET status = $2, note = $3 WHERE entry_id = $1", entry_id, status,
                       note)


async def entries(conn: asyncpg.Connection, campaign_id: str, *, selected_only: bool = False) -> list[asyncpg.Record]:
    """A campaign's entries, oldest first (`selected_only`: the showcase's, still readable)."""
    extra = " AND e.status = 'SELECTED' AND e.sealed IS NOT NULL" if selected_only else ""
    return await conn.fetch(f"{ENTRIES} WHERE e.campaign_id = $1{extra} ORDER BY e.submitted_at, e.entry_id",
                            campaign_id)


async def own_entries(conn: asyncpg.Connection, youth_id: str) -> list[asyncpg.Record]:
    """The person's entries, newest first."""
    return await conn.fetch(f"{ENTRIES} WHERE e.youth_id = $1 ORDER BY e.submitted_at DESC, e.entry_id", youth_id)


async def forget_entrant(conn: asyncpg.Connection, youth_id: str) -> list[str]:
    """Erasure: the person's entries lose their link to them and their sealed title and link; returns the
    entries' key subjects for the caller to shred (so a copy of a blob, e.g. in a backup, opens nothing). The
    entries stay with their status: the campaign's counts do not change."""
    rows = await conn.fetch("UPDATE campaign_entries SET youth_id = NULL, sealed = NULL WHERE youth_id = $1 "
                            "RETURNING entry_id", youth_id)
    return [entry_stream(r["entry_id"]) for r in rows]
