"""The stations' commands on chassis.commands.run: load, check the caller's district, decide, append,
and write the service's own query tables (tables.py) in the same transaction, so they are never
behind the events."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import date, datetime

import asyncpg
import orjson

from chassis.auth import Principal
from chassis.clock import beijing_date
from chassis.commands import Outcome, accepted, answered, run, transaction
from chassis.decider import Decider
from chassis.errors import NotFound, RuleViolated
from chassis.eventstore import EventStore

from . import referrals, tables
from .deps import Runtime
from .domain import activity, appeal, case, governance, hot_topic, programme, service_record, station, volunteering

RACE_RETRIES = 3  # commands decide on the current state: a concurrent writer (the overdue marking) is retried
NOT_FOUND = "未找到要操作的对象。"
NO_CASE = "个案不存在。"
APPEAL_DETAILS = "appeal-details"  # the place an appeal's sealed words are bound to (chassis.vault associated data)

Then = Callable[[asyncpg.Connection, Outcome], Awaitable[None]]
Guard = Callable[[object], None]


def existing_only(missing: str) -> Guard:
    """A guard for a young person's own steps: the aggregate exists, in any district (NOT_FOUND otherwise)."""

    def guard(state) -> None:
        if not state.exists:
            raise NotFound(missing)
    return guard


def in_district(who: Principal, missing: str) -> Callable[[object], None]:
    """A guard: the aggregate exists and lies in the caller's district (chassis.auth: one answer for both)."""

    def guard(state) -> None:
        who.require_found_in_district(state.district if state.exists else None, missing)
    return guard


async def execute(rt: Runtime, store: EventStore, decider: Decider, stream: str, command, entity_id: str, *,
                  who: Principal | None = None, missing: str = NOT_FOUND, expected_version: int | None = None,
                  then: Then | None = None, guard: Guard | None = None) -> dict:
    """Decide `command` on `stream` and append, in one transaction; with `who`, on an existing aggregate
    in the caller's district only (or as `guard` says). `then(conn, outcome)` writes query tables in the
    same transaction."""
    if guard is None and who is not None:
        guard = in_district(who, missing)
    async with transaction(rt.pool) as conn:
        outcome = await run(conn, store, decider, stream, command, expected_version=expected_version,
                            guard=guard, race_retries=RACE_RETRIES)
        if then is not None:
            await then(conn, outcome)
    return answered(outcome, entity_id)  # an idempotent repeat (volunteer hours) answers the current version


async def load_existing(conn: asyncpg.Connection, store: EventStore, decider: Decider, stream: str, guard: Guard):
    """The aggregate's state, when `guard` lets the caller act on it."""
    state = decider.fold((await store.load(conn, stream)).events)
    guard(state)
    return state


async def load_station(conn: asyncpg.Connection, rt: Runtime, station_id: str, guard: Guard) -> station.StationState:
    """A station's state, when `guard` lets the caller act at it (commands that name a station)."""
    return await load_existing(conn, rt.deps.stores.station, station.station, station.stream_id(station_id), guard)


# ---- programmes: an enrolment is decided on its programme's state ---------------------------------

async def enrolment(rt: Runtime, who: Principal | None, programme_id: str, youth_id: str,
                    make: Callable[[programme.ProgrammeState], object]) -> dict:
    """`make(programme)` is the enrolment command, built on the programme's current state; `who` None: the
    person themselves (any district). A new enrolment is listed among the person's own."""
    store = rt.deps.stores.programme
    missing = "项目不存在。"
    async with transaction(rt.pool) as conn:
        prog = await load_existing(conn, store, programme.programme, programme.programme_stream(programme_id),
                                   in_district(who, missing) if who is not None else existing_only(missing))
        command = make(prog)
        outcome = await run(conn, store, programme.enrolment, programme.enrolment_stream(programme_id, youth_id),
                            command, race_retries=RACE_RETRIES)
        if isinstance(command, programme.Enrol) and prog.name is not None:
            await tables.keep_enrolment(conn, youth_id, programme_id, prog.name, command.enrolled_on)
    return accepted(outcome.envelopes, f"{programme_id}/{youth_id}")


