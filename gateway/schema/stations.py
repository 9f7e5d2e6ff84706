"""Stations in the GraphQL schema: stations and person-times, programmes, events, 12345 appeals.

Dashboard figures are aggregates only; lists are keyset-paginated. Mutations are forwarded to the
stations service, which checks roles, districts and every rule again.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

import strawberry

from chassis.errors import FieldError, ValidationFailed
from chassis.reference import DISTRICTS, SERVICE_TYPES, STATION_KINDS

from ..tables import stations as views
from .common import DASHBOARD_ROLES, CommandResult, Context, DashboardScope, scoped_district
from .loaders import station_row
from .pagination import Connection, connection, page_args

StationKind = strawberry.enum(Enum("StationKind", {k: k for k in STATION_KINDS}), description="站点类型")
ServiceType = strawberry.enum(Enum("ServiceType", {k: k for k in SERVICE_TYPES}), description="服务类型")
StationStatus = strawberry.enum(Enum("StationStatus", {k: k for k in ("OPEN", "TEMPORARILY_CLOSED", "CLOSED")}),
                                description="站点状态")
STAFF_READ = ("admin", "station_staff", "department_viewer")
NEAREST_MAX = 50
LAT_RANGE, LON_RANGE = (39.44, 41.06), (115.42, 117.51)  # Beijing


def _month_arg(month: str | None) -> str | None:
    if month is None:
        return None
    try:
        datetime.strptime(month, "%Y-%m")
    except ValueError:
        raise ValidationFailed([FieldError("month", "月份格式应为 YYYY-MM", "format")]) from None
    return month


@dataclass(frozen=True)
class Period:
    """What a stations figure covers: a month (YYYY-MM, the older argument), or the dashboard's date
    range, or everything. The two are alternatives: asking for both is a VALIDATION error on `month`."""
    month: str | None
    date_from: date | None
    date_to: date | None

    @classmethod
    def of(cls, scope: DashboardScope, month: str | None) -> Period:
        month = _month_arg(month)
        if month is not None and scope.has_dates:
            raise ValidationFailed([FieldError(
                "month", "看板已设日期范围（from/to），不能同时指定 month：请二选一", "exclusive")])
        return cls(month, scope.date_from, scope.date_to)

    @property
    def has_dates(self) -> bool:
        return self.date_from is not None or self.date_to is not None


def _scope(ctx: Context, district: str | None) -> str | None:
    """A district-scoped token reads its own district only; a city-wide one may filter."""
    return scoped_district(ctx.principal, district)


# ---- output types --------------------------------------------------------------------------------

@strawberry.type
class KeyCount:
    key: str
    name: str
    count: int


@strawberry.type
class ServiceTypeCount:
    service_type: ServiceType
    name: str
    count: int
    registered: int = strawberry.field(description="其中登记青年的人次（其余为匿名）")


@strawberry.type
class StationCount:
    station_id: strawberry.ID
    name: str
    district: str
    kind: StationKind
    count: int


@strawberry.type
class StationFigures:
    total: int = strawberry.field(description="当前站点数（不受日期范围影响）")
    open: int = strawberry.field(description="当前开放中的站点数")
    by_kind: list[KeyCount]
    by_district: list[KeyCount]
    person_times: int
    by_service_type: list[ServiceTypeCount]
    person_times_by_district: list[KeyCount]
    person_times_by_month: list[KeyCount]
    busiest: list[StationCount]


@strawberry.type
class ProgrammeFigures:
    programmes: int
    enrolments: int
    examined: int
    passed: int
    pass_rate: float | None = strawberry.field(description="通过人数 / 参加考试人数")
    scholarships_paid: int
    scholarship_amount: Decimal = strawberry.field(description="已发放奖学金总额（元）")


@strawberry.type
class EventFigures:
    events: int
    capacity: int
    registered: int
    attended: int
    attendance_rate: float | None = strawberry.field(description="出席 / 报名")


@strawberry.type
class UnitRank:
    rank: int
    unit: str
    dispatched: int
    response_rate: float | None
    resolution_rate: float | None
    satisfaction_rate: float | None
    score: float = strawberry.field(description="三率加权得分（0–100）")


@strawberry.type
class AppealFigures:
    total: int
    open: int
    overdue: int
    response_rate: float | None = strawberry.field(description="按时联系 / 已到联系时限的已派发工单")
    resolution_rate: float | None = strawberry.field(description="按时办结 / 已到办结时限的已派发工单")
    satisfaction_rate: float | None = strawberry.field(description="（满意 + 基本满意）/ 已评价")
    ranking: list[UnitRank] = strawberry.field(description="承办单位排名（需指定 month 或看板日期范围）")


@strawberry.type
class Station:
    id: strawberry.ID
    kind: StationKind
    name: str
    district: str
    address: str
    lat: float
    lon: float
    operator: str
    opening_hours: str
    services: list[ServiceType]
    status: StationStatus
    distance_km: float | None = None


RELATED = "（同一请求内批量读取；不在您权限范围内的区时为 null）"


async def related_station(info: strawberry.Info, station_id: str | None) -> Station | None:
    """A list item's station, batched per request (one statement for the page)."""
    row = await station_row(info.context, station_id)
    return _station(row) if row is not None else None


