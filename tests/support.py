"""Helpers for tests that run the real apps in-process (ASGI) against the real servers."""
from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager

import httpx
from aiokafka import AIOKafkaConsumer
from asgi_lifespan import LifespanManager

from chassis.envelope import Envelope, from_kafka


@asynccontextmanager
async def running(app):
    """Start an app's lifespan (pool, migrations, relay, projections) and give an HTTP client to it."""
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=30) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test", timeout=30) as client:
            client.app = app  # the app itself (manager.app is a wrapper): tests reach app.state.runtime
            yield client


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 30, interval: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if await check():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await asyncio.sleep(interval)


async def read_topic(bootstrap: str, topic: str, *, expect: int, timeout: float = 30) -> list[Envelope]:
    """Every record on `topic` from the beginning, as envelopes (waits until at least `expect`)."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest",
                                enable_auto_commit=False)
    await consumer.start()
    found: list[Envelope] = []
    try:
        deadline = time.monotonic() + timeout
        while len(found) < expect and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                found += [from_kafka(r.key, r.value, r.headers) for r in records]
    finally:
        await consumer.stop()
    return found


async def raw_records(bootstrap: str, topic: str, *, expect: int, timeout: float = 30) -> list:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest",
                                enable_auto_commit=False)
    await consumer.start()
    found = []
    try:
        deadline = time.monotonic() + timeout
        while len(found) < expect and time.monotonic() < deadline:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                found += records
    finally:
        await consumer.stop()
    return found
