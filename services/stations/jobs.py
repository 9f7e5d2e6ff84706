"""The stations' scheduled work: the processes that mark overdue appeals and cases. Each appeal or case
past an open deadline gets `MarkOverdue(now)` through its decider, in its own transaction (one stuck
item never holds the others back); for a case the answer is a reminder event. Safe to run twice: the
deciders answer nothing for what is already marked."""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

import asyncpg

from chassis.errors import VersionConflict
from chassis.scheduler import Job

from . import tables
from .commands import mark_appeal_overdue, mark_case_overdue
from .deps import Runtime

log = logging.getLogger(__name__)


DueIds = Callable[[asyncpg.Connection, datetime], Awaitable[list[str]]]
Mark = Callable[[Runtime, str, datetime], Awaitable[int]]


async def _mark_each(rt: Runtime, now: datetime, due: DueIds, mark: Mark, what: str) -> int:
    """`mark` every aggregate `due` finds, each in its own transaction; how many got an event."""
    async with rt.pool.acquire() as conn:
        ids = await due(conn, now)
    marked = 0
    for aggregate_id in ids:
        try:
            marked += await mark(rt, aggregate_id, now)
        except VersionConflict:  # someone handled it meanwhile; the next run looks again
            log.info("changed while marking overdue", extra={"aggregate": what, "id": aggregate_id})
    return marked


async def mark_overdue(rt: Runtime, now: datetime) -> int:
    """Mark every appeal whose deadline passed before `now`; how many appeals got an event."""
    return await _mark_each(rt, now, tables.overdue_appeals, mark_appeal_overdue, "appeal")


async def remind_overdue_cases(rt: Runtime, now: datetime) -> int:
    """Record a reminder on every case whose first response or resolution is due before `now`; how many."""
    return await _mark_each(rt, now, tables.overdue_cases, mark_case_overdue, "case")


def jobs(rt: Runtime) -> list[Job]:
    # The clock is read at each run, so a test that moves rt.deps.clock moves the marking with it.
    return [Job("appeals.mark_overdue", rt.deps.config.overdue_scan_seconds,
                lambda: mark_overdue(rt, rt.deps.clock.now())),
            Job("cases.remind_overdue", rt.deps.config.overdue_scan_seconds,
                lambda: remind_overdue_cases(rt, rt.deps.clock.now()))]
