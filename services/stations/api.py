"""Stations HTTP API (FastAPI). Field names are camelCase as in the GraphQL schema, except the
Open311 import, which keeps GeoReport v2's own snake_case names."""
from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from chassis.auth import Principal
from chassis.commands import accepted, execute, transaction
from chassis.decider import Decider
from chassis.errors import FieldError, ValidationFailed
from chassis.http import Accepted, ApiModel
from chassis.service import Runtime, caller, runtime

from . import views
from .domain import activity, appeal, programme, service_record, station
from .domain.common import beijing_date

router = APIRouter()
STAFF = ("admin", "station_staff")
RACE_RETRIES = 3  # commands decide on the current state: a concurrent writer (the overdue marking) is retried


def now() -> datetime:
    return datetime.now(UTC)


async def _load(conn, rt: Runtime, store: str, decider: Decider, stream: str, missing: str, who: Principal):
    """The aggregate, when it exists and lies in the caller's district (chassis.auth: one answer for both)."""
    state = decider.fold((await rt.deps.stores[store].load(conn, stream)).events)
    who.require_found_in_district(state.district if state.exists else None, missing)
    return state


async def _run(rt: Runtime, store: str, decider: Decider, stream: str, command, entity_id: str, *,
               district_of=None, who: Principal | None = None, expected_version: int | None = None,
               then=None) -> dict:
    """Check the caller's district against the current state, decide, append — one transaction."""

    def guard(state) -> None:
        if district_of is None:
            return
        who.require_found_in_district(district_of(state) if state.exists else None, "未找到要操作的对象。")

    async with transaction(rt.pool) as conn:
        envelopes = await execute(conn, rt.deps.stores[store], decider, stream, command, guard=guard,
                                  expected_version=expected_version, race_retries=RACE_RETRIES)
        if then is not None:
            await then(conn)
    return accepted(envelopes, entity_id)


# ---- stations ------------------------------------------------------------------------------------

class CreateStationRequest(ApiModel):
    kind: str = Field(description="WARM_HEART | RIDER_REFUEL | DREAM_SPACE")
    name: str
    district: str
    address: str
    lat: float
    lon: float
    operator: str = Field(description="LEAGUE | TRADE_UNION | WOMENS_FEDERATION | COMPANY")
    opening_hours: str
    services: list[str] = Field(max_length=20)


class StationStatusRequest(ApiModel):
    status: str = Field(description="OPEN | TEMPORARILY_CLOSED | CLOSED")
    reason: str = ""
    expected_version: int | None = None


class StationServicesRequest(ApiModel):
    services: list[str] = Field(max_length=20)
    expected_version: int | None = None


@router.post("/stations", status_code=201, response_model=Accepted, tags=["stations"], summary="新建站点")
async def create_station(body: CreateStationRequest, request: Request, who: Principal = Depends(caller)):
    who.require(*STAFF)
    who.require_district(body.district)
    station_id = str(uuid.uuid4())
    command = station.CreateStation(station_id=station_id, kind=body.kind, name=body.name, district=body.district,
                                    address=body.address, lat=body.lat, lon=body.lon, operator=body.operator,
                                    opening_hours=body.opening_hours, services=tuple(body.services))
    station.validate_station(command)
    return await _run(runtime(request), "station", station.station, station.stream_id(station_id), command,
                      station_id)


@router.post("/stations/{station_id}/status", response_model=Accepted, tags=["stations"], summary="变更站点状态")
async def change_station_status(station_id: uuid.UUID, body: StationStatusRequest, request: Request,
                                who: Principal = Depends(caller)):
    who.require(*STAFF)
    sid = str(station_id)
    return await _run(runtime(request), "station", station.station, station.stream_id(sid),
                      station.ChangeStationStatus(body.status, body.reason), sid, who=who,
                      district_of=lambda s: s.district, expected_version=body.expected_version)


