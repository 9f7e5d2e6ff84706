"""Scheduled processes of the branches service. Each acts through a decider, so everything they do
is an event with a reason: transfers unanswered for 3 months, invitation codes past their time, joint
meeting action items open past their due date. Each
takes `today` / `now`, so tests drive them directly; `jobs` reads them from the service's clock at each
run. (The end of league age is not a job here: the registry records it and the registry view reacts,
projections.py.)"""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any

import asyncpg

from chassis.commands import transaction
from chassis.errors import AppError
from chassis.scheduler import Job

from . import tables
from .commands import Stores, run, run_action_item, run_membership, share_branch
from .deps import Runtime
from .domain import branch
from .domain.action_item import MarkOverdue
from .domain.transfer import ExpireTransfer

log = logging.getLogger(__name__)
BATCH = 500
EVERY_SECONDS = 3600.0  # hourly: the rules are by the day; the scheduler's lock keeps it to one replica


def jobs(rt: Runtime) -> list[Job]:
    return [
        Job("expire_transfers", EVERY_SECONDS,
            lambda: expire_transfers(rt.pool, rt.deps.stores, rt.deps.clock.today())),
        Job("expire_invitations", EVERY_SECONDS,
            lambda: expire_invitations(rt.pool, rt.deps.stores, rt.deps.clock.now())),
        Job("overdue_action_items", EVERY_SECONDS,
            lambda: mark_overdue_items(rt.pool, rt.deps.stores, rt.deps.clock.today())),
    ]


async def _sweep(pool: asyncpg.Pool, job: str, due: Callable[[asyncpg.Connection], Awaitable[list]],
                 act: Callable[[asyncpg.Connection, Any], Awaitable[list]]) -> int:
    """Find what is `due` (a batch), then `act(conn, key)` on each in its own transaction; one failure
    does not stop the others (the next run retries it). -> how many keys produced events."""
    async with pool.acquire() as conn:
        keys = await due(conn)
    done = 0
    for key in keys:
        try:
            async with transaction(pool) as conn:
                done += bool(await act(conn, key))
        except AppError as exc:  # e.g. a concurrent command moved the stream on: next run
            log.info("scheduled step skipped", extra={"job": job, "error": exc.message})
    return done


async def expire_transfers(pool: asyncpg.Pool, stores: Stores, today: date) -> int:
    """Transfers unanswered for 3 months expire (the member stays in the old branch)."""
    async def expire(conn, row):
        await share_branch(conn, row["transfer_to"])
        envelopes, _ = await run_membership(conn, stores, row["youth_id"], ExpireTransfer(today=today))
        return envelopes

    return await _sweep(pool, "expire_transfers", lambda conn: tables.transfers_expired_before(conn, today, BATCH),
                        expire)


async def expire_invitations(pool: asyncpg.Pool, stores: Stores, now: datetime) -> int:
    """Codes past their time are closed on their branch's stream (per branch, all at once)."""
    async def expire(conn, branch_id):
        envelopes, _ = await run(conn, stores.branch, branch.branch, branch.stream_id(branch_id),
                                 branch.ExpireInvitations(now=now))
        await tables.close_codes(conn, [e.data["code"] for e in envelopes])
        return envelopes

    return await _sweep(pool, "expire_invitations", lambda conn: tables.branches_with_expired_codes(conn, now, BATCH),
                        expire)


async def mark_overdue_items(pool: asyncpg.Pool, stores: Stores, today: date) -> int:
    """Action items still open after their due date go overdue (an event, once; done items never do)."""
    async def mark(conn, item_id):
        envelopes, _ = await run_action_item(conn, stores, item_id, MarkOverdue(today=today))
        return envelopes

    return await _sweep(pool, "overdue_action_items", lambda conn: tables.items_overdue_before(conn, today, BATCH),
                        mark)
