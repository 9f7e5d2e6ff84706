"""Reads of the cases read model (cs_cases, written by gateway/projections/cases.py)."""
from __future__ import annotations

import asyncpg


async def list_cases(conn: asyncpg.Connection, *, district: str | None, status: str | None, category: str | None,
                     after: list | None, limit: int) -> list[asyncpg.Record]:
    """Newest first, keyset on (opened_at, case_id)."""
    after = after or [None, None]
    return await conn.fetch(
        """SELECT * FROM cs_cases
            WHERE ($1::text IS NULL OR district = $1) AND ($2::text IS NULL OR status = $2)
              AND ($3::text IS NULL OR category = $3)
              AND ($4::text IS NULL OR (opened_at, case_id) < ($4::text::timestamptz, $5))
            ORDER BY opened_at DESC, case_id DESC LIMIT $6""",
        district, status, category, after[0], after[1], limit)
