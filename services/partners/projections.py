"""The partner publisher: a projection of the registry's events whose effect is partner messages.

For each internal event, in one PostgreSQL transaction (the ProjectionRunner's): claim the event
(stream version), update the person's consent view, and append the partner messages it calls for to
hold for the agency's next release (release.py: each agency on its own schedule, so two agencies cannot
join their pseudonyms by timing), which appends them to this service's own event store and outbox. The
chassis relay then publishes the outbox to `partner.<agency>.youth`. So a registry event yields its partner
messages exactly once in the outbox (a redelivery fails its claim), and the relay delivers them at least once
in order, a repeat keeping its `ce_id` and `ce_streamversion` (agencies deduplicate on them).
"""
from __future__ import annotations

from datetime import UTC
from typing import Any

import asyncpg

from chassis.dispatch import Dispatch
from chassis.envelope import Envelope, field_of
from chassis.eventstore import EventStore
from chassis.projection import Projection
from contracts.partners import PartnerYouthMessages
from contracts.registry import YOUTH

from .deps import Runtime
from .domain import FOLLOWED, Agreement, PartnerMessage, Person, Pseudonymiser, react
from .release import REDACTED, hold, redact_held

SOURCE = "/xinqing/partners"
# The fields the rules (domain.react) use as a list or a text, beside `youth_id`.
SHAPES: dict[str, type] = {"consents": list, "changed": list, "purpose": str}


def projections(rt: Runtime) -> list[Projection]:
    return [PartnerPublisher(rt.deps.agreements, rt.deps.pseudonyms, rt.settings.topic)]


class PassThroughCodec:
    """The event store's codec for partner messages, which are already minimised dicts."""

    def encode(self, message: PartnerMessage) -> tuple[str, dict[str, Any], None]:
        return message.type, message.data, None


def partner_stores(agreements: list[Agreement], topic) -> dict[str, EventStore]:
    return {a.agency: EventStore(SOURCE, PassThroughCodec(), topic(a.topic())) for a in agreements}


async def load_person(conn: asyncpg.Connection, youth_id: str) -> Person:
    row = await conn.fetchrow("SELECT * FROM partner_people WHERE youth_id = $1", youth_id)
    if row is None:
        return Person(youth_id=youth_id)
    return Person(youth_id=youth_id, registered=row["registered"], active=row["active"], erased=row["erased"],
                  consents=frozenset(row["consents"]), profile=row["profile"],
                  shared_with=frozenset(row["shared_with"]))


async def save_person(conn: asyncpg.Connection, p: Person) -> None:
    await conn.execute(
        """INSERT INTO partner_people (youth_id, registered, active, erased, consents, profile, shared_with)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (youth_id) DO UPDATE SET registered = $2, active = $3, erased = $4, consents = $5,
               profile = $6, shared_with = $7, updated_at = now()""",
        p.youth_id, p.registered, p.active, p.erased, sorted(p.consents), dict(p.profile), sorted(p.shared_with))


class PartnerPublisher(Dispatch):
    name = "partners.publisher"
    tables = ("partner_people",)
    stream_prefixes = ("youth-",)

    def __init__(self, agreements: list[Agreement], pseudonyms: Pseudonymiser, topic):
        self.agreements = agreements
        self.pseudonyms = pseudonyms
        self.topics = (topic(YOUTH.name),)
        self.stores = partner_stores(agreements, topic)
        # Every registry event the rules follow takes the same path: the rules (domain.react) tell them apart.
        self.handlers = dict.fromkeys(FOLLOWED, self.publish)

    async def publish(self, conn: asyncpg.Connection, event: Envelope) -> None:
        youth_id = field_of(event.data, "youth_id", str, "")
        if not youth_id:
            return
        for name, kind in SHAPES.items():  # of another type, the event cannot be read (a dead letter)
            field_of(event.data, name, kind, kind())
        person = await load_person(conn, youth_id)
        after, messages = react(self.agreements, self.pseudonyms, person, event.type, event.data,
                                on=event.time.astimezone(UTC).date())
        await save_person(conn, after)
        # Held, not appended: the release appends them without the internal event's trace id (or its event
        # id as causation), which would be the same in every agency's copy, a key to join them on.
        for message in messages:
            await hold(conn, message, event.time)
        if any(m.type == PartnerYouthMessages.ERASED for m in messages) or (after.erased and not person.erased):
            await self.redact(conn, [self.pseudonyms.subject(a.agency, youth_id) for a in self.agreements])

    @staticmethod
    async def redact(conn: asyncpg.Connection, subjects: list[str]) -> None:
        """Erasure reaches this database too: what was disclosed about the person keeps its shape (who got
        what type when) but loses its attributes. Messages still held or waiting in the outbox go out redacted."""
        await conn.execute(f"UPDATE events SET data = {REDACTED} WHERE stream_id = ANY($1::text[])", subjects)
        await redact_held(conn, subjects)
