"""Each agency's partner messages leave on the agency's own schedule (issue 15, docs/SECURITY.md).

Two agencies that receive the same person under different pseudonyms must not be able to join them by
timing: if both topics got a message for every registry event the moment it happened, in the same order, the
n-th message of one topic would be the n-th of the other. So the publisher does not append partner messages
to its event store (and outbox) as it reacts; it holds them in `partner_pending`, and a job releases each
agency's held messages when that agency's own next release is due:

- the release times: every `XQ_PARTNERS_RELEASE_SECONDS` plus up to `XQ_PARTNERS_RELEASE_JITTER_SECONDS`,
  drawn anew for each agency and each release (independent schedules);
- the order within a release: a random interleaving of the people, drawn for each agency, that keeps each
  person's own messages in order (agencies apply them per subject in version order);
- `ce_time`: the time of the registry event, to the minute (an erasure: to the day, in Beijing), never the
  instant of release.

Erasure redacts held messages as it does published ones (`REDACTED`), so a message still waiting goes out
without attributes.
"""
from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, time

import asyncpg
from opentelemetry import context as otel_context

from chassis.clock import BEIJING, Clock
from chassis.eventstore import EventStore
from contracts.partners import PartnerYouthMessages

from .domain import PartnerMessage

RANDOM = random.SystemRandom()  # the schedule and the order must not be predictable from outside
# What remains of a message about an erased person: its shape (who got what type when), no attributes.
REDACTED = """jsonb_strip_nulls(jsonb_build_object(
    'subject_id', data->'subject_id', 'changed', data->'changed',
    'withdrawn_on', data->'withdrawn_on', 'erased_on', data->'erased_on'))"""


def coarse_time(message_type: str, at: datetime) -> datetime:
    """A message's ce_time: to the minute; an erasure's to the day (midnight in Beijing)."""
    if message_type == PartnerYouthMessages.ERASED:
        return datetime.combine(at.astimezone(BEIJING).date(), time(), BEIJING)
    return at.replace(second=0, microsecond=0)


async def hold(conn: asyncpg.Connection, message: PartnerMessage, at: datetime) -> None:
    """Keep `message` (caused by a registry event of time `at`) for its agency's next release."""
    await conn.execute("INSERT INTO partner_pending (agency, subject, type, data, at) VALUES ($1, $2, $3, $4, $5)",
                       message.agency, message.subject, message.type, message.data, coarse_time(message.type, at))


async def redact_held(conn: asyncpg.Connection, subjects: list[str]) -> None:
    await conn.execute(f"UPDATE partner_pending SET data = {REDACTED} WHERE subject = ANY($1::text[])", subjects)


def interleaving(rows: Sequence[asyncpg.Record], rng: random.Random = RANDOM) -> list[asyncpg.Record]:
    """`rows` (in held order) in a random order that keeps each subject's rows in their order: every
    interleaving of the subjects' sequences equally likely."""
    queues: dict[str, list[asyncpg.Record]] = {}
    for row in rows:
        queues.setdefault(row["subject"], []).append(row)
    pending = [list(reversed(q)) for q in queues.values()]  # pop() takes each subject's oldest
    out = []
    while pending:
        # Pick a subject with probability proportional to what it has left: a uniform interleaving.
        pick = rng.choices(range(len(pending)), weights=[len(q) for q in pending])[0]
        out.append(pending[pick].pop())
        if not pending[pick]:
            pending.pop(pick)
    return out


class Releases:
    """The job: for every agency whose release is due, its held messages go to its event store (then the relay
    publishes them), shuffled, and its next release is drawn."""

    def __init__(self, pool: asyncpg.Pool, stores: dict[str, EventStore], clock: Clock,
                 every: float, jitter: float):
        self.pool, self.stores, self.clock = pool, stores, clock
        self.every, self.jitter = every, jitter

    def next_release(self, now: float) -> float:
        return now + self.every + RANDOM.uniform(0, self.jitter)

    async def run(self) -> None:
        for agency in self.stores:
            async with self.pool.acquire() as conn, conn.transaction():
                await self.release(conn, agency)

    async def release(self, conn: asyncpg.Connection, agency: str) -> int:
        now = self.clock.now()
        due = await conn.fetchval("SELECT next_at FROM partner_release WHERE agency = $1 FOR UPDATE", agency)
        if due is None or due > now:
            if due is None:  # the first release of an agency: its schedule starts with jitter of its own
                await conn.execute("INSERT INTO partner_release (agency, next_at) VALUES ($1, $2) "
                                   "ON CONFLICT (agency) DO NOTHING",
                                   agency, datetime.fromtimestamp(self.next_release(now.timestamp()), now.tzinfo))
            return 0
        rows = await conn.fetch("SELECT * FROM partner_pending WHERE agency = $1 ORDER BY id FOR UPDATE", agency)
        # No trace context: a release's traceparent would be the same in two agencies' copies of nothing, but
        # the scheduler's would join this release's messages to one another.
        token = otel_context.attach(otel_context.Context())
        try:
            for row in interleaving(rows):
                version = await conn.fetchval("SELECT coalesce(max(version), 0) FROM events WHERE stream_id = $1",
                                              row["subject"])
                message = PartnerMessage(agency, row["type"], row["subject"], row["data"])
                await self.stores[agency].append(conn, row["subject"], version, [message], at=row["at"])
        finally:
            otel_context.detach(token)
        await conn.execute("DELETE FROM partner_pending WHERE id = ANY($1::bigint[])", [r["id"] for r in rows])
        await conn.execute("UPDATE partner_release SET next_at = $2 WHERE agency = $1",
                           agency, datetime.fromtimestamp(self.next_release(now.timestamp()), now.tzinfo))
        return len(rows)
