"""League organisation read model: branches, members, applications, transfers, organisations
contacted, meetings and the 22 measures, from the branches service's topics. Coverage joins the
members with the youth read model (gateway/views/youth.py) for the riders' and couriers' share."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import asyncpg

from chassis.envelope import Envelope
from chassis.settings import Settings

TOPICS = ("xq.branches.branch", "xq.branches.membership", "xq.branches.organisation", "xq.branches.meeting",
          "xq.branches.measure")
COVERED_SUBTYPES = ["DELIVERY_RIDER", "COURIER"]  # "share of registered riders and couriers in a branch"


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


class BranchesProjection:
    name = "gateway.branches"
    handles: tuple[str, ...] = ()  # TODO(issue 14, this session): the Dispatch table replaces it
    tables = ("br_branches", "br_members", "br_applications", "br_transfers", "br_organisations", "br_meetings",
              "br_measures", "br_milestones")
    stream_prefixes = ("branch-", "membership-", "organisation-", "meeting-", "measure-")

    def __init__(self, settings: Settings):
        self.topics = tuple(settings.topic(t) for t in TOPICS)
        self.handlers = {
            "xq.branches.branch.founded.v1": self._founded,
            "xq.branches.branch.renamed.v1": lambda c, d: c.execute(
                "UPDATE br_branches SET name = $2 WHERE branch_id = $1", d["branch_id"], d["name"]),
            "xq.branches.branch.secretary-assigned.v1": lambda c, d: c.execute(
                "UPDATE br_branches SET secretary_id = $2 WHERE branch_id = $1", d["branch_id"], d["secretary_id"]),
            "xq.branches.branch.dissolved.v1": lambda c, d: c.execute(
                "UPDATE br_branches SET status = 'DISSOLVED', dissolved_on = $2 WHERE branch_id = $1",
                d["branch_id"], _d(d["dissolved_on"])),
            "xq.branches.membership.applied.v1": lambda c, d: c.execute(
                "INSERT INTO br_applications (youth_id, branch_id, district, applied_on) VALUES ($1, $2, $3, $4) "
                "ON CONFLICT (youth_id) DO UPDATE SET branch_id = $2, district = $3, applied_on = $4",
                d["youth_id"], d["branch_id"], d["district"], _d(d["applied_on"])),
            "xq.branches.membership.approved.v1": self._approved,
            "xq.branches.membership.rejected.v1": self._application_closed,
            "xq.branches.membership.application-withdrawn.v1": self._application_closed,
            "xq.branches.membership.joined-with-invitation.v1": lambda c, d: self._member(
                c, d["youth_id"], d["branch_id"], d["district"], d["joined_on"], "INVITATION"),
            "xq.branches.membership.transfer-requested.v1": self._transfer_requested,
            "xq.branches.membership.transfer-approved.v1": self._transfer_approved,
            "xq.branches.membership.transfer-rejected.v1": lambda c, d: self._transfer_closed(
                c, d["transfer_id"], "REJECTED", d["rejected_on"]),
            "xq.branches.membership.transfer-expired.v1": lambda c, d: self._transfer_closed(
                c, d["transfer_id"], "EXPIRED", d["expired_on"]),
            "xq.branches.membership.ended.v1": self._ended,
            "xq.branches.organisation.contacted.v1": lambda c, d: c.execute(
                "INSERT INTO br_organisations (organisation_id, name, kind, district, stage, contacted_on) "
                "VALUES ($1, $2, $3, $4, 'CONTACTED', $5)", d["organisation_id"], d["name"], d["kind"],
                d["district"], _d(d["contacted_on"])),
            "xq.branches.organisation.relationship-established.v1": lambda c, d: c.execute(
                "UPDATE br_organisations SET stage = 'WORKING' WHERE organisation_id = $1", d["organisation_id"]),
            "xq.branches.organisation.branch-founded.v1": lambda c, d: c.execute(
                "UPDATE br_organisations SET stage = 'BRANCH_FOUNDED', branch_id = $2 WHERE organisation_id = $1",
                d["organisation_id"], d["branch_id"]),
            "xq.branches.meeting.held.v1": lambda c, d: c.execute(
                "INSERT INTO br_meetings (meeting_id, branch_id, district, kind, held_on, topic, attendance) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7)", d["meeting_id"], d["branch_id"], d["district"], d["kind"],
                _d(d["held_on"]), d["topic"], len(d["attendees"])),
            "xq.branches.meeting.attendance-recorded.v1": lambda c, d: c.execute(
                "UPDATE br_meetings SET attendance = attendance + $2 WHERE meeting_id = $1", d["meeting_id"],
                len(d["attendees"])),
            "xq.branches.measure.defined.v1": lambda c, d: c.execute(
                "INSERT INTO br_measures (measure_id, area, title, lead, partners, placeholder) "
                "VALUES ($1, $2, $3, $4, $5, $6)", d["measure_id"], d["area"], d["title"], d["lead"],
                d["partners"], d["placeholder"]),
            "xq.branches.measure.milestone-added.v1": lambda c, d: c.execute(
                "INSERT INTO br_milestones (milestone_id, measure_id, title, due_on) VALUES ($1, $2, $3, $4)",
                d["milestone_id"], d["measure_id"], d["title"], _d(d["due_on"])),
            "xq.branches.measure.milestone-completed.v1": lambda c, d: c.execute(
                "UPDATE br_milestones SET completed_on = $2 WHERE milestone_id = $1", d["milestone_id"],
                _d(d["completed_on"])),
            "xq.branches.measure.progress-reported.v1": lambda c, d: c.execute(
                "UPDATE br_measures SET percent = $2, last_note = $3, reported_on = $4 WHERE measure_id = $1",
                d["measure_id"], d["percent"], d["note"], _d(d["reported_on"])),
        }

    async def apply(self, conn: asyncpg.Connection, event: Envelope) -> None:
        handler = self.handlers.get(event.type)
        if handler is not None:  # events it does not show (invitation codes) are skipped
            await handler(conn, event.data)

    @staticmethod
    async def _founded(conn, d) -> None:
        await conn.execute(
            "INSERT INTO br_branches (branch_id, name, kind, district, organisation_id, founded_on) "
            "VALUES ($1, $2, $3, $4, $5, $6)", d["branch_id"], d["name"], d["kind"], d["district"],
            d.get("organisation_id"), _d(d["founded_on"]))

    @staticmethod
    async def _member(conn, youth_id, branch_id, district, joined_on, via) -> None:
        await conn.execute(
            "INSERT INTO br_members (youth_id, branch_id, district, joined_on, via) VALUES ($1, $2, $3, $4, $5) "
            "ON CONFLICT (youth_id) DO UPDATE SET branch_id = $2, district = $3, joined_on = $4, via = $5",
            youth_id, branch_id, district, _d(joined_on), via)

    async def _approved(self, conn, d) -> None:
        await conn.execute("DELETE FROM br_applications WHERE youth_id = $1", d["youth_id"])
        await self._member(conn, d["youth_id"], d["branch_id"], d["district"], d["joined_on"], "APPLICATION")

    @staticmethod
    async def _application_closed(conn, d) -> None:
        await conn.execute("DELETE FROM br_applications WHERE youth_id = $1", d["youth_id"])

    @staticmethod
    async def _transfer_requested(conn, d) -> None:
        await conn.execute(
            """INSERT INTO br_transfers (transfer_id, youth_id, from_branch_id, from_district, to_branch_id,
                                         to_district, initiated_by, requested_on, expires_on)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)""",
            d["transfer_id"], d["youth_id"], d["from_branch_id"], d["from_district"], d["to_branch_id"],
            d["to_district"], d["initiated_by"], _d(d["requested_on"]), _d(d["expires_on"]))

    async def _transfer_approved(self, conn, d) -> None:
        await self._transfer_closed(conn, d["transfer_id"], "APPROVED", d["approved_on"])
        await self._member(conn, d["youth_id"], d["to_branch_id"], d["to_district"], d["approved_on"], "TRANSFER")

    @staticmethod
    async def _transfer_closed(conn, transfer_id, status, on) -> None:
        await conn.execute("UPDATE br_transfers SET status = $2, decided_on = $3 WHERE transfer_id = $1",
                           transfer_id, status, _d(on))

    @staticmethod
    async def _ended(conn, d) -> None:
        await conn.execute("DELETE FROM br_members WHERE youth_id = $1", d["youth_id"])
        await conn.execute("UPDATE br_transfers SET status = 'CANCELLED', decided_on = $2 "
                           "WHERE youth_id = $1 AND status = 'PENDING'", d["youth_id"], _d(d["ended_on"]))


# ---- queries ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BranchCounts:
    branches: int
    by_kind: dict[str, int]
    by_district: dict[str, tuple[int, int]]  # district → (branches, members)
    members: int
    applications_pending: int
    riders_and_couriers: int
    riders_and_couriers_in_branch: int
    transfers_pending: int
    transfers_expired: int


async def branch_counts(conn: asyncpg.Connection, district: str | None) -> BranchCounts:
    kinds = await conn.fetch("SELECT kind, count(*)::int AS n FROM br_branches WHERE status = 'ACTIVE' "
                             "AND ($1::text IS NULL OR district = $1) GROUP BY kind", district)
    per_district = await conn.fetch(
        """SELECT d.district, coalesce(b.n, 0)::int AS branches, coalesce(m.n, 0)::int AS members
             FROM (SELECT district FROM br_branches WHERE status = 'ACTIVE' UNION SELECT district FROM br_members) d
             LEFT JOIN (SELECT district, count(*) AS n FROM br_branches WHERE status = 'ACTIVE' GROUP BY district) b
                    USING (district)
             LEFT JOIN (SELECT district, count(*) AS n FROM br_members GROUP BY district) m USING (district)
            WHERE $1::text IS NULL OR d.district = $1""", district)
    coverage = await conn.fetchrow(
        """SELECT count(*)::int AS registered, count(m.youth_id)::int AS in_branch
             FROM youth y LEFT JOIN br_members m USING (youth_id)
            WHERE y.subtype = ANY($2::text[]) AND y.status = 'ACTIVE' AND ($1::text IS NULL OR y.district = $1)""",
        district, COVERED_SUBTYPES)
    transfers = await conn.fetchrow(
        """SELECT count(*) FILTER (WHERE status = 'PENDING')::int AS pending,
                  count(*) FILTER (WHERE status = 'EXPIRED')::int AS expired
             FROM br_transfers WHERE $1::text IS NULL OR from_district = $1 OR to_district = $1""", district)
    applications = await conn.fetchval("SELECT count(*)::int FROM br_applications "
                                       "WHERE $1::text IS NULL OR district = $1", district)
    return BranchCounts(
        branches=sum(r["n"] for r in kinds), by_kind={r["kind"]: r["n"] for r in kinds},
        by_district={r["district"]: (r["branches"], r["members"]) for r in per_district},
        members=sum(r["members"] for r in per_district), applications_pending=applications,
        riders_and_couriers=coverage["registered"], riders_and_couriers_in_branch=coverage["in_branch"],
        transfers_pending=transfers["pending"], transfers_expired=transfers["expired"])


async def organisation_counts(conn: asyncpg.Connection, district: str | None) -> dict[str, Any]:
    rows = await conn.fetch("SELECT district, stage, count(*)::int AS n FROM br_organisations "
                            "WHERE $1::text IS NULL OR district = $1 GROUP BY district, stage", district)
    by_stage: dict[str, int] = {}
    by_district: dict[str, dict[str, int]] = {}
    for r in rows:
        by_stage[r["stage"]] = by_stage.get(r["stage"], 0) + r["n"]
        by_district.setdefault(r["district"], {})[r["stage"]] = r["n"]
    return {"by_stage": by_stage, "by_district": by_district}


def quarter_bounds(quarter: str) -> tuple[date, date]:
    year, q = int(quarter[:4]), int(quarter[-1])
    start = date(year, 3 * (q - 1) + 1, 1)
    end = date(year + (q == 4), (3 * q) % 12 + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


_COMPLIANCE = """
    SELECT b.branch_id, b.name, b.district,
           coalesce(bool_or(m.kind = 'GENERAL_MEETING'), false) AS general_meeting,
           count(DISTINCT date_trunc('month', m.held_on)) FILTER (WHERE m.kind = 'COMMITTEE_MEETING')::int
               AS committee_months,
           coalesce(bool_or(m.kind = 'LEAGUE_LECTURE'), false) AS league_lecture
      FROM br_branches b
      LEFT JOIN br_meetings m ON m.branch_id = b.branch_id AND m.held_on BETWEEN $2 AND $3
     WHERE b.status = 'ACTIVE' AND b.founded_on <= $3 AND ($1::text IS NULL OR b.district = $1)
     GROUP BY b.branch_id, b.name, b.district
