"""Scheduled processes of the branches service. Each acts through a decider, so everything they do
is an event with a reason: transfers unanswered for 3 months, invitation codes past their time. Each
takes `today` / `now`, so tests drive them directly. (The end of league age is not a job here: the
registry records it and the registry view reacts, services/branches/views.py.)"""
from __future__ import annotations

import logging
from datetime import date, datetime

import asyncpg

from chassis.commands import transaction
from chassis.errors import AppError

from .domain import branch
from .domain.membership import ExpireTransfer
from .handling import Stores, run, run_membership, share_branch

log = logging.getLogger(__name__)
BATCH = 500


async def _each(pool: asyncpg.Pool, job: str, keys: list, act) -> int:
    """Run `act(conn, key)` per key in its own transaction; one failure does not stop the others
    (the next run retries it)."""
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
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT youth_id, transfer_to FROM roster WHERE transfer_expires_on < $1 "
                                "ORDER BY youth_id LIMIT $2", today, BATCH)

    async def expire(conn, row):
        await share_branch(conn, row["transfer_to"])
        envelopes, _ = await run_membership(conn, stores, row["youth_id"], ExpireTransfer(today=today))
        return envelopes

    return await _each(pool, "expire_transfers", rows, expire)


async def expire_invitations(pool: asyncpg.Pool, stores: Stores, now: datetime) -> int:
    """Codes past their time are closed on their branch's stream (per branch, all at once)."""
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT DISTINCT branch_id FROM invitation_codes WHERE NOT closed "
                                "AND expires_at <= $1 LIMIT $2", now, BATCH)

    async def expire(conn, row):
        envelopes, _ = await run(conn, stores.branch, branch.branch, branch.stream_id(row["branch_id"]),
                                 branch.ExpireInvitations(now=now))
        codes = [e.data["code"] for e in envelopes]
        await conn.execute("UPDATE invitation_codes SET closed = true WHERE code = ANY($1::text[])", codes)
        return envelopes

    return await _each(pool, "expire_invitations", rows, expire)
