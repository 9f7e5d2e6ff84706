"""Youth read model: registered youth (public attributes only) and counts for the dashboard.

It follows the person's lifecycle: the counts hold ACTIVE people only. Deactivated people (REGISTRATION
consent withdrawn) leave the counts and come back if they consent again; a merged-away record and an
erased person are removed (row deleted, counts decremented), so the dashboard never counts anyone twice
and keeps no attribute of an erased person (projection_streams keeps only the stream id and version).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import asyncpg

from chassis.envelope import Envelope
from chassis.settings import Settings

REGISTRY_TOPIC = "xq.registry.youth"
PREFIX = "xq.registry.youth."
REGISTERED = PREFIX + "registered.v1"
KEY = ("district", "youth_type", "subtype")  # what the counts are kept by
NEW_ROW = ("youth_id", "district", "youth_type", "subtype", "is_minor", "age_band", "registered_on", "status")


class YouthProjection:
    name = "gateway.youth"
    handles: tuple[str, ...] = ()  # TODO(issue 14, this session): the Dispatch table replaces it
    tables = ("youth", "youth_counts")
    stream_prefixes = ("youth-",)

    def __init__(self, settings: Settings):
        self.topics = (settings.topic(REGISTRY_TOPIC),)

    async def apply(self, conn: asyncpg.Connection, event: Envelope) -> None:
        d = event.data
        kind = event.type.removeprefix(PREFIX)
        if kind == "registered.v1":
            await conn.execute(
                """INSERT INTO youth (youth_id, district, youth_type, subtype, is_minor, age_band, registered_on)
                   VALUES ($1, $2, $3, $4, $5, $6, $7::text::date)""",
                d["youth_id"], d["district"], d["youth_type"], d["subtype"], d["is_minor"], d["age_band"],
                d["registered_on"])
            await _count(conn, d["district"], d["youth_type"], d["subtype"], 1)
            return
        row = await conn.fetchrow("SELECT district, youth_type, subtype, status FROM youth WHERE youth_id = $1",
                                  d["youth_id"])
        if row is None:
            return  # already removed (merged, then erased)
        active = row["status"] == "ACTIVE"
        if kind == "profile-updated.v1":
            new = {k: d.get(k) or row[k] for k in ("district", "youth_type", "subtype")}
            if new != {k: row[k] for k in new}:
                await conn.execute("UPDATE youth SET district = $2, youth_type = $3, subtype = $4 WHERE youth_id = $1",
                                   d["youth_id"], new["district"], new["youth_type"], new["subtype"])
                if active:
                    await _count(conn, row["district"], row["youth_type"], row["subtype"], -1)
                    await _count(conn, new["district"], new["youth_type"], new["subtype"], 1)
        elif kind == "deactivated.v1" and active:
            await _set_status(conn, d["youth_id"], row, "DEACTIVATED", -1)
        elif kind == "consent-given.v1" and d["purpose"] == "REGISTRATION" and row["status"] == "DEACTIVATED":
            await _set_status(conn, d["youth_id"], row, "ACTIVE", 1)
        elif kind in ("merged.v1", "erased.v1"):
            await conn.execute("DELETE FROM youth WHERE youth_id = $1", d["youth_id"])
            if active:
                await _count(conn, row["district"], row["youth_type"], row["subtype"], -1)


    async def apply_batch(self, conn: asyncpg.Connection, events: list[Envelope]) -> None:
        """The read model `apply` gives one event at a time, in at most five statements per batch: read the
        rows the batch's non-registration events touch, fold every event in order over them in memory
        (the same rules as `apply`; Kafka order is version order per stream, and a registration earlier
        in the batch is seen by the events after it), then write new rows, changed rows, removed rows and
        the summed counter changes (every touched counter, a net 0 included, as `apply` would have)."""
        rows: dict[str, dict | None] = {}  # youth_id -> the row as it stands after the events so far (None: gone)
        new: set[str] = set()
        for e in events:
            if e.type == REGISTERED:
                new.add(e.data["youth_id"])
        wanted = list({e.data["youth_id"] for e in events if e.type != REGISTERED} - new)
        if wanted:
            for r in await conn.fetch("SELECT youth_id, district, youth_type, subtype, status FROM youth "
                                      "WHERE youth_id = ANY($1::text[])", wanted):
                rows[r["youth_id"]] = dict(r)
        stored = set(rows)  # rows that exist in the table before this batch
        changed: set[str] = set()
        deltas: dict[tuple[str, str, str], int] = {}
        for e in events:
            d = e.data
            youth_id = d["youth_id"]
            if e.type == REGISTERED:
                rows[youth_id] = row = {**d, "status": "ACTIVE"}  # extra payload fields are never written
                _add(deltas, row, 1)
                continue
            row = rows.get(youth_id)
            if row is None:
                continue  # never seen, or already removed (merged, then erased)
            kind = e.type.removeprefix(PREFIX)
            active = row["status"] == "ACTIVE"
            if kind == "profile-updated.v1":
                moved = {k: d.get(k) or row[k] for k in KEY}
                if any(moved[k] != row[k] for k in KEY):
                    if active:
                        _add(deltas, row, -1)
                        _add(deltas, moved, 1)
                    row.update(moved)
                    changed.add(youth_id)
            elif kind == "deactivated.v1" and active:
                row["status"] = "DEACTIVATED"
                changed.add(youth_id)
                _add(deltas, row, -1)
            elif kind == "consent-given.v1" and d["purpose"] == "REGISTRATION" and row["status"] == "DEACTIVATED":
                row["status"] = "ACTIVE"
                changed.add(youth_id)
                _add(deltas, row, 1)
            elif kind in ("merged.v1", "erased.v1"):
                rows[youth_id] = None
                if active:
                    _add(deltas, row, -1)
        await _write(conn, rows, new, stored, changed, deltas)


def _add(deltas: dict, row: dict, delta: int) -> None:
    key = (row["district"], row["youth_type"], row["subtype"])
    deltas[key] = deltas.get(key, 0) + delta


async def _write(conn, rows: dict, new: set[str], stored: set[str], changed: set[str], deltas: dict) -> None:
    gone = [y for y in stored if rows[y] is None]
    if gone:
        await conn.execute("DELETE FROM youth WHERE youth_id = ANY($1::text[])", gone)
    kept = [rows[y] | {"youth_id": y} for y in changed if y in stored and rows[y] is not None]
    if kept:
        await conn.execute(
            """UPDATE youth SET district = t.d, youth_type = t.t, subtype = t.s, status = t.st
                 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS t(i, d, t, s, st)
                WHERE youth_id = t.i""", *_columns(kept, ("youth_id", "district", "youth_type", "subtype", "status")))
    born = [(r["youth_id"], r["district"], r["youth_type"], r["subtype"], r["is_minor"], r["age_band"],
             date.fromisoformat(r["registered_on"]), r["status"]) for y in new if (r := rows[y]) is not None]
    if born:  # COPY: new rows only, and the cheapest way into PostgreSQL for both sides
        await conn.copy_records_to_table("youth", records=born, columns=NEW_ROW)
    if deltas:
        keys = list(deltas)
        await conn.execute(
            """INSERT INTO youth_counts (district, youth_type, subtype, count)
               SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[])
               ON CONFLICT (district, youth_type, subtype) DO UPDATE SET count = youth_counts.count + EXCLUDED.count""",
            [k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys], [deltas[k] for k in keys])


def _columns(rows: list[dict], fields: tuple[str, ...]) -> list[list]:
    return [[r[f] for r in rows] for f in fields]


async def _set_status(conn, youth_id: str, row, status: str, delta: int) -> None:
    await conn.execute("UPDATE youth SET status = $2 WHERE youth_id = $1", youth_id, status)
    await _count(conn, row["district"], row["youth_type"], row["subtype"], delta)


async def _count(conn, district: str, youth_type: str, subtype: str, delta: int) -> None:
    await conn.execute(
        """INSERT INTO youth_counts (district, youth_type, subtype, count) VALUES ($1, $2, $3, $4)
           ON CONFLICT (district, youth_type, subtype) DO UPDATE SET count = youth_counts.count + $4""",
        district, youth_type, subtype, delta)


@dataclass(frozen=True)
class YouthCounts:
    total: int
    by_type: dict[str, int]
    by_district: dict[str, int]


async def youth_counts(conn: asyncpg.Connection, district: str | None) -> YouthCounts:
    rows = await conn.fetch(
        "SELECT district, youth_type, sum(count)::int AS n FROM youth_counts "
        "WHERE ($1::text IS NULL OR district = $1) AND count > 0 GROUP BY district, youth_type", district)
    by_type: dict[str, int] = {}
    by_district: dict[str, int] = {}
    for r in rows:
        by_type[r["youth_type"]] = by_type.get(r["youth_type"], 0) + r["n"]
        by_district[r["district"]] = by_district.get(r["district"], 0) + r["n"]
    return YouthCounts(sum(by_type.values()), by_type, by_district)
