"""The relay publishes on NOTIFY, not on its poll: an event committed while a batch is being sent
must not wait for the next poll (freshness depends on it)."""
from __future__ import annotations

import asyncio

from chassis.relay import OutboxRelay
from tests.integration import chassis_fixtures as fx
from tests.support import eventually

pool = fx.counters_pool


class SlowRelay(OutboxRelay):
    """Lingers after each batch it sent: a commit during that time is a commit 'mid-drain'."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sent_a_batch = asyncio.Event()

    async def _drain_once(self, conn, producer) -> int:
        sent = await super()._drain_once(conn, producer)
        if sent:
            self.sent_a_batch.set()
            await asyncio.sleep(1.0)
        return sent


async def test_an_event_committed_during_a_drain_is_published_without_waiting_for_the_poll(pool, settings):
    relay = fx.relay(settings, SlowRelay, poll_interval=120)  # the poll never rescues
    store = fx.store(settings)

    async def append(stream: str) -> None:
        async with pool.acquire() as conn, conn.transaction():
            await store.append(conn, stream, 0, [fx.Ticked(1)])

    async def drained() -> bool:
        return await pool.fetchval("SELECT count(*) FROM outbox") == 0

    relay.start()
    try:
        await eventually(drained, timeout=60)  # whatever earlier tests left
        relay.sent_a_batch.clear()
        await append("wake-first")
        await asyncio.wait_for(relay.sent_a_batch.wait(), 60)  # sent; the relay now lingers in its drain
        await append("wake-second")  # its NOTIFY arrives mid-drain
        await eventually(drained, timeout=10, interval=0.05)
    finally:
        await relay.stop()
