"""League organisation read model: branches, members, applications, transfers, organisations
contacted, meetings and the 22 measures, from the branches service's topics (their reads:
gateway/tables/branches.py). Invitation codes are not shown anywhere: those events are passed over."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

import asyncpg

from chassis.dispatch import statement
from chassis.envelope import Envelope, field_of
from contracts.branches import (
    BRANCH,
    MEASURE,
    MEETING,
    MEMBERSHIP,
    ORGANISATION,
    BranchEvents,
    MeasureEvents,
    MeetingEvents,
    MembershipEvents,
    OrganisationEvents,
)

from . import coverage
from .joint_meetings import MEASURE_HANDLERS
from .reading import Reading


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _day(field: str) -> Callable[[dict], date | None]:
    """A statement parameter: the event's ISO date `field` as the date its column wants."""
    return lambda data: _d(data[field])


# ---- branches ------------------------------------------------------------------------------------

async def _founded(conn: asyncpg.Connection, e: Envelope) -> None:
    d = e.data
    await conn.execute(
        "INSERT INTO br_branches (branch_id, name, kind, district, organisation_id, founded_on) "
        "VALUES ($1, $2, $3, $4, $5, $6)", d["branch_id"], d["name"], d["kind"], d["district"],
        d.get("organisation_id"), _d(d["founded_on"]))


_renamed = statement("UPDATE br_branches SET name = $2 WHERE branch_id = $1", "branch_id", "name")

_secretary_assigned = statement("UPDATE br_branches SET secretary_id = $2 WHERE branch_id = $1",
                                "branch_id", "secretary_id")

_dissolved = statement("UPDATE br_branches SET status = 'DISSOLVED', dissolved_on = $2 WHERE branch_id = $1",
                       "branch_id", _day("dissolved_on"))


# ---- memberships ---------------------------------------------------------------------------------

# The kept figures (issue 21) move with the rows, in this transaction: pending applications per district,
# current members per district and day joined, and the riders' and couriers' coverage (coverage.py).

async def _count_application(conn: asyncpg.Connection, district: str | None, delta: int) -> None:
    if district is not None:
        await conn.execute("INSERT INTO br_application_counts (district, n) VALUES ($1, $2) "
                           "ON CONFLICT (district) DO UPDATE SET n = br_application_counts.n + $2", district, delta)


async def _count_member(conn: asyncpg.Connection, district: str, joined_on: date, delta: int) -> None:
    await conn.execute("INSERT INTO br_member_days (district, joined_on, n) VALUES ($1, $2, $3) "
                       "ON CONFLICT (district, joined_on) DO UPDATE SET n = br_member_days.n + $3",
                       district, joined_on, delta)


async def _applied(conn: asyncpg.Connection, e: Envelope) -> None:
    d = e.data
    before = await conn.fetchval("SELECT district FROM br_applications WHERE youth_id = $1", d["youth_id"])
    await conn.execute(
        "INSERT INTO br_applications (youth_id, branch_id, district, applied_on) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (youth_id) DO UPDATE SET branch_id = $2, district = $3, applied_on = $4",
        d["youth_id"], d["branch_id"], d["district"], _d(d["applied_on"]))
    if before != d["district"]:
        await _count_application(conn, before, -1)
        await _count_application(conn, d["district"], 1)


async def _application_closed(conn: asyncpg.Connection, e: Envelope) -> None:
    district = await conn.fetchval("DELETE FROM br_applications WHERE youth_id = $1 RETURNING district",
                                   e.data["youth_id"])
    await _count_application(conn, district, -1)


async def _member(conn: asyncpg.Connection, youth_id, branch_id, district, joined_on, via) -> None:
    before = await conn.fetchrow("SELECT district, joined_on FROM br_members WHERE youth_id = $1", youth_id)
    await conn.execute(
        "INSERT INTO br_members (youth_id, branch_id, district, joined_on, via) VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT (youth_id) DO UPDATE SET branch_id = $2, district = $3, joined_on = $4, via = $5",
        youth_id, branch_id, district, _d(joined_on), via)
    if before is not None:
        await _count_member(conn, before["district"], before["joined_on"], -1)
    await _count_member(conn, district, _d(joined_on), 1)  # type: ignore[arg-type]  # joined_on is never empty
    if before is None:
        await coverage.membership_changed(conn, youth_id, 1)


