"""The stations' scheduled work: the processes that mark overdue appeals and cases. Each appeal or case
past an open deadline gets `MarkOverdue(now)` through its decider, in its own transaction (one stuck
item never holds the others back); for a case the answer is a reminder event. Safe to run twice: the
deciders answer nothing for what is already marked."""
from __future__ import annotations

import logging
from datetime import datetime

from chassis.errors import VersionConflict
from chassis.scheduler import Job

from . import tables
from .commands import mark_appeal_overdue, mark_case_overdue
from .deps import Runtime

log = logging.getLogger(__name__)


async def mark_overdue(rt: Runtime, now: datetime) -> int:
    """Mark every appeal whose deadline passed before `now`; how many appeals got an event."""
    async with rt.pool.acquire() as conn:
        due = await tables.overdue_appeals(conn, now)
    marked = 0
    for appeal_id in due:
        try:
            marked += await mark_appeal_overdue(rt, appeal_id, now)
        except VersionConflict:  # someone handled it meanwhile; the next run looks again
            log.info("appeal changed while marking overdue", extra={"appeal_id": appeal_id})
    return marked


async def remind_overdue_cases(rt: Runtime, now: datetime) -> int:
    """Record a reminder on every case whose first response or resolution is due before `now`; how many."""
    async with rt.pool.acquire() as conn:
        due = await tables.overdue_cases(conn, now)
    reminded = 0
    for case_id in due:
        try:
            reminded += await mark_case_overdue(rt, case_id, now)
        except VersionConflict:  # someone handled it meanwhile; the next run looks again
            log.info("case changed while marking overdue", extra={"case_id": case_id})
    return reminded


def jobs(rt: Runtime) -> list[Job]:
    # The clock is read at each run, so a test that moves rt.deps.clock moves the marking with it.
    return [Job("appeals.mark_overdue", rt.deps.config.overdue_scan_seconds,
                lambda: mark_overdue(rt, rt.deps.clock.now())),
            Job("cases.remind_overdue", rt.deps.config.overdue_scan_seconds,
                lambda: remind_overdue_cases(rt, rt.deps.clock.now()))]
