"""榜样选树's dashboard counters from xq.stations.role-model, moved in the projection's transaction: a nomination
counts in its district and Beijing year; a selection in the year of the list; a withdrawal from a year's list
there too; a talk and its audience in the year of the talk, by venue kind. The events carry no profile; these
tables hold counts only. Reads: gateway/tables/role_models.py."""
from __future__ import annotations

from datetime import date, datetime

import asyncpg

from chassis.clock import beijing_date
from chassis.envelope import Envelope
from contracts.stations import ROLE_MODEL, RoleModelEvents

from .counters import counter_upsert
from .reading import Reading

_YEARS = counter_upsert("rm_year_counts", ("district", "year"), ("nominated", "selected", "withdrawn"))
_TALKS = counter_upsert("rm_talk_counts", ("district", "year", "venue_kind"), ("talks", "audience"))


async def _nominated(conn: asyncpg.Connection, e: Envelope) -> None:
    year = beijing_date(datetime.fromisoformat(e.data["at"])).year
    await conn.execute(_YEARS, e.data["district"], year, 1, 0, 0)


async def _selected(conn: asyncpg.Connection, e: Envelope) -> None:
    await conn.execute(_YEARS, e.data["district"], e.data["year"], 0, 1, 0)


async def _withdrawn(conn: asyncpg.Connection, e: Envelope) -> None:
    if e.data["year"] is not None:  # off a year's list; a nomination withdrawn before selection leaves no list
        await conn.execute(_YEARS, e.data["district"], e.data["year"], 0, 0, 1)


async def _talk(conn: asyncpg.Connection, e: Envelope) -> None:
    year = date.fromisoformat(e.data["given_on"]).year
    await conn.execute(_TALKS, e.data["district"], year, e.data["venue_kind"], 1, e.data["audience"])


class RoleModelsProjection(Reading, name="gateway.role_models", reads=(ROLE_MODEL,), streams=("role-model-",),
                           tables=("rm_year_counts", "rm_talk_counts")):
    handlers = {
        RoleModelEvents.NOMINATED: _nominated,
        RoleModelEvents.SELECTED: _selected,
        RoleModelEvents.WITHDRAWN: _withdrawn,
        RoleModelEvents.TALK_RECORDED: _talk,
    }