async def _approved(conn: asyncpg.Connection, e: Envelope) -> None:
    d = e.data
    await _application_closed(conn, e)
    await _member(conn, d["youth_id"], d["branch_id"], d["district"], d["joined_on"], "APPLICATION")


async def _joined_with_invitation(conn: asyncpg.Connection, e: Envelope) -> None:
    d = e.data
    await _member(conn, d["youth_id"], d["branch_id"], d["district"], d["joined_on"], "INVITATION")


async def _count_transfers(conn: asyncpg.Connection, moved: list, before: str | None, after: str) -> None:
    """Transfers moved from status `before` (None: new) to `after`, counted for the city ('') and for each of
    their two districts (once when the same)."""
    deltas: dict[tuple[str, str], int] = {}
    for r in moved:
        for district in {"", r["from_district"], r["to_district"]}:
            for status, n in ((before, -1), (after, 1)):
                if status is not None:
                    deltas[(district, status)] = deltas.get((district, status), 0) + n
    keys = sorted(k for k, n in deltas.items() if n)
    if keys:
        await conn.execute(
            """INSERT INTO br_transfer_counts (district, status, n) SELECT * FROM unnest($1::text[], $2::text[], $3::int[])
               ON CONFLICT (district, status) DO UPDATE SET n = br_transfer_counts.n + EXCLUDED.n""",
            [k[0] for k in keys], [k[1] for k in keys], [deltas[k] for k in keys])


async def _transfer_requested(conn: asyncpg.Connection, e: Envelope) -> None:
    d = e.data
    await conn.execute(
        """INSERT INTO br_transfers (transfer_id, youth_id, from_branch_id, from_district, to_branch_id,
                                     to_district, initiated_by, requested_on, expires_on)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)""",
        d["transfer_id"], d["youth_id"], d["from_branch_id"], d["from_district"], d["to_branch_id"], d["to_district"],
        d["initiated_by"], _d(d["requested_on"]), _d(d["expires_on"]))
    await _count_transfers(conn, [d], None, "PENDING")


async def _transfer_closed(conn: asyncpg.Connection, transfer_id: str, status: str, on: str) -> None:
    row = await conn.fetchrow(
        """UPDATE br_transfers t SET status = $2, decided_on = $3
             FROM (SELECT status FROM br_transfers WHERE transfer_id = $1) old
            WHERE t.transfer_id = $1 RETURNING old.status, t.from_district, t.to_district""",
        transfer_id, status, _d(on))
    if row is not None and row["status"] != status:
        await _count_transfers(conn, [row], row["status"], status)


async def _transfer_approved(conn: asyncpg.Connection, e: Envelope) -> None:
    d = e.data
    await _transfer_closed(conn, d["transfer_id"], "APPROVED", d["approved_on"])
    await _member(conn, d["youth_id"], d["to_branch_id"], d["to_district"], d["approved_on"], "TRANSFER")


async def _transfer_rejected(conn: asyncpg.Connection, e: Envelope) -> None:
    await _transfer_closed(conn, e.data["transfer_id"], "REJECTED", e.data["rejected_on"])


async def _transfer_expired(conn: asyncpg.Connection, e: Envelope) -> None:
    await _transfer_closed(conn, e.data["transfer_id"], "EXPIRED", e.data["expired_on"])


async def _ended(conn: asyncpg.Connection, e: Envelope) -> None:
    d = e.data
    before = await conn.fetchrow("DELETE FROM br_members WHERE youth_id = $1 RETURNING district, joined_on",
                                 d["youth_id"])
    if before is not None:
        await _count_member(conn, before["district"], before["joined_on"], -1)
        await coverage.membership_changed(conn, d["youth_id"], -1)
    cancelled = await conn.fetch("UPDATE br_transfers SET status = 'CANCELLED', decided_on = $2 "
                                 "WHERE youth_id = $1 AND status = 'PENDING' RETURNING from_district, to_district",
                                 d["youth_id"], _d(d["ended_on"]))
    await _count_transfers(conn, cancelled, "PENDING", "CANCELLED")


