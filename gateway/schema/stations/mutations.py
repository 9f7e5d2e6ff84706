"""The stations' mutations, forwarded to the stations service (which checks roles, districts and every
rule again)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import strawberry

from ..cases.types import Category
from ..common import STATIONS, CommandResult, as_json, body, command, forward, forwarded, given, input_mutation
from .types import ServiceType, StationKind, StationStatus


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
    category: Category | None = strawberry.field(default=None, description="个案类别（与求助个案同一分类），可导入后再设")


def _event_youth(what: str, description: str) -> Any:
    """A youth's place at an event that staff record (registrations, attendance)."""

    async def resolve(info: strawberry.Info, event_id: strawberry.ID, youth_id: strawberry.ID) -> CommandResult:
        return await command(info, STATIONS, f"/events/{event_id}/{what}", json={"youthId": youth_id})

    return strawberry.mutation(resolver=resolve, description=description)


def _appeal_step(step: str, description: str) -> Any:
    """A step on a 12345 appeal that carries only when it happened (contact, resolve)."""

    async def resolve(info: strawberry.Info, appeal_id: strawberry.ID, at: datetime | None = None) -> CommandResult:
        return await command(info, STATIONS, f"/appeals/{appeal_id}/{step}", json=body(at=at))

    return strawberry.mutation(resolver=resolve, description=description)


@strawberry.type
class Mutation:
    create_station = input_mutation(STATIONS, "/stations", CreateStationInput, "新建站点")

    @strawberry.mutation(description="变更站点状态（开放 / 暂停 / 关闭）")
    async def change_station_status(self, info: strawberry.Info, station_id: strawberry.ID, status: StationStatus,
                                    reason: str = "", expected_version: int | None = None) -> CommandResult:
        return await command(info, STATIONS, f"/stations/{station_id}/status", json=body(  # "" = no reason
            status=status, reason=reason or None, expected_version=expected_version))

    @strawberry.mutation(description="批量上传服务记录（可迟传、可重传，同一幂等键只计一次）")
    async def record_services(self, info: strawberry.Info, station_id: strawberry.ID,
                              records: list[ServiceRecordInput]) -> RecordServicesResult:
        r = await forward(info, STATIONS, f"/stations/{station_id}/records", json=body(records=records))
        return RecordServicesResult(accepted=r["accepted"], duplicates=r["duplicates"], anonymised=r["anonymised"],
                                    position=r["position"])

    @forwarded(STATIONS, "/programmes", "新建培养项目（如新青年学堂骑手班）")
    async def create_programme(self, info: strawberry.Info, name: str, kind: str, district: str,
                               starts_on: date) -> CommandResult: ...

    @forwarded(STATIONS, "/programmes/{programme_id}/sessions", "新增课次；返回的 id 是课次编号")
    async def add_programme_session(self, info: strawberry.Info, programme_id: strawberry.ID, title: str,
                                    starts_at: datetime) -> CommandResult: ...

    @forwarded(STATIONS, "/programmes/{programme_id}/enrolments", "报名培养项目")
    async def enrol(self, info: strawberry.Info, programme_id: strawberry.ID, youth_id: strawberry.ID) -> CommandResult: ...

    @forwarded(STATIONS, "/programmes/{programme_id}/enrolments/{youth_id}/attendance", "登记课次出勤")
    async def record_programme_attendance(self, info: strawberry.Info, programme_id: strawberry.ID,
                                          youth_id: strawberry.ID, session_id: strawberry.ID) -> CommandResult: ...

    @forwarded(STATIONS, "/programmes/{programme_id}/enrolments/{youth_id}/exam", "登记考试结果（PASSED | FAILED）")
    async def record_exam_result(self, info: strawberry.Info, programme_id: strawberry.ID, youth_id: strawberry.ID,
                                 result: str, exam_on: date) -> CommandResult: ...

    @forwarded(STATIONS, "/programmes/{programme_id}/enrolments/{youth_id}/scholarship", "发放奖学金")
    async def pay_scholarship(self, info: strawberry.Info, programme_id: strawberry.ID, youth_id: strawberry.ID,
                              amount: Decimal, paid_on: date) -> CommandResult: ...

    @forwarded(STATIONS, "/events", "发布活动（沙龙、展览、论坛、讲座）")
    async def schedule_event(self, info: strawberry.Info, kind: str, title: str, district: str, starts_at: datetime,
                             capacity: int, station_id: strawberry.ID | None = None) -> CommandResult: ...

    register_for_event = _event_youth("registrations", "活动报名（超出容量会被拒绝）")
    record_event_attendance = _event_youth("attendance", "活动签到")

    @strawberry.mutation(description="导入 12345 工单")
    async def import_appeal(self, info: strawberry.Info, input: ImportAppealInput) -> CommandResult:
        # Open311 GeoReport v2 names its fields in snake_case: the input's names as they are
        open311 = {name: as_json(value) for name, value in given(input).items()}
        return await command(info, STATIONS, "/appeals/open311", json=open311)

    @forwarded(STATIONS, "/appeals/{appeal_id}/category", "设置或更正工单类别（与求助个案同一分类；集中诉求按类别计数）")
    async def categorise_appeal(self, info: strawberry.Info, appeal_id: strawberry.ID, category: Category,
                                at: datetime | None = None) -> CommandResult: ...

    @forwarded(STATIONS, "/appeals/{appeal_id}/dispatch", "派单至承办单位")
    async def dispatch_appeal(self, info: strawberry.Info, appeal_id: strawberry.ID, unit: str,
                              at: datetime | None = None) -> CommandResult: ...

    contact_appeal = _appeal_step("contact", "登记首次联系诉求人")
    resolve_appeal = _appeal_step("resolve", "办结工单")

    @forwarded(STATIONS, "/appeals/{appeal_id}/rating", "登记诉求人评价（SATISFIED | BASICALLY_SATISFIED | UNSATISFIED）")
    async def rate_appeal(self, info: strawberry.Info, appeal_id: strawberry.ID, satisfaction: str,
                          at: datetime | None = None) -> CommandResult: ...
