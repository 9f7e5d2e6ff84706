"""The command runners of 筑梦空间 projects (domain/incubation.py) and internships (domain/internship.py).
A young person applies for a project at a DREAM_SPACE station (any district: the project belongs to the
station's); its district's staff decide and follow it, and list internships at their district's stations.
The applicant's own list (tables.PROJECTS) moves in the command's transaction."""
from __future__ import annotations

from dataclasses import replace

import asyncpg

from chassis.auth import Principal
from chassis.commands import Outcome

from . import tables
from .commands import execute, existing_only, in_district, load_station
from .deps import Runtime
from .domain import incubation, internship

MISSING = "孵化项目不存在。"


async def apply(rt: Runtime, command: incubation.ApplyForProject) -> dict:
    """The station must exist (NOT_FOUND otherwise); its kind and district go on the command."""
    async with rt.pool.acquire() as conn:
        place = await load_station(conn, rt, command.station_id, existing_only("站点不存在。"))
    command = incubation.ApplyForProject(
        command.project_id, command.youth_id, command.station_id, place.kind or "", place.district or "",
        command.title, command.field, command.summary, command.at)

    async def keep(conn: asyncpg.Connection, outcome: Outcome) -> None:
        if outcome.envelopes:
            await tables.keep_project_applied(conn, command)

    pid = command.project_id
    return await execute(rt, rt.deps.stores.event, incubation.project, incubation.stream_id(pid), command, pid,
                         then=keep)


async def step(rt: Runtime, who: Principal, project_id: str, command: incubation.ProjectCommand) -> dict:
    """A step by the staff of the project's district (one NOT_FOUND for missing and elsewhere)."""

    async def keep(conn: asyncpg.Connection, outcome: Outcome) -> None:
        if outcome.envelopes:
            await tables.keep_project_status(conn, project_id, outcome.state.status.value)

    return await execute(rt, rt.deps.stores.event, incubation.project, incubation.stream_id(project_id), command,
                         project_id, who=who, missing=MISSING, then=keep)


async def offer_internship(rt: Runtime, who: Principal, command: internship.OfferInternship) -> dict:
    """At a station of the caller's district (FORBIDDEN otherwise, like a missing one); its district goes on it."""
    async with rt.pool.acquire() as conn:
        place = await load_station(conn, rt, command.station_id, in_district(who, "站点不存在。"))
    command = replace(command, district=place.district or "")
    iid = command.internship_id
    return await execute(rt, rt.deps.stores.event, internship.internship, internship.stream_id(iid), command, iid)


async def close_internship(rt: Runtime, who: Principal, internship_id: str) -> dict:
    return await execute(rt, rt.deps.stores.event, internship.internship, internship.stream_id(internship_id),
                         internship.CloseInternship(), internship_id, who=who, missing="实习岗位不存在。")