@strawberry.type
class PersonTimes:
    month: str
    station_id: strawberry.ID
    station_name: str
    district: str
    service_type: ServiceType
    count: int
    registered: int

    @strawberry.field(description="站点" + RELATED)
    async def station(self, info: strawberry.Info) -> Station | None:
        return await related_station(info, self.station_id)


@strawberry.type
class Programme:
    id: strawberry.ID
    name: str
    kind: str
    district: str
    starts_on: date
    sessions: int
    enrolments: int
    examined: int
    passed: int
    scholarships_paid: int
    scholarship_amount: Decimal


@strawberry.type
class Event:
    id: strawberry.ID
    kind: str
    title: str
    district: str
    starts_at: datetime
    capacity: int
    registered: int
    attended: int
    station_id: strawberry.ID | None = None

    @strawberry.field(description="举办站点（未在站点举办时为 null）" + RELATED)
    async def station(self, info: strawberry.Info) -> Station | None:
        return await related_station(info, self.station_id)


@strawberry.type
class Appeal:
    id: strawberry.ID
    service_request_id: str
    service_name: str
    tier: str
    district: str
    status: str
    received_at: datetime
    contact_due: datetime
    resolve_due: datetime
    unit: str | None
    contacted_in_time: bool | None
    contact_overdue: bool
    resolved_in_time: bool | None
    resolution_overdue: bool
    overdue: bool = strawberry.field(description="超期且未被补录为按时完成")
    satisfaction: str | None


def _station(r, km: float | None = None) -> Station:
    return Station(id=r["station_id"], kind=StationKind[r["kind"]], name=r["name"], district=r["district"],
                   address=r["address"], lat=r["lat"], lon=r["lon"], operator=r["operator"],
                   opening_hours=r["opening_hours"], services=[ServiceType[s] for s in r["services"]],
                   status=StationStatus[r["status"]], distance_km=km)