# ---- organisations -------------------------------------------------------------------------------

_organisation_contacted = statement(
    "INSERT INTO br_organisations (organisation_id, name, kind, district, stage, contacted_on) "
    "VALUES ($1, $2, $3, $4, 'CONTACTED', $5)", "organisation_id", "name", "kind", "district", _day("contacted_on"))

_relationship_established = statement(
    "UPDATE br_organisations SET stage = 'WORKING' WHERE organisation_id = $1", "organisation_id")

_organisation_branch_founded = statement(
    "UPDATE br_organisations SET stage = 'BRANCH_FOUNDED', branch_id = $2 WHERE organisation_id = $1",
    "organisation_id", "branch_id")


# ---- meetings ------------------------------------------------------------------------------------

async def _meeting_held(conn: asyncpg.Connection, e: Envelope) -> None:
    d = e.data
    await conn.execute(
        "INSERT INTO br_meetings (meeting_id, branch_id, district, kind, held_on, topic, attendance) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7)", d["meeting_id"], d["branch_id"], d["district"], d["kind"],
        _d(d["held_on"]), d["topic"], len(field_of(d, "attendees", list, [])))


async def _attendance_recorded(conn: asyncpg.Connection, e: Envelope) -> None:
    await conn.execute("UPDATE br_meetings SET attendance = attendance + $2 WHERE meeting_id = $1",
                       e.data["meeting_id"], len(field_of(e.data, "attendees", list, [])))


# ---- the 22 measures -----------------------------------------------------------------------------

_milestone_added = statement(
    "INSERT INTO br_milestones (milestone_id, measure_id, title, due_on) VALUES ($1, $2, $3, $4)",
    "milestone_id", "measure_id", "title", _day("due_on"))

_milestone_completed = statement("UPDATE br_milestones SET completed_on = $2 WHERE milestone_id = $1",
                                 "milestone_id", _day("completed_on"))


# the joint meetings' topics have their own projection (joint_meetings.py); cv_in_branch is kept with the youth
# projection (coverage.py)
class BranchesProjection(Reading, name="gateway.branches", reads=(BRANCH, MEMBERSHIP, ORGANISATION, MEETING, MEASURE),
                         streams=("branch-", "membership-", "organisation-", "meeting-", "measure-"),
                         tables=("br_branches", "br_members", "br_applications", "br_transfers", "br_organisations",
                                 "br_meetings", "br_measures", "br_milestones", "br_contributions", "br_member_days",
                                 "br_application_counts", "br_transfer_counts", "cv_in_branch")):
    handlers = {
        BranchEvents.FOUNDED: _founded,
        BranchEvents.RENAMED: _renamed,
        BranchEvents.SECRETARY_ASSIGNED: _secretary_assigned,
        BranchEvents.DISSOLVED: _dissolved,
        MembershipEvents.APPLIED: _applied,
        MembershipEvents.APPROVED: _approved,
        MembershipEvents.REJECTED: _application_closed,
        MembershipEvents.APPLICATION_WITHDRAWN: _application_closed,
        MembershipEvents.JOINED_WITH_INVITATION: _joined_with_invitation,
        MembershipEvents.TRANSFER_REQUESTED: _transfer_requested,
        MembershipEvents.TRANSFER_APPROVED: _transfer_approved,
        MembershipEvents.TRANSFER_REJECTED: _transfer_rejected,
        MembershipEvents.TRANSFER_EXPIRED: _transfer_expired,
        MembershipEvents.ENDED: _ended,
        OrganisationEvents.CONTACTED: _organisation_contacted,
        OrganisationEvents.RELATIONSHIP_ESTABLISHED: _relationship_established,
        OrganisationEvents.BRANCH_FOUNDED: _organisation_branch_founded,
        MeetingEvents.HELD: _meeting_held,
        MeetingEvents.ATTENDANCE_RECORDED: _attendance_recorded,
        MeasureEvents.MILESTONE_ADDED: _milestone_added,
        MeasureEvents.MILESTONE_COMPLETED: _milestone_completed,
        **MEASURE_HANDLERS,
    }
