"""The command runners of 筑梦空间 projects (domain/incubation.py) and internships (domain/internship.py).
A young person applies for a project at a DREAM_SPACE station (any district: the project belongs to the
station's); its district's staff decide and follow it, and list internships at their district's stations.
A young person applies for an internship (any district) and may withdraw; the offer's district's staff decide.
The applicant's own lists (tables.PROJECTS, tables.INTERNSHIPS) move in the command's transaction."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import asyncpg

from chassis.auth import Principal
from chassis.commands import Outcome, run, transaction
from chassis.errors import NotFound

from . import tables
from .commands import Guard, Then, execute, existing_only, in_district, load_station
from .deps import Runtime
from .domain import incubation, internship

MISSING = "孵化项目不存在。"
NO_OFFER = "实习岗位不存在。"


async def own_summaries(rt: Runtime, youth_id: str, project_ids: list[str]) -> dict[str, str | None]:
    """The summaries of the person's own projects (ids from their own list; None once shredded): their export."""
    async with rt.pool.acquire() as conn:
        return {pid: next((e.summary for e in (await rt.deps.stores.event.load(conn, incubation.stream_id(pid))).events
                           if isinstance(e, incubation.ProjectApplied) and e.youth_id == youth_id), None)
                for pid in project_ids}


async def read_summary(rt: Runtime, who: Principal, project_id: str, purpose: str) -> str | None:
    """The project's summary for the staff of its district, who decide on it (None once its applicant was erased);
    the read is audited in the same transaction, so there is no read without its audit row."""
    async with transaction(rt.pool) as conn:
        events = (await rt.deps.stores.event.load(conn, incubation.stream_id(project_id))).events
        in_district(who, MISSING)(incubation.project.fold(events))
        await tables.audit_reads(conn, "project_reads", who, [project_id], purpose)
    return next(e.summary for e in events if isinstance(e, incubation.ProjectApplied))


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


def _outcomes(reason: str | None, at: datetime) -> Then:
    """Mirror the applications a step decided (or ended, when the offer closed) in the applicants' own lists."""
    async def keep(conn: asyncpg.Connection, outcome: Outcome) -> None:
        if outcome.envelopes:
            await tables.keep_application_outcomes(conn, outcome.before, outcome.state, reason, at)
    return keep


async def close_internship(rt: Runtime, who: Principal, internship_id: str) -> dict:
    return await execute(rt, rt.deps.stores.event, internship.internship, internship.stream_id(internship_id),
                         internship.CloseInternship(), internship_id, who=who, missing=NO_OFFER,
                         then=_outcomes(None, rt.deps.clock.now()))


async def apply_for_internship(rt: Runtime, internship_id: str, command: internship.ApplyForInternship) -> dict:
    """The person themselves, at an offer of any district (NOT_FOUND when there is none)."""

    async def keep(conn: asyncpg.Connection, outcome: Outcome) -> None:
        if outcome.envelopes:
            await tables.keep_internship_application(conn, outcome.state, command.application_id, command.youth_id,
                                                     command.note, command.at)

    return await execute(rt, rt.deps.stores.event, internship.internship, internship.stream_id(internship_id),
                         command, command.application_id, guard=existing_only(NO_OFFER), then=keep)


def _theirs(command: internship.WithdrawApplication) -> Guard:
    """The applicant's own step: another person's application answers like one of nobody (NOT_FOUND)."""
    def guard(state: object) -> None:
        assert isinstance(state, internship.InternshipState)
        found = state.applications.get(command.application_id)
        if found is None or found.youth_id != command.youth_id:
            raise NotFound(internship.MISSING_APPLICATION)
    return guard


Decision = internship.AcceptApplication | internship.DeclineApplication | internship.WithdrawApplication


async def application_step(rt: Runtime, who: Principal | None, command: Decision) -> dict:
    """A decision by the staff of the offer's district (`who`; one answer for missing and elsewhere), or the
    applicant's withdrawal (`who` None: an application of nobody, or of another person, is NOT_FOUND)."""
    if who is not None:
        guard = in_district(who, internship.MISSING_APPLICATION)
    else:
        assert isinstance(command, internship.WithdrawApplication)
        guard = _theirs(command)
    application_id = command.application_id
    reason = command.reason.strip() if isinstance(command, internship.DeclineApplication) else None
    async with rt.pool.acquire() as conn:
        internship_id = await tables.application_offer(conn, application_id)
    if internship_id is None:
        guard(internship.InternshipState())
        raise NotFound(internship.MISSING_APPLICATION)  # (the guard has refused already)
    return await execute(rt, rt.deps.stores.event, internship.internship, internship.stream_id(internship_id),
                         command, application_id, guard=guard, then=_outcomes(reason, command.at))


async def end_for_erasure(rt: Runtime, conn: asyncpg.Connection, youth_id: str) -> None:
    """The registry erased the person: their applications still pending end (reason ERASED), in the erasure's
    transaction and before their rows are deleted (tables.forget_youth), so no offer keeps waiting on them."""
    for row in await tables.pending_applications_of(conn, youth_id):
        await run(conn, rt.deps.stores.event, internship.internship, internship.stream_id(row["internship_id"]),
                  internship.EndForErasure(row["application_id"]))  # a conflict replays the whole erasure
