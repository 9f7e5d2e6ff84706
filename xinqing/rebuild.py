"""Disaster recovery (`xinqing rebuild`): Kafka topics and read models rebuilt from the event stores alone.

- republish SERVICE: every event of the service's store is queued in its outbox again, in global order,
  for the topic its type names (`xq.<service>.<aggregate>.<verb>.v1` → `xq.<service>.<aggregate>`); the
  running service's relay sends them. Consumers drop what they already applied (claims by stream
  version), so republishing onto a topic that still holds the events is harmless.
- reset gateway: the gateway's read models and their positions are emptied; its consumers replay
  every topic from the beginning when it starts. The gateway must be stopped meanwhile (a running
  consumer would carry on from its in-memory position).
docs/RUNBOOK.md has the procedure; tests/faults/test_faults.py runs it after losing a topic and a database.
"""
from __future__ import annotations

import asyncpg

from chassis.db import init_connection
from chassis.eventstore import OUTBOX_CHANNEL
from chassis.kafka import TopicSpec, ensure_topics
from chassis.kafka_login import admin_login
from chassis.projection import reset_projection
from chassis.settings import Settings
from contracts.partners import PARTNER_TYPES


class CannotRebuild(Exception):
    pass


def topic_of(service: str, event_type: str) -> str | None:
    parts = event_type.split(".")
    if len(parts) == 5 and parts[0] == "xq" and parts[1] == service:
        return ".".join(parts[:3])
    return None


async def republish(settings: Settings, service: str) -> int:
    """Queue every stored event of `service` again; returns how many."""
    conn = await asyncpg.connect(settings.database_url(settings.database(service)), timeout=10)
    try:
        types = [r["event_type"] for r in await conn.fetch("SELECT DISTINCT event_type FROM events")]
        # The agencies' messages (stations' referrals, the partners' youth topics) are not sent again: the
        # agencies' topics are kept, and a restore tells them what was rolled back (xinqing/backups/agencies.py).
        topics = {t: topic_of(service, t) for t in types if t not in PARTNER_TYPES}
        odd = sorted(t for t, topic in topics.items() if topic is None)
        if odd or (types and not topics):
            raise CannotRebuild(f"{service}: event types that name no internal topic: {', '.join(odd or types)}")
        await ensure_topics(admin_login(settings), [TopicSpec(settings.topic(t), settings.kafka_partitions)
                                                       for t in set(topics.values())])
        async with conn.transaction():
            done = await conn.execute(
                """INSERT INTO outbox (global_position, topic)
                   SELECT e.global_position, m.topic FROM events e
                     JOIN unnest($1::text[], $2::text[]) AS m (event_type, topic) USING (event_type)
                    ORDER BY e.global_position""",
                list(topics), [settings.topic(t) for t in topics.values()])
            await conn.execute("SELECT pg_notify($1, '')", OUTBOX_CHANNEL)
        return int(done.split()[-1])
    finally:
        await conn.close()


async def reset_gateway(settings: Settings) -> list[str]:
    """Empty the gateway's read models and positions; returns the projections reset."""
    from gateway.projections import projections

    pool = await asyncpg.create_pool(settings.database_url(settings.database("gateway")), min_size=1, max_size=1,
                                     init=init_connection)
    try:
        names = []
        for projection in projections(settings):
            await reset_projection(pool, projection)
            names.append(projection.name)
        return names
    finally:
        await pool.close()
