"""The roster: the current state of each membership stream, written in the command's transaction
(write side, not a projection), read by dissolution, meeting attendance and the scheduled jobs."""
from __future__ import annotations

import asyncpg

from .domain.membership import MembershipState, Status


async def save(conn: asyncpg.Connection, youth_id: str, state: MembershipState) -> None:
    t = state.transfer
    await conn.execute(
        """INSERT INTO roster (youth_id, status, branch_id, transfer_to, transfer_expires_on)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (youth_id) DO UPDATE SET status = EXCLUDED.status, branch_id = EXCLUDED.branch_id,
               transfer_to = EXCLUDED.transfer_to, transfer_expires_on = EXCLUDED.transfer_expires_on""",
        youth_id, str(state.status), state.branch_id if state.status != Status.NONE else None,
        t.to_branch_id if t else None, t.expires_on if t else None)


async def open_count(conn: asyncpg.Connection, branch_id: str) -> int:
    """Members, pending applications and pending transfers in: what blocks dissolving a branch."""
    return await conn.fetchval(
        "SELECT count(*) FROM roster WHERE (branch_id = $1 AND status IN ('APPLIED', 'MEMBER')) "
        "OR transfer_to = $1", branch_id)


async def members(conn: asyncpg.Connection, branch_id: str) -> frozenset[str]:
    rows = await conn.fetch("SELECT youth_id FROM roster WHERE branch_id = $1 AND status = 'MEMBER'", branch_id)
    return frozenset(r["youth_id"] for r in rows)


async def is_member(conn: asyncpg.Connection, youth_id: str, branch_id: str) -> bool:
    return bool(await conn.fetchval("SELECT 1 FROM roster WHERE youth_id = $1 AND branch_id = $2 "
                                    "AND status = 'MEMBER'", youth_id, branch_id))