"""


async def compliance_counts(conn: asyncpg.Connection, district: str | None, quarter: str) -> tuple[int, int]:
    """(branches that should have met in the quarter, compliant ones). Rules: services/branches/domain/meeting.py."""
    start, end = quarter_bounds(quarter)
    row = await conn.fetchrow(
        f"""SELECT count(*)::int AS total, count(*) FILTER (WHERE general_meeting AND committee_months = 3
                                                              AND league_lecture)::int AS compliant
              FROM ({_COMPLIANCE}) q""", district, start, end)
    return row["total"], row["compliant"]


async def compliance_page(conn: asyncpg.Connection, district: str | None, quarter: str, after: list | None,
                          limit: int) -> list:
    start, end = quarter_bounds(quarter)
    return await conn.fetch(f"SELECT * FROM ({_COMPLIANCE}) q WHERE $4::text IS NULL OR branch_id > $4 "
                            "ORDER BY branch_id LIMIT $5", district, start, end, after[0] if after else None, limit)


async def measure_rows(conn: asyncpg.Connection, area: str | None = None, after: list | None = None,
                       limit: int = 100) -> list:
    return await conn.fetch(
        """SELECT m.*, count(s.milestone_id)::int AS milestones, count(s.completed_on)::int AS milestones_done
             FROM br_measures m LEFT JOIN br_milestones s USING (measure_id)
            WHERE ($1::text IS NULL OR m.area = $1) AND ($2::text IS NULL OR m.measure_id > $2)
            GROUP BY m.measure_id ORDER BY m.measure_id LIMIT $3""", area, after[0] if after else None, limit)


async def branch_page(conn: asyncpg.Connection, *, district: str | None, kind: str | None, after: list | None,
                      limit: int) -> list:
    return await conn.fetch(
        """SELECT b.*, (SELECT count(*) FROM br_members m WHERE m.branch_id = b.branch_id)::int AS members
             FROM br_branches b
            WHERE ($1::text IS NULL OR b.district = $1) AND ($2::text IS NULL OR b.kind = $2)
              AND ($3::text IS NULL OR (b.district, b.name, b.branch_id) > ($3, $4, $5))
            ORDER BY b.district, b.name, b.branch_id LIMIT $6""",
        district, kind, *(after or (None, None, None)), limit)


async def member_page(conn: asyncpg.Connection, *, branch_id: str, after: list | None, limit: int) -> list:
    return await conn.fetch(
        """SELECT * FROM br_members WHERE branch_id = $1
              AND ($2::date IS NULL OR (joined_on, youth_id) > ($2, $3))
            ORDER BY joined_on, youth_id LIMIT $4""",
        branch_id, _d(after[0]) if after else None, after[1] if after else None, limit)


async def transfer_page(conn: asyncpg.Connection, *, district: str | None, status: str | None, after: list | None,
                        limit: int) -> list:
    return await conn.fetch(
        """SELECT * FROM br_transfers
            WHERE ($1::text IS NULL OR from_district = $1 OR to_district = $1) AND ($2::text IS NULL OR status = $2)
              AND ($3::date IS NULL OR (requested_on, transfer_id) > ($3, $4))
            ORDER BY requested_on, transfer_id LIMIT $5""",
        district, status, _d(after[0]) if after else None, after[1] if after else None, limit)


async def organisation_page(conn: asyncpg.Connection, *, district: str | None, without_branch: bool | None,
                            after: list | None, limit: int) -> list:
    return await conn.fetch(
        """SELECT * FROM br_organisations
            WHERE ($1::text IS NULL OR district = $1)
              AND ($2::boolean IS NULL OR (branch_id IS NULL) = $2)
              AND ($3::text IS NULL OR (district, name, organisation_id) > ($3, $4, $5))
            ORDER BY district, name, organisation_id LIMIT $6""",
        district, without_branch, *(after or (None, None, None)), limit)


async def branch_district(conn: asyncpg.Connection, branch_id: str) -> str | None:
    return await conn.fetchval("SELECT district FROM br_branches WHERE branch_id = $1", branch_id)


async def branches_by_id(conn: asyncpg.Connection, branch_ids: list[str]) -> list:
    """Many branches in one statement (the GraphQL DataLoader's batch: a page's related branches)."""
    return await conn.fetch(
        """SELECT b.*, (SELECT count(*) FROM br_members m WHERE m.branch_id = b.branch_id)::int AS members
             FROM br_branches b WHERE b.branch_id = ANY($1::text[])""", branch_ids)


@dataclass(frozen=True)
class PeriodCounts:
    branches_founded: int
    members_joined: int
    transfers_requested: int
    transfers_expired: int
    organisations_contacted: int
    meetings: int
    meeting_attendance: int
    milestones_completed: int


def _within(column: str, first: int) -> str:
    """`column` lies within the optional bounds $first and $first+1 (null: open on that side)."""
    return f"(${first}::date IS NULL OR {column} >= ${first}) AND (${first + 1}::date IS NULL OR {column} <= ${first + 1})"


async def period_counts(conn: asyncpg.Connection, district: str | None, date_from: date | None,
                        date_to: date | None) -> PeriodCounts:
    """What happened within the dashboard's date range, by the date each read model keeps: founded_on,
    joined_on (members who have since left are no longer in the read model), requested_on and the
    expiry's decided_on, contacted_on, held_on and the milestones' completed_on (measures are city-wide)."""
    row = await conn.fetchrow(
        f"""SELECT
              (SELECT count(*) FROM br_branches WHERE ($1::text IS NULL OR district = $1)
                  AND {_within('founded_on', 2)})::int AS branches_founded,
              (SELECT count(*) FROM br_members WHERE ($1::text IS NULL OR district = $1)
                  AND {_within('joined_on', 2)})::int AS members_joined,
              (SELECT count(*) FROM br_transfers WHERE ($1::text IS NULL OR from_district = $1 OR to_district = $1)
                  AND {_within('requested_on', 2)})::int AS transfers_requested,
              (SELECT count(*) FROM br_transfers WHERE ($1::text IS NULL OR from_district = $1 OR to_district = $1)
                  AND status = 'EXPIRED' AND {_within('decided_on', 2)})::int AS transfers_expired,
              (SELECT count(*) FROM br_organisations WHERE ($1::text IS NULL OR district = $1)
                  AND {_within('contacted_on', 2)})::int AS organisations_contacted,
              (SELECT count(*) FROM br_meetings WHERE ($1::text IS NULL OR district = $1)
                  AND {_within('held_on', 2)})::int AS meetings,
              (SELECT coalesce(sum(attendance), 0) FROM br_meetings WHERE ($1::text IS NULL OR district = $1)
                  AND {_within('held_on', 2)})::int AS meeting_attendance,
              (SELECT count(*) FROM br_milestones WHERE completed_on IS NOT NULL
                  AND {_within('completed_on', 2)})::int AS milestones_completed""",
        district, date_from, date_to)
    return PeriodCounts(**dict(row))


async def memberships_by_youth(conn: asyncpg.Connection, youth_ids: list[str]) -> list:
    """The current branch of many youth in one statement (a page of youth with their branches)."""
    return await conn.fetch("SELECT youth_id, branch_id FROM br_members WHERE youth_id = ANY($1::text[])", youth_ids)
