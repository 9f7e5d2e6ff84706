"""Reads of the stations read models (filled by gateway/projections/stations.py and stations_daily.py):
stations and person-times, programmes, events, appeals.

Person-times are kept twice: monthly counters (st_service_counts) answer month and all-time questions,
daily counters (st_service_daily) any range of days.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

import asyncpg

from ..projections.appeal_figures import FIGURES

EARTH_RADIUS_KM = 6371.0088


def beijing_day_within(column: str, first: int) -> str:
    """The Beijing calendar day of timestamp `column` lies within the optional bounds $first, $first+1."""
    day = f"({column} AT TIME ZONE 'Asia/Shanghai')::date"
    return f"(${first}::date IS NULL OR {day} >= ${first}) AND (${first + 1}::date IS NULL OR {day} <= ${first + 1})"


# ---- stations and person-times ----------------------------------------------------------

async def station_counts(conn, district: str | None) -> list[asyncpg.Record]:
    return await conn.fetch("SELECT kind, district, status, count(*)::int AS n FROM st_stations "
                            "WHERE $1::text IS NULL OR district = $1 GROUP BY kind, district, status", district)


async def person_times(conn, district: str | None, month: str | None, group: str) -> list[asyncpg.Record]:
    """Person-times grouped by one column: service_type, district or month — from the roll-up per district ×
    service type × month (st_pt_district, at most districts × types × months rows), kept by the stations
    projection with the counters."""
    column = {"service_type": "service_type", "district": "district", "month": "month"}[group]
    return await conn.fetch(
        f"SELECT {column} AS key, sum(count)::int AS n, sum(registered)::int AS registered FROM st_pt_district "
        "WHERE ($1::text IS NULL OR district = $1) AND ($2::text IS NULL OR month = $2) "
        f"GROUP BY {column} ORDER BY {column}", district, month)


async def busiest_stations(conn, district: str | None, month: str | None, limit: int) -> list[asyncpg.Record]:
    """From the roll-up per station × month (st_pt_station), not the per-service counters."""
    return await conn.fetch(
        """SELECT c.station_id, s.name, s.district, s.kind, sum(c.count)::int AS n
             FROM st_pt_station c JOIN st_stations s USING (station_id)
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


# ---- programmes and events --------------------------------------------------------------

_STARTS = "($2::date IS NULL OR starts_on >= $2) AND ($3::date IS NULL OR starts_on <= $3)"


