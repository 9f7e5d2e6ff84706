"""Youth read model: registered youth (public attributes only) and counts for the dashboard (their
reads: gateway/tables/youth.py).

It follows the person's lifecycle: the counts hold ACTIVE people only. Deactivated people (REGISTRATION
consent withdrawn) leave the counts and come back if they consent again; a merged-away record and an
erased person are removed (row deleted, counts decremented), so the dashboard never counts anyone twice
and keeps no attribute of an erased person (projection_streams keeps only the stream id and version).

The same rules twice, one table each: `handlers` applies one event in SQL (a request's event, in its
trace), `FOLDS` applies an event to a row in memory for the set-based `apply_batch` (bulk, replay);
a unit test keeps both tables on the same event types.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

import asyncpg

from chassis.dispatch import Dispatch
from chassis.envelope import Envelope
from chassis.settings import Settings
from contracts.registry import REGISTRATION, YOUTH, Status, YouthEvents

from . import coverage
from .coverage import covered_district

KEY = ("district", "youth_type", "subtype")  # what the counts are kept by
NEW_ROW = ("youth_id", "district", "youth_type", "subtype", "is_minor", "age_band", "registered_on", "status")
Row = dict  # a youth row: KEY and status
Deltas = dict[tuple[str, str, str], int]


# ---- one event at a time (SQL) -------------------------------------------------------------------

async def _registered(conn: asyncpg.Connection, e: Envelope) -> None:
    d = e.data
    await conn.execute(
        """INSERT INTO youth (youth_id, district, youth_type, subtype, is_minor, age_band, registered_on)
           VALUES ($1, $2, $3, $4, $5, $6, $7::text::date)""",
        d["youth_id"], d["district"], d["youth_type"], d["subtype"], d["is_minor"], d["age_band"],
        d["registered_on"])
    await _count(conn, d, 1)
    await coverage.youth_changed(conn, {d["youth_id"]: (None, covered_district({**d, "status": Status.ACTIVE}))})


def _of_stored(handler: Callable[[asyncpg.Connection, dict, asyncpg.Record], Awaitable[None]]):
    """A handler of an event about a registered person: given the person's row, or not called when the
    row is gone (merged, then erased)."""
    async def apply(conn: asyncpg.Connection, e: Envelope) -> None:
        row = await conn.fetchrow("SELECT district, youth_type, subtype, status FROM youth WHERE youth_id = $1",
                                  e.data["youth_id"])
        if row is not None:
            await handler(conn, e.data, row)
    return apply


async def _profile_updated(conn: asyncpg.Connection, d: dict, row: asyncpg.Record) -> None:
    new = {k: d.get(k) or row[k] for k in KEY}
    if new != {k: row[k] for k in KEY}:
        await conn.execute("UPDATE youth SET district = $2, youth_type = $3, subtype = $4 WHERE youth_id = $1",
                           d["youth_id"], new["district"], new["youth_type"], new["subtype"])
        if row["status"] == Status.ACTIVE:
            await _count(conn, row, -1)
            await _count(conn, new, 1)
        await coverage.youth_changed(conn, {d["youth_id"]: (covered_district(row),
                                                            covered_district({**new, "status": row["status"]}))})


async def _deactivated(conn: asyncpg.Connection, d: dict, row: asyncpg.Record) -> None:
    if row["status"] == Status.ACTIVE:
        await _set_status(conn, d["youth_id"], row, Status.DEACTIVATED, -1)


async def _reactivated(conn: asyncpg.Connection, d: dict, row: asyncpg.Record) -> None:
    if row["status"] == Status.DEACTIVATED:
        await _set_status(conn, d["youth_id"], row, Status.ACTIVE, 1)


async def _consent_given(conn: asyncpg.Connection, d: dict, row: asyncpg.Record) -> None:
    # Records reactivated before `reactivated.v1` existed have only this consent to say so; since then the
    # reactivation follows it, and finds the person active already.
    if d["purpose"] == REGISTRATION:
        await _reactivated(conn, d, row)


async def _removed(conn: asyncpg.Connection, d: dict, row: asyncpg.Record) -> None:
    await conn.execute("DELETE FROM youth WHERE youth_id = $1", d["youth_id"])
    if row["status"] == Status.ACTIVE:
        await _count(conn, row, -1)
    await coverage.youth_changed(conn, {d["youth_id"]: (covered_district(row), None)})


async def _set_status(conn: asyncpg.Connection, youth_id: str, row, status: Status, delta: int) -> None:
    await conn.execute("UPDATE youth SET status = $2 WHERE youth_id = $1", youth_id, status.value)
    await _count(conn, row, delta)
    await coverage.youth_changed(conn, {youth_id: (covered_district(row),
                                                   covered_district({**row, "status": status.value}))})


async def _count(conn: asyncpg.Connection, key, delta: int) -> None:
    await conn.execute(
        """INSERT INTO youth_counts (district, youth_type, subtype, count) VALUES ($1, $2, $3, $4)
           ON CONFLICT (district, youth_type, subtype) DO UPDATE SET count = youth_counts.count + $4""",
        key["district"], key["youth_type"], key["subtype"], delta)


# ---- a batch at once (in memory, then set-based SQL) ---------------------------------------------

def _fold_profile_updated(row: Row, d: dict, deltas: Deltas) -> Row | None:
    moved = {k: d.get(k) or row[k] for k in KEY}
    if any(moved[k] != row[k] for k in KEY):
        if row["status"] == Status.ACTIVE:
            _add(deltas, row, -1)
            _add(deltas, moved, 1)
        row.update(moved)
    return row


def _fold_deactivated(row: Row, d: dict, deltas: Deltas) -> Row | None:
    if row["status"] == Status.ACTIVE:
        row["status"] = Status.DEACTIVATED.value
        _add(deltas, row, -1)
    return row


def _fold_reactivated(row: Row, d: dict, deltas: Deltas) -> Row | None:
    if row["status"] == Status.DEACTIVATED:
        row["status"] = Status.ACTIVE.value
        _add(deltas, row, 1)
    return row


def _fold_consent_given(row: Row, d: dict, deltas: Deltas) -> Row | None:
    return _fold_reactivated(row, d, deltas) if d["purpose"] == REGISTRATION else row


def _fold_removed(row: Row, d: dict, deltas: Deltas) -> Row | None:
    if row["status"] == Status.ACTIVE:
        _add(deltas, row, -1)
    return None


# An event about a stored person, applied to its row in memory: -> the row afterwards (None: removed).
FOLDS: dict[str, Callable[[Row, dict, Deltas], Row | None]] = {
    YouthEvents.PROFILE_UPDATED: _fold_profile_updated,
    YouthEvents.DEACTIVATED: _fold_deactivated,
    YouthEvents.CONSENT_GIVEN: _fold_consent_given,
    YouthEvents.REACTIVATED: _fold_reactivated,
    YouthEvents.MERGED: _fold_removed,
    YouthEvents.ERASED: _fold_removed,
}


class YouthProjection(Dispatch):
    name = "gateway.youth"
    tables = ("youth", "youth_counts", "cv_in_branch")  # cv_in_branch: with the branches projection (coverage.py)
    stream_prefixes = ("youth-",)

    def __init__(self, settings: Settings):
        self.topics = (settings.topic(YOUTH.name),)
        self.handlers = {
            YouthEvents.REGISTERED: _registered,
            YouthEvents.PROFILE_UPDATED: _of_stored(_profile_updated),
            YouthEvents.DEACTIVATED: _of_stored(_deactivated),
            YouthEvents.CONSENT_GIVEN: _of_stored(_consent_given),
            YouthEvents.REACTIVATED: _of_stored(_reactivated),
            YouthEvents.MERGED: _of_stored(_removed),
            YouthEvents.ERASED: _of_stored(_removed),
        }

    async def apply_batch(self, conn: asyncpg.Connection, events: list[Envelope]) -> None:
        """The read model `apply` gives one event at a time, in at most five statements per batch: read the
        rows the batch's non-registration events touch, fold every event in order over them in memory
        (`FOLDS`; Kafka order is version order per stream, and a registration earlier in the batch is seen
        by the events after it), then write new rows, changed rows, removed rows and the summed counter
        changes (every touched counter, a net 0 included, as `apply` would have)."""
        registered = YouthEvents.REGISTERED
        rows: dict[str, Row | None] = {}  # youth_id -> the row as it stands after the events so far (None: gone)
        new = {e.data["youth_id"] for e in events if e.type == registered}
        wanted = list({e.data["youth_id"] for e in events if e.type in FOLDS} - new)
        if wanted:
            for r in await conn.fetch("SELECT youth_id, district, youth_type, subtype, status FROM youth "
                                      "WHERE youth_id = ANY($1::text[])", wanted):
                rows[r["youth_id"]] = dict(r)
        stored = set(rows)  # rows that exist in the table before this batch
        covered = {y: covered_district(r) for y, r in rows.items()}  # coverage before the batch
        changed: set[str] = set()
        deltas: Deltas = {}
        for e in events:
            youth_id = e.data["youth_id"]
            if e.type == registered:
                rows[youth_id] = row = {**e.data, "status": Status.ACTIVE.value}  # extra payload fields are never written
                _add(deltas, row, 1)
                continue
            fold, row = FOLDS.get(e.type), rows.get(youth_id)
            if fold is None or row is None:
                continue  # a type this read model does not show; or never seen, or already removed
            before = dict(row)
            rows[youth_id] = after = fold(row, e.data, deltas)
            if after is not None and after != before:
                changed.add(youth_id)
        await _write(conn, rows, new, stored, changed, deltas)
        await coverage.youth_changed(conn, {y: (covered.get(y), covered_district(rows[y]))
                                            for y in new | changed | {y for y in stored if rows[y] is None}})


def _add(deltas: Deltas, row, delta: int) -> None:
    key = (row["district"], row["youth_type"], row["subtype"])
    deltas[key] = deltas.get(key, 0) + delta


async def _write(conn, rows: dict, new: set[str], stored: set[str], changed: set[str], deltas: Deltas) -> None:
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
