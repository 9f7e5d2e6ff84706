"""A tiny domain for testing the chassis on real PostgreSQL and Kafka: counters that tick.

The projection's effect is deliberately not idempotent (`total = total + amount`, plus one row per
applied event): if an event were applied twice, or skipped, the numbers would show it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest

from chassis import db
from chassis.codec import EventCodec
from chassis.decider import Decider
from chassis.envelope import Envelope
from chassis.event import Event, event
from chassis.eventstore import EventStore
from chassis.kafka import TopicSpec, ensure_topics
from chassis.kafka_login import admin_login
from chassis.projection import Projection, ProjectionRunner
from chassis.relay import OutboxRelay
from chassis.settings import Settings

TOPIC = "xq.test.counters"
MIGRATIONS = Path(__file__).parent / "chassis_migrations"


@dataclass(frozen=True)
class Tick:
    amount: int


@event("xq.test.counter.ticked.v1")
class Ticked(Event):
    amount: int


def decide(command: Tick, state: int) -> list:
    return [Ticked(command.amount)]


counter = Decider(initial=lambda: 0, decide=decide, evolve=lambda s, e: s + e.amount)
codec = EventCodec(Ticked)


def store(settings: Settings) -> EventStore:
    return EventStore("/xinqing/test", codec, settings.topic(TOPIC))


class CounterProjection:
    name = "test.counters"
    tables = ("counter_totals", "counter_applied")
    stream_prefixes = ("",)

    def __init__(self, settings: Settings):
        self.topics = (settings.topic(TOPIC),)

    async def apply(self, conn: asyncpg.Connection, event: Envelope) -> None:
        await conn.execute(
            "INSERT INTO counter_totals (stream_id, total, events) VALUES ($1, $2, 1) ON CONFLICT (stream_id) "
            "DO UPDATE SET total = counter_totals.total + EXCLUDED.total, events = counter_totals.events + 1",
            event.subject, event.data["amount"])
        await conn.execute("INSERT INTO counter_applied (stream_id, version) VALUES ($1, $2)",
                           event.subject, event.stream_version)


async def pool_for(settings: Settings, service: str) -> asyncpg.Pool:
    dsn = settings.database_url(settings.database(service))
    await db.wait_for_database(dsn, create=True)
    pool = await db.create_pool(dsn, max_size=25)
    await db.migrate(pool, MIGRATIONS)
    return pool


def topics(settings: Settings) -> list[TopicSpec]:
    return [TopicSpec(settings.topic(TOPIC), 3)]


@pytest.fixture(scope="module")
async def counters_pool(settings):
    """The counters' database with their topic in place. A test module binds it under the name its tests
    use (`pool = fx.counters_pool`): pytest registers a fixture under the name it is bound to."""
    pool = await pool_for(settings, "counters")
    await ensure_topics(admin_login(settings), topics(settings))
    yield pool
    await pool.close()


def relay(settings: Settings, kind: type[OutboxRelay] = OutboxRelay, **options) -> OutboxRelay:
    """The counters' outbox relay (`kind`: a test's subclass); `options` as OutboxRelay takes them."""
    return kind(settings.database_url(settings.database("counters")), admin_login(settings), "counters",
                topics(settings), **options)


def runner(settings: Settings, pool: asyncpg.Pool, projection: Projection, group: str, **options) -> ProjectionRunner:
    """`options` as ProjectionRunner takes them (`beat`)."""
    return ProjectionRunner(pool, admin_login(settings), projection, group=settings.group(group),
                            client_id="test", retry_delay=0.5, **options)
