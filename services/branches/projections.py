"""What the branches service consumes: the registry's `xq.registry.youth`, projected into its own view
`youth_facts` (tables.py): who exists, their district, and whether they are within league age (a flag
and an "ended" marker: the registry never publishes league-age dates, which would reveal the birth
date). Membership commands read it instead of calling the registry.

It is also where the registry's endings take effect: when a person is erased, deactivated or merged,
their membership ends through the membership decider (an event with the reason), in the same
transaction as the projection's checkpoint — exactly once, and never a silent update. The end of
league age (`league-age-ended.v1`) ends it the same way, with reason OVER_AGE. Erasure also ends the person's
open 推优 and unlinks them from every recommendation (the counts stay).
"""
from __future__ import annotations

import asyncpg

from chassis.clock import beijing_date
from chassis.dispatch import Dispatch, Handler
from chassis.envelope import Envelope
from chassis.projection import Projection
from contracts.registry import YOUTH, YouthEvents

from .commands import Stores, erase_recommendations, run_membership
from .deps import Runtime
from .domain.membership import EndForRegistry, RegistryEnd, RetireOverAge
from .tables import add_youth, end_league_age, erase_youth, reactivate_youth, set_youth_status, update_youth


class RegistryView(Dispatch):
    name = "branches.youth"
    tables = ("youth_facts",)
    stream_prefixes = ("youth-",)

    def __init__(self, topic: str, stores: Stores):
        self.topics = (topic,)
        self.stores = stores
        self.handlers: dict[str, Handler] = {
            YouthEvents.REGISTERED: self._registered,
            YouthEvents.PROFILE_UPDATED: self._profile_updated,
            YouthEvents.LEAGUE_AGE_ENDED: self._league_age_ended,
            YouthEvents.ERASED: self._erased,
            YouthEvents.DEACTIVATED: self._ended_by(RegistryEnd.DEACTIVATED),
            YouthEvents.MERGED: self._ended_by(RegistryEnd.MERGED),
            YouthEvents.REACTIVATED: self._reactivated,
        }

    async def _registered(self, conn: asyncpg.Connection, event: Envelope) -> None:
        d = event.data
        # Without `league_age` the person stays unknown (commands refuse with league_age_unknown).
        await add_youth(conn, d["youth_id"], d.get("district"), d.get("subtype"), d.get("league_age"))

    async def _profile_updated(self, conn: asyncpg.Connection, event: Envelope) -> None:
        d = event.data
        await update_youth(conn, d["youth_id"], d.get("district"), d.get("subtype"))

    async def _league_age_ended(self, conn: asyncpg.Connection, event: Envelope) -> None:
        youth_id = event.data["youth_id"]
        await end_league_age(conn, youth_id)
        await run_membership(conn, self.stores, youth_id, RetireOverAge(today=beijing_date(event.time)))

    async def _erased(self, conn: asyncpg.Connection, event: Envelope) -> None:
        youth_id = event.data["youth_id"]
        await erase_youth(conn, youth_id, str(RegistryEnd.ERASED))
        await self._end_membership(conn, event, RegistryEnd.ERASED)
        await erase_recommendations(conn, self.stores, youth_id, beijing_date(event.time))

    async def _reactivated(self, conn: asyncpg.Connection, event: Envelope) -> None:
        """The registration is theirs again: they may apply and join again (a membership that ended stays ended)."""
        await reactivate_youth(conn, event.data["youth_id"])

    def _ended_by(self, reason: RegistryEnd) -> Handler:
        async def ended(conn: asyncpg.Connection, event: Envelope) -> None:
            await set_youth_status(conn, event.data["youth_id"], str(reason))
            await self._end_membership(conn, event, reason)
        return ended

    async def _end_membership(self, conn: asyncpg.Connection, event: Envelope, reason: RegistryEnd) -> None:
        await run_membership(conn, self.stores, event.data["youth_id"],
                             EndForRegistry(reason=reason, today=beijing_date(event.time)))


def projections(rt: Runtime) -> list[Projection]:
    return [RegistryView(rt.settings.topic(YOUTH.name), rt.deps.stores)]
