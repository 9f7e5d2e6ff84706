"""Running the branches deciders against their streams: the stores, the facts a command is given,
the locks that span two aggregates, and the roster written in a membership command's transaction.

Membership commands that put someone into (or keep them pending for) a branch take a *shared*
advisory lock on that branch; dissolving takes it *exclusively* and counts what is still open in
the roster. So a branch cannot be dissolved while a join to it is committing, and no one joins a
branch in the middle of its dissolution.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import asyncpg

from chassis import commands
from chassis.clock import beijing_date
from chassis.commands import transaction
from chassis.decider import Decider
from chassis.envelope import Envelope
from chassis.errors import Unavailable
from chassis.eventstore import EventStore
from chassis.retry import polling
from contracts.branches import MembershipEvents

from . import tables
from .domain import action_item, branch, joint_meeting, measure, membership, recommendation
from .domain.facts import BranchFacts, YouthFacts
from .plan import Plan

YOUTH_POLL_SECONDS = 0.2


@dataclass(frozen=True)
class Stores:
    branch: EventStore
    membership: EventStore
    organisation: EventStore
    meeting: EventStore
    measure: EventStore
    joint_meeting: EventStore
    action_item: EventStore
    face_to_face: EventStore
    proposal: EventStore
    recommendation: EventStore


async def run(conn: asyncpg.Connection, store: EventStore, decider: Decider, stream_id: str, command: Any, *,
              expected_version: int | None = None) -> tuple[list[Envelope], Any]:
    """chassis.commands.run (caller holds the transaction) -> (envelopes, state after)."""
    outcome = await commands.run(conn, store, decider, stream_id, command, expected_version=expected_version)
    return outcome.envelopes, outcome.state


async def run_membership(conn: asyncpg.Connection, stores: Stores, youth_id: str, command: Any,
                         *, expected_version: int | None = None) -> tuple[list[Envelope], membership.MembershipState]:
    """A membership command, with the roster row updated in the same transaction."""
    envelopes, state = await run(conn, stores.membership, membership.membership, membership.stream_id(youth_id),
                                 command, expected_version=expected_version)
    if envelopes:
        await tables.save_membership(conn, youth_id, state)
        envelopes += await _end_recommendations(conn, stores, youth_id, command, envelopes)
    return envelopes, state


LEAVING = frozenset({MembershipEvents.ENDED, MembershipEvents.TRANSFER_APPROVED})


async def _end_recommendations(conn: asyncpg.Connection, stores: Stores, youth_id: str, command: Any,
                               done: list[Envelope]) -> list[Envelope]:
    """A member who left their branch (ended, or moved by a transfer) is no longer that branch's to
    recommend: their open 推优 end in the same transaction. Erasure has its own step (erase_recommendations)."""
    erased = isinstance(command, membership.EndForRegistry) and command.reason == membership.RegistryEnd.ERASED
    if erased or not any(e.type in LEAVING for e in done):
        return []
    await hold_member(conn, youth_id)
    ended, _ = await run_recommendation(conn, stores, youth_id, recommendation.EndOpen(
        recommendation.EndReason.LEFT_BRANCH, beijing_date(done[-1].time)))
    return ended


async def erase_recommendations(conn: asyncpg.Connection, stores: Stores, youth_id: str, today: date) -> None:
    """The registry erased the person: what is open ends (reason ERASED) and every row of theirs loses its link
    to them; the rows, and so the counts, stay."""
    await hold_member(conn, youth_id)
    await run_recommendation(conn, stores, youth_id, recommendation.EndOpen(recommendation.EndReason.ERASED, today))
    await tables.unlink_recommendations(conn, youth_id)


async def run_recommendation(conn: asyncpg.Connection, stores: Stores, youth_id: str, command: Any, *,
                             guard: Any = None) -> tuple[list[Envelope], recommendation.RecommendationState]:
    """A 推优 command on the member's stream, with the `recommendations` rows updated in the same
    transaction (the staff's list and the member's own read them)."""
    outcome = await commands.run(conn, stores.recommendation, recommendation.recommendation,
                                 recommendation.stream_id(youth_id), command, guard=guard)
    if outcome.envelopes:
        await tables.save_recommendations(conn, youth_id, outcome.state)
    return outcome.envelopes, outcome.state


# ---- locks that span two aggregates ------------------------------------------------------------

def _branch_lock_key(branch_id: str) -> int:
    return zlib.crc32(f"xq:branch:{branch_id}".encode())


async def share_branch(conn: asyncpg.Connection, branch_id: str) -> None:
    await conn.execute("SELECT pg_advisory_xact_lock_shared($1)", _branch_lock_key(branch_id))


async def hold_member(conn: asyncpg.Connection, youth_id: str) -> None:
    """Recommending reads the membership and leaving ends the open recommendations: both hold the member,
    so a recommendation never outlives the membership it was made on."""
    await conn.execute("SELECT pg_advisory_xact_lock($1)", zlib.crc32(f"xq:member:{youth_id}".encode()))


async def own_branch(conn: asyncpg.Connection, branch_id: str) -> None:
    await conn.execute("SELECT pg_advisory_xact_lock($1)", _branch_lock_key(branch_id))


# ---- facts a command is given ------------------------------------------------------------------

async def branch_state(conn: asyncpg.Connection, stores: Stores, branch_id: str) -> branch.BranchState:
    stream = await stores.branch.load(conn, branch.stream_id(branch_id))
    return branch.branch.fold(stream.events)


async def branch_facts(conn: asyncpg.Connection, stores: Stores, branch_id: str) -> BranchFacts:
    state = await branch_state(conn, stores, branch_id)
    return BranchFacts(branch_id=branch_id, active=state.active, district=state.district, kind=state.kind)


async def youth_facts(pool: asyncpg.Pool, youth_id: str, *, wait: float) -> YouthFacts:
    """The person as the registry last told us; a person registered a moment ago may not have arrived
    yet, so wait (bounded) and then say to retry."""
    async def look_up() -> tables.YouthRow | None:
        async with pool.acquire() as conn:
            return await tables.youth(conn, youth_id)

    row = await polling(look_up, timeout=wait, interval=YOUTH_POLL_SECONDS)
    if row is None:
        raise Unavailable("未找到该青年的登记信息：刚登记的青年需要几秒钟同步到团组织服务，请稍后重试；"
                          "若仍失败，请确认青年编号。", retry_after=2)
    return YouthFacts(active=row.status == "ACTIVE", district=row.district, subtype=row.subtype,
                      league_age=row.league_age, league_age_ended=row.league_age_ended)


# ---- the 22 measures, from the plan file ------------------------------------------------------

async def seed_measures(pool: asyncpg.Pool, store: EventStore, plan: Plan) -> int:
    """Define every measure of the shipped plan that is not defined yet (idempotent at start-up). A measure
    already defined is left alone: a reloaded official list must not be put back to the examples."""
    defined = 0
    async with transaction(pool) as conn:
        for m in plan.measures:
            stream = await store.load(conn, measure.stream_id(m.measure_id))
            if stream.version:
                continue
            await run(conn, store, measure.measure, measure.stream_id(m.measure_id), m)
            defined += 1
    return defined


async def apply_plan(conn: asyncpg.Connection, store: EventStore, plan: Plan, today: date) -> list[Envelope]:
    """Every measure of `plan` as the file now says it (the caller holds the transaction): each difference
    is an event on the measure's stream; an unchanged measure adds nothing."""
    envelopes: list[Envelope] = []
    for m in plan.measures:
        done, _ = await run(conn, store, measure.measure, measure.stream_id(m.measure_id), replace(m, today=today))
        envelopes += done
    return envelopes


