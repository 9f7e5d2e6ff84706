"""What the branches routes share: the clock, the stores, roles and scope checks."""
from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Annotated, Any

import asyncpg
from fastapi import Path, Request

from chassis import commands
from chassis.auth import Principal
from chassis.commands import Outcome, accepted, transaction
from chassis.decider import Decider
from chassis.eventstore import EventStore

from ..commands import Stores
from ..deps import Runtime, runtime

SECRETARIES = ("admin", "branch_secretary")   # run branches, members, meetings, organisations
MEASURE_OFFICE = ("admin",)                   # the joint meeting office keeps the 22 measures

# Path parameters are camelCase like the bodies, so a bad one is reported under the name the caller used.
YouthId = Annotated[uuid.UUID, Path(alias="youthId", description="青年编号")]
BranchId = Annotated[uuid.UUID, Path(alias="branchId")]
OrganisationId = Annotated[uuid.UUID, Path(alias="organisationId")]
MeetingId = Annotated[uuid.UUID, Path(alias="meetingId")]
MilestoneId = Annotated[uuid.UUID, Path(alias="milestoneId")]
MeasureId = Annotated[str, Path(alias="measureId", pattern=r"^M\d{2}$", description="M01–M22")]


def now(rt: Runtime) -> datetime:
    return rt.deps.clock.now()


def today(rt: Runtime) -> date:
    return rt.deps.clock.today()


def stores(rt: Runtime) -> Stores:
    return rt.deps.stores


def rt_of(request: Request) -> Runtime:
    return runtime(request)


def require_branch_scope(who: Principal, state) -> None:
    """The branch exists and lies in the caller's district (chassis.auth: one answer for both)."""
    in_district(who, "未找到该团支部。")(state)


def in_district(who: Principal, missing: str) -> Callable[[Any], None]:
    """The guard of a command on an aggregate that must exist and lie in the caller's district (else
    `missing`, the same answer for both, chassis.auth)."""
    def check(state: Any) -> None:
        who.require_found_in_district(state.district if state.exists else None, missing)
    return check


async def execute(rt: Runtime, store: EventStore, decider: Decider, stream_id: str, command: Any, entity_id: str, *,
                  guard: Callable[[Any], None] | None = None, expected_version: int | None = None,
                  then: Callable[[asyncpg.Connection, Outcome], Awaitable[None]] | None = None) -> dict[str, Any]:
    """A route's one command: decided on `stream_id` and appended in a transaction of its own, answered with
    `entity_id` and the read position. `guard(state)` refuses before deciding (does it exist, may this
    caller act on it); `then(conn, outcome)` keeps a query table in step in the same transaction."""
    async with transaction(rt.pool) as conn:
        outcome = await commands.run(conn, store, decider, stream_id, command, expected_version=expected_version,
                                     guard=guard)
        if then is not None:
            await then(conn, outcome)
    return accepted(outcome.envelopes, entity_id)


async def existing(conn: asyncpg.Connection, who: Principal, store: EventStore, decider: Decider, stream_id: str,
                   missing: str):
    """The aggregate's state, when it exists and lies in the caller's district (else `missing`, the same
    answer for both, chassis.auth)."""
    state = decider.fold((await store.load(conn, stream_id)).events)
    in_district(who, missing)(state)
    return state
