"""City-scale rows for the gateway's read models, generated in place with set-based SQL.

Benchmark 5 measures queries, not the write path: seeding 2.2 M people through the registry, Kafka
and the projections takes about an hour (benchmark 3), so the gateway's own tables — created by its
real migrations — are filled directly with `INSERT … SELECT generate_series` in a minute or two.
The shapes follow DOMAIN.md and the seeds: the districts' and subtypes' weights of `xinqing.seed`,
stations around the district centres of `xinqing.seed_stations`, registrations over the past year.
Kept aggregates (youth_counts, youth_daily, and every counter of gateway/tables/recount.py) are computed
from the rows, exactly as the projections would have kept them. `setseed` makes every run generate the same data.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta

import asyncpg

from chassis.reference import DISTRICTS, SERVICE_TYPES, STATION_KINDS, SUBTYPES
from gateway.tables import recount
from xinqing.seed import DISTRICT_WEIGHTS, SUBTYPE_WEIGHTS
from xinqing.seed_stations import CENTRES

BRANCH_KINDS = {"MOBILE": 0.35, "ENTERPRISE": 0.25, "PARK": 0.12, "SOCIAL_ORG": 0.10, "COMMUNITY": 0.18}
STATION_KIND_WEIGHTS = {"RIDER_REFUEL": 0.55, "WARM_HEART": 0.35, "DREAM_SPACE": 0.10}
AREAS = ("TOP_LEVEL_DESIGN", "IDEOLOGICAL_GUIDANCE", "CONTACT_COVERAGE", "SERVICE_AND_GROWTH", "PLAYING_A_ROLE")
UNITS = ("区人力社保局", "区市场监管局", "区交通委", "街道办事处", "区司法局", "区总工会")
COVERED = ("DELIVERY_RIDER", "COURIER")


@dataclass(frozen=True)
class CitySize:
    youth: int = 2_200_000
    branches: int = 800
    member_share_covered: float = 0.10  # of riders and couriers in a branch
    member_share_other: float = 0.03
    organisations: int = 1_500
    transfers: int = 4_000
    applications: int = 6_000
    stations: int = 760
    visits: int = 30_000_000  # person-times in the year (kept as counts per station, service type, month)
    programmes: int = 150
    enrolments: int = 30_000
    events: int = 3_000
    appeals: int = 60_000

    def describe(self) -> str:
        return (f"{self.youth:,} youth, {self.branches:,} branches, {self.stations:,} stations, "
                f"≈ {self.visits:,} person-times over 12 months, {self.appeals:,} appeals")


def _weights(d: dict[str, float]) -> tuple[list[str], list[float]]:
    total = sum(d.values())
    return list(d), [v / total for v in d.values()]


async def fill(conn: asyncpg.Connection, size: CitySize, today: date | None = None) -> dict[str, float]:
    """Fill the (empty, migrated) gateway database; -> seconds per part."""
    today = today or date.today()
    year_ago = today - timedelta(days=364)
    timings: dict[str, float] = {}
    districts, d_w = _weights(DISTRICT_WEIGHTS)
    subtypes, s_w = _weights(SUBTYPE_WEIGHTS)
    await conn.execute("SET synchronous_commit = off")  # one big load: its durability is not measured
    await conn.execute("SELECT setseed(0.2026)")

    async def part(name: str, *statements: tuple) -> None:
        t0 = time.perf_counter()
        async with conn.transaction():
            for sql, *args in statements:
                await conn.execute(sql, *args)
        timings[name] = time.perf_counter() - t0

    # Lookup tables shared by the statements below (dropped at the end of the session).
    await conn.execute("CREATE TEMP TABLE bench_districts (district text, w float8, lat float8, lon float8, ord int)")
    await conn.executemany("INSERT INTO bench_districts VALUES ($1, $2, $3, $4, $5)",
                           [(d, w, *CENTRES[d], i) for i, (d, w) in enumerate(zip(districts, d_w))])

    # ---- youth: cells of district × subtype in the seed's proportions; 1 % deactivated ----------
    await part("youth", (
        """INSERT INTO youth (youth_id, district, youth_type, subtype, is_minor, age_band, registered_on, status)
           SELECT md5('youth' || c.district || c.subtype || g)::uuid::text, c.district, c.youth_type, c.subtype,
                  r < 0.04, CASE WHEN r < 0.04 THEN '16-17' WHEN r < 0.36 THEN '18-22' WHEN r < 0.78 THEN '23-28'
                                 ELSE '29-35' END,
                  $4::date + floor(random() * 365)::int,
                  CASE WHEN random() < 0.01 THEN 'DEACTIVATED' ELSE 'ACTIVE' END
             FROM (SELECT d.district, s.subtype, s.youth_type, round($1::int * d.w * s.w)::int AS n
                     FROM bench_districts d, unnest($2::text[], $3::float8[], $5::text[]) s(subtype, w, youth_type)) c,
                  generate_series(1, c.n) g, LATERAL (SELECT random() + 0 * g AS r) x""",
        size.youth, subtypes, s_w, year_ago, [SUBTYPES[s][0] for s in subtypes]),
        ("""INSERT INTO youth_counts (district, youth_type, subtype, count)
            SELECT district, youth_type, subtype, count(*) FROM youth WHERE status = 'ACTIVE'
             GROUP BY district, youth_type, subtype""",),
        ("""INSERT INTO youth_daily (district, youth_type, registered_on, count)
            SELECT district, youth_type, registered_on, count(*) FROM youth GROUP BY district, youth_type, registered_on""",))

    # ---- branches, members (drawn from the youth of the branch's district), the rest ------------
    kinds, k_w = _weights(BRANCH_KINDS)
    await part("branches", (
        """INSERT INTO br_branches (branch_id, name, kind, district, status, secretary_id, founded_on, dissolved_on)
           SELECT md5('branch' || g)::uuid::text, d.district || '第' || g || '团支部',
                  ($2::text[])[1 + (g * 7919) % array_length($2::text[], 1)], d.district,
                  CASE WHEN g % 40 = 0 THEN 'DISSOLVED' ELSE 'ACTIVE' END, NULL,
                  $3::date - (g * 37) % 1500, CASE WHEN g % 40 = 0 THEN $3::date - 30 END
             FROM generate_series(1, $1::int) g
             JOIN bench_districts d ON d.ord = g % 16""", size.branches, kinds, today),
        ("""CREATE TEMP TABLE bench_branch_ord AS
            SELECT district, branch_id, row_number() OVER (PARTITION BY district ORDER BY branch_id) - 1 AS ord,
                   count(*) OVER (PARTITION BY district) AS n
              FROM br_branches WHERE status = 'ACTIVE'""",),
        ("""INSERT INTO br_members (youth_id, branch_id, district, joined_on, via)
            SELECT y.youth_id, b.branch_id, y.district, greatest(y.registered_on, $3::date - (h % 700)),
                   (ARRAY['APPLICATION', 'INVITATION', 'TRANSFER'])[1 + h % 3]
              FROM (SELECT youth_id, district, subtype, registered_on, abs(hashtext(youth_id)) AS h FROM youth
                     WHERE status = 'ACTIVE') y
              JOIN (SELECT DISTINCT district, n FROM bench_branch_ord) dn USING (district)
              JOIN bench_branch_ord b ON b.district = y.district AND b.ord = (y.h / 1000) % dn.n
             WHERE (y.h % 1000) < CASE WHEN y.subtype = ANY($4::text[]) THEN $1::int ELSE $2::int END""",
         round(size.member_share_covered * 1000), round(size.member_share_other * 1000), today, list(COVERED)),
        ("UPDATE br_branches b SET secretary_id = (SELECT min(youth_id) FROM br_members m WHERE m.branch_id = b.branch_id)",),
        ("""INSERT INTO br_applications (youth_id, branch_id, district, applied_on)
            SELECT y.youth_id, b.branch_id, y.district, $2::date - (abs(hashtext(y.youth_id)) % 60)
              FROM (SELECT youth_id, district FROM youth y WHERE status = 'ACTIVE'
                       AND NOT EXISTS (SELECT 1 FROM br_members m WHERE m.youth_id = y.youth_id)
                     ORDER BY youth_id LIMIT $1) y
              JOIN bench_branch_ord b ON b.district = y.district AND b.ord = 0""", size.applications, today),
        ("""INSERT INTO br_transfers (transfer_id, youth_id, from_branch_id, from_district, to_branch_id, to_district,
                                     initiated_by, requested_on, expires_on, status, decided_on)
            SELECT md5('transfer' || m.youth_id)::uuid::text, m.youth_id, m.branch_id, m.district, b.branch_id,
                   b.district, CASE WHEN m.i % 2 = 0 THEN 'FROM' ELSE 'TO' END, $2::date - m.i % 300,
                   $2::date - m.i % 300 + 30, m.status, CASE WHEN m.status <> 'PENDING' THEN $2::date - m.i % 200 END
              FROM (SELECT youth_id, branch_id, district, i,
                           (ARRAY['PENDING', 'APPROVED', 'APPROVED', 'APPROVED', 'REJECTED', 'EXPIRED'])[1 + i % 6]
                               AS status
                      FROM (SELECT *, row_number() OVER (ORDER BY youth_id)::int AS i FROM br_members
                             ORDER BY youth_id LIMIT $1) n) m
              JOIN bench_districts d ON d.ord = m.i % 16
              JOIN bench_branch_ord b ON b.ord = 0 AND b.district = d.district""",
         size.transfers, today),
        ("""INSERT INTO br_organisations (organisation_id, name, kind, district, stage, branch_id, contacted_on)
            SELECT md5('org' || g)::uuid::text, '某组织' || g,
                   (ARRAY['PARK', 'INTERNET_COMPANY', 'COURIER_COMPANY', 'PLATFORM', 'SOCIAL_ORG'])[1 + g % 5],
                   d.district, st.stage, CASE WHEN st.stage = 'BRANCH_FOUNDED' THEN md5('branch' || g)::uuid::text END,
                   $2::date - g % 700
              FROM generate_series(1, $1::int) g JOIN bench_districts d ON d.ord = g % 16,
                   LATERAL (SELECT (ARRAY['CONTACTED', 'WORKING', 'BRANCH_FOUNDED'])[1 + (g / 16) % 3] AS stage) st""",
         size.organisations, today),
        # A year of meetings: committee meetings monthly (a few missed), a general meeting and a league
        # lecture per quarter, some activities.
        ("""INSERT INTO br_meetings (meeting_id, branch_id, district, kind, held_on, topic, attendance)
            SELECT md5(b.branch_id || k.kind || mo)::uuid::text, b.branch_id, b.district, k.kind,
                   (date_trunc('month', $1::date) - make_interval(months => mo))::date + 9
                       + abs(hashtext(b.branch_id)) % 10, '主题', 12
              FROM br_branches b, generate_series(0, 11) mo,
                   (VALUES ('COMMITTEE_MEETING', 1), ('GENERAL_MEETING', 3), ('LEAGUE_LECTURE', 3),
                           ('ACTIVITY', 2)) k(kind, every)
             WHERE b.status = 'ACTIVE' AND mo % k.every = 0 AND abs(hashtext(b.branch_id || mo)) % 10 <> 0""",
         today),
        ("""INSERT INTO br_measures (measure_id, area, title, lead, partners, placeholder, percent, reported_on)
            SELECT 'M' || lpad(g::text, 2, '0'), ($1::text[])[1 + g % 5], '措施 ' || g, '团市委', ARRAY['市人力社保局'],
                   g > 15, (g * 37) % 101, $2::date - g
              FROM generate_series(1, 22) g""", list(AREAS), today),
        ("""INSERT INTO br_milestones (milestone_id, measure_id, title, due_on, completed_on)
            SELECT measure_id || '-' || k, measure_id, '节点 ' || k, $1::date + k * 60,
                   CASE WHEN k = 1 THEN $1::date END
              FROM br_measures, generate_series(1, 3) k""", today))

    # ---- stations, person-times (counts per station × service type × month), the rest ----------
    st_kinds, st_w = _weights(STATION_KIND_WEIGHTS)
    await part("stations", (
        """INSERT INTO st_stations (station_id, kind, name, district, address, lat, lon, operator, opening_hours,
                                    services, status)
           SELECT md5('station' || g)::uuid::text, k.kind, d.district || k.kind || '站' || g, d.district,
                  '某街道' || g || '号', d.lat + (random() - 0.5) * 0.08, d.lon + (random() - 0.5) * 0.10,
                  (ARRAY['LEAGUE', 'TRADE_UNION', 'WOMENS_FEDERATION', 'COMPANY'])[1 + g % 4], '09:00-21:00',
                  $3::text[], CASE WHEN g % 50 = 0 THEN 'TEMPORARILY_CLOSED' ELSE 'OPEN' END
             FROM generate_series(1, $1::int) g
             JOIN bench_districts d ON d.ord = g % 16
             JOIN LATERAL (SELECT ($2::text[])[CASE WHEN g % 20 < 11 THEN 1 WHEN g % 20 < 18 THEN 2 ELSE 3 END]
                                  AS kind) k ON true""", size.stations, st_kinds, list(SERVICE_TYPES)),
        # Busier service types (rest, haircut) and stations get more; the mean makes ≈ size.visits in all.
        ("""INSERT INTO st_service_counts (station_id, service_type, month, district, station_kind, count, registered)
            SELECT s.station_id, t.service_type,
                   to_char(date_trunc('month', $2::date) - make_interval(months => mo), 'YYYY-MM'), s.district, s.kind, c.n,
                   (c.n * 0.6)::int
              FROM st_stations s, generate_series(0, 11) mo,
                   unnest($3::text[], $4::float8[]) t(service_type, w),
                   LATERAL (SELECT greatest(1, round($1::float8 / 12 / $5::int * t.w * (0.3 + 1.4 * random())))::int
                                   AS n) c""",
         size.visits, today, list(SERVICE_TYPES), _service_weights(), size.stations),
        ("""INSERT INTO st_programmes (programme_id, name, kind, district, starts_on, sessions)
            SELECT md5('programme' || g)::uuid::text, '新青年学堂骑手班 ' || g, 'DIPLOMA', d.district,
                   $2::date - g % 365, 10
              FROM generate_series(1, $1::int) g JOIN bench_districts d ON d.ord = g % 16""",
         size.programmes, today),
        ("""INSERT INTO st_enrolments (programme_id, youth_id, district, enrolled_on, attended, result, scholarship,
                                      paid_on)
            SELECT p.programme_id, y.youth_id, y.district, p.starts_on, y.i % 10,
                   CASE WHEN y.i % 3 = 0 THEN (CASE WHEN y.i % 4 = 0 THEN 'FAILED' ELSE 'PASSED' END) END,
                   CASE WHEN y.i % 9 = 0 THEN 1000.00 END, CASE WHEN y.i % 9 = 0 THEN p.starts_on + 90 END
              FROM (SELECT youth_id, district, row_number() OVER (ORDER BY youth_id)::int AS i FROM youth
                     WHERE subtype = ANY($2::text[]) ORDER BY youth_id LIMIT $1) y
              JOIN (SELECT programme_id, starts_on, row_number() OVER (ORDER BY programme_id) - 1 AS k
                      FROM st_programmes) p ON p.k = y.i % $3""",
         size.enrolments, list(COVERED), size.programmes),
        ("""INSERT INTO st_events (event_id, kind, title, district, starts_at, capacity, registered, attended)
            SELECT md5('event' || g)::uuid::text, (ARRAY['SALON', 'EXHIBITION', 'FORUM', 'LECTURE'])[1 + g % 4],
                   '活动 ' || g, d.district, $2::timestamptz - make_interval(hours => g * 3), 50 + g % 150,
                   40 + g % 100, 30 + g % 80
              FROM generate_series(1, $1::int) g JOIN bench_districts d ON d.ord = g % 16""",
         size.events, today),
        # Appeals over the year; most closed, a few per cent still open, some overdue.
        ("""INSERT INTO st_appeals (appeal_id, service_request_id, service_name, tier, district, received_at,
                                   contact_due, resolve_due, status, unit, dispatched_at, month, contacted_in_time,
                                   contact_overdue, resolved_in_time, resolution_overdue, satisfaction)
            SELECT md5('appeal' || g)::uuid::text, 'SR' || g, '劳动权益', a.tier, d.district, a.at,
                   a.at + interval '2 hours', a.at + interval '7 days', a.status,
                   CASE WHEN a.status <> 'RECEIVED' THEN ($3::text[])[1 + g % 6] END,
                   CASE WHEN a.status <> 'RECEIVED' THEN a.at + interval '10 minutes' END,
                   CASE WHEN a.status <> 'RECEIVED' THEN to_char(a.at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') END,
                   CASE WHEN a.status IN ('CONTACTED', 'RESOLVED', 'RATED') THEN g % 17 <> 0 END,
                   a.status IN ('DISPATCHED', 'CONTACTED') AND g % 5 = 0,
                   CASE WHEN a.status IN ('RESOLVED', 'RATED') THEN g % 11 <> 0 END,
                   a.status = 'CONTACTED' AND g % 7 = 0,
                   CASE WHEN a.status = 'RATED' THEN (ARRAY['SATISFIED', 'SATISFIED', 'BASICALLY_SATISFIED',
                                                           'UNSATISFIED'])[1 + g % 4] END
              FROM generate_series(1, $1::int) g JOIN bench_districts d ON d.ord = g % 16,
                   LATERAL (SELECT $2::timestamptz - make_interval(mins => (g * 525600::bigint / $1)::int) AS at,
                                   (ARRAY['GENERAL', 'GENERAL', 'UTILITIES', 'COMPLEX', 'EMERGENCY'])[1 + g % 5] AS tier,
                                   CASE WHEN g < $1 * 0.02 THEN (ARRAY['RECEIVED', 'DISPATCHED', 'CONTACTED'])[1 + g % 3]
                                        WHEN g % 3 = 0 THEN 'RESOLVED' ELSE 'RATED' END AS status) a""",
         size.appeals, today, list(UNITS)))

    t0 = time.perf_counter()
    await recount.refill(conn)  # the dashboard's kept counters, from the rows just written
    timings["kept counters"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    for table in ("youth", "youth_counts", "youth_daily", "br_branches", "br_members", "br_applications",
                  "br_transfers", "br_organisations", "br_meetings", "br_measures", "br_milestones", "st_stations",
                  "st_service_counts", "st_programmes", "st_enrolments", "st_events", "st_appeals"):
        await conn.execute(f"VACUUM ANALYZE {table}")  # what autovacuum would have done by then
    timings["vacuum analyze"] = time.perf_counter() - t0
    return timings


def _service_weights() -> list[float]:
    busy = {"REST": 6.0, "HAIRCUT": 2.0, "HEALTH_CHECK": 1.0, "FREE_CLINIC": 0.6, "LEGAL": 0.5, "CAREER": 0.8,
            "SOCIAL_SECURITY": 0.6, "OTHER": 0.5}
    total = sum(busy[t] for t in SERVICE_TYPES)
    return [busy[t] / total for t in SERVICE_TYPES]


async def check_kept_counts(conn: asyncpg.Connection) -> None:
    """The kept aggregates agree with the rows, as the projections keep them (raises if not)."""
    bad = await conn.fetch(
        """SELECT 'youth_counts' AS aggregate FROM (
               SELECT district, youth_type, subtype, count(*) AS n FROM youth WHERE status = 'ACTIVE'
                GROUP BY 1, 2, 3) r FULL JOIN youth_counts c USING (district, youth_type, subtype)
            WHERE r.n IS DISTINCT FROM c.count
           UNION ALL
           SELECT 'youth_daily' FROM (
               SELECT district, youth_type, registered_on, count(*) AS n FROM youth GROUP BY 1, 2, 3) r
             FULL JOIN youth_daily d USING (district, youth_type, registered_on)
            WHERE r.n IS DISTINCT FROM d.count""")
    wrong = sorted({r["aggregate"] for r in bad} | set(await recount.differences(conn)))
    if wrong:
        raise RuntimeError(f"kept counts disagree with the rows: {wrong}")


async def row_counts(conn: asyncpg.Connection) -> dict[str, int]:
    out = {}
    for table in ("youth", "br_branches", "br_members", "st_stations", "st_service_counts", "st_appeals"):
        out[table] = await conn.fetchval(f"SELECT count(*) FROM {table}")
    out["person-times"] = await conn.fetchval("SELECT coalesce(sum(count), 0) FROM st_service_counts")
    out["active youth"] = await conn.fetchval("SELECT count(*) FROM youth WHERE status = 'ACTIVE'")
    return out


assert set(STATION_KIND_WEIGHTS) == set(STATION_KINDS) and set(DISTRICT_WEIGHTS) == set(DISTRICTS)