def _rate(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


# ---- dashboard -----------------------------------------------------------------------------------

@strawberry.type
class DashboardPart:
    @strawberry.field(description="站点（当前数）与服务人次；人次与最繁忙站点按看板日期范围（服务日期，北京时间）"
                                  "或 month（YYYY-MM）统计，二者选其一")
    async def stations(self, info: strawberry.Info, month: str | None = None, busiest_limit: int = 10) -> StationFigures:
        ctx: Context = info.context
        period = Period.of(self.scope, month)
        if not 1 <= busiest_limit <= 100:
            raise ValidationFailed([FieldError("busiestLimit", "应为 1–100", "range")])
        async with ctx.runtime.pool.acquire() as conn:
            stations = await views.station_counts(conn, self.district)
            if period.has_dates:  # any range of days: the daily counters
                def grouped(group):
                    return views.person_times_between(conn, self.district, period.date_from,
                                                               period.date_to, group)
                by_type, by_district, by_month = [await grouped(g) for g in ("service_type", "district", "month")]
                busiest = await views.busiest_between(conn, self.district, period.date_from,
                                                               period.date_to, busiest_limit)
            else:  # a month or all time: the (smaller) monthly counters
                by_type = await views.person_times(conn, self.district, period.month, "service_type")
                by_district = await views.person_times(conn, self.district, period.month, "district")
                by_month = await views.person_times(conn, self.district, period.month, "month")
                busiest = await views.busiest_stations(conn, self.district, period.month, busiest_limit)
        kinds: dict[str, int] = {}
        districts: dict[str, int] = {}
        for r in stations:
            kinds[r["kind"]] = kinds.get(r["kind"], 0) + r["n"]
            districts[r["district"]] = districts.get(r["district"], 0) + r["n"]
        return StationFigures(
            total=sum(kinds.values()), open=sum(r["n"] for r in stations if r["status"] == "OPEN"),
            by_kind=[KeyCount(key=k, name=STATION_KINDS[k], count=n) for k, n in sorted(kinds.items())],
            by_district=[KeyCount(key=d, name=DISTRICTS.get(d, d), count=n) for d, n in sorted(districts.items())],
            person_times=sum(r["n"] for r in by_type),
            by_service_type=[ServiceTypeCount(service_type=ServiceType[r["key"]], name=SERVICE_TYPES[r["key"]],
                                              count=r["n"], registered=r["registered"]) for r in by_type],
            person_times_by_district=[KeyCount(key=r["key"], name=DISTRICTS.get(r["key"], r["key"]), count=r["n"])
                                      for r in by_district],
            person_times_by_month=[KeyCount(key=r["key"], name=r["key"], count=r["n"]) for r in by_month],
            busiest=[StationCount(station_id=r["station_id"], name=r["name"], district=r["district"],
                                  kind=StationKind[r["kind"]], count=r["n"]) for r in busiest])

    @strawberry.field(description="培养项目：报名、考试通过率、奖学金；看板带日期范围时为该期间内开班的项目")
    async def programmes(self, info: strawberry.Info) -> ProgrammeFigures:
        ctx: Context = info.context
        async with ctx.runtime.pool.acquire() as conn:
            r = await views.programme_figures(conn, self.district, self.date_from, self.date_to)
        return ProgrammeFigures(programmes=r["programmes"], enrolments=r["enrolments"], examined=r["examined"],
                                passed=r["passed"], pass_rate=_rate(r["passed"], r["examined"]),
                                scholarships_paid=r["scholarships"], scholarship_amount=Decimal(r["amount"]))

    @strawberry.field(description="活动：报名与出席；看板带日期范围时为该期间内举办（开始）的活动")
    async def events(self, info: strawberry.Info) -> EventFigures:
        ctx: Context = info.context
        async with ctx.runtime.pool.acquire() as conn:
            r = await views.event_figures(conn, self.district, self.date_from, self.date_to)
        return EventFigures(events=r["events"], capacity=r["capacity"], registered=r["registered"],
                            attended=r["attended"], attendance_rate=_rate(r["attended"], r["registered"]))

    @strawberry.field(description="接诉即办：在办、超期、三率与承办单位排名；按 month（YYYY-MM，派单月）或看板日期范围"
                                  "（受理日期，北京时间）统计，二者选其一；都不给时为全部工单且不排名")
    async def appeals(self, info: strawberry.Info, month: str | None = None) -> AppealFigures:
        ctx: Context = info.context
        period = Period.of(self.scope, month)
        async with ctx.runtime.pool.acquire() as conn:
            r = await views.appeal_figures(conn, self.district, period.month, period.date_from, period.date_to)
            ranking = (await views.unit_ranking(conn, self.district, period.month, period.date_from, period.date_to)
                       if period.month or period.has_dates else [])
        rates = views.Rates.of(r)
        return AppealFigures(
            total=r["total"], open=r["open"], overdue=r["overdue"], response_rate=rates.response,
            resolution_rate=rates.resolution, satisfaction_rate=rates.satisfaction,
            ranking=[UnitRank(rank=i, unit=row["unit"], dispatched=row["dispatched"], response_rate=rr.response,
                              resolution_rate=rr.resolution, satisfaction_rate=rr.satisfaction, score=rr.score)
                     for i, (row, rr) in enumerate(ranking, start=1)])


# ---- queries -------------------------------------------------------------------------------------

@strawberry.type
class Query:
    @strawberry.field(description="站点列表（按名称分页）")
    async def stations(self, info: strawberry.Info, kind: StationKind | None = None, district: str | None = None,
                       first: int | None = None, after: str | None = None) -> Connection[Station]:
        ctx: Context = info.context
        ctx.principal.require(*DASHBOARD_ROLES)
        limit, key = page_args(first, after)
        async with ctx.runtime.pool.acquire() as conn:
            rows = await views.list_stations(conn, district=_scope(ctx, district), kind=kind.value if kind else None,
                                             after=key, limit=limit + 1)
        return connection(rows, limit, node=_station, key=lambda r: (r["name"], r["station_id"]))

    @strawberry.field(description="离某点最近的、开放中的、提供某项服务的站点，按距离排序（骑手在路上问的）")
    async def nearest_stations(self, info: strawberry.Info, lat: float, lon: float,
                               service: ServiceType | None = None, limit: int = 5,
                               radius_km: float | None = None) -> list[Station]:
        ctx: Context = info.context
        ctx.principal.require(*DASHBOARD_ROLES)
        errors = []
        if not LAT_RANGE[0] <= lat <= LAT_RANGE[1]:
            errors.append(FieldError("lat", f"纬度应在北京市范围内（{LAT_RANGE[0]}–{LAT_RANGE[1]}）", "beijing_bounds"))
        if not LON_RANGE[0] <= lon <= LON_RANGE[1]:
            errors.append(FieldError("lon", f"经度应在北京市范围内（{LON_RANGE[0]}–{LON_RANGE[1]}）", "beijing_bounds"))
        if not 1 <= limit <= NEAREST_MAX:
            errors.append(FieldError("limit", f"应为 1–{NEAREST_MAX}", "range"))
        if radius_km is not None and not 0 < radius_km <= 200:
            errors.append(FieldError("radiusKm", "搜索半径应为 0–200 公里", "range"))
        if errors:
            raise ValidationFailed(errors)
        # Without a radius, widen the box until `limit` stations are found (a rider far out still gets an answer).
        radii = [radius_km] if radius_km is not None else [5.0, 20.0, 80.0, 200.0]
        async with ctx.runtime.pool.acquire() as conn:
            for radius in radii:
                rows = await views.nearest_stations(conn, lat=lat, lon=lon, service=service.value if service else None,
                                                    district=None, limit=limit, radius_km=radius)
                if len(rows) >= limit:
                    break
        return [_station(r, round(r["km"], 3)) for r in rows]

    @strawberry.field(description="服务人次明细：按月份、站点、服务类型（分页）")
    async def person_times(self, info: strawberry.Info, district: str | None = None, station_id: str | None = None,
                           month: str | None = None, service_type: ServiceType | None = None,
                           first: int | None = None, after: str | None = None) -> Connection[PersonTimes]:
        ctx: Context = info.context
        ctx.principal.require(*STAFF_READ)
        limit, key = page_args(first, after)
        async with ctx.runtime.pool.acquire() as conn:
            rows = await views.list_person_times(
                conn, district=_scope(ctx, district), station_id=station_id, month=_month_arg(month),
                service_type=service_type.value if service_type else None, after=key, limit=limit + 1)
        return connection(rows, limit, key=lambda r: (r["month"], r["station_id"], r["service_type"]),
                          node=lambda r: PersonTimes(month=r["month"], station_id=r["station_id"], station_name=r["name"],
                                                     district=r["district"], service_type=ServiceType[r["service_type"]],
                                                     count=r["count"], registered=r["registered"]))

    @strawberry.field(description="培养项目列表（分页）")
    async def programmes(self, info: strawberry.Info, district: str | None = None, first: int | None = None,
                         after: str | None = None) -> Connection[Programme]:
        ctx: Context = info.context
        ctx.principal.require(*STAFF_READ)
        limit, key = page_args(first, after)
        async with ctx.runtime.pool.acquire() as conn:
            rows = await views.list_programmes(conn, district=_scope(ctx, district), after=key, limit=limit + 1)
        return connection(rows, limit, key=lambda r: (r["starts_on"].isoformat(), r["programme_id"]),
                          node=lambda r: Programme(id=r["programme_id"], name=r["name"], kind=r["kind"],
                                                   district=r["district"], starts_on=r["starts_on"],
                                                   sessions=r["sessions"], enrolments=r["enrolments"],
                                                   examined=r["examined"], passed=r["passed"],
                                                   scholarships_paid=r["scholarships"],
                                                   scholarship_amount=Decimal(r["amount"])))

    @strawberry.field(description="活动列表（按开始时间分页）")
    async def events(self, info: strawberry.Info, district: str | None = None, first: int | None = None,
                     after: str | None = None) -> Connection[Event]:
        ctx: Context = info.context
        ctx.principal.require(*STAFF_READ)
        limit, key = page_args(first, after)
        async with ctx.runtime.pool.acquire() as conn:
            rows = await views.list_events(conn, district=_scope(ctx, district), after=key, limit=limit + 1)
        return connection(rows, limit, key=lambda r: (r["starts_at"].isoformat(), r["event_id"]),
                          node=lambda r: Event(id=r["event_id"], kind=r["kind"], title=r["title"],
                                               district=r["district"], starts_at=r["starts_at"],
                                               capacity=r["capacity"], registered=r["registered"],
                                               attended=r["attended"], station_id=r["station_id"]))

    @strawberry.field(description="12345 工单列表（新到旧分页）；status 与 overdue 可筛选")
    async def appeals(self, info: strawberry.Info, district: str | None = None, status: str | None = None,
                      overdue: bool | None = None, first: int | None = None,
                      after: str | None = None) -> Connection[Appeal]:
        ctx: Context = info.context
        ctx.principal.require(*STAFF_READ)
        limit, key = page_args(first, after)
        async with ctx.runtime.pool.acquire() as conn:
            rows = await views.list_appeals(conn, district=_scope(ctx, district), status=status, overdue=overdue,
                                            after=key, limit=limit + 1)
        return connection(rows, limit, key=lambda r: (r["received_at"].isoformat(), r["appeal_id"]),
                          node=lambda r: Appeal(
                              id=r["appeal_id"], service_request_id=r["service_request_id"],
                              service_name=r["service_name"], tier=r["tier"], district=r["district"],
                              status=r["status"], received_at=r["received_at"], contact_due=r["contact_due"],
                              resolve_due=r["resolve_due"], unit=r["unit"],
                              contacted_in_time=r["contacted_in_time"], contact_overdue=r["contact_overdue"],
                              resolved_in_time=r["resolved_in_time"], resolution_overdue=r["resolution_overdue"],
                              overdue=r["overdue"], satisfaction=r["satisfaction"]))


# ---- mutations (forwarded to the stations service) -----------------------------------------------

@strawberry.input(description="新建站点")
class CreateStationInput:
    kind: StationKind
    name: str
    district: str
    address: str
    lat: float
    lon: float
    operator: str = strawberry.field(description="LEAGUE | TRADE_UNION | WOMENS_FEDERATION | COMPANY")
    opening_hours: str
    services: list[ServiceType]


@strawberry.input(description="一条服务记录（人次）")
class ServiceRecordInput:
    idempotency_key: str = strawberry.field(description="手机端生成（如 UUID）；重传不会重复计数")
    service_type: ServiceType
    delivered_at: datetime
    youth_id: strawberry.ID | None = strawberry.field(default=None, description="登记青年编号；匿名留空")


@strawberry.type(description="批量上传结果")
class RecordServicesResult:
    accepted: int
    duplicates: list[str] = strawberry.field(description="已登记过的幂等键（本次未重复计数）")
    anonymised: list[str] = strawberry.field(description="青年未登记或未同意“服务记录”用途：按匿名计数")
    position: str | None


@strawberry.input(description="12345 工单（Open311 GeoReport v2 字段）及分级、区县")
class ImportAppealInput:
    service_request_id: str
    service_code: str
    service_name: str
    requested_datetime: datetime
    tier: str = strawberry.field(description="EMERGENCY | UTILITIES | GENERAL | COMPLEX")
    district: str
    description: str | None = None
    address: str | None = None
    lat: float | None = None
    long: float | None = None


def _result(r: dict) -> CommandResult:
    return CommandResult.of(r)


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at else None


async def _post(info: strawberry.Info, path: str, body: dict, method: str = "POST") -> dict:
    ctx: Context = info.context
    return await ctx.service("stations").call(method, path, token=ctx.principal.token, json=body)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="新建站点")
    async def create_station(self, info: strawberry.Info, input: CreateStationInput) -> CommandResult:
        return _result(await _post(info, "/stations", {
            "kind": input.kind.value, "name": input.name, "district": input.district, "address": input.address,
            "lat": input.lat, "lon": input.lon, "operator": input.operator, "openingHours": input.opening_hours,
            "services": [s.value for s in input.services]}))

    @strawberry.mutation(description="变更站点状态（开放 / 暂停 / 关闭）")
    async def change_station_status(self, info: strawberry.Info, station_id: strawberry.ID, status: StationStatus,
                                    reason: str = "", expected_version: int | None = None) -> CommandResult:
        return _result(await _post(info, f"/stations/{station_id}/status", {
            "status": status.value, "reason": reason, "expectedVersion": expected_version}))

    @strawberry.mutation(description="批量上传服务记录（可迟传、可重传，同一幂等键只计一次）")
    async def record_services(self, info: strawberry.Info, station_id: strawberry.ID,
                              records: list[ServiceRecordInput]) -> RecordServicesResult:
        r = await _post(info, f"/stations/{station_id}/records", {"records": [
            {"idempotencyKey": x.idempotency_key, "serviceType": x.service_type.value,
             "deliveredAt": x.delivered_at.isoformat(), "youthId": x.youth_id} for x in records]})
        return RecordServicesResult(accepted=r["accepted"], duplicates=r["duplicates"], anonymised=r["anonymised"],
                                    position=r["position"])

    @strawberry.mutation(description="新建培养项目（如新青年学堂骑手班）")
    async def create_programme(self, info: strawberry.Info, name: str, kind: str, district: str,
                               starts_on: date) -> CommandResult:
        return _result(await _post(info, "/programmes", {"name": name, "kind": kind, "district": district,
                                                         "startsOn": starts_on.isoformat()}))

    @strawberry.mutation(description="新增课次；返回的 id 是课次编号")
    async def add_programme_session(self, info: strawberry.Info, programme_id: strawberry.ID, title: str,
                                    starts_at: datetime) -> CommandResult:
        return _result(await _post(info, f"/programmes/{programme_id}/sessions",
                                   {"title": title, "startsAt": starts_at.isoformat()}))

    @strawberry.mutation(description="报名培养项目")
    async def enrol(self, info: strawberry.Info, programme_id: strawberry.ID, youth_id: strawberry.ID) -> CommandResult:
        return _result(await _post(info, f"/programmes/{programme_id}/enrolments", {"youthId": youth_id}))

    @strawberry.mutation(description="登记课次出勤")
    async def record_programme_attendance(self, info: strawberry.Info, programme_id: strawberry.ID,
                                          youth_id: strawberry.ID, session_id: strawberry.ID) -> CommandResult:
        return _result(await _post(info, f"/programmes/{programme_id}/enrolments/{youth_id}/attendance",
                                   {"sessionId": session_id}))

    @strawberry.mutation(description="登记考试结果（PASSED | FAILED）")
    async def record_exam_result(self, info: strawberry.Info, programme_id: strawberry.ID, youth_id: strawberry.ID,
                                 result: str, exam_on: date) -> CommandResult:
        return _result(await _post(info, f"/programmes/{programme_id}/enrolments/{youth_id}/exam",
                                   {"result": result, "examOn": exam_on.isoformat()}))

    @strawberry.mutation(description="发放奖学金")
    async def pay_scholarship(self, info: strawberry.Info, programme_id: strawberry.ID, youth_id: strawberry.ID,
                              amount: Decimal, paid_on: date) -> CommandResult:
        return _result(await _post(info, f"/programmes/{programme_id}/enrolments/{youth_id}/scholarship",
                                   {"amount": str(amount), "paidOn": paid_on.isoformat()}))

    @strawberry.mutation(description="发布活动（沙龙、展览、论坛、讲座）")
    async def schedule_event(self, info: strawberry.Info, kind: str, title: str, district: str, starts_at: datetime,
                             capacity: int, station_id: strawberry.ID | None = None) -> CommandResult:
        return _result(await _post(info, "/events", {"kind": kind, "title": title, "district": district,
                                                     "startsAt": starts_at.isoformat(), "capacity": capacity,
                                                     "stationId": station_id}))

    @strawberry.mutation(description="活动报名（超出容量会被拒绝）")
    async def register_for_event(self, info: strawberry.Info, event_id: strawberry.ID,
                                 youth_id: strawberry.ID) -> CommandResult:
        return _result(await _post(info, f"/events/{event_id}/registrations", {"youthId": youth_id}))

    @strawberry.mutation(description="活动签到")
    async def record_event_attendance(self, info: strawberry.Info, event_id: strawberry.ID,
                                      youth_id: strawberry.ID) -> CommandResult:
        return _result(await _post(info, f"/events/{event_id}/attendance", {"youthId": youth_id}))

    @strawberry.mutation(description="导入 12345 工单")
    async def import_appeal(self, info: strawberry.Info, input: ImportAppealInput) -> CommandResult:
        return _result(await _post(info, "/appeals/open311", {
            "service_request_id": input.service_request_id, "service_code": input.service_code,
            "service_name": input.service_name, "requested_datetime": input.requested_datetime.isoformat(),
            "tier": input.tier, "district": input.district, "description": input.description,
            "address": input.address, "lat": input.lat, "long": input.long}))

    @strawberry.mutation(description="派单至承办单位")
    async def dispatch_appeal(self, info: strawberry.Info, appeal_id: strawberry.ID, unit: str,
                              at: datetime | None = None) -> CommandResult:
        return _result(await _post(info, f"/appeals/{appeal_id}/dispatch", {"unit": unit, "at": _iso(at)}))

    @strawberry.mutation(description="登记首次联系诉求人")
    async def contact_appeal(self, info: strawberry.Info, appeal_id: strawberry.ID,
                             at: datetime | None = None) -> CommandResult:
        return _result(await _post(info, f"/appeals/{appeal_id}/contact", {"at": _iso(at)}))

    @strawberry.mutation(description="办结工单")
    async def resolve_appeal(self, info: strawberry.Info, appeal_id: strawberry.ID,
                             at: datetime | None = None) -> CommandResult:
        return _result(await _post(info, f"/appeals/{appeal_id}/resolve", {"at": _iso(at)}))

    @strawberry.mutation(description="登记诉求人评价（SATISFIED | BASICALLY_SATISFIED | UNSATISFIED）")
    async def rate_appeal(self, info: strawberry.Info, appeal_id: strawberry.ID, satisfaction: str,
                          at: datetime | None = None) -> CommandResult:
        return _result(await _post(info, f"/appeals/{appeal_id}/rating",
                                   {"satisfaction": satisfaction, "at": _iso(at)}))
