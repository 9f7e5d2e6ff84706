"""Related objects of list items, batched: every `load(id)` of one request and one kind becomes ONE
`WHERE id = ANY($1)` statement (strawberry's DataLoader, one per request — see Context.loader), so a
page of N transfers with their branches costs two statements, not N + 1.

Authorization is the same as a direct query's: a loaded object outside the caller's district scope is
answered as null (a relation never reveals another district's branch or station); the list that leads
to the relation has already checked the caller's role.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import asyncpg

from ..tables import branches as branch_views
from ..tables import stations as station_views
from .common import Context

Fetch = Callable[[asyncpg.Connection, list[str]], Awaitable[Sequence[asyncpg.Record]]]


def _by_id(ctx: Context, fetch: Fetch, id_column: str) -> Callable[[list[str]], Awaitable[list[Any]]]:
    async def load(ids: list[str]) -> list[asyncpg.Record | None]:
        async with ctx.runtime.pool.acquire() as conn:
            rows = await fetch(conn, list(ids))
        found = {r[id_column]: r for r in rows}
        return [found.get(i) for i in ids]
    return load


def _visible(ctx: Context, row: asyncpg.Record | None) -> asyncpg.Record | None:
    """The row if the caller's district scope covers it (a city-wide token sees every district)."""
    if row is None or ctx.principal.district not in (None, row["district"]):
        return None
    return row


async def branch_row(ctx: Context, branch_id: str | None) -> asyncpg.Record | None:
    if branch_id is None:
        return None
    loader = ctx.loader("branch", _by_id(ctx, branch_views.branches_by_id, "branch_id"))
    return _visible(ctx, await loader.load(str(branch_id)))


async def member_branch_row(ctx: Context, youth_id: str) -> asyncpg.Record | None:
    """The branch a youth is a member of: two batches per request (memberships, then their branches)."""
    loader = ctx.loader("membership", _by_id(ctx, branch_views.memberships_by_youth, "youth_id"))
    membership = await loader.load(str(youth_id))
    return await branch_row(ctx, membership["branch_id"]) if membership is not None else None


async def station_row(ctx: Context, station_id: str | None) -> asyncpg.Record | None:
    if station_id is None:
        return None
    loader = ctx.loader("station", _by_id(ctx, station_views.stations_by_id, "station_id"))
    return _visible(ctx, await loader.load(str(station_id)))