def if_recorded(write: Callable[[asyncpg.Connection, Outcome], Awaitable[None]]) -> Then:
    """`then` of a command whose query-table row follows only what was recorded: `write` runs when the command
    appended events (a repeat that decided nothing leaves the table as it is)."""
    async def then(conn: asyncpg.Connection, outcome: Outcome) -> None:
        if outcome.envelopes:
            await write(conn, outcome)
    return then


def booking_of(youth_id: str) -> Then:
    """`then` of an event command on a person's place: mirror it among their own bookings."""
    async def keep(conn: asyncpg.Connection, outcome: Outcome) -> None:
        await tables.keep_booking(conn, youth_id, outcome.state)
    return keep


# ---- services delivered: batches to per-station-per-day streams ----------------------------------

@dataclass(frozen=True)
class RecordedBatch:
    accepted: int
    duplicates: list[str]  # idempotency keys already recorded (not counted again)
    anonymised: list[str]  # keys of records whose youth may not be named: counted anonymously
    positions: list[str]


async def _append_to_day(conn: asyncpg.Connection, store: EventStore, stream: str, events: list) -> str:
    """Append to a day stream without loading it (nothing a record decides depends on the day's others)."""
    # One writer per day stream at a time; nothing of the day is loaded, only its version.
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", stream)
    version = await conn.fetchval("SELECT coalesce(max(version), 0) FROM events WHERE stream_id = $1", stream)
    return (await store.append(conn, stream, version, events))[-1].position


async def record_services(rt: Runtime, who: Principal, command: service_record.RecordServices) -> RecordedBatch:
    service_record.validate_batch(command)  # bad input stores nothing
    sid, records = command.station_id, command.records
    async with transaction(rt.pool) as conn:
        state = await load_station(conn, rt, sid, in_district(who, "站点不存在。"))
        # Sorted, so two uploads sharing keys take the key rows' locks in the same order (no deadlock).
        keys = sorted((r.idempotency_key, service_record.record_id(sid, r.idempotency_key),
                       service_record.stream_id(sid, beijing_date(r.delivered_at))) for r in records)
        new = await tables.claim_record_keys(conn, sid, keys)
        # Who may be named on a record (registered, consented to SERVICE_RECORDS), as the registry last said.
        named = await tables.consenting_youth(conn, {r.youth_id for r in records if r.youth_id})
        fresh = tuple(r for r in records if r.idempotency_key in new)
        anonymised = [r.idempotency_key for r in fresh if r.youth_id and r.youth_id not in named]
        events = service_record.decide_records(
            replace(command, records=fresh, named=frozenset(named)), state) if fresh else []
        by_stream: dict[str, list] = {}
        for event in events:
            by_stream.setdefault(service_record.stream_id(sid, date.fromisoformat(event.delivered_on)), []).append(event)
        # A fixed order: two batches never lock each other's days crosswise.
        positions = [await _append_to_day(conn, rt.deps.stores.service, stream, by_stream[stream])
                     for stream in sorted(by_stream)]
        await tables.keep_services(conn, [  # what the person received, for their own export
            (r.youth_id, service_record.record_id(sid, r.idempotency_key), sid, r.service_type,
             beijing_date(r.delivered_at)) for r in fresh if r.youth_id in named])
        await tables.keep_health_subjects(conn, [
            (service_record.record_id(sid, r.idempotency_key), r.youth_id) for r in fresh
            if r.service_type in station.HEALTH_SERVICES and r.youth_id in named])
    duplicates = [r.idempotency_key for r in records if r.idempotency_key not in new]
    return RecordedBatch(accepted=len(fresh), duplicates=duplicates, anonymised=anonymised, positions=positions)


# ---- appeals: every change mirrors the open deadlines the overdue marking scans -------------------

async def _track_deadlines(conn: asyncpg.Connection, outcome: Outcome) -> None:
    await tables.track_deadlines(conn, outcome.state)


async def _appeal_changed(conn: asyncpg.Connection, outcome: Outcome) -> None:
    """Mirror the open deadlines; move the week counts of a categorisation."""
    await tables.track_deadlines(conn, outcome.state)
    await tables.count_categorised(conn, [(e.data["previous"], e.data["category"], e.data["district"], e.data["week"])
                                          for e in outcome.envelopes if e.type == appeal.AppealCategorised.TYPE])


