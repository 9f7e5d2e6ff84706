"""Riders and couriers who are members of a branch, kept per district (cv_in_branch) by two projections.

The figure needs a fact from each side: the person's subtype, status and district (the youth projection's
`youth` row) and the membership (the branches projection's `br_members` row). The two are separate consumer
groups reading different topics, so the events about one person arrive in any order and are applied
concurrently. Each side, in its own transaction:

1. changes its own row (youth or br_members);
2. takes a transaction-scoped advisory lock on the person (`pg_advisory_xact_lock` on the youth id) — the
   per-youth lock both projections take;
3. reads the other side's committed row and moves the counter by what its own change did to the figure.

The lock serialises the two sides per person: whichever takes it second reads the first one's committed
row (READ COMMITTED: each statement sees what committed before it began) and counts its change against it,
so a person's contribution is counted once whatever the order. A youth batch takes its locks in id order.
Each side moves its own counter rows (`source`), so the two never wait on each other's counter rows; the
figure is their sum. A rebuild of either side empties the table (both projections list it): with one side
empty no one is covered, and the replay counts everyone again against the other side's rows.
"""
from __future__ import annotations

from collections.abc import Iterable

import asyncpg

COVERED_SUBTYPES = ("DELIVERY_RIDER", "COURIER")  # "share of registered riders and couriers in a branch"
YOUTH, BRANCHES = "youth", "branches"  # cv_in_branch.source


def covered_district(row) -> str | None:
    """The district a youth row counts in for coverage (an ACTIVE rider or courier), or None."""
    if row is None or row["status"] != "ACTIVE" or row["subtype"] not in COVERED_SUBTYPES:
        return None
    return row["district"]


async def lock_youth(conn: asyncpg.Connection, youth_ids: Iterable[str]) -> None:
    """The per-youth lock (until the transaction ends), taken in id order so two batches never deadlock."""
    ids = sorted(set(youth_ids))
    if ids:
        await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(i, 21)) FROM unnest($1::text[]) AS i "
                           "ORDER BY i", ids)


async def move(conn: asyncpg.Connection, source: str, deltas: dict[str, int]) -> None:
    deltas = {d: n for d, n in deltas.items() if n}
    if deltas:
        districts = sorted(deltas)
        await conn.execute(
            """INSERT INTO cv_in_branch (district, source, n) SELECT d, $1, n FROM unnest($2::text[], $3::int[]) AS t(d, n)
               ON CONFLICT (district, source) DO UPDATE SET n = cv_in_branch.n + EXCLUDED.n""",
            source, districts, [deltas[d] for d in districts])


async def youth_changed(conn: asyncpg.Connection, changes: dict[str, tuple[str | None, str | None]]) -> None:
    """The youth side: people whose covered district went from `before` to `after` (youth_id -> (before,
    after); None: not covered), their rows already written in this transaction."""
    changes = {y: c for y, c in changes.items() if c[0] != c[1]}
    if not changes:
        return
    await lock_youth(conn, changes)
    members = {r["youth_id"] for r in await conn.fetch(
        "SELECT youth_id FROM br_members WHERE youth_id = ANY($1::text[])", list(changes))}
    deltas: dict[str, int] = {}
    for youth_id in members:
        before, after = changes[youth_id]
        if before is not None:
            deltas[before] = deltas.get(before, 0) - 1
        if after is not None:
            deltas[after] = deltas.get(after, 0) + 1
    await move(conn, YOUTH, deltas)


async def membership_changed(conn: asyncpg.Connection, youth_id: str, delta: int) -> None:
    """The branches side: `youth_id` became a member (+1) or stopped being one (-1), its br_members row
    already written in this transaction."""
    await lock_youth(conn, (youth_id,))
    row = await conn.fetchrow("SELECT district, subtype, status FROM youth WHERE youth_id = $1", youth_id)
    district = covered_district(row)
    if district is not None:
        await move(conn, BRANCHES, {district: delta})
