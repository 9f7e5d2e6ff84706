"""The stations' lists (keyset-paginated, ..pagination) and the nearest open stations to a point."""
from __future__ import annotations

import strawberry

from chassis.errors import FieldError, ValidationFailed

from ...tables import stations as tables
from ..common import DASHBOARD_ROLES, STATIONS, Context, forward, read_scope
from ..pagination import Connection, rows_page, scoped_page
from .dashboard import month_arg
from .types import (
    STAFF_READ,
    Appeal,
    Event,
    PersonTimes,
    Programme,
    ServiceType,
    Station,
    StationKind,
    to_appeal,
    to_event,
    to_person_times,
    to_programme,
    to_station,
)

NEAREST_MAX = 50
LAT_RANGE, LON_RANGE = (39.44, 41.06), (115.42, 117.51)  # Beijing


@strawberry.type(description="12345 工单的诉求内容与地址（个人信息）")
class AppealDetails:
    appeal_id: strawberry.ID
    description: str | None
    address: str | None
    lat: float | None
    lon: float | None
    erased: bool = strawberry.field(description="由此工单登记个案的青年已删除登记信息：内容已不可读")


async def nearest_answer(ctx: Context, lat: float, lon: float, service: str | None, limit: int,
                         radius_km: float | None) -> list[Station]:
    """The nearest open stations (its rules, then the search in memory, nearest.py); the resolver's, and the
    direct path's for flat anonymous documents (nearest_direct.py)."""
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
    stations = await ctx.runtime.deps.stations.current(ctx.runtime)  # in memory: nearest.py
    for radius in radii:
        found = stations.nearest(lat, lon, service, limit, radius)
        if len(found) >= limit:
            break
    return found


@strawberry.type
class Query:
    @strawberry.field(description="读取 12345 工单的诉求内容与地址：仅本区站点工作人员与管理员，须说明用途，每次读取留痕")
    async def appeal_details(self, info: strawberry.Info, appeal_id: strawberry.ID, purpose: str) -> AppealDetails:
        info.context.principal.require("admin", "station_staff")
        answer = await forward(info, STATIONS, f"/appeals/{appeal_id}/details/read", json={"purpose": purpose})
        return AppealDetails(appeal_id=answer["appealId"], description=answer.get("description"),
                             address=answer.get("address"), lat=answer.get("lat"), lon=answer.get("long"),
                             erased=answer["erased"])

    @strawberry.field(description="站点列表（按名称分页）")
    async def stations(self, info: strawberry.Info, kind: StationKind | None = None, district: str | None = None,
                       first: int | None = None, after: str | None = None) -> Connection[Station]:
        return await scoped_page(
            info, DASHBOARD_ROLES, district, first, after, tables.list_stations, {"kind": kind.value if kind else None},
            node=to_station, order=("name", "station_id"))

    @strawberry.field(description="离某点最近的、开放中的、提供某项服务的站点，按距离排序（骑手在路上问的）；"
                                  "公开：无需登录（未登录时按来源地址限流）")
    async def nearest_stations(self, info: strawberry.Info, lat: float, lon: float,
                               service: ServiceType | None = None, limit: int = 5,
                               radius_km: float | None = None) -> list[Station]:
        ctx: Context = info.context
        ctx.public()  # every field of a station is public (name, address, hours, services; no contact person)
        return await nearest_answer(ctx, lat, lon, service.value if service else None, limit, radius_km)

    @strawberry.field(description="服务人次明细：按月份、站点、服务类型（分页）")
    async def person_times(self, info: strawberry.Info, district: str | None = None, station_id: str | None = None,
                           month: str | None = None, service_type: ServiceType | None = None,
                           first: int | None = None, after: str | None = None) -> Connection[PersonTimes]:
        district = await read_scope(info, STAFF_READ, district)
        month = month_arg(month)
        return await rows_page(
            info, first, after, tables.list_person_times, {
                "district": district, "station_id": station_id, "month": month,
                "service_type": service_type.value if service_type else None},
            node=to_person_times, order=("month", "station_id", "service_type"))

    @strawberry.field(description="培养项目列表（分页）")
    async def programmes(self, info: strawberry.Info, district: str | None = None, first: int | None = None,
                         after: str | None = None) -> Connection[Programme]:
        return await scoped_page(
            info, STAFF_READ, district, first, after, tables.list_programmes,
            node=to_programme, order=("starts_on", "programme_id"), dated=True)

    @strawberry.field(description="活动列表（按开始时间分页）")
    async def events(self, info: strawberry.Info, district: str | None = None, first: int | None = None,
                     after: str | None = None) -> Connection[Event]:
        return await scoped_page(
            info, STAFF_READ, district, first, after, tables.list_events,
            node=to_event, order=("starts_at", "event_id"))

    @strawberry.field(description="12345 工单列表（新到旧分页）；status 与 overdue 可筛选")
    async def appeals(self, info: strawberry.Info, district: str | None = None, status: str | None = None,
                      overdue: bool | None = None, first: int | None = None,
                      after: str | None = None) -> Connection[Appeal]:
        return await scoped_page(
            info, STAFF_READ, district, first, after, tables.list_appeals, {"status": status, "overdue": overdue},
            node=to_appeal, order=("received_at", "appeal_id"))