async def import_appeal(rt: Runtime, command: appeal.ImportAppeal, details: dict) -> dict:
    """The caller's words, address and location (`details`) stay in the service's own table, sealed with the
    appeal's own key; the events carry none of them."""
    appeal.decide(command, appeal.AppealState())  # validate before touching the database
    aid = command.appeal_id

    async def keep(conn: asyncpg.Connection, outcome: Outcome) -> None:
        sealed = await rt.deps.vault.seal(conn, appeal.stream_id(aid), orjson.dumps(details), APPEAL_DETAILS)
        await tables.keep_appeal_details(conn, aid, sealed)
        await _appeal_changed(conn, outcome)

    return await execute(rt, rt.deps.stores.appeal, appeal.appeal, appeal.stream_id(aid), command, aid, then=keep)


async def read_appeal_details(rt: Runtime, who: Principal, appeal_id: str, purpose: str) -> dict | None:
    """The appeal's words, address and location for its district's staff and admin (None once shredded: the
    youth of a case opened from it was erased); the read is audited in the same transaction."""
    async with transaction(rt.pool) as conn:
        await load_existing(conn, rt.deps.stores.appeal, appeal.appeal, appeal.stream_id(appeal_id),
                            in_district(who, "工单不存在。"))
        await tables.audit_reads(conn, "appeal_reads", who, [appeal_id], purpose)
        row = await tables.appeal_details(conn, appeal_id)
        if row is None:
            return {}
        if row["sealed"] is None:  # imported before sealing (migration 0006): kept as it was
            return {k: row[k] for k in ("description", "address", "lat", "lon")}
        plain = await rt.deps.vault.unseal(conn, appeal.stream_id(appeal_id), row["sealed"], APPEAL_DETAILS)
    return None if plain is None else orjson.loads(plain)


async def appeal_step(rt: Runtime, who: Principal, appeal_id: str, command) -> dict:
    return await execute(rt, rt.deps.stores.appeal, appeal.appeal, appeal.stream_id(appeal_id), command, appeal_id,
                         who=who, missing="工单不存在。", then=_appeal_changed)


async def mark_appeal_overdue(rt: Runtime, appeal_id: str, now: datetime) -> bool:
    """`MarkOverdue(now)` on one appeal, in its own transaction; whether it got an event. A concurrent
    change raises VersionConflict (no retry: the next scheduled run looks again)."""
    async with transaction(rt.pool) as conn:
        outcome = await run(conn, rt.deps.stores.appeal, appeal.appeal, appeal.stream_id(appeal_id),
                            appeal.MarkOverdue(now))
        await _track_deadlines(conn, outcome)
    return bool(outcome.envelopes)


# ---- cases: every change mirrors the open deadlines and whose case it is --------------------------

async def track_case(conn: asyncpg.Connection, outcome: Outcome) -> None:
    await tables.track_case(conn, outcome.state)
    await tables.keep_own_case(conn, outcome.state, opened=outcome.state.exists and not outcome.before.exists)


def owned_by(youth_id: str, missing: str) -> Guard:
    """A guard for a young person's step on what is theirs (a case, a campaign entry): their own, else
    NOT_FOUND — another person's answers exactly like one of nothing."""

    def guard(state) -> None:
        if not state.belongs_to(youth_id):
            raise NotFound(missing)
    return guard


def own_case(youth_id: str) -> Guard:
    return owned_by(youth_id, NO_CASE)


async def open_own_case(rt: Runtime, command: case.OpenCase) -> dict:
    cid = command.case_id
    return await execute(rt, rt.deps.stores.case, case.case, case.stream_id(cid), command, cid, then=track_case)


async def own_case_step(rt: Runtime, youth_id: str, case_id: str, command) -> dict:
    return await execute(rt, rt.deps.stores.case, case.case, case.stream_id(case_id), command, case_id,
                         guard=own_case(youth_id), then=track_case)


