"""The stations service's own query tables. Written in the same transaction as the events they
follow (so they are never behind, see commands.py): idempotency keys of service records, the
sensitive part of health records and appeals, the open appeal and case deadlines the scheduled process
scans, whose each case is, the audit of case reads, and a young person's own bookings, enrolments, ratings,
cases and services received (what `me` and their export list). Written from the registry's events
(projections.py): who may be named on a service record; erasure shreds the keys of the person's cases."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import asyncpg

from chassis.auth import Principal

from .domain.activity import ActivityState
from .domain.appeal import AppealState
from .domain.appeal import stream_id as appeal_stream_id
from .domain.case import OPEN_STATES, CaseState, stream_id
from .domain.incubation import ApplyForProject
from .domain.incubation import stream_id as project_stream_id
from .domain.internship import InternshipState
from .domain.volunteering import ShiftState


async def claim_record_keys(conn: asyncpg.Connection, station_id: str,
                            keys: list[tuple[str, str, str]]) -> set[str]:
    """Insert (key, record_id, stream_id) rows; the keys that were new. Repeats (an upload retried,
    or sent again the next day) are not new. Concurrent uploads of the same key wait on the row lock
    and the loser sees it as a repeat."""
    rows = await conn.fetch(
        """INSERT INTO service_record_keys (station_id, idempotency_key, record_id, stream_id)
           SELECT $1, k, r, s FROM unnest($2::text[], $3::text[], $4::text[]) AS t(k, r, s)
           ON CONFLICT DO NOTHING RETURNING idempotency_key""",
        station_id, [k for k, _, _ in keys], [r for _, r, _ in keys], [s for _, _, s in keys])
    return {r["idempotency_key"] for r in rows}


async def keep_health_subjects(conn: asyncpg.Connection, subjects: list[tuple[str, str]]) -> None:
    if subjects:
        await conn.executemany("INSERT INTO health_record_subjects (record_id, youth_id) VALUES ($1, $2) "
                               "ON CONFLICT DO NOTHING", subjects)


async def keep_appeal_details(conn: asyncpg.Connection, appeal_id: str, sealed: bytes) -> None:
    """The citizen's words, address and location, sealed with the appeal's key (commands.import_appeal)."""
    await conn.execute("INSERT INTO appeal_details (appeal_id, sealed) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                       appeal_id, sealed)


async def appeal_details(conn: asyncpg.Connection, appeal_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT description, address, lat, lon, sealed FROM appeal_details "
                               "WHERE appeal_id = $1", appeal_id)


# Staff reads of sealed personal texts, audited (who, roles, district, what, why; never the text): each
# audit table with the column naming what was read.
READ_AUDITS = {"appeal_reads": "appeal_id", "case_reads": "case_id", "role_model_reads": "nomination_id",
               "project_reads": "project_id"}


async def audit_reads(conn: asyncpg.Connection, table: str, who: Principal, ids: list[str], purpose: str) -> None:
    """One audit row per id read, in one statement."""
    await conn.execute(f"INSERT INTO {table} (actor, roles, district, {READ_AUDITS[table]}, purpose) "
                       "SELECT $1, $2, $3, unnest($4::text[]), $5", who.subject, sorted(who.roles), who.district,
                       ids, purpose)


async def count_categorised(conn: asyncpg.Connection, moved: list[tuple[str | None, str, str, str]]) -> None:
    """(previous, category, district, week) of each categorisation: one appeal leaves its previous
    category's count (if any) and joins the new one's, in the command's transaction."""
    for previous, category, district, week in moved:
        if previous is not None:
            await conn.execute("UPDATE appeal_week_counts SET count = count - 1 "
                               "WHERE week = $1 AND category = $2 AND district = $3", week, previous, district)
        await conn.execute("INSERT INTO appeal_week_counts (category, district, week, count) VALUES ($1, $2, $3, 1) "
                           "ON CONFLICT (week, category, district) DO UPDATE SET count = appeal_week_counts.count + 1",
                           category, district, week)


async def week_counts(conn: asyncpg.Connection, week: str, min_count: int) -> list[asyncpg.Record]:
    """The (category, district) pairs with at least `min_count` appeals in `week`: the hot-topic candidates."""
    return await conn.fetch("SELECT category, district, count FROM appeal_week_counts "
                            "WHERE week = $1 AND count >= $2 ORDER BY category, district", week, min_count)


