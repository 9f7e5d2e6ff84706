"""Periodic jobs with a single leader: "run this every N seconds" on one replica at a time.

Each tick, a replica tries a PostgreSQL advisory lock named after the service and the job; the one
that gets it runs the job, the others skip that tick. Jobs must be idempotent and act through
deciders (emit events), so a tick that dies half-way is simply finished by the next one.
Services pass them to `build_service_app(jobs=...)`; tests call the job function directly (with
`today`), not the scheduler.
"""
from __future__ import annotations

import asyncio
import logging
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import asyncpg

from .background import Background

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every_seconds: float
    run: Callable[[], Awaitable[object]]


class Scheduler:
    def __init__(self, pool: asyncpg.Pool, service: str, jobs: list[Job]):
        self.pool = pool
        self.service = service
        self.jobs = jobs
        self._background = Background()

    def lock_key(self, job: Job) -> int:
        return zlib.crc32(f"xq:job:{self.service}:{job.name}".encode())

    def start(self) -> None:
        for job in self.jobs:
            self._background.start(self._loop(job), f"job-{job.name}")

    async def stop(self) -> None:
        await self._background.stop()

    async def run_once(self, job: Job) -> bool:
        """Run `job` if this replica wins the lock; False when another replica holds it."""
        # A transaction-level lock: released with the transaction however the job ends (pool connections
        # keep no session state, chassis.db.keep_session). The job does its work on other connections.
        async with self.pool.acquire() as conn, conn.transaction():
            if not await conn.fetchval("SELECT pg_try_advisory_xact_lock($1)", self.lock_key(job)):
                return False
            await job.run()
        return True

    async def _loop(self, job: Job) -> None:
        while True:
            await asyncio.sleep(job.every_seconds)
            try:
                await self.run_once(job)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the next tick tries again
                log.warning("scheduled job failed", extra={"job": job.name, "error": repr(exc)[:300]})