async def own_case_summaries(rt: Runtime, youth_id: str, case_ids: list[str]) -> dict[str, str | None]:
    """The summaries of the person's own cases (theirs to read: not a staff read, so not audited); an id that
    is not theirs raises NOT_FOUND."""
    summaries: dict[str, str | None] = {}
    async with rt.pool.acquire() as conn:
        for case_id in case_ids:
            events = (await rt.deps.stores.case.load(conn, case.stream_id(case_id))).events
            own_case(youth_id)(case.case.fold(events))
            summaries[case_id] = next(e.summary for e in events if isinstance(e, case.CaseOpened))
    return summaries


async def open_case(rt: Runtime, who: Principal, command: case.OpenCase) -> dict:
    """A case from a 12345 appeal must lie in the appeal's district (the caller's, checked on the appeal)."""
    if command.appeal_id is not None:
        async with rt.pool.acquire() as conn:
            source = await load_existing(conn, rt.deps.stores.appeal, appeal.appeal, appeal.stream_id(command.appeal_id),
                                         in_district(who, "工单不存在。"))
        if source.district != command.district:
            raise RuleViolated("个案的区县须与 12345 工单的区县一致。", rule="appeal_district")
    cid = command.case_id
    return await execute(rt, rt.deps.stores.case, case.case, case.stream_id(cid), command, cid, then=track_case)


async def case_step(rt: Runtime, who: Principal, case_id: str, command) -> dict:
    """A worker's step; a referral also goes into the outbox for its agency, in the same transaction."""

    async def then(conn: asyncpg.Connection, outcome: Outcome) -> None:
        await track_case(conn, outcome)
        if isinstance(command, case.ReferCase) and outcome.envelopes:
            await referrals.publish(rt, conn, outcome.state, command.at)

    return await execute(rt, rt.deps.stores.case, case.case, case.stream_id(case_id), command, case_id,
                         who=who, missing="个案不存在。", then=then)


async def mark_case_overdue(rt: Runtime, case_id: str, now: datetime) -> bool:
    """`MarkOverdue(now)` on one case in its own transaction; whether a reminder was recorded."""
    async with transaction(rt.pool) as conn:
        outcome = await run(conn, rt.deps.stores.case, case.case, case.stream_id(case_id), case.MarkOverdue(now))
        await track_case(conn, outcome)
    return bool(outcome.envelopes)


async def read_case_summary(rt: Runtime, who: Principal, case_id: str, purpose: str) -> str | None:
    """The case's summary for its district's staff (None once its youth was erased); the read is audited
    in the same transaction, so there is no read without its audit row."""
    async with transaction(rt.pool) as conn:
        events = (await rt.deps.stores.case.load(conn, case.stream_id(case_id))).events
        in_district(who, "个案不存在。")(case.case.fold(events))
        await tables.audit_reads(conn, "case_reads", who, [case_id], purpose)
    return next(e.summary for e in events if isinstance(e, case.CaseOpened))


# ---- hot topics (集中诉求) and governance items (主动治理) ---------------------------------------------

async def detect_hot_topic(rt: Runtime, command: hot_topic.DetectHotTopic) -> bool:
    """One detection on the topic's stream, in its own transaction; whether it was recorded now. A topic
    already recorded answers nothing; a concurrent detection of the same one loses the append (VersionConflict)."""
    topic_id = hot_topic.hot_topic_id(command.category, command.district, command.week)
    async with transaction(rt.pool) as conn:
        outcome = await run(conn, rt.deps.stores.governance, hot_topic.hot_topic, hot_topic.stream_id(topic_id),
                            command)
    return bool(outcome.envelopes)


async def _track_item(conn: asyncpg.Connection, outcome: Outcome) -> None:
    state = outcome.state
    await tables.track_governance(conn, state.item_id, None if state.done or state.overdue else state.due_at)


async def open_governance_item(rt: Runtime, who: Principal, topic_id: str, make) -> dict:
    """`make(topic)` is the OpenItem command built on the hot topic (which must lie in the caller's district);
    one item per hot topic."""
    async with rt.pool.acquire() as conn:
        topic = await load_existing(conn, rt.deps.stores.governance, hot_topic.hot_topic, hot_topic.stream_id(topic_id),
                                    in_district(who, "集中诉求不存在。"))
    command = make(topic)
    return await execute(rt, rt.deps.stores.governance, governance.item, governance.stream_id(command.item_id),
                         command, command.item_id, then=_track_item)