# ---- joint meetings and their action items ------------------------------------------------------

async def record_joint_meeting(conn: asyncpg.Connection, stores: Stores,
                               command: joint_meeting.RecordJointMeeting) -> list[Envelope]:
    """The meeting and every action item of its decisions, in one transaction (the caller's)."""
    envelopes, _ = await run(conn, stores.joint_meeting, joint_meeting.joint_meeting,
                             joint_meeting.stream_id(command.meeting_id), command)
    for decision in command.decisions:
        for item in decision.items:
            done, _ = await run_action_item(conn, stores, item.item_id, action_item.AssignItem(
                item_id=item.item_id, meeting_id=command.meeting_id, meeting_district=command.district,
                decision=decision.text.strip(), title=item.title, assignee_kind=item.assignee_kind,
                assignee=item.assignee, due_on=item.due_on))
            envelopes += done
    return envelopes


async def run_action_item(conn: asyncpg.Connection, stores: Stores, item_id: str, command: Any,
                          *, guard: Any = None) -> tuple[list[Envelope], action_item.ItemState]:
    """An action item command, with its `action_items` row updated in the same transaction."""
    outcome = await commands.run(conn, stores.action_item, action_item.action_item, action_item.stream_id(item_id),
                                 command, guard=guard)
    await save_action_item(conn, outcome)
    return outcome.envelopes, outcome.state


async def save_action_item(conn: asyncpg.Connection, outcome: commands.Outcome[action_item.ItemState]) -> None:
    """The item's `action_items` row, kept in step in the transaction of a command that changed the item."""
    if outcome.envelopes and outcome.state.item_id is not None:
        await tables.save_action_item(conn, outcome.state.item_id, outcome.state)