async def counts_in(conn: asyncpg.Connection, category: str, district: str, weeks: list[str]) -> list[int]:
    """The pair's count in each of `weeks`, in that order (0 for a week without appeals)."""
    rows = await conn.fetch("SELECT week, count FROM appeal_week_counts WHERE category = $1 AND district = $2 "
                            "AND week = ANY($3::text[])", category, district, weeks)
    found = {r["week"]: r["count"] for r in rows}
    return [found.get(w, 0) for w in weeks]


async def _open_deadlines(conn: asyncpg.Connection, table: str, key: tuple[str, str], **dues: datetime | None) -> None:
    """Keep an aggregate's row of a deadlines table (`key`: its column and id) in step with the aggregate:
    the row holds the deadlines still open (None: met, closed or marked overdue) and is gone once none is,
    so the scheduled marking scans open deadlines only."""
    column, value = key
    if all(due is None for due in dues.values()):
        await conn.execute(f"DELETE FROM {table} WHERE {column} = $1", value)
        return
    places = [f"${n}" for n in range(2, len(dues) + 2)]
    await conn.execute(f"INSERT INTO {table} ({column}, {', '.join(dues)}) VALUES ($1, {', '.join(places)}) "
                       f"ON CONFLICT ({column}) DO UPDATE SET "
                       + ", ".join(f"{name} = {place}" for name, place in zip(dues, places, strict=True)),
                       value, *dues.values())


async def track_governance(conn: asyncpg.Connection, item_id: str, due_at: datetime | None) -> None:
    """Mirror an item's open deadline (None once it is done or marked overdue)."""
    await _open_deadlines(conn, "governance_deadlines", ("item_id", item_id), due_at=due_at)


async def overdue_governance(conn: asyncpg.Connection, now: datetime, limit: int = 500) -> list[str]:
    rows = await conn.fetch("SELECT item_id FROM governance_deadlines WHERE due_at < $1 ORDER BY due_at LIMIT $2",
                            now, limit)
    return [r["item_id"] for r in rows]


async def track_deadlines(conn: asyncpg.Connection, state: AppealState) -> None:
    """Mirror the appeal's open deadlines after a change (state folded with the new events)."""
    contact = None if state.contacted or state.contact_overdue else state.contact_due
    resolve = None if state.resolved or state.resolution_overdue else state.resolve_due
    await _open_deadlines(conn, "appeal_deadlines", ("appeal_id", state.appeal_id), contact_due=contact,
                          resolve_due=resolve)


async def track_case(conn: asyncpg.Connection, state: CaseState) -> None:
    """Mirror the case's open deadlines and its youth after a change (state folded with the new events)."""
    open_ = state.status in OPEN_STATES
    first = None if state.responded or state.first_response_overdue or not open_ else state.first_response_due
    resolve = None if state.resolution_overdue or not open_ else state.resolve_due
    await _open_deadlines(conn, "case_deadlines", ("case_id", state.case_id), first_response_due=first,
                          resolve_due=resolve)
    if state.youth_id:
        await conn.execute("INSERT INTO case_subjects (case_id, youth_id, appeal_id) VALUES ($1, $2, $3) "
                           "ON CONFLICT DO NOTHING", state.case_id, state.youth_id, state.appeal_id)


async def keep_own_case(conn: asyncpg.Connection, state: CaseState, opened: bool) -> None:
    """Mirror a case that names its youth among that person's own cases: inserted when it is opened, only
    updated afterwards (after the person's erasure a staff step on the case must not list it again)."""
    if not state.youth_id or state.opened_at is None:
        return
    if opened:
        await conn.execute(
            """INSERT INTO youth_cases (case_id, youth_id, source, category, urgency, district, status, opened_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING""",
            state.case_id, state.youth_id, state.source, state.category, state.urgency, state.district,
            state.status, state.opened_at)
    else:
        await conn.execute(
            """UPDATE youth_cases SET category = $2, urgency = $3, status = $4, agency = $5, outcome = $6,
               rating = $7, agency_status = $8 WHERE case_id = $1""",
            state.case_id, state.category, state.urgency, state.status, state.agency, state.outcome, state.rating,
            state.agency_status)


