"""chassis.scheduler on real PostgreSQL: one leader per job across replicas, and jobs that run again."""
from __future__ import annotations

import asyncio

import pytest

from chassis import db
from chassis.scheduler import Job, Scheduler
from tests.support import eventually


@pytest.fixture(scope="module")
async def pool(settings):
    dsn = settings.database_url(settings.database("scheduler"))
    await db.wait_for_database(dsn, create=True)
    p = await db.create_pool(dsn, max_size=4)
    yield p
    await p.close()


async def test_only_one_replica_runs_a_job_at_a_time(pool):
    running, runs = 0, []

    async def work():
        nonlocal running
        running += 1
        runs.append(running)
        await asyncio.sleep(0.3)
        running -= 1

    job = Job("tidy", 60, work)
    replicas = [Scheduler(pool, "svc", [job]) for _ in range(3)]
    ran = await asyncio.gather(*(r.run_once(job) for r in replicas))
    assert sorted(ran) == [False, False, True]
    assert runs == [1]  # never two at once
    assert await replicas[1].run_once(job)  # the lock is released after the run


async def test_a_started_scheduler_keeps_running_its_job_and_survives_a_failure(pool):
    calls = []

    async def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("first run fails")

    scheduler = Scheduler(pool, "svc", [Job("flaky", 0.05, flaky)])
    scheduler.start()
    try:
        async def twice():
            return len(calls) >= 3
        await eventually(twice, timeout=10)
    finally:
        await scheduler.stop()
