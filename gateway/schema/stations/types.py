"""Stations in the GraphQL schema, its types: the stations' enums, the output types of lists and
figures, and the rows of the read models made into them."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum

import strawberry

from chassis.reference import SERVICE_TYPES, STATION_KINDS

from ..loaders import station_row
from ..related import related

StationKind = strawberry.enum(Enum("StationKind", {k: k for k in STATION_KINDS}), description="站点类型")
ServiceType = strawberry.enum(Enum("ServiceType", {k: k for k in SERVICE_TYPES}), description="服务类型")
StationStatus = strawberry.enum(Enum("StationStatus", {k: k for k in ("OPEN", "TEMPORARILY_CLOSED", "CLOSED")}),
                                description="站点状态")
STAFF_READ = ("admin", "station_staff", "department_viewer")  # lists; the dashboard roles read stations


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


async def related_station(info: strawberry.Info, station_id: str | None) -> Station | None:
    """A list item's station, batched per request (one statement for the page)."""
    row = await station_row(info.context, station_id)
    return to_station(row) if row is not None else None


@strawberry.type
class PersonTimes:
    month: str
    station_id: strawberry.ID
    station_name: str
    district: str
    service_type: ServiceType
    count: int
    registered: int
    station: Station | None = related(related_station, "station_id", Station, "站点")


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
class EventBase:
    """What an event is, for staff (Event) and for anyone (public.PublicEvent); not a GraphQL type itself."""

    id: strawberry.ID
    kind: str
    title: str
    district: str
    starts_at: datetime
    capacity: int


@strawberry.type
class Event(EventBase):
    registered: int
    attended: int
    station_id: strawberry.ID | None = None
    station: Station | None = related(related_station, "station_id", Station, "举办站点（未在站点举办时为 null）")


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
    category: str | None = strawberry.field(default=None, description="个案类别（CaseCategory），未设置时为空")
    week: str | None = strawberry.field(default=None, description="受理所在周（北京时间 ISO 周，YYYY-Www），设类别后给出")


def to_station(r, km: float | None = None) -> Station:
    return Station(id=r["station_id"], kind=StationKind[r["kind"]], name=r["name"], district=r["district"],
                   address=r["address"], lat=r["lat"], lon=r["lon"], operator=r["operator"],
                   opening_hours=r["opening_hours"], services=[ServiceType[s] for s in r["services"]],
                   status=StationStatus[r["status"]], distance_km=km)


def to_person_times(r) -> PersonTimes:
    return PersonTimes(month=r["month"], station_id=r["station_id"], station_name=r["name"], district=r["district"],
                       service_type=ServiceType[r["service_type"]], count=r["count"], registered=r["registered"])


def to_programme(r) -> Programme:
    return Programme(id=r["programme_id"], name=r["name"], kind=r["kind"], district=r["district"],
                     starts_on=r["starts_on"], sessions=r["sessions"], enrolments=r["enrolments"],
                     examined=r["examined"], passed=r["passed"], scholarships_paid=r["scholarships"],
                     scholarship_amount=Decimal(r["amount"]))


def to_event(r) -> Event:
    return Event(id=r["event_id"], kind=r["kind"], title=r["title"], district=r["district"], starts_at=r["starts_at"],
                 capacity=r["capacity"], registered=r["registered"], attended=r["attended"],
                 station_id=r["station_id"])


def to_appeal(r) -> Appeal:
    return Appeal(id=r["appeal_id"], service_request_id=r["service_request_id"], service_name=r["service_name"],
                  tier=r["tier"], district=r["district"], status=r["status"], received_at=r["received_at"],
                  contact_due=r["contact_due"], resolve_due=r["resolve_due"], unit=r["unit"],
                  contacted_in_time=r["contacted_in_time"], contact_overdue=r["contact_overdue"],
                  resolved_in_time=r["resolved_in_time"], resolution_overdue=r["resolution_overdue"],
                  overdue=r["overdue"], satisfaction=r["satisfaction"], category=r.get("category"),
                  week=r.get("week"))
