"""Stations read models: stations, person-times, programmes, events, appeals, from the stations
service's topics (their reads: gateway/tables/stations.py).

Person-times are counters per (station, service type, Beijing month): tens of millions of records
become a few hundred thousand rows, rolled up again for the dashboard (per district × type × month, per
station × month) and the appeals' figures kept as counters (appeal_figures.py), all in the same transaction.
Health-related records arrive without a youth id (counts only).
"""
from __future__ import annotations

import asyncpg

from chassis.dispatch import Dispatch, statement
from chassis.envelope import Envelope
from contracts.stations import (
    GOVERNANCE,
    TOPICS,
    ActivityEvents,
    AppealEvents,
    ProgrammeEvents,
    ServiceEvents,
    StationEvents,
)

from .appeal_figures import kept
from .programme_figures import kept as enrolment_kept
from .reading import Reading
from .stations_daily import person_time_sums

# ---- stations and person-times -------------------------------------------------------------------

_station_created = statement(
    """INSERT INTO st_stations (station_id, kind, name, district, address, lat, lon, operator, opening_hours,
                                services, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'OPEN')""",
    "station_id", "kind", "name", "district", "address", "lat", "lon", "operator", "opening_hours", "services")

_station_status_changed = statement("UPDATE st_stations SET status = $2 WHERE station_id = $1",
                                    "station_id", "status")

_station_services_changed = statement("UPDATE st_stations SET services = $2 WHERE station_id = $1",
                                      "station_id", "services")


async def _service_delivered(conn: asyncpg.Connection, e: Envelope) -> None:
    d = e.data
    await conn.execute(
        """INSERT INTO st_service_counts (station_id, service_type, month, district, station_kind, count, registered)
           VALUES ($1, $2, $3, $4, $5, 1, $6)
           ON CONFLICT (station_id, service_type, month) DO UPDATE
           SET count = st_service_counts.count + 1, registered = st_service_counts.registered + $6""",
        d["station_id"], d["service_type"], d["delivered_on"][:7], d["district"], d["station_kind"],
        int(d["registered"]))
    # the dashboard's roll-ups, in the same transaction (issue 21): per district × type × month, per station × month
    await conn.execute(
        """INSERT INTO st_pt_district (district, service_type, month, count, registered) VALUES ($1, $2, $3, 1, $4)
           ON CONFLICT (district, service_type, month) DO UPDATE
           SET count = st_pt_district.count + 1, registered = st_pt_district.registered + $4""",
        d["district"], d["service_type"], d["delivered_on"][:7], int(d["registered"]))
    await conn.execute(
        """INSERT INTO st_pt_station (station_id, month, district, count) VALUES ($1, $2, $3, 1)
           ON CONFLICT (station_id, month) DO UPDATE SET count = st_pt_station.count + 1""",
        d["station_id"], d["delivered_on"][:7], d["district"])


async def _services_delivered(conn: asyncpg.Connection, events: list[Envelope]) -> None:
    """`_service_delivered` for a run of person-times (a station's batch, a busy day): each of the three
    counters summed per key first, then one upsert per table for the whole run."""
    counts = person_time_sums(events, lambda day: day[:7])  # (station, type, month) -> [district, kind, n, registered]
    by_district: dict[tuple[str, str, str], list[int]] = {}
    by_station: dict[tuple[str, str], list] = {}
    for (station, service, month), (district, _, n, registered) in counts.items():
        sums = by_district.setdefault((district, service, month), [0, 0])
        sums[0] += n
        sums[1] += registered
        by_station.setdefault((station, month), [district, 0])[1] += n
    keys, rows = list(counts), list(counts.values())
    await conn.execute(
        """INSERT INTO st_service_counts (station_id, service_type, month, district, station_kind, count, registered)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[])
           ON CONFLICT (station_id, service_type, month) DO UPDATE
           SET count = st_service_counts.count + EXCLUDED.count,
               registered = st_service_counts.registered + EXCLUDED.registered""",
        [k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys], [r[0] for r in rows], [r[1] for r in rows],
        [r[2] for r in rows], [r[3] for r in rows])
    await conn.execute(
        """INSERT INTO st_pt_district (district, service_type, month, count, registered)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[])
           ON CONFLICT (district, service_type, month) DO UPDATE
           SET count = st_pt_district.count + EXCLUDED.count, registered = st_pt_district.registered + EXCLUDED.registered""",
        [k[0] for k in by_district], [k[1] for k in by_district], [k[2] for k in by_district],
        [v[0] for v in by_district.values()], [v[1] for v in by_district.values()])
    await conn.execute(
        """INSERT INTO st_pt_station (station_id, month, district, count)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[])
           ON CONFLICT (station_id, month) DO UPDATE SET count = st_pt_station.count + EXCLUDED.count""",
        [k[0] for k in by_station], [k[1] for k in by_station], [v[0] for v in by_station.values()],
        [v[1] for v in by_station.values()])


# ---- programmes ----------------------------------------------------------------------------------

_programme_created = statement("INSERT INTO st_programmes (programme_id, name, kind, district, starts_on) "
                               "VALUES ($1, $2, $3, $4, $5::text::date)",
                               "programme_id", "name", "kind", "district", "starts_on")

_programme_session_added = statement("UPDATE st_programmes SET sessions = sessions + 1 WHERE programme_id = $1",
                                     "programme_id")

_programme_enrolled = statement("INSERT INTO st_enrolments (programme_id, youth_id, district, enrolled_on) "
                                "VALUES ($1, $2, $3, $4::text::date)",
                                "programme_id", "youth_id", "district", "enrolled_on")

