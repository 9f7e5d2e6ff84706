"""Stations read models: stations, person-times, programmes, events, appeals; and their queries.

Person-times are counters per (station, service type, Beijing month): tens of millions of records
become a few hundred thousand rows. Health-related records arrive without a youth id (counts only).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import asyncpg

from chassis.envelope import Envelope
from chassis.settings import Settings

TOPICS = ("xq.stations.station", "xq.stations.service", "xq.stations.programme", "xq.stations.event",
          "xq.stations.appeal")
EARTH_RADIUS_KM = 6371.0088
# Ranking of handling units: weights of the three rates (接诉即办 "三率"; configurable later if needed).
WEIGHTS = {"response": 0.10, "resolution": 0.45, "satisfaction": 0.45}
SATISFIED = ("SATISFIED", "BASICALLY_SATISFIED")


def beijing_day_within(column: str, first: int) -> str:
    """The Beijing calendar day of timestamp `column` lies within the optional bounds $first, $first+1."""
    day = f"({column} AT TIME ZONE 'Asia/Shanghai')::date"
    return f"(${first}::date IS NULL OR {day} >= ${first}) AND (${first + 1}::date IS NULL OR {day} <= ${first + 1})"


class StationsProjection:
    name = "gateway.stations"
    handles: tuple[str, ...] = ()  # TODO(issue 14, this session): the Dispatch table replaces it
    tables = ("st_stations", "st_service_counts", "st_programmes", "st_enrolments", "st_events", "st_appeals")
    stream_prefixes = ("station-", "visits-", "programme-", "enrolment-", "event-", "appeal-")

    def __init__(self, settings: Settings):
        self.topics = tuple(settings.topic(t) for t in TOPICS)

    async def apply(self, conn: asyncpg.Connection, event: Envelope) -> None:
        handler = getattr(self, "_" + event.type.removeprefix("xq.stations.").removesuffix(".v1")
                          .replace(".", "_").replace("-", "_"), None)
        if handler is not None:  # an event type this read model does not need
            await handler(conn, event.data)

    async def _station_created(self, conn, d: dict) -> None:
        await conn.execute(
            """INSERT INTO st_stations (station_id, kind, name, district, address, lat, lon, operator, opening_hours,
                                        services, status)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'OPEN')""",
            d["station_id"], d["kind"], d["name"], d["district"], d["address"], d["lat"], d["lon"], d["operator"],
            d["opening_hours"], d["services"])

    async def _station_status_changed(self, conn, d: dict) -> None:
        await conn.execute("UPDATE st_stations SET status = $2 WHERE station_id = $1", d["station_id"], d["status"])

    async def _station_services_changed(self, conn, d: dict) -> None:
        await conn.execute("UPDATE st_stations SET services = $2 WHERE station_id = $1", d["station_id"],
                           d["services"])

    async def _service_delivered(self, conn, d: dict) -> None:
        await conn.execute(
            """INSERT INTO st_service_counts (station_id, service_type, month, district, station_kind, count, registered)
               VALUES ($1, $2, $3, $4, $5, 1, $6)
               ON CONFLICT (station_id, service_type, month) DO UPDATE
               SET count = st_service_counts.count + 1, registered = st_service_counts.registered + $6""",
            d["station_id"], d["service_type"], d["delivered_on"][:7], d["district"], d["station_kind"],
            int(d["registered"]))

    async def _programme_created(self, conn, d: dict) -> None:
        await conn.execute("INSERT INTO st_programmes (programme_id, name, kind, district, starts_on) "
                           "VALUES ($1, $2, $3, $4, $5::text::date)",
                           d["programme_id"], d["name"], d["kind"], d["district"], d["starts_on"])

    async def _programme_session_added(self, conn, d: dict) -> None:
        await conn.execute("UPDATE st_programmes SET sessions = sessions + 1 WHERE programme_id = $1",
                           d["programme_id"])

    async def _programme_enrolled(self, conn, d: dict) -> None:
        await conn.execute("INSERT INTO st_enrolments (programme_id, youth_id, district, enrolled_on) "
                           "VALUES ($1, $2, $3, $4::text::date)",
                           d["programme_id"], d["youth_id"], d["district"], d["enrolled_on"])

    async def _programme_session_attended(self, conn, d: dict) -> None:
        await conn.execute("UPDATE st_enrolments SET attended = attended + 1 WHERE programme_id = $1 AND youth_id = $2",
                           d["programme_id"], d["youth_id"])

    async def _programme_exam_result_recorded(self, conn, d: dict) -> None:
        await conn.execute("UPDATE st_enrolments SET result = $3 WHERE programme_id = $1 AND youth_id = $2",
                           d["programme_id"], d["youth_id"], d["result"])

    async def _programme_scholarship_paid(self, conn, d: dict) -> None:
        await conn.execute("UPDATE st_enrolments SET scholarship = $3::text::numeric, paid_on = $4::text::date "
                           "WHERE programme_id = $1 AND youth_id = $2",
                           d["programme_id"], d["youth_id"], str(d["amount"]), d["paid_on"])

    async def _event_scheduled(self, conn, d: dict) -> None:
        await conn.execute("INSERT INTO st_events (event_id, kind, title, district, starts_at, capacity, station_id) "
                           "VALUES ($1, $2, $3, $4, $5::text::timestamptz, $6, $7)",
                           d["event_id"], d["kind"], d["title"], d["district"], d["starts_at"], d["capacity"],
                           d.get("station_id"))

    async def _event_registered(self, conn, d: dict) -> None:
        await conn.execute("UPDATE st_events SET registered = registered + 1 WHERE event_id = $1", d["event_id"])

    async def _event_attended(self, conn, d: dict) -> None:
        await conn.execute("UPDATE st_events SET attended = attended + 1 WHERE event_id = $1", d["event_id"])

    async def _appeal_imported(self, conn, d: dict) -> None:
        await conn.execute(
            """INSERT INTO st_appeals (appeal_id, service_request_id, service_name, tier, district, received_at,
                                       contact_due, resolve_due, status)
               VALUES ($1, $2, $3, $4, $5, $6::text::timestamptz, $7::text::timestamptz, $8::text::timestamptz,
                       'RECEIVED')""",
            d["appeal_id"], d["service_request_id"], d["service_name"], d["tier"], d["district"], d["received_at"],
            d["contact_due"], d["resolve_due"])

    async def _appeal_dispatched(self, conn, d: dict) -> None:
        await conn.execute("UPDATE st_appeals SET status = 'DISPATCHED', unit = $2, dispatched_at = "
                           "$3::text::timestamptz, month = $4 WHERE appeal_id = $1",
                           d["appeal_id"], d["unit"], d["dispatched_at"], d["month"])

    async def _appeal_contacted(self, conn, d: dict) -> None:
        await conn.execute("UPDATE st_appeals SET status = 'CONTACTED', contacted_in_time = $2 WHERE appeal_id = $1",
                           d["appeal_id"], d["in_time"])

    async def _appeal_resolved(self, conn, d: dict) -> None:
        await conn.execute("UPDATE st_appeals SET status = 'RESOLVED', resolved_in_time = $2 WHERE appeal_id = $1",
                           d["appeal_id"], d["in_time"])

    async def _appeal_rated(self, conn, d: dict) -> None:
        await conn.execute("UPDATE st_appeals SET status = 'RATED', satisfaction = $2 WHERE appeal_id = $1",
                           d["appeal_id"], d["satisfaction"])

    async def _appeal_contact_overdue(self, conn, d: dict) -> None:
        await conn.execute("UPDATE st_appeals SET contact_overdue = true WHERE appeal_id = $1", d["appeal_id"])

    async def _appeal_resolution_overdue(self, conn, d: dict) -> None:
        await conn.execute("UPDATE st_appeals SET resolution_overdue = true WHERE appeal_id = $1", d["appeal_id"])


# ---- queries: stations and person-times ----------------------------------------------------------

async def station_counts(conn, district: str | None) -> list[asyncpg.Record]:
    return await conn.fetch("SELECT kind, district, status, count(*)::int AS n FROM st_stations "
                            "WHERE $1::text IS NULL OR district = $1 GROUP BY kind, district, status", district)


async def person_times(conn, district: str | None, month: str | None, group: str) -> list[asyncpg.Record]:
    """Person-times grouped by one column: service_type, district, month or station_kind."""
    column = {"service_type": "service_type", "district": "district", "month": "month",
              "station_kind": "station_kind"}[group]
    return await conn.fetch(
        f"SELECT {column} AS key, sum(count)::int AS n, sum(registered)::int AS registered FROM st_service_counts "
        "WHERE ($1::text IS NULL OR district = $1) AND ($2::text IS NULL OR month = $2) "
        f"GROUP BY {column} ORDER BY {column}", district, month)


async def busiest_stations(conn, district: str | None, month: str | None, limit: int) -> list[asyncpg.Record]:
    return await conn.fetch(
        """SELECT c.station_id, s.name, s.district, s.kind, sum(c.count)::int AS n
             FROM st_service_counts c JOIN st_stations s USING (station_id)
            WHERE ($1::text IS NULL OR c.district = $1) AND ($2::text IS NULL OR c.month = $2)
            GROUP BY c.station_id, s.name, s.district, s.kind
            ORDER BY n DESC, c.station_id LIMIT $3""", district, month, limit)


async def stations_by_id(conn, station_ids: list[str]) -> list[asyncpg.Record]:
    """Many stations in one statement (the GraphQL DataLoader's batch: a page's related stations)."""
    return await conn.fetch("SELECT * FROM st_stations WHERE station_id = ANY($1::text[])", station_ids)


async def list_stations(conn, *, district: str | None, kind: str | None, after: list | None,
                        limit: int) -> list[asyncpg.Record]:
    after = after or [None, None]
    return await conn.fetch(
        """SELECT * FROM st_stations
            WHERE ($1::text IS NULL OR district = $1) AND ($2::text IS NULL OR kind = $2)
              AND ($3::text IS NULL OR (name, station_id) > ($3, $4))
            ORDER BY name, station_id LIMIT $5""", district, kind, after[0], after[1], limit)


async def list_person_times(conn, *, district: str | None, station_id: str | None, month: str | None,
                            service_type: str | None, after: list | None, limit: int) -> list[asyncpg.Record]:
    after = after or [None, None, None]
    return await conn.fetch(
        """SELECT c.*, s.name FROM st_service_counts c JOIN st_stations s USING (station_id)
            WHERE ($1::text IS NULL OR c.district = $1) AND ($2::text IS NULL OR c.station_id = $2)
              AND ($3::text IS NULL OR c.month = $3) AND ($4::text IS NULL OR c.service_type = $4)
              AND ($5::text IS NULL OR (c.month, c.station_id, c.service_type) > ($5, $6, $7))
            ORDER BY c.month, c.station_id, c.service_type LIMIT $8""",
        district, station_id, month, service_type, after[0], after[1], after[2], limit)


async def nearest_stations(conn, *, lat: float, lon: float, service: str | None, district: str | None,
                           limit: int, radius_km: float) -> list[asyncpg.Record]:
    """Open stations (offering `service`) nearest to a point: a bounding box on the (lat, lon) index
    first, then the exact great-circle (haversine) distance for ordering."""
    dlat = radius_km / 111.32
    dlon = radius_km / (111.32 * max(0.1, math.cos(math.radians(lat))))
    return await conn.fetch(
        """SELECT * FROM (
             SELECT s.*, 2 * $8::float8 * asin(sqrt(
                        power(sin(radians(s.lat - $1) / 2), 2)
                      + cos(radians($1)) * cos(radians(s.lat)) * power(sin(radians(s.lon - $2) / 2), 2))) AS km
               FROM st_stations s
              WHERE s.status = 'OPEN' AND s.lat BETWEEN $1 - $5 AND $1 + $5 AND s.lon BETWEEN $2 - $6 AND $2 + $6
                AND ($3::text IS NULL OR $3 = ANY (s.services)) AND ($4::text IS NULL OR s.district = $4)
           ) near WHERE km <= $9 ORDER BY km, station_id LIMIT $7""",
        lat, lon, service, district, dlat, dlon, limit, EARTH_RADIUS_KM, radius_km)


# ---- queries: programmes and events --------------------------------------------------------------

_STARTS = "($2::date IS NULL OR starts_on >= $2) AND ($3::date IS NULL OR starts_on <= $3)"


async def programme_figures(conn, district: str | None, date_from: date | None = None,
                            date_to: date | None = None) -> asyncpg.Record:
    """Programmes starting within the range (all without one) and their enrolments, exams, scholarships."""
    starting = f"SELECT programme_id FROM st_programmes WHERE {_STARTS}"
    return await conn.fetchrow(
        f"""SELECT (SELECT count(*) FROM st_programmes WHERE ($1::text IS NULL OR district = $1)
                       AND {_STARTS})::int AS programmes,
                  count(*)::int AS enrolments,
                  count(result)::int AS examined,
                  count(*) FILTER (WHERE result = 'PASSED')::int AS passed,
                  count(scholarship)::int AS scholarships,
                  coalesce(sum(scholarship), 0)::text AS amount
             FROM st_enrolments WHERE ($1::text IS NULL OR district = $1)
              AND (($2::date IS NULL AND $3::date IS NULL) OR programme_id IN ({starting}))""",
        district, date_from, date_to)


async def list_programmes(conn, *, district: str | None, after: list | None, limit: int) -> list[asyncpg.Record]:
    after = after or [None, None]
    return await conn.fetch(
        """SELECT p.*, count(e.youth_id)::int AS enrolments, count(e.result)::int AS examined,
                  count(*) FILTER (WHERE e.result = 'PASSED')::int AS passed,
                  count(e.scholarship)::int AS scholarships, coalesce(sum(e.scholarship), 0)::text AS amount
             FROM st_programmes p LEFT JOIN st_enrolments e USING (programme_id)
            WHERE ($1::text IS NULL OR p.district = $1)
              AND ($2::text IS NULL OR (p.starts_on::text, p.programme_id) > ($2, $3))
            GROUP BY p.programme_id ORDER BY p.starts_on, p.programme_id LIMIT $4""",
        district, after[0], after[1], limit)


async def event_figures(conn, district: str | None, date_from: date | None = None,
                       date_to: date | None = None) -> asyncpg.Record:
    """Events starting (Beijing day) within the range; all without one."""
    return await conn.fetchrow(
        "SELECT count(*)::int AS events, coalesce(sum(capacity), 0)::int AS capacity, "
        "coalesce(sum(registered), 0)::int AS registered, coalesce(sum(attended), 0)::int AS attended "
        f"FROM st_events WHERE ($1::text IS NULL OR district = $1) AND {beijing_day_within('starts_at', 2)}",
        district, date_from, date_to)


async def list_events(conn, *, district: str | None, after: list | None, limit: int) -> list[asyncpg.Record]:
    after = after or [None, None]
    return await conn.fetch(
        """SELECT * FROM st_events WHERE ($1::text IS NULL OR district = $1)
              AND ($2::text IS NULL OR (starts_at, event_id) > ($2::text::timestamptz, $3))
            ORDER BY starts_at, event_id LIMIT $4""", district, after[0], after[1], limit)


# ---- queries: appeals ----------------------------------------------------------------------------

# The three rates count only what is due: an appeal still inside its contact window is not yet a
# failure. Response: contacted in time / dispatched appeals whose contact is settled (contacted, or
# marked overdue by the scheduled process). Resolution: the same for resolving. Satisfaction:
# (satisfied + basically satisfied) / rated.
_RATES = """
    count(*) FILTER (WHERE unit IS NOT NULL AND contacted_in_time)::int AS contacted_in_time,
    count(*) FILTER (WHERE unit IS NOT NULL AND (contacted_in_time IS NOT NULL OR contact_overdue))::int AS contact_due,
    count(*) FILTER (WHERE unit IS NOT NULL AND resolved_in_time)::int AS resolved_in_time,
    count(*) FILTER (WHERE unit IS NOT NULL AND (resolved_in_time IS NOT NULL OR resolution_overdue))::int
        AS resolve_due,
    count(*) FILTER (WHERE satisfaction IN ('SATISFIED', 'BASICALLY_SATISFIED'))::int AS satisfied,
    count(satisfaction)::int AS rated"""


# Overdue: marked by the scheduled process and not since shown to have been done in time (a phone
# may upload an in-time contact after the marking).
_OVERDUE = """((contact_overdue AND NOT coalesce(contacted_in_time, false))
               OR (resolution_overdue AND NOT coalesce(resolved_in_time, false)))"""


@dataclass(frozen=True)
class Rates:
    response: float | None
    resolution: float | None
    satisfaction: float | None

    @classmethod
    def of(cls, r: Any) -> Rates:
        def ratio(a: int, b: int) -> float | None:
            return round(a / b, 4) if b else None
        return cls(ratio(r["contacted_in_time"], r["contact_due"]), ratio(r["resolved_in_time"], r["resolve_due"]),
                   ratio(r["satisfied"], r["rated"]))

    @property
    def score(self) -> float:
        """Weighted sum over the rates that exist (weights renormalised), 0–100."""
        parts = [(WEIGHTS[k], v) for k, v in (("response", self.response), ("resolution", self.resolution),
                                              ("satisfaction", self.satisfaction)) if v is not None]
        total = sum(w for w, _ in parts)
        return round(100 * sum(w * v for w, v in parts) / total, 2) if total else 0.0


async def appeal_figures(conn, district: str | None, month: str | None, date_from: date | None = None,
                        date_to: date | None = None) -> asyncpg.Record:
    """Appeals dispatched in `month`, or received (Beijing day) within the range; all without either."""
    return await conn.fetchrow(
        f"""SELECT count(*)::int AS total,
                   count(*) FILTER (WHERE status IN ('RECEIVED', 'DISPATCHED', 'CONTACTED'))::int AS open,
                   count(*) FILTER (WHERE status IN ('RECEIVED', 'DISPATCHED', 'CONTACTED')
                                    AND {_OVERDUE})::int AS overdue,
                   {_RATES}
              FROM st_appeals WHERE ($1::text IS NULL OR district = $1) AND ($2::text IS NULL OR month = $2)
               AND {beijing_day_within('received_at', 3)}""",
        district, month, date_from, date_to)


async def unit_ranking(conn, district: str | None, month: str | None, date_from: date | None = None,
                       date_to: date | None = None) -> list[tuple[asyncpg.Record, Rates]]:
    """Handling units ranked over the appeals dispatched in `month`, or received within the range."""
    rows = await conn.fetch(
        f"""SELECT unit, count(*)::int AS dispatched, {_RATES} FROM st_appeals
             WHERE unit IS NOT NULL AND ($2::text IS NULL OR month = $2) AND ($1::text IS NULL OR district = $1)
               AND {beijing_day_within('received_at', 3)}
             GROUP BY unit""", district, month, date_from, date_to)
    ranked = [(r, Rates.of(r)) for r in rows]
    ranked.sort(key=lambda pair: (-pair[1].score, -pair[0]["dispatched"], pair[0]["unit"]))
    return ranked


async def list_appeals(conn, *, district: str | None, status: str | None, overdue: bool | None,
                       after: list | None, limit: int) -> list[asyncpg.Record]:
    after = after or [None, None]
    return await conn.fetch(
        f"""SELECT *, {_OVERDUE} AS overdue FROM st_appeals
            WHERE ($1::text IS NULL OR district = $1) AND ($2::text IS NULL OR status = $2)
              AND ($3::bool IS NULL OR {_OVERDUE} = $3)
              AND ($4::text IS NULL OR (received_at, appeal_id) < ($4::text::timestamptz, $5))
            ORDER BY received_at DESC, appeal_id DESC LIMIT $6""",
        district, status, overdue, after[0], after[1], limit)