@router.put("/stations/{station_id}/services", response_model=Accepted, tags=["stations"], summary="变更服务项目")
async def change_station_services(station_id: uuid.UUID, body: StationServicesRequest, request: Request,
                                  who: Principal = Depends(caller)):
    who.require(*STAFF)
    sid = str(station_id)
    return await _run(runtime(request), "station", station.station, station.stream_id(sid),
                      station.ChangeStationServices(tuple(body.services)), sid, who=who,
                      district_of=lambda s: s.district, expected_version=body.expected_version)


# ---- services delivered (batch upload) -----------------------------------------------------------

class ServiceRecordIn(ApiModel):
    idempotency_key: str = Field(description="由手机端生成（如 UUID）；重传同一条记录不会重复计数")
    service_type: str
    delivered_at: datetime
    youth_id: str | None = Field(None, description="登记青年编号；匿名服务留空")


class RecordServicesRequest(ApiModel):
    records: list[ServiceRecordIn] = Field(max_length=service_record.MAX_BATCH)


class BatchAccepted(BaseModel):
    accepted: int
    duplicates: list[str] = Field(description="已登记过的幂等键（本次未重复计数）")
    anonymised: list[str] = Field(description="青年未登记或未同意“服务记录”用途：按匿名计数的幂等键")
    positions: list[str]
    position: str | None = Field(description="最后写入的位置（读己之写）；全部重复时为 null")


@router.post("/stations/{station_id}/records", response_model=BatchAccepted, tags=["services"],
             summary="批量上传服务记录（人次），可迟传、可重传")
async def record_services(station_id: uuid.UUID, body: RecordServicesRequest, request: Request,
                          who: Principal = Depends(caller)):
    who.require(*STAFF)
    rt: Runtime = runtime(request)
    sid = str(station_id)
    records = tuple(service_record.ServiceRecord(
        idempotency_key=r.idempotency_key.strip(), service_type=r.service_type, delivered_at=r.delivered_at,
        youth_id=r.youth_id) for r in body.records)
    command = service_record.RecordServices(station_id=sid, records=records, now=now())
    service_record.validate_batch(command)  # bad input stores nothing
    store = rt.deps.stores["service"]
    async with transaction(rt.pool) as conn:
        state = await _load(conn, rt, "station", station.station, station.stream_id(sid), "站点不存在。", who)
        # Sorted, so two uploads sharing keys take the key rows' locks in the same order (no deadlock).
        keys = sorted((r.idempotency_key, service_record.record_id(sid, r.idempotency_key),
                       service_record.stream_id(sid, beijing_date(r.delivered_at))) for r in records)
        new = await views.claim_record_keys(conn, sid, keys)
        # Who may be named on a record (registered, consented to SERVICE_RECORDS), as the registry last said.
        named = await views.consenting_youth(conn, {r.youth_id for r in records if r.youth_id})
        fresh = tuple(r for r in records if r.idempotency_key in new)
        anonymised = [r.idempotency_key for r in fresh if r.youth_id and r.youth_id not in named]
        events = service_record.decide_records(
            replace(command, records=fresh, named=frozenset(named)), state) if fresh else []
        by_stream: dict[str, list] = {}
        for event in events:
            by_stream.setdefault(service_record.stream_id(sid, date.fromisoformat(event.delivered_on)), []).append(event)
        positions = []
        for stream in sorted(by_stream):  # a fixed order: two batches never lock each other's days crosswise
            # One writer per day stream at a time; nothing of the day is loaded, only its version.
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", stream)
            version = await conn.fetchval("SELECT coalesce(max(version), 0) FROM events WHERE stream_id = $1", stream)
            envelopes = await store.append(conn, stream, version, by_stream[stream])
            positions.append(envelopes[-1].position)
        fresh_by_key = {r.idempotency_key: r for r in fresh}
        await views.keep_health_subjects(conn, [
            (service_record.record_id(sid, k), fresh_by_key[k].youth_id) for k in fresh_by_key
            if fresh_by_key[k].service_type in station.HEALTH_SERVICES and fresh_by_key[k].youth_id in named])
    repeats = [r.idempotency_key for r in records if r.idempotency_key not in new]
    return BatchAccepted(accepted=len(fresh), duplicates=repeats, anonymised=anonymised, positions=positions,
                         position=positions[-1] if positions else None)