_programme_session_attended = statement(
    "UPDATE st_enrolments SET attended = attended + 1 WHERE programme_id = $1 AND youth_id = $2",
    "programme_id", "youth_id")

_programme_exam_result_recorded = statement(
    "UPDATE st_enrolments SET result = $3 WHERE programme_id = $1 AND youth_id = $2", "programme_id", "youth_id", "result")


async def _programme_scholarship_paid(conn: asyncpg.Connection, e: Envelope) -> None:
    d = e.data
    await conn.execute("UPDATE st_enrolments SET scholarship = $3::text::numeric, paid_on = $4::text::date "
                       "WHERE programme_id = $1 AND youth_id = $2",
                       d["programme_id"], d["youth_id"], str(d["amount"]), d["paid_on"])


# ---- events (activities) -------------------------------------------------------------------------

async def _event_scheduled(conn: asyncpg.Connection, e: Envelope) -> None:
    d = e.data
    await conn.execute("INSERT INTO st_events (event_id, kind, title, district, starts_at, capacity, station_id) "
                       "VALUES ($1, $2, $3, $4, $5::text::timestamptz, $6, $7)",
                       d["event_id"], d["kind"], d["title"], d["district"], d["starts_at"], d["capacity"],
                       d.get("station_id"))


_event_registered = statement("UPDATE st_events SET registered = registered + 1 WHERE event_id = $1", "event_id")

_event_registration_cancelled = statement("UPDATE st_events SET registered = registered - 1 WHERE event_id = $1",
                                          "event_id")

_event_attended = statement("UPDATE st_events SET attended = attended + 1 WHERE event_id = $1", "event_id")


# ---- appeals -------------------------------------------------------------------------------------

_appeal_imported = statement(
    """INSERT INTO st_appeals (appeal_id, service_request_id, service_name, tier, district, received_at,
                               contact_due, resolve_due, status)
       VALUES ($1, $2, $3, $4, $5, $6::text::timestamptz, $7::text::timestamptz, $8::text::timestamptz,
               'RECEIVED')""",
    "appeal_id", "service_request_id", "service_name", "tier", "district", "received_at", "contact_due", "resolve_due")

_appeal_categorised = statement("UPDATE st_appeals SET category = $2, week = $3 WHERE appeal_id = $1",
                                "appeal_id", "category", "week")

_appeal_dispatched = statement("UPDATE st_appeals SET status = 'DISPATCHED', unit = $2, dispatched_at = "
                               "$3::text::timestamptz, month = $4 WHERE appeal_id = $1",
                               "appeal_id", "unit", "dispatched_at", "month")

_appeal_contacted = statement("UPDATE st_appeals SET status = 'CONTACTED', contacted_in_time = $2 WHERE appeal_id = $1",
                              "appeal_id", "in_time")

_appeal_resolved = statement("UPDATE st_appeals SET status = 'RESOLVED', resolved_in_time = $2 WHERE appeal_id = $1",
                             "appeal_id", "in_time")

_appeal_rated = statement("UPDATE st_appeals SET status = 'RATED', satisfaction = $2 WHERE appeal_id = $1",
                          "appeal_id", "satisfaction")

_appeal_contact_overdue = statement("UPDATE st_appeals SET contact_overdue = true WHERE appeal_id = $1", "appeal_id")

_appeal_resolution_overdue = statement("UPDATE st_appeals SET resolution_overdue = true WHERE appeal_id = $1",
                                       "appeal_id")


class StationsProjection(Reading, name="gateway.stations",
                         reads=tuple(t for t in TOPICS if t is not GOVERNANCE),  # that one: governance.py
                         streams=("station-", "visits-", "programme-", "enrolment-", "event-", "appeal-"),
                         tables=("st_stations", "st_service_counts", "st_programmes", "st_enrolments", "st_events",
                                 "st_appeals", "st_pt_district", "st_pt_station", "ap_month_counts", "ap_day_counts",
                                 "st_programme_counts")):
    handlers = {
        StationEvents.CREATED: _station_created,
        StationEvents.STATUS_CHANGED: _station_status_changed,
        StationEvents.SERVICES_CHANGED: _station_services_changed,
        ServiceEvents.DELIVERED: _service_delivered,
        ProgrammeEvents.CREATED: _programme_created,
        ProgrammeEvents.SESSION_ADDED: _programme_session_added,
        ProgrammeEvents.ENROLLED: enrolment_kept(_programme_enrolled),
        ProgrammeEvents.SESSION_ATTENDED: _programme_session_attended,
        ProgrammeEvents.EXAM_RESULT_RECORDED: enrolment_kept(_programme_exam_result_recorded),
        ProgrammeEvents.SCHOLARSHIP_PAID: enrolment_kept(_programme_scholarship_paid),
        ActivityEvents.SCHEDULED: _event_scheduled,
        ActivityEvents.REGISTERED: _event_registered,
        ActivityEvents.REGISTRATION_CANCELLED: _event_registration_cancelled,
        ActivityEvents.ATTENDED: _event_attended,
        AppealEvents.IMPORTED: kept(_appeal_imported),
        AppealEvents.CATEGORISED: _appeal_categorised,  # moves no figure
        AppealEvents.DISPATCHED: kept(_appeal_dispatched),
        AppealEvents.CONTACTED: kept(_appeal_contacted),
        AppealEvents.RESOLVED: kept(_appeal_resolved),
        AppealEvents.RATED: kept(_appeal_rated),
        AppealEvents.CONTACT_OVERDUE: kept(_appeal_contact_overdue),
        AppealEvents.RESOLUTION_OVERDUE: kept(_appeal_resolution_overdue),
    }
    batch_handlers = {ServiceEvents.DELIVERED: _services_delivered}
    apply_batch = Dispatch.apply_runs