async def overdue_cases(conn: asyncpg.Connection, now: datetime, limit: int = 500) -> list[str]:
    rows = await conn.fetch(
        "SELECT case_id FROM case_deadlines WHERE first_response_due < $1 OR resolve_due < $1 "
        "ORDER BY least(first_response_due, resolve_due) LIMIT $2", now, limit)
    return [r["case_id"] for r in rows]


async def case_reads(conn: asyncpg.Connection, case_id: str) -> list[asyncpg.Record]:
    return await conn.fetch("SELECT at, actor, roles, purpose FROM case_reads WHERE case_id = $1 ORDER BY id",
                            case_id)


async def overdue_appeals(conn: asyncpg.Connection, now: datetime, limit: int = 500) -> list[str]:
    rows = await conn.fetch(
        "SELECT appeal_id FROM appeal_deadlines WHERE contact_due < $1 OR resolve_due < $1 "
        "ORDER BY least(contact_due, resolve_due) LIMIT $2", now, limit)
    return [r["appeal_id"] for r in rows]


# ---- registered youth, as the registry last said (written by projections.KnownYouthProjection) ----

async def add_known_youth(conn: asyncpg.Connection, youth_id: str, service_records: bool) -> None:
    await conn.execute("INSERT INTO known_youth (youth_id, service_records) VALUES ($1, $2) "
                       "ON CONFLICT (youth_id) DO NOTHING", youth_id, service_records)


async def set_service_records_consent(conn: asyncpg.Connection, youth_id: str, given: bool) -> None:
    await conn.execute("UPDATE known_youth SET service_records = $2 WHERE youth_id = $1", youth_id, given)


async def set_known_youth_active(conn: asyncpg.Connection, youth_id: str, active: bool) -> None:
    await conn.execute("UPDATE known_youth SET active = $2 WHERE youth_id = $1", youth_id, active)


# ---- a young person's own lists: what `me` and their export show, and what their erasure deletes -----

@dataclass(frozen=True)
class OwnList:
    """One of the tables that hold a person's own rows (keyed by youth_id): the columns the person is shown,
    in the order they are listed. Erasure deletes from every one of OWN_LISTS, the export reads them all."""
    table: str
    columns: str
    order: str


BOOKINGS = OwnList("youth_bookings", "event_id, title, starts_at", "starts_at, event_id")
ENROLMENTS = OwnList("youth_enrolments", "programme_id, name, enrolled_on", "enrolled_on, programme_id")
RATINGS = OwnList("youth_ratings", "station_id, rated_on, score, comment", "rated_on, station_id")
SERVICES = OwnList("youth_services", "record_id, station_id, service_type, delivered_on", "delivered_on, record_id")
CASES = OwnList("youth_cases", "case_id, source, category, urgency, district, status, opened_at, agency, "
                "agency_status, outcome, rating", "opened_at DESC, case_id")  # newest first
VOLUNTEERING = OwnList("youth_volunteer_hours", "shift_id, district, station_id, event_id, day, minutes",
                       "day, shift_id")
PROJECTS = OwnList("youth_projects", "project_id, station_id, district, title, field, status, applied_at",
                   "applied_at DESC, project_id")  # newest first
INTERNSHIPS = OwnList("youth_internship_applications", "application_id, internship_id, station_id, district, company, "
                      "title, note, status, reason, applied_at, decided_at", "applied_at DESC, application_id")
OWN_LISTS = (BOOKINGS, ENROLMENTS, RATINGS, SERVICES, CASES, VOLUNTEERING, PROJECTS, INTERNSHIPS)


async def own_rows(conn: asyncpg.Connection, own: OwnList, youth_id: str) -> list[asyncpg.Record]:
    return await conn.fetch(f"SELECT {own.columns} FROM {own.table} WHERE youth_id = $1 ORDER BY {own.order}",
                            youth_id)