# ---- programmes ----------------------------------------------------------------------------------

class CreateProgrammeRequest(ApiModel):
    name: str
    kind: str = Field(description="项目类别，如 RIDER_DIPLOMA（新青年学堂骑手班）")
    district: str
    starts_on: date


class AddSessionRequest(ApiModel):
    title: str
    starts_at: datetime


class EnrolRequest(ApiModel):
    youth_id: uuid.UUID


class AttendanceRequest(ApiModel):
    session_id: uuid.UUID


class ExamRequest(ApiModel):
    result: str = Field(description="PASSED | FAILED")
    exam_on: date


class ScholarshipRequest(ApiModel):
    amount: Decimal = Field(description="元，最多两位小数")
    paid_on: date


@router.post("/programmes", status_code=201, response_model=Accepted, tags=["programmes"], summary="新建培养项目")
async def create_programme(body: CreateProgrammeRequest, request: Request, who: Principal = Depends(caller)):
    who.require(*STAFF)
    who.require_district(body.district)
    pid = str(uuid.uuid4())
    return await _run(runtime(request), "programme", programme.programme, programme.programme_stream(pid),
                      programme.CreateProgramme(pid, body.name, body.kind, body.district, body.starts_on), pid)


@router.post("/programmes/{programme_id}/sessions", status_code=201, response_model=Accepted, tags=["programmes"],
             summary="新增课次")
async def add_session(programme_id: uuid.UUID, body: AddSessionRequest, request: Request,
                      who: Principal = Depends(caller)):
    who.require(*STAFF)
    pid, session_id = str(programme_id), str(uuid.uuid4())
    result = await _run(runtime(request), "programme", programme.programme, programme.programme_stream(pid),
                        programme.AddSession(session_id, body.title, body.starts_at), pid, who=who,
                        district_of=lambda s: s.district)
    return {**result, "id": session_id}


async def _enrolment(request: Request, who: Principal, programme_id: uuid.UUID, youth_id: uuid.UUID, make):
    rt: Runtime = runtime(request)
    pid, yid = str(programme_id), str(youth_id)
    async with transaction(rt.pool) as conn:
        prog = await _load(conn, rt, "programme", programme.programme, programme.programme_stream(pid), "项目不存在。",
                           who)
        envelopes = await execute(conn, rt.deps.stores["programme"], programme.enrolment,
                                  programme.enrolment_stream(pid, yid), make(prog), race_retries=RACE_RETRIES)
    return accepted(envelopes, f"{pid}/{yid}")


@router.post("/programmes/{programme_id}/enrolments", status_code=201, response_model=Accepted,
             tags=["programmes"], summary="报名")
async def enrol(programme_id: uuid.UUID, body: EnrolRequest, request: Request, who: Principal = Depends(caller)):
    who.require(*STAFF)
    return await _enrolment(request, who, programme_id, body.youth_id,
                            lambda p: programme.Enrol(p, str(body.youth_id), beijing_date(now())))


@router.post("/programmes/{programme_id}/enrolments/{youth_id}/attendance", response_model=Accepted,
             tags=["programmes"], summary="登记课次出勤")
async def attend(programme_id: uuid.UUID, youth_id: uuid.UUID, body: AttendanceRequest, request: Request,
                 who: Principal = Depends(caller)):
    who.require(*STAFF)
    return await _enrolment(request, who, programme_id, youth_id,
                            lambda p: programme.RecordAttendance(p, str(body.session_id)))