async def governance_step(rt: Runtime, who: Principal, item_id: str, command) -> dict:
    return await execute(rt, rt.deps.stores.governance, governance.item, governance.stream_id(item_id), command,
                         item_id, who=who, missing="治理事项不存在。", then=_track_item)


async def mark_governance_overdue(rt: Runtime, item_id: str, now: datetime) -> bool:
    async with transaction(rt.pool) as conn:
        outcome = await run(conn, rt.deps.stores.governance, governance.item, governance.stream_id(item_id),
                            governance.MarkOverdue(now))
        await _track_item(conn, outcome)
    return bool(outcome.envelopes)


# ---- volunteer shifts: at a station or an event of the shift's own district -------------------------

async def publish_shift(rt: Runtime, who: Principal, command: volunteering.PublishShift) -> dict:
    """The station and the event named must exist in the caller's district and in the shift's."""
    places = [(rt.deps.stores.station, station.station, station.stream_id(command.station_id), "站点不存在。")
              ] if command.station_id else []
    if command.event_id:
        places.append((rt.deps.stores.event, activity.activity, activity.stream_id(command.event_id), "活动不存在。"))
    async with rt.pool.acquire() as conn:
        for store, decider, stream, missing in places:
            place = await load_existing(conn, store, decider, stream, in_district(who, missing))
            if place.district != command.district:
                raise RuleViolated("班次的区县须与站点或活动的区县一致。", rule="place_district")
    sid = command.shift_id
    return await execute(rt, rt.deps.stores.event, volunteering.shift, volunteering.stream_id(sid), command, sid)


async def shift_step(rt: Runtime, who: Principal | None, shift_id: str, command) -> dict:
    """A step on a shift: by its district's staff (`who`), or by the person themselves (None: any district).
    Hours recorded or corrected are mirrored among the person's own, in the same transaction."""
    missing = "志愿服务班次不存在。"

    async def keep(conn: asyncpg.Connection, outcome: Outcome) -> None:
        # Staff name a person by id: only one the registry says is registered and active (an erased person's
        # hours are never linked to them again). Raised here, the append is rolled back with it.
        if (outcome.envelopes and who is not None and isinstance(command, volunteering.SignUpForShift | volunteering.RecordHours)
                and not await tables.active_youth(conn, command.youth_id)):
            raise NotFound("青年未登记、已停用或已删除。")
        if outcome.envelopes and isinstance(command, volunteering.RecordHours | volunteering.CorrectHours):
            await tables.keep_volunteer_hours(conn, outcome.state, command.youth_id,
                                              first=isinstance(command, volunteering.RecordHours))

    return await execute(rt, rt.deps.stores.event, volunteering.shift, volunteering.stream_id(shift_id), command,
                         shift_id, who=who, missing=missing, then=keep,
                         guard=existing_only(missing) if who is None else None)


async def certificate(rt: Runtime, youth_id: str, district: str | None) -> dict:
    """A certificate of the person's hours by station (or event), numbered; `district`: only the hours served
    there (a district's staff certify their own district's service)."""
    async with transaction(rt.pool) as conn:
        rows = [r for r in await tables.own_rows(conn, tables.VOLUNTEERING, youth_id)
                if district is None or r["district"] == district]
        if not rows:
            raise NotFound("没有可证明的志愿服务时长记录。")
        places: dict[tuple[str | None, str | None], int] = {}
        for r in rows:
            key = (r["station_id"], r["event_id"])
            places[key] = places.get(key, 0) + r["minutes"]
        total = sum(places.values())
        number = await tables.issue_certificate(conn, youth_id, total, rt.deps.clock.now())
    return {"number": number, "youthId": youth_id, "hours": total / 60, "shifts": len(rows),
            "byPlace": [{"stationId": s, "eventId": e, "hours": m / 60} for (s, e), m in places.items()]}
