"""Reads of the league organisation read model (filled by gateway/projections/branches.py): the
dashboard's figures, the paginated lists and the batched lookups of related branches. Members,
applications, transfers and the riders' and couriers' coverage are kept counters (gateway/projections/coverage.py and
branches.py): no figure counts people or members one by one."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import asyncpg

from ..projections.coverage import COVERED_SUBTYPES


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


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
             FROM (SELECT district FROM br_branches WHERE status = 'ACTIVE' UNION SELECT district FROM br_member_days) d
             LEFT JOIN (SELECT district, count(*) AS n FROM br_branches WHERE status = 'ACTIVE' GROUP BY district) b
                    USING (district)
             LEFT JOIN (SELECT district, sum(n) AS n FROM br_member_days GROUP BY district) m USING (district)
            WHERE ($1::text IS NULL OR d.district = $1) AND (b.n > 0 OR m.n > 0)""", district)
    coverage = await conn.fetchrow(
        """SELECT (SELECT coalesce(sum(count), 0) FROM youth_counts
                    WHERE subtype = ANY($2::text[]) AND ($1::text IS NULL OR district = $1))::int AS registered,
                  (SELECT coalesce(sum(n), 0) FROM cv_in_branch WHERE $1::text IS NULL OR district = $1)::int
                      AS in_branch""", district, list(COVERED_SUBTYPES))
    transfers = await conn.fetchrow(
        """SELECT coalesce(sum(n) FILTER (WHERE status = 'PENDING'), 0)::int AS pending,
                  coalesce(sum(n) FILTER (WHERE status = 'EXPIRED'), 0)::int AS expired
             FROM br_transfer_counts WHERE district = coalesce($1::text, '')""", district)
    applications = await conn.fetchval("SELECT coalesce(sum(n), 0)::int FROM br_application_counts "
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


async def member_page(conn: asyncpg.Connection, *, branch_id: str, district: str | None, after: list | None,
                      limit: int) -> list:
    """A branch's members within `district` (None: city-wide). Filtered here, on each member's own district, so
    that a district caller never reads another district's members, also while the branch row is not projected
    yet (its membership events may be applied first) and the resolver has no branch district to check."""
    return await conn.fetch(
        """SELECT * FROM br_members WHERE branch_id = $1 AND ($5::text IS NULL OR district = $5)
              AND ($2::date IS NULL OR (joined_on, youth_id) > ($2, $3))
            ORDER BY joined_on, youth_id LIMIT $4""",
        branch_id, _date(after[0]) if after else None, after[1] if after else None, limit, district)


async def transfer_page(conn: asyncpg.Connection, *, district: str | None, status: str | None, after: list | None,
                        limit: int) -> list:
    return await conn.fetch(
        """SELECT * FROM br_transfers
            WHERE ($1::text IS NULL OR from_district = $1 OR to_district = $1) AND ($2::text IS NULL OR status = $2)
              AND ($3::date IS NULL OR (requested_on, transfer_id) > ($3, $4))
            ORDER BY requested_on, transfer_id LIMIT $5""",
        district, status, _date(after[0]) if after else None, after[1] if after else None, limit)


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
              (SELECT coalesce(sum(n), 0) FROM br_member_days WHERE ($1::text IS NULL OR district = $1)
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