@router.post("/programmes/{programme_id}/enrolments/{youth_id}/exam", response_model=Accepted,
             tags=["programmes"], summary="登记考试结果")
async def exam(programme_id: uuid.UUID, youth_id: uuid.UUID, body: ExamRequest, request: Request,
               who: Principal = Depends(caller)):
    who.require(*STAFF)
    return await _enrolment(request, who, programme_id, youth_id,
                            lambda p: programme.RecordExamResult(body.result, body.exam_on))


@router.post("/programmes/{programme_id}/enrolments/{youth_id}/scholarship", response_model=Accepted,
             tags=["programmes"], summary="发放奖学金")
async def scholarship(programme_id: uuid.UUID, youth_id: uuid.UUID, body: ScholarshipRequest, request: Request,
                      who: Principal = Depends(caller)):
    who.require(*STAFF)
    return await _enrolment(request, who, programme_id, youth_id,
                            lambda p: programme.PayScholarship(body.amount, body.paid_on))


# ---- events (salons, exhibitions, forums, talks) -------------------------------------------------

class ScheduleEventRequest(ApiModel):
    kind: str = Field(description="SALON | EXHIBITION | FORUM | TALK | OTHER")
    title: str
    district: str
    starts_at: datetime
    capacity: int
    station_id: uuid.UUID | None = None


class EventYouthRequest(ApiModel):
    youth_id: uuid.UUID


@router.post("/events", status_code=201, response_model=Accepted, tags=["events"], summary="发布活动")
async def schedule_event(body: ScheduleEventRequest, request: Request, who: Principal = Depends(caller)):
    who.require(*STAFF)
    who.require_district(body.district)
    eid = str(uuid.uuid4())
    command = activity.ScheduleActivity(eid, body.kind, body.title, body.district, body.starts_at, body.capacity,
                                        str(body.station_id) if body.station_id else None)
    return await _run(runtime(request), "event", activity.activity, activity.stream_id(eid), command, eid)


@router.post("/events/{event_id}/registrations", response_model=Accepted, tags=["events"], summary="活动报名")
async def register_for_event(event_id: uuid.UUID, body: EventYouthRequest, request: Request,
                             who: Principal = Depends(caller)):
    who.require(*STAFF)
    eid = str(event_id)
    return await _run(runtime(request), "event", activity.activity, activity.stream_id(eid),
                      activity.RegisterForActivity(str(body.youth_id)), eid, who=who, district_of=lambda s: s.district)


@router.post("/events/{event_id}/attendance", response_model=Accepted, tags=["events"], summary="活动签到")
async def attend_event(event_id: uuid.UUID, body: EventYouthRequest, request: Request,
                       who: Principal = Depends(caller)):
    who.require(*STAFF)
    eid = str(event_id)
    return await _run(runtime(request), "event", activity.activity, activity.stream_id(eid),
                      activity.RecordActivityAttendance(str(body.youth_id)), eid, who=who,
                      district_of=lambda s: s.district)


# ---- appeals (接诉即办) ---------------------------------------------------------------------------

class Open311Request(BaseModel):
    """A GeoReport v2 service request. Personal fields Open311 allows (first_name, last_name, email,
    phone, device_id, account_id) are ignored, never stored."""

    model_config = ConfigDict(extra="ignore", str_max_length=2000)
    service_request_id: str
    service_code: str
    service_name: str
    description: str | None = None
    requested_datetime: datetime
    address: str | None = None
    lat: float | None = None
    long: float | None = None
    status: str | None = Field(None, description="open | closed (informational)")
    tier: str = Field(description="EMERGENCY | UTILITIES | GENERAL | COMPLEX (12345 分级)")
    district: str


class AppealStepRequest(ApiModel):
    at: datetime | None = Field(None, description="发生时间；缺省为现在")


class DispatchRequest(AppealStepRequest):
    unit: str = Field(description="承办单位")


