"""The branches service's own tables, and all the SQL on them.

- `roster`: the current state of each membership stream, written in the command's transaction (write
  side, not a projection); read by dissolution, meeting attendance, secretaries and the scheduled jobs.
- `invitation_codes`: which branch a code belongs to and until when, written when the code is issued
  and closed when it expires; read when someone joins with a code.
- `action_items`: the joint meetings' action items (assignee, due date, open or done), written in each
  item command's transaction; read by the overdue job.
- `recommendations`: 推优, one row per recommendation, written in each recommendation command's
  transaction; read by the district's list and the member's own view.
- `youth_facts`: the service's view of registry events (projections.py writes it); membership
  commands read it instead of calling the registry.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import asyncpg

from .domain.action_item import ItemState
from .domain.membership import MembershipState, RegistryEnd, Status
from .domain.recommendation import RecommendationState

# ---- roster ------------------------------------------------------------------------------------


async def save_membership(conn: asyncpg.Connection, youth_id: str, state: MembershipState) -> None:
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


async def transfers_expired_before(conn: asyncpg.Connection, today: date, limit: int) -> list[asyncpg.Record]:
    """(youth_id, transfer_to) of pending transfers whose last day is before `today`."""
    return await conn.fetch("SELECT youth_id, transfer_to FROM roster WHERE transfer_expires_on < $1 "
                            "ORDER BY youth_id LIMIT $2", today, limit)


# ---- invitation_codes --------------------------------------------------------------------------


async def code_taken(conn: asyncpg.Connection, code: str) -> bool:
    return bool(await conn.fetchval("SELECT 1 FROM invitation_codes WHERE code = $1", code))


async def record_code(conn: asyncpg.Connection, code: str, branch_id: str, expires_at: datetime) -> None:
    await conn.execute("INSERT INTO invitation_codes (code, branch_id, expires_at) VALUES ($1, $2, $3)",
                       code, branch_id, expires_at)


async def branch_of_code(conn: asyncpg.Connection, code: str) -> str | None:
    return await conn.fetchval("SELECT branch_id FROM invitation_codes WHERE code = $1", code)


async def branches_with_expired_codes(conn: asyncpg.Connection, now: datetime, limit: int) -> list[str]:
    rows = await conn.fetch("SELECT DISTINCT branch_id FROM invitation_codes WHERE NOT closed "
                            "AND expires_at <= $1 LIMIT $2", now, limit)
    return [r["branch_id"] for r in rows]


async def close_codes(conn: asyncpg.Connection, codes: list[str]) -> None:
    await conn.execute("UPDATE invitation_codes SET closed = true WHERE code = ANY($1::text[])", codes)


# ---- youth_facts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class YouthRow:
    status: str
    district: str | None
    subtype: str | None
    league_age: bool | None
    league_age_ended: bool


async def youth(conn: asyncpg.Connection, youth_id: str) -> YouthRow | None:
    row = await conn.fetchrow("SELECT status, district, subtype, league_age, league_age_ended "
                              "FROM youth_facts WHERE youth_id = $1", youth_id)
    return YouthRow(**dict(row)) if row else None


async def add_youth(conn: asyncpg.Connection, youth_id: str, district: str | None, subtype: str | None,
                    league_age: bool | None) -> None:
    await conn.execute("""INSERT INTO youth_facts (youth_id, district, subtype, league_age)
                          VALUES ($1, $2, $3, $4) ON CONFLICT (youth_id) DO NOTHING""",
                       youth_id, district, subtype, league_age)


async def update_youth(conn: asyncpg.Connection, youth_id: str, district: str | None, subtype: str | None) -> None:
    """Only what the event carries changes (a missing field keeps its value)."""
    await conn.execute("UPDATE youth_facts SET district = coalesce($2, district), subtype = coalesce($3, subtype) "
                       "WHERE youth_id = $1", youth_id, district, subtype)


async def end_league_age(conn: asyncpg.Connection, youth_id: str) -> None:
    await conn.execute("UPDATE youth_facts SET league_age_ended = true WHERE youth_id = $1", youth_id)


async def set_youth_status(conn: asyncpg.Connection, youth_id: str, status: str) -> None:
    await conn.execute("UPDATE youth_facts SET status = $2 WHERE youth_id = $1", youth_id, status)


async def reactivate_youth(conn: asyncpg.Connection, youth_id: str) -> None:
    await conn.execute("UPDATE youth_facts SET status = 'ACTIVE' WHERE youth_id = $1 AND status = $2", youth_id,
                       str(RegistryEnd.DEACTIVATED))


async def erase_youth(conn: asyncpg.Connection, youth_id: str, status: str) -> None:
    """An erased person keeps nothing here but the pseudonymous id and the fact of erasure."""
    await conn.execute("UPDATE youth_facts SET status = $2, district = NULL, subtype = NULL, league_age = NULL "
                       "WHERE youth_id = $1", youth_id, status)


# ---- action_items ------------------------------------------------------------------------------


async def save_action_item(conn: asyncpg.Connection, item_id: str, state: ItemState) -> None:
    await conn.execute(
        """INSERT INTO action_items (item_id, assignee_kind, assignee, due_on, status, overdue)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (item_id) DO UPDATE SET status = EXCLUDED.status, overdue = EXCLUDED.overdue""",
        item_id, state.assignee_kind, state.assignee, state.due_on, str(state.status), state.overdue)


async def items_overdue_before(conn: asyncpg.Connection, today: date, limit: int) -> list[str]:
    """Open items not yet marked whose due date is before `today`."""
    rows = await conn.fetch("SELECT item_id FROM action_items WHERE status = 'OPEN' AND NOT overdue "
                            "AND due_on < $1 ORDER BY due_on, item_id LIMIT $2", today, limit)
    return [r["item_id"] for r in rows]


# ---- recommendations (推优) ----------------------------------------------------------------------

RECOMMENDATION_COLUMNS = "recommendation_id, kind, branch_id, district, status, recommended_on, note, decided_on"


async def save_recommendations(conn: asyncpg.Connection, youth_id: str, state: RecommendationState) -> None:
    """Every recommendation of the member as the stream now says."""
    await conn.executemany(
        """INSERT INTO recommendations (recommendation_id, youth_id, kind, branch_id, district, status,
                                        recommended_on, note, decided_on)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (recommendation_id) DO UPDATE SET status = EXCLUDED.status,
               note = EXCLUDED.note, decided_on = EXCLUDED.decided_on""",
        [(e.recommendation_id, youth_id, e.kind, e.branch_id, e.district, str(e.status),
          e.recommended_on, e.note, e.decided_on) for e in state.entries])


async def unlink_recommendations(conn: asyncpg.Connection, youth_id: str) -> None:
    """Erasure: the rows (and so the counts) stay, without the person."""
    await conn.execute("UPDATE recommendations SET youth_id = NULL WHERE youth_id = $1", youth_id)


async def recommendations_in(conn: asyncpg.Connection, district: str | None, limit: int) -> list[dict]:
    """The newest recommendations of a district (None: the city's), for its league committee."""
    rows = await conn.fetch(
        f"SELECT youth_id, {RECOMMENDATION_COLUMNS} FROM recommendations WHERE $1::text IS NULL OR district = $1 "
        "ORDER BY recommended_on DESC, recommendation_id LIMIT $2", district, limit)
    return [dict(r) for r in rows]


async def recommendations_of(conn: asyncpg.Connection, youth_id: str) -> list[dict]:
    rows = await conn.fetch(f"SELECT {RECOMMENDATION_COLUMNS} FROM recommendations WHERE youth_id = $1 "
                            "ORDER BY recommended_on DESC, recommendation_id", youth_id)
    return [dict(r) for r in rows]


async def recommendation_youth(conn: asyncpg.Connection, recommendation_id: str) -> tuple[str, str] | None:
    """(youth_id, district) of a recommendation whose person is still linked."""
    row = await conn.fetchrow("SELECT youth_id, district FROM recommendations WHERE recommendation_id = $1 "
                              "AND youth_id IS NOT NULL", recommendation_id)
    return (row["youth_id"], row["district"]) if row else None