async def forget_youth(conn: asyncpg.Connection, youth_id: str) -> list[str]:
    """Erasure: the person is no longer known here, nor who received health services at our stations.
    Returns the key subjects of their cases, of the 12345 appeals those came from (the appeal's words and
    address are theirs) and of their incubation projects (their summaries), which the caller shreds in the key
    store: every copy of those words is then unreadable, while the cases, appeals and projects still count."""
    await conn.execute("DELETE FROM known_youth WHERE youth_id = $1", youth_id)
    await conn.execute("DELETE FROM health_record_subjects WHERE youth_id = $1", youth_id)
    cases = await conn.fetch("SELECT case_id, appeal_id FROM case_subjects WHERE youth_id = $1", youth_id)
    projects = await conn.fetch("SELECT project_id FROM youth_projects WHERE youth_id = $1", youth_id)
    # certificates keep their numbers (issued is a fact), not whose they were
    await conn.execute("UPDATE volunteer_certificates SET youth_id = NULL WHERE youth_id = $1", youth_id)
    for own in OWN_LISTS:
        await conn.execute(f"DELETE FROM {own.table} WHERE youth_id = $1", youth_id)
    return ([stream_id(r["case_id"]) for r in cases] + [appeal_stream_id(r["appeal_id"]) for r in cases if r["appeal_id"]]
            + [project_stream_id(r["project_id"]) for r in projects])


async def known_youth(conn: asyncpg.Connection, youth_id: str) -> bool:
    """Whether the registry has said `youth_id` is registered and not erased (active or not)."""
    return bool(await conn.fetchval("SELECT true FROM known_youth WHERE youth_id = $1", youth_id))


async def active_youth(conn: asyncpg.Connection, youth_id: str) -> bool:
    """Whether the registry last said `youth_id` is registered and active (not deactivated, merged or erased)."""
    return bool(await conn.fetchval("SELECT active FROM known_youth WHERE youth_id = $1", youth_id))


async def consenting_youth(conn: asyncpg.Connection, youth_ids: set[str]) -> set[str]:
    """Of `youth_ids`, those who may be named on a service record."""
    if not youth_ids:
        return set()
    rows = await conn.fetch("SELECT youth_id FROM known_youth WHERE youth_id = ANY($1::text[]) "
                            "AND active AND service_records", list(youth_ids))
    return {r["youth_id"] for r in rows}


# ---- keeping a young person's own bookings, enrolments, ratings and services received --------------

async def keep_booking(conn: asyncpg.Connection, youth_id: str, event: ActivityState) -> None:
    """Mirror whether `youth_id` holds a place at `event` (state after the command)."""
    if youth_id in event.registered and event.title is not None and event.starts_at is not None:
        await conn.execute("INSERT INTO youth_bookings (youth_id, event_id, title, starts_at) VALUES ($1, $2, $3, $4) "
                           "ON CONFLICT DO NOTHING", youth_id, event.event_id, event.title, event.starts_at)
    else:
        await conn.execute("DELETE FROM youth_bookings WHERE youth_id = $1 AND event_id = $2", youth_id, event.event_id)


async def keep_enrolment(conn: asyncpg.Connection, youth_id: str, programme_id: str, name: str,
                         enrolled_on: date) -> None:
    await conn.execute("INSERT INTO youth_enrolments (youth_id, programme_id, name, enrolled_on) "
                       "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING", youth_id, programme_id, name, enrolled_on)


async def keep_rating(conn: asyncpg.Connection, youth_id: str, station_id: str, on: date, score: int,
                      comment: str | None) -> None:
    await conn.execute("INSERT INTO youth_ratings (youth_id, station_id, rated_on, score, comment) "
                       "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING", youth_id, station_id, on, score, comment)


async def keep_services(conn: asyncpg.Connection, rows: list[tuple[str, str, str, str, date]]) -> None:
    """(youth_id, record_id, station_id, service_type, delivered_on) of records that name their youth."""
    if rows:
        await conn.executemany("INSERT INTO youth_services (youth_id, record_id, station_id, service_type, "
                               "delivered_on) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING", rows)


# ---- volunteer hours (domain/volunteering.py) ------------------------------------------------------

