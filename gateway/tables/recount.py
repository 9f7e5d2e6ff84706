"""Every kept dashboard counter beside a recount of it from the read models' rows (issue 21).

The projections move the counters in their own transactions; these recounts say what the counters must
hold. `differences` compares the two (the integration tests after mixed and concurrent workloads, and
benchmark 5b at its end: it fails when a figure differs); `refill` writes the recounts into the counters
(bench/city_data.py, which fills the rows in place with set-based SQL rather than through projections).
A counter row at 0 is the same as no row (a counter touched and moved back keeps its row).
"""
from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from ..projections.appeal_figures import FIGURES
from ..projections.coverage import COVERED_SUBTYPES


@dataclass(frozen=True)
class Kept:
    table: str
    keys: tuple[str, ...]
    values: tuple[str, ...]
    recount: str  # SELECT keys..., values... from the rows
    kept: str = ""  # SELECT keys..., values... from the counters (default: the table as it is)

    def kept_sql(self) -> str:
        return self.kept or f"SELECT {', '.join(self.keys + self.values)} FROM {self.table}"


_SUMS = ", ".join(f"sum({f})::int" for f in FIGURES)  # over the view ap_contributions (migration 0012)
_COVERED = ", ".join(f"'{s}'" for s in COVERED_SUBTYPES)

KEPT: tuple[Kept, ...] = (
    Kept("youth_counts", ("district", "youth_type", "subtype"), ("count",),
         "SELECT district, youth_type, subtype, count(*)::int FROM youth WHERE status = 'ACTIVE' GROUP BY 1, 2, 3"),
    Kept("cv_in_branch", ("district",), ("n",),
         f"""SELECT y.district, count(*)::int FROM youth y JOIN br_members m USING (youth_id)
              WHERE y.subtype IN ({_COVERED}) AND y.status = 'ACTIVE' GROUP BY 1""",
         "SELECT district, sum(n)::int FROM cv_in_branch GROUP BY district"),
    Kept("br_member_days", ("district", "joined_on"), ("n",),
         "SELECT district, joined_on, count(*)::int FROM br_members GROUP BY 1, 2"),
    Kept("br_application_counts", ("district",), ("n",),
         "SELECT district, count(*)::int FROM br_applications GROUP BY 1"),
    Kept("br_transfer_counts", ("district", "status"), ("n",),
         """SELECT d, status, count(*)::int FROM (
                SELECT '' AS d, status FROM br_transfers UNION ALL SELECT from_district, status FROM br_transfers
                UNION ALL SELECT to_district, status FROM br_transfers WHERE to_district <> from_district) t
             GROUP BY 1, 2"""),
    Kept("st_pt_district", ("district", "service_type", "month"), ("count", "registered"),
         "SELECT district, service_type, month, sum(count)::int, sum(registered)::int FROM st_service_counts "
         "GROUP BY 1, 2, 3"),
    Kept("st_pt_station", ("station_id", "month", "district"), ("count",),
         "SELECT station_id, month, min(district), sum(count)::int FROM st_service_counts GROUP BY 1, 2"),
    Kept("st_programme_counts", ("programme_id", "district"),
         ("enrolments", "examined", "passed", "scholarships", "amount"),
         "SELECT programme_id, district, count(*)::int, count(result)::int, "
         "count(*) FILTER (WHERE result = 'PASSED')::int, count(scholarship)::int, coalesce(sum(scholarship), 0) "
         "FROM st_enrolments GROUP BY 1, 2"),
    Kept("ap_month_counts", ("district", "month", "unit"), FIGURES,
         f"SELECT district, month, unit, {_SUMS} FROM ap_contributions GROUP BY 1, 2, 3"),
    Kept("ap_day_counts", ("district", "day", "unit"), FIGURES,
         f"SELECT district, day, unit, {_SUMS} FROM ap_contributions GROUP BY 1, 2, 3"),
)


def _nonzero(rows: list[asyncpg.Record], width: int) -> dict[tuple, tuple]:
    out = {}
    for r in rows:
        key, values = tuple(r[:width]), tuple(r[width:])
        if any(values):
            out[key] = values
    return out


async def differences(conn: asyncpg.Connection, kept: tuple[Kept, ...] = KEPT) -> dict[str, dict]:
    """{table: {key: (kept, recounted)}} for every counter that disagrees with its recount (empty: exact)."""
    out: dict[str, dict] = {}
    for k in kept:
        width = len(k.keys)
        have = _nonzero(await conn.fetch(k.kept_sql()), width)
        want = _nonzero(await conn.fetch(k.recount), width)
        wrong = {key: (have.get(key), want.get(key)) for key in have.keys() | want.keys()
                 if have.get(key) != want.get(key)}
        if wrong:
            out[k.table] = wrong
    return out


async def refill(conn: asyncpg.Connection, kept: tuple[Kept, ...] = KEPT) -> None:
    """Each counter table replaced by its recount (rows filled in place, not through the projections)."""
    for k in kept:
        await conn.execute(f"TRUNCATE {k.table}")
        columns = k.keys + k.values + (("source",) if k.table == "cv_in_branch" else ())  # kept per source
        extra = ", 'youth'" if k.table == "cv_in_branch" else ""
        await conn.execute(f"INSERT INTO {k.table} ({', '.join(columns)}) SELECT *{extra} FROM ({k.recount}) r")