async def programme_figures(conn, district: str | None, date_from: date | None = None,
                            date_to: date | None = None) -> asyncpg.Record:
    """Programmes starting within the range (all without one) and their enrolments, exams, scholarships — the
    latter summed from the kept counters per programme × district (gateway/projections/programme_figures.py)."""
    starting = f"SELECT programme_id FROM st_programmes WHERE {_STARTS}"
    return await conn.fetchrow(
        f"""SELECT (SELECT count(*) FROM st_programmes WHERE ($1::text IS NULL OR district = $1)
                       AND {_STARTS})::int AS programmes,
                  coalesce(sum(enrolments), 0)::int AS enrolments,
                  coalesce(sum(examined), 0)::int AS examined,
                  coalesce(sum(passed), 0)::int AS passed,
                  coalesce(sum(scholarships), 0)::int AS scholarships,
                  coalesce(sum(amount), 0)::text AS amount
             FROM st_programme_counts WHERE ($1::text IS NULL OR district = $1)
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


async def upcoming_programmes(conn, *, district: str | None, today: date, after: list | None,
                              limit: int) -> list[asyncpg.Record]:
    """Programmes starting today or later (Beijing day), soonest first: the public list, so no enrolment
    figures (a count of two in a small class points at people)."""
    after = after or [None, None]
    return await conn.fetch(
        """SELECT programme_id, name, kind, district, starts_on, sessions FROM st_programmes
            WHERE starts_on >= $1 AND ($2::text IS NULL OR district = $2)
              AND ($3::text IS NULL OR (starts_on::text, programme_id) > ($3, $4))
            ORDER BY starts_on, programme_id LIMIT $5""", today, district, after[0], after[1], limit)


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


async def upcoming_events(conn, *, district: str | None, now, after: list | None, limit: int) -> list[asyncpg.Record]:
    """Events not yet started, soonest first, with the name of the station that holds them (the public list)."""
    after = after or [None, None]
    return await conn.fetch(
        """SELECT e.*, s.name AS station_name FROM st_events e LEFT JOIN st_stations s USING (station_id)
            WHERE e.starts_at > $1 AND ($2::text IS NULL OR e.district = $2)
              AND ($3::text IS NULL OR (e.starts_at, e.event_id) > ($3::text::timestamptz, $4))
            ORDER BY e.starts_at, e.event_id LIMIT $5""", now, district, after[0], after[1], limit)


# ---- appeals ----------------------------------------------------------------------------

# The three rates count only what is due: an appeal still inside its contact window is not yet a
# failure. Response: contacted in time / dispatched appeals whose contact is settled (contacted, or
# marked overdue by the scheduled process). Resolution: the same for resolving. Satisfaction:
# (satisfied + basically satisfied) / rated. Each appeal's part in them is counted as it changes
# (gateway/projections/appeal_figures.py: `contribution`, and the same in SQL for the recount).
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

    def score(self, weights: dict[str, float]) -> float:
        """Weighted sum over the rates that exist (weights renormalised), 0–100. The weights are the setting
        XQ_APPEAL_RANKING_WEIGHTS (default 10/45/45: chassis/settings.py)."""
        parts = [(weights[k], v) for k, v in (("response", self.response), ("resolution", self.resolution),
                                              ("satisfaction", self.satisfaction)) if v is not None]
        total = sum(w for w, _ in parts)
        return round(100 * sum(w * v for w, v in parts) / total, 2) if total else 0.0


def _counters(month: str | None, date_from: date | None, date_to: date | None) -> tuple[str, str]:
    """The kept appeal counters that answer the question (gateway/projections/appeal_figures.py) and the
    filter on them: per dispatch month (a month, or all time), or per Beijing day received (a range)."""
    if date_from is None and date_to is None:
        return "ap_month_counts", ("($1::text IS NULL OR district = $1) AND ($2::text IS NULL OR month = $2) "
                                   "AND $3::date IS NULL AND $4::date IS NULL")
    return "ap_day_counts", ("($1::text IS NULL OR district = $1) AND ($2::text IS NULL) "
                             "AND ($3::date IS NULL OR day >= $3) AND ($4::date IS NULL OR day <= $4)")


_SUMS = ", ".join(f"coalesce(sum({f}), 0)::int AS {f}" for f in FIGURES)


async def appeal_figures(conn, district: str | None, month: str | None, date_from: date | None = None,
                        date_to: date | None = None) -> asyncpg.Record:
    """Appeals dispatched in `month`, or received (Beijing day) within the range; all without either —
    summed from the kept counters, never the appeals."""
    table, where = _counters(month, date_from, date_to)
    return await conn.fetchrow(f"SELECT {_SUMS} FROM {table} WHERE {where}", district, month, date_from, date_to)


async def unit_ranking(conn, district: str | None, month: str | None, date_from: date | None = None,
                       date_to: date | None = None, *, weights: dict[str, float]
                       ) -> list[tuple[asyncpg.Record, Rates, float]]:
    """Handling units ranked over the appeals dispatched in `month`, or received within the range."""
    table, where = _counters(month, date_from, date_to)
    rows = await conn.fetch(f"SELECT unit, coalesce(sum(total), 0)::int AS dispatched, {_SUMS} FROM {table} "
                            f"WHERE unit <> '' AND {where} GROUP BY unit HAVING sum(total) > 0",
                            district, month, date_from, date_to)
    ranked = [(r, rates, rates.score(weights)) for r in rows for rates in (Rates.of(r),)]
    ranked.sort(key=lambda t: (-t[2], -t[0]["dispatched"], t[0]["unit"]))
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


# ---- person-times per Beijing day -------------------------------------------------------

_WITHIN = ("($1::text IS NULL OR c.district = $1) AND ($2::date IS NULL OR c.day >= $2) "
           "AND ($3::date IS NULL OR c.day <= $3)")


async def person_times_between(conn: asyncpg.Connection, district: str | None, date_from: date | None,
                               date_to: date | None, group: str) -> list[asyncpg.Record]:
    """Person-times within the range grouped by service_type, district or month (YYYY-MM)."""
    column = {"service_type": "c.service_type", "district": "c.district",
              "month": "to_char(c.day, 'YYYY-MM')"}[group]
    return await conn.fetch(
        f"SELECT {column} AS key, sum(c.count)::int AS n, sum(c.registered)::int AS registered "
        f"FROM st_service_daily c WHERE {_WITHIN} GROUP BY 1 ORDER BY 1", district, date_from, date_to)


async def busiest_between(conn: asyncpg.Connection, district: str | None, date_from: date | None,
                          date_to: date | None, limit: int) -> list[asyncpg.Record]:
    return await conn.fetch(
        f"""SELECT c.station_id, s.name, s.district, s.kind, sum(c.count)::int AS n
              FROM st_service_daily c JOIN st_stations s USING (station_id)
             WHERE {_WITHIN}
             GROUP BY c.station_id, s.name, s.district, s.kind
             ORDER BY n DESC, c.station_id LIMIT $4""", district, date_from, date_to, limit)