class RateRequest(AppealStepRequest):
    satisfaction: str = Field(description="SATISFIED | BASICALLY_SATISFIED | UNSATISFIED")


@router.post("/appeals/open311", status_code=201, response_model=Accepted, tags=["appeals"],
             summary="导入 12345 工单（Open311 GeoReport v2）")
async def import_appeal(body: Open311Request, request: Request, who: Principal = Depends(caller)):
    who.require(*STAFF)
    who.require_district(body.district)
    rt: Runtime = runtime(request)
    aid = appeal.appeal_id_for(body.service_request_id)
    command = appeal.ImportAppeal(
        appeal_id=aid, service_request_id=body.service_request_id, service_code=body.service_code,
        service_name=body.service_name, requested_datetime=body.requested_datetime, tier=body.tier,
        district=body.district, lat=body.lat, lon=body.long, deadlines=rt.deps.deadlines)
    appeal.decide(command, appeal.AppealState())  # validate before touching the database

    async def keep(conn):
        await views.keep_appeal_details(conn, aid, body.description, body.address, body.lat, body.long)
        await _track(conn, rt, aid)

    return await _run(rt, "appeal", appeal.appeal, appeal.stream_id(aid), command, aid, then=keep)


async def _track(conn, rt: Runtime, aid: str) -> None:
    stream = await rt.deps.stores["appeal"].load(conn, appeal.stream_id(aid))
    await views.track_deadlines(conn, appeal.appeal.fold(stream.events))


async def _appeal_step(request: Request, who: Principal, appeal_id: uuid.UUID, command) -> dict:
    rt: Runtime = runtime(request)
    aid = str(appeal_id)
    async with transaction(rt.pool) as conn:
        loaded = await rt.deps.stores["appeal"].load(conn, appeal.stream_id(aid))
        who.require_found_in_district(loaded.events[0].district if loaded.events else None, "工单不存在。")
        envelopes = await execute(conn, rt.deps.stores["appeal"], appeal.appeal, appeal.stream_id(aid), command,
                                  race_retries=RACE_RETRIES)
        await _track(conn, rt, aid)
    return accepted(envelopes, aid)


def _at(body: AppealStepRequest) -> datetime:
    at = body.at or now()
    if at.tzinfo is None or at > now():
        raise ValidationFailed([FieldError("at", "时间须带时区，且不能晚于当前时间", "future")])
    return at


@router.post("/appeals/{appeal_id}/dispatch", response_model=Accepted, tags=["appeals"], summary="派单")
async def dispatch(appeal_id: uuid.UUID, body: DispatchRequest, request: Request, who: Principal = Depends(caller)):
    who.require(*STAFF)
    return await _appeal_step(request, who, appeal_id, appeal.DispatchAppeal(body.unit, _at(body)))


@router.post("/appeals/{appeal_id}/contact", response_model=Accepted, tags=["appeals"], summary="首次联系诉求人")
async def contact(appeal_id: uuid.UUID, body: AppealStepRequest, request: Request, who: Principal = Depends(caller)):
    who.require(*STAFF)
    return await _appeal_step(request, who, appeal_id, appeal.ContactCitizen(_at(body)))


@router.post("/appeals/{appeal_id}/resolve", response_model=Accepted, tags=["appeals"], summary="办结")
async def resolve(appeal_id: uuid.UUID, body: AppealStepRequest, request: Request, who: Principal = Depends(caller)):
    who.require(*STAFF)
    return await _appeal_step(request, who, appeal_id, appeal.ResolveAppeal(_at(body)))


@router.post("/appeals/{appeal_id}/rating", response_model=Accepted, tags=["appeals"], summary="诉求人评价")
async def rate(appeal_id: uuid.UUID, body: RateRequest, request: Request, who: Principal = Depends(caller)):
    who.require(*STAFF)
    return await _appeal_step(request, who, appeal_id, appeal.RateAppeal(body.satisfaction, _at(body)))
