"""SQL of the stations' 榜样 tables (migration 0010): a nomination's row with its sealed profile, and the talks.
Written in the command's transaction (role_model_commands.py); erasure unlinks the nominee and empties the profile
here, while the key itself is shredded by the caller (projections.py)."""
from __future__ import annotations

from datetime import datetime

import asyncpg

from .domain.role_model import RoleModelState, TalkRecorded, stream_id

COLUMNS = "nomination_id, youth_id, district, status, consent, year, nominated_at, sealed"


async def keep_nomination(conn: asyncpg.Connection, state: RoleModelState, at: datetime, sealed: bytes) -> None:
    await conn.execute(
        f"INSERT INTO role_models ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
        state.nomination_id, state.youth_id, state.district, state.status.value, state.consent.value, state.year,
        at, sealed)


async def keep_status(conn: asyncpg.Connection, state: RoleModelState) -> None:
    """Status, consent and year follow the stream; the person's link and profile are never written again."""
    await conn.execute("UPDATE role_models SET status = $2, consent = $3, year = $4 WHERE nomination_id = $1",
                       state.nomination_id, state.status.value, state.consent.value, state.year)


async def keep_talk(conn: asyncpg.Connection, talk: TalkRecorded) -> None:
    await conn.execute(
        """INSERT INTO role_model_talks (nomination_id, talk_id, district, venue_kind, place, given_on, audience)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING""",
        talk.nomination_id, talk.talk_id, talk.district, talk.venue_kind, talk.place, talk.given_on, talk.audience)


async def shredded(conn: asyncpg.Connection, nomination_id: str) -> bool:
    """Whether the nominee was erased (their profile gone)."""
    return bool(await conn.fetchval("SELECT sealed IS NULL FROM role_models WHERE nomination_id = $1", nomination_id))


async def nominations(conn: asyncpg.Connection, district: str | None, limit: int) -> list[asyncpg.Record]:
    """A district's nominations (None: the city's), newest first."""
    return await conn.fetch(f"SELECT {COLUMNS} FROM role_models WHERE $1::text IS NULL OR district = $1 "
                            "ORDER BY nominated_at DESC, nomination_id LIMIT $2", district, limit)


async def own_nominations(conn: asyncpg.Connection, youth_id: str) -> list[asyncpg.Record]:
    return await conn.fetch(f"SELECT {COLUMNS} FROM role_models WHERE youth_id = $1 "
                            "ORDER BY nominated_at DESC, nomination_id", youth_id)


async def published(conn: asyncpg.Connection, year: int) -> list[asyncpg.Record]:
    """The year's list as anyone may see it: selected, with the nominee's consent standing, profile not shredded."""
    return await conn.fetch(
        f"SELECT {COLUMNS} FROM role_models WHERE year = $1 AND status = 'SELECTED' AND consent = 'GIVEN' "
        "AND sealed IS NOT NULL ORDER BY nominated_at, nomination_id", year)


async def talks(conn: asyncpg.Connection, district: str | None, limit: int) -> list[asyncpg.Record]:
    return await conn.fetch(
        "SELECT nomination_id, talk_id, district, venue_kind, place, given_on, audience FROM role_model_talks "
        "WHERE $1::text IS NULL OR district = $1 ORDER BY given_on DESC, talk_id LIMIT $2", district, limit)


async def forget(conn: asyncpg.Connection, youth_id: str) -> list[str]:
    """Erasure: the nominee's nominations lose their link and profile; their key subjects, for the caller to shred."""
    rows = await conn.fetch("UPDATE role_models SET youth_id = NULL, sealed = NULL WHERE youth_id = $1 "
                            "RETURNING nomination_id", youth_id)
    return [stream_id(r["nomination_id"]) for r in rows]
