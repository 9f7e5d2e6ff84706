"""The registry's scheduled work: record, through the decider, that a person's league age (14–28) is over.

Only the registry knows birth dates, so only it can tell when league age ends; it publishes the fact
(`league-age-ended.v1`), never the date. People are picked by the month their league age ended, all of a
month at once on the first run of the next month, so neither the event nor its time gives away a birthday.
Idempotent: a recorded end leaves the index row's `league_age_ended` set, and the decider refuses twice.
"""
from __future__ import annotations

import logging
from datetime import date

import asyncpg

from chassis.commands import transaction
from chassis.errors import AppError
from chassis.eventstore import EventStore
from chassis.scheduler import Job
from chassis.vault import Vault

from . import commands, tables
from .deps import Runtime
from .domain.commands import EndLeagueAge

log = logging.getLogger(__name__)
BATCH = 500
EVERY_SECONDS = 3600.0  # hourly; the lock keeps it to one replica, the month rule keeps it coarse


def jobs(rt: Runtime) -> list[Job]:
    return [Job("end_league_age", EVERY_SECONDS,
                lambda: end_league_age(rt.pool, rt.deps.store, rt.deps.vault, rt.deps.clock.today()))]


async def end_league_age(pool: asyncpg.Pool, store: EventStore, vault: Vault, today: date) -> int:
    """Record the end of league age for every active person whose league age ended before this month;
    returns how many were recorded (the rest are retried on the next run)."""
    async with pool.acquire() as conn:
        ids = await tables.league_age_over(conn, today.replace(day=1), BATCH)
    done = 0
    for youth_id in ids:
        try:
            async with transaction(pool) as conn:
                outcome = await commands.run(conn, store, vault, youth_id, EndLeagueAge(today))
                done += len(outcome.envelopes)
        except AppError as exc:  # a concurrent command moved the stream on: the next run retries
            log.info("league-age step skipped", extra={"job": "end_league_age", "error": exc.message})
    return done
