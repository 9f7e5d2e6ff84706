"""Media campaigns' dashboard counters from xq.stations.campaign, moved in the projection's transaction:
campaigns open (launched +1, closed −1) per scope (the campaign's district, or 'city'); entries standing per
scope and Beijing year of submission (entered +1, withdrawn −1); selected entries per scope and year judged.
The events carry no entry's title or link. Reads: gateway/tables/campaigns.py."""
from __future__ import annotations

import asyncpg

from chassis.envelope import Envelope
from contracts.stations import CAMPAIGN, CampaignEvents

from .counters import counter_upsert
from .reading import Reading

CITY = "city"  # the scope of a city-wide campaign (district None)
_OPEN = counter_upsert("mc_campaign_counts", ("scope",), ("open",))
_ENTRIES = counter_upsert("mc_entry_counts", ("scope", "year"), ("entries", "selected"))


def _scope(e: Envelope) -> str:
    return e.data["district"] or CITY


def _year(day: str) -> int:
    return int(day[:4])  # an ISO date: the Beijing day the decider recorded


async def _launched(conn: asyncpg.Connection, e: Envelope) -> None:
    await conn.execute(_OPEN, _scope(e), 1)


async def _closed(conn: asyncpg.Connection, e: Envelope) -> None:
    await conn.execute(_OPEN, _scope(e), -1)


async def _entered(conn: asyncpg.Connection, e: Envelope) -> None:
    await conn.execute(_ENTRIES, _scope(e), _year(e.data["submitted_on"]), 1, 0)


async def _withdrawn(conn: asyncpg.Connection, e: Envelope) -> None:
    await conn.execute(_ENTRIES, _scope(e), _year(e.data["submitted_on"]), -1, 0)


async def _judged(conn: asyncpg.Connection, e: Envelope) -> None:
    if e.data["selected"]:
        await conn.execute(_ENTRIES, _scope(e), _year(e.data["judged_on"]), 0, 1)


class CampaignsProjection(Reading, name="gateway.campaigns", reads=(CAMPAIGN,), streams=("campaign-",),
                          tables=("mc_campaign_counts", "mc_entry_counts")):
    handlers = {
        CampaignEvents.LAUNCHED: _launched,
        CampaignEvents.CLOSED: _closed,
        CampaignEvents.ENTERED: _entered,
        CampaignEvents.ENTRY_WITHDRAWN: _withdrawn,
        CampaignEvents.ENTRY_JUDGED: _judged,
    }
