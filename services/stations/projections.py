"""What the stations service consumes from Kafka: the registry's youth events, for who may be named
on a service record (registered, active, consented to SERVICE_RECORDS)."""
from __future__ import annotations

import asyncpg

from chassis.dispatch import Dispatch
from chassis.envelope import Envelope, field_of
from chassis.projection import Projection
from contracts.registry import SERVICE_RECORDS, YOUTH, YouthEvents

from . import incubation_commands, referrals, role_model_tables
from .campaign_tables import forget_entrant
from .deps import Runtime
from .tables import add_known_youth, forget_youth, set_known_youth_active, set_service_records_consent


async def _registered(conn: asyncpg.Connection, event: Envelope) -> None:
    await add_known_youth(conn, event.data["youth_id"], SERVICE_RECORDS in field_of(event.data, "consents", list, []))


def _consent(given: bool):
    async def handle(conn: asyncpg.Connection, event: Envelope) -> None:
        if event.data.get("purpose") == SERVICE_RECORDS:  # other purposes (sharing…) are not ours
            await set_service_records_consent(conn, event.data["youth_id"], given)
    return handle


async def _deactivated(conn: asyncpg.Connection, event: Envelope) -> None:
    await set_known_youth_active(conn, event.data["youth_id"], False)


async def _reactivated(conn: asyncpg.Connection, event: Envelope) -> None:
    await set_known_youth_active(conn, event.data["youth_id"], True)




class KnownYouthProjection(Dispatch):
    """Withdrawal, deactivation and erasure take effect here, and erasure also forgets who received
    health services at our stations."""

    name = "stations.youth"
    tables = ("known_youth",)
    stream_prefixes = ("youth-",)
    handlers = {
        YouthEvents.REGISTERED: _registered,
        YouthEvents.CONSENT_GIVEN: _consent(given=True),
        YouthEvents.CONSENT_WITHDRAWN: _consent(given=False),
        YouthEvents.DEACTIVATED: _deactivated,
        YouthEvents.REACTIVATED: _reactivated,
        YouthEvents.MERGED: _deactivated,  # the merged-away duplicate is inactive, like a deactivated one
    }

    def __init__(self, rt: Runtime):
        self.rt = rt
        self.topics = (rt.settings.topic(YOUTH.name),)
        self.handlers = {**self.handlers, YouthEvents.ERASED: self._erased}

    async def _erased(self, conn: asyncpg.Connection, event: Envelope) -> None:
        """Their referrals' agencies are told (referrals.erased), their pending internship applications end,
        then the keys of their cases (and of the appeals those came from), of their role-model profiles and of
        their campaign entries are shredded."""
        await referrals.erased(self.rt, conn, event.data["youth_id"], event.time)
        await incubation_commands.end_for_erasure(self.rt, conn, event.data["youth_id"])
        subjects = await forget_youth(conn, event.data["youth_id"])
        subjects += await role_model_tables.forget(conn, event.data["youth_id"])  # their public profiles
        subjects += await forget_entrant(conn, event.data["youth_id"])  # their campaign entries' title and link
        # Shredded before this event's checkpoint commits: a failure replays the event (idempotent).
        await self.rt.deps.vault.shred(subjects)


def projections(rt: Runtime) -> list[Projection]:
    return [KnownYouthProjection(rt)]
