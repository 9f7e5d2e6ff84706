"""Registry events as the partner tests append them with the chassis EventStore, into a registry-like
database whose relay publishes them on the registry's topic.

Consent, deactivation and erasure are the registry's own event classes. Registration and profile updates are
stand-ins with the agreed contract's public fields, in which `name`, `mobile` and `id_number` are
deliberately *public*: a registry that leaked them into its payload must still not leak them to an agency
(minimisation). The registry's own classes seal those fields, so they could not show it.
"""
from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg

from chassis import db
from chassis.codec import EventCodec
from chassis.event import Event, event
from chassis.eventstore import EventStore
from chassis.kafka import TopicSpec
from chassis.kafka_login import service_login
from chassis.relay import OutboxRelay
from chassis.settings import Settings
from services.registry.domain.events import ConsentGiven, ConsentWithdrawn, YouthDeactivated, YouthErased

TOPIC = "xq.registry.youth"
P = "xq.registry.youth."


@event(P + "registered.v1")
class Registered(Event):
    youth_id: str
    district: str
    youth_type: str
    subtype: str
    is_minor: bool
    age_band: str
    registered_on: str
    consents: list[str]
    league_age: bool
    name: str | None = None  # leaked on purpose (see the module docstring)
    mobile: str | None = None
    id_number: str | None = None


@event(P + "profile-updated.v1")
class ProfileUpdated(Event):
    youth_id: str
    changed: list[str]
    district: str | None = None
    subtype: str | None = None
    mobile: str | None = None  # leaked on purpose


codec = EventCodec(Registered, ProfileUpdated, ConsentGiven, ConsentWithdrawn, YouthDeactivated, YouthErased)


def store(settings: Settings) -> EventStore:
    return EventStore("/xinqing/registry", codec, settings.topic(TOPIC))


@asynccontextmanager
async def registry_database(settings: Settings) -> AsyncIterator[asyncpg.Pool]:
    """A registry-like event store (the chassis tables) whose relay publishes to the registry's topic."""
    dsn = settings.database_url(settings.database("registry"))
    await db.wait_for_database(dsn, create=True)
    pool = await db.create_pool(dsn)
    await db.migrate(pool, Path(__file__).parent / "chassis_migrations")
    relay = OutboxRelay(dsn, service_login(settings, "registry"), "registry",
                        [TopicSpec(settings.topic(TOPIC), settings.kafka_partitions)], poll_interval=0.2)
    relay.start()
    try:
        yield pool
    finally:
        await relay.stop()
        await pool.close()