async def keep_volunteer_hours(conn: asyncpg.Connection, shift: ShiftState, youth_id: str, first: bool) -> None:
    """Mirror the person's hours on `shift` (state after the command): inserted when first recorded, only
    updated by a correction (after the person's erasure a correction must not list them again)."""
    minutes = shift.recorded(youth_id)
    if minutes is None:
        return
    if first:
        await conn.execute(
            """INSERT INTO youth_volunteer_hours (youth_id, shift_id, district, station_id, event_id, day, minutes)
               VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING""",
            youth_id, shift.shift_id, shift.district, shift.station_id, shift.event_id, shift.day, minutes)
    else:
        await conn.execute("UPDATE youth_volunteer_hours SET minutes = $3 WHERE youth_id = $1 AND shift_id = $2",
                           youth_id, shift.shift_id, minutes)


async def issue_certificate(conn: asyncpg.Connection, youth_id: str, minutes: int, at: datetime) -> int:
    """A new certificate number for the person's `minutes` of service."""
    return await conn.fetchval("INSERT INTO volunteer_certificates (youth_id, minutes, issued_at) "
                               "VALUES ($1, $2, $3) RETURNING number", youth_id, minutes, at)


# ---- 筑梦空间 projects (domain/incubation.py) --------------------------------------------------------

async def keep_project_applied(conn: asyncpg.Connection, c: ApplyForProject) -> None:
    """A project among its applicant's own (its status then follows: keep_project_status)."""
    await conn.execute(
        """INSERT INTO youth_projects (youth_id, project_id, station_id, district, title, field, status, applied_at)
           VALUES ($1, $2, $3, $4, $5, $6, 'APPLIED', $7) ON CONFLICT DO NOTHING""",
        c.youth_id, c.project_id, c.station_id, c.district, c.title.strip(), c.field, c.at)


async def keep_project_status(conn: asyncpg.Connection, project_id: str, status: str) -> None:
    """After the applicant's erasure there is no row to update, and none comes back."""
    await conn.execute("UPDATE youth_projects SET status = $2 WHERE project_id = $1", project_id, status)


# ---- applications for internships (domain/internship.py) ---------------------------------------------

async def keep_internship_application(conn: asyncpg.Connection, offer: InternshipState, application_id: str,
                                      youth_id: str, note: str | None, at: datetime) -> None:
    await conn.execute("INSERT INTO internship_applications (application_id, internship_id) VALUES ($1, $2) "
                       "ON CONFLICT DO NOTHING", application_id, offer.internship_id)
    await conn.execute(
        """INSERT INTO youth_internship_applications (application_id, youth_id, internship_id, station_id, district,
           company, title, note, status, applied_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'PENDING', $9)
           ON CONFLICT DO NOTHING""",
        application_id, youth_id, offer.internship_id, offer.station_id, offer.district, offer.company, offer.title,
        note.strip() if note else None, at)


async def keep_application_outcomes(conn: asyncpg.Connection, before: InternshipState, after: InternshipState,
                                    reason: str | None, at: datetime) -> None:
    """The applications whose status the step moved (after the person's erasure there is no row to update)."""
    moved = [(aid, a.status.value) for aid, a in after.applications.items()
             if aid in before.applications and before.applications[aid].status is not a.status]
    if moved:
        await conn.executemany("UPDATE youth_internship_applications SET status = $2, reason = $3, decided_at = $4 "
                               "WHERE application_id = $1", [(aid, status, reason, at) for aid, status in moved])


async def pending_applications_of(conn: asyncpg.Connection, youth_id: str) -> list[asyncpg.Record]:
    return await conn.fetch("SELECT application_id, internship_id FROM youth_internship_applications "
                            "WHERE youth_id = $1 AND status = 'PENDING' ORDER BY application_id", youth_id)


async def application_offer(conn: asyncpg.Connection, application_id: str) -> str | None:
    return await conn.fetchval("SELECT internship_id FROM internship_applications WHERE application_id = $1",
                               application_id)


async def offer_applications(conn: asyncpg.Connection, internship_id: str, after: list[str] | None,
                             limit: int) -> list[asyncpg.Record]:
    """A page of an offer's applications, oldest first (keyset on applied_at, application_id)."""
    return await conn.fetch(
        f"SELECT youth_id, {INTERNSHIPS.columns} FROM youth_internship_applications WHERE internship_id = $1 "
        "AND ($2::text IS NULL OR (applied_at, application_id) > ($2::timestamptz, $3)) "
        "ORDER BY applied_at, application_id LIMIT $4",
        internship_id, after[0] if after else None, after[1] if after else None, limit)
