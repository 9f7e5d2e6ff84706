"""Running the branches deciders against their streams, and the locks that span two aggregates.

Membership commands that put someone into (or keep them pending for) a branch take a *shared*
advisory lock on that branch; dissolving takes it *exclusively* and counts what is still open in
the roster. So a branch cannot be dissolved while a join to it is committing, and no one joins a
branch in the middle of its dissolution.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

import asyncpg

from chassis import commands
from chassis.decider import Decider
from chassis.envelope import Envelope
from chassis.eventstore import EventStore

from . import roster
from .domain import branch, measure, meeting, membership, organisation


@dataclass(frozen=True)
class Stores:
    branch: EventStore
    membership: EventStore
    organisation: EventStore
    meeting: EventStore
    measure: EventStore


async def run(conn: asyncpg.Connection, store: EventStore, decider: Decider, stream_id: str, command: Any, *,
              expected_version: int | None = None) -> tuple[list[Envelope], Any]:
    """chassis.commands.run (caller holds the transaction) -> (envelopes, state after)."""
    outcome = await commands.run(conn, store, decider, stream_id, command, expected_version=expected_version)
    return outcome.envelopes, outcome.state


def _branch_lock_key(branch_id: str) -> int:
    return zlib.crc32(f"xq:branch:{branch_id}".encode())


async def share_branch(conn: asyncpg.Connection, branch_id: str) -> None:
    await conn.execute("SELECT pg_advisory_xact_lock_shared($1)", _branch_lock_key(branch_id))


async def own_branch(conn: asyncpg.Connection, branch_id: str) -> None:
    await conn.execute("SELECT pg_advisory_xact_lock($1)", _branch_lock_key(branch_id))


async def branch_state(conn: asyncpg.Connection, stores: Stores, branch_id: str) -> branch.BranchState:
    stream = await stores.branch.load(conn, branch.stream_id(branch_id))
    return branch.branch.fold(stream.events)


async def branch_facts(conn: asyncpg.Connection, stores: Stores, branch_id: str) -> membership.BranchFacts:
    state = await branch_state(conn, stores, branch_id)
    return membership.BranchFacts(branch_id=branch_id, active=state.active, district=state.district,
                                  kind=state.kind)


async def run_membership(conn: asyncpg.Connection, stores: Stores, youth_id: str, command: Any,
                         *, expected_version: int | None = None) -> tuple[list[Envelope], membership.MembershipState]:
    """A membership command, with the roster row updated in the same transaction."""
    envelopes, state = await run(conn, stores.membership, membership.membership, membership.stream_id(youth_id),
                                 command, expected_version=expected_version)
    if envelopes:
        await roster.save(conn, youth_id, state)
    return envelopes, state


__all__ = ["Stores", "run", "run_membership", "branch_facts", "branch_state", "share_branch", "own_branch",
           "branch", "measure", "meeting", "membership", "organisation"]
