"""The branches service's own view of registry events (`xq.registry.youth`): who exists, their
district, and whether they are within league age (a flag and an "ended" marker: the registry never
publishes league-age dates, which would reveal the birth date). Membership commands read it instead of calling the registry.

It is also where the registry's endings take effect: when a person is erased, deactivated or merged,
their membership ends through the membership decider (an event with the reason), in the same
transaction as the projection's checkpoint — exactly once, and never a silent update. The end of
league age (`league-age-ended.v1`) ends it the same way, with reason OVER_AGE.
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import asyncpg

from chassis.envelope import Envelope
from chassis.errors import Unavailable
from chassis.settings import Settings

from .domain.membership import EndForRegistry, RegistryEnd, RetireOverAge, YouthFacts
from .handling import Stores, run_membership

REGISTRY_TOPIC = "xq.registry.youth"
BEIJING = ZoneInfo("Asia/Shanghai")
_ENDINGS = {
    "xq.registry.youth.erased.v1": RegistryEnd.ERASED,
    "xq.registry.youth.deactivated.v1": RegistryEnd.DEACTIVATED,
    "xq.registry.youth.merged.v1": RegistryEnd.MERGED,
}


class RegistryView:
    name = "branches.youth"
    handles: tuple[str, ...] = ()  # TODO(issue 14, this session): the Dispatch table replaces it
    tables = ("youth_facts",)
    stream_prefixes = ("youth-",)

    def __init__(self, settings: Settings, stores: Stores):
        self.topics = (settings.topic(REGISTRY_TOPIC),)
        self.stores = stores

    async def apply(self, conn: asyncpg.Connection, event: Envelope) -> None:
        d = event.data
        if event.type == "xq.registry.youth.registered.v1":
            # Without `league_age` the person stays unknown (commands refuse with league_age_unknown).
            await conn.execute(
                """INSERT INTO youth_facts (youth_id, district, subtype, league_age)
                   VALUES ($1, $2, $3, $4) ON CONFLICT (youth_id) DO NOTHING""",
                d["youth_id"], d.get("district"), d.get("subtype"), d.get("league_age"))
        elif event.type == "xq.registry.youth.profile-updated.v1":
            await conn.execute(
                "UPDATE youth_facts SET district = coalesce($2, district), subtype = coalesce($3, subtype) "
                "WHERE youth_id = $1", d["youth_id"], d.get("district"), d.get("subtype"))
        elif event.type == "xq.registry.youth.league-age-ended.v1":
            await conn.execute("UPDATE youth_facts SET league_age_ended = true WHERE youth_id = $1", d["youth_id"])
            await run_membership(conn, self.stores, d["youth_id"], RetireOverAge(today=_day(event)))
        elif event.type in _ENDINGS:
            reason = _ENDINGS[event.type]
            # An erased person keeps nothing here but the pseudonymous id and the fact of erasure.
            await conn.execute(
                "UPDATE youth_facts SET status = $2, district = NULL, subtype = NULL, league_age = NULL "
                "WHERE youth_id = $1" if reason == RegistryEnd.ERASED else
                "UPDATE youth_facts SET status = $2 WHERE youth_id = $1", d["youth_id"], str(reason))
            await run_membership(conn, self.stores, d["youth_id"], EndForRegistry(reason=reason, today=_day(event)))


def _day(event: Envelope):
    return event.time.astimezone(BEIJING).date()


@dataclass(frozen=True)
class _Row:
    status: str
    district: str | None
    subtype: str | None
    league_age: bool | None
    league_age_ended: bool


async def _load(conn: asyncpg.Connection, youth_id: str) -> _Row | None:
    row = await conn.fetchrow("SELECT status, district, subtype, league_age, league_age_ended "
                              "FROM youth_facts WHERE youth_id = $1", youth_id)
    return _Row(**dict(row)) if row else None


async def youth_facts(pool: asyncpg.Pool, youth_id: str, *, wait: float) -> YouthFacts:
    """The person as the registry last told us; a person registered a moment ago may not have arrived
    yet, so wait (bounded) and then say to retry."""
    deadline = time.monotonic() + wait
    while True:
        async with pool.acquire() as conn:
            row = await _load(conn, youth_id)
        if row is not None:
            return YouthFacts(active=row.status == "ACTIVE", district=row.district, subtype=row.subtype,
                              league_age=row.league_age, league_age_ended=row.league_age_ended)
        if time.monotonic() >= deadline:
            raise Unavailable("未找到该青年的登记信息：刚登记的青年需要几秒钟同步到团组织服务，请稍后重试；"
                              "若仍失败，请确认青年编号。", retry_after=2)
        await asyncio.sleep(0.2)
