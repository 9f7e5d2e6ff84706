"""The stations' figures on the dashboard: stations and person-times, programmes, events and 12345
appeals. Aggregates only; person-times and appeals cover a month or the dashboard's date range."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import strawberry

from chassis.errors import FieldError, ValidationFailed
from chassis.reference import DISTRICTS, SERVICE_TYPES, STATION_KINDS

from ...tables import stations as tables
from ..common import Context, DashboardScope, read_table
from .types import (
    AppealFigures,
    EventFigures,
    KeyCount,
    ProgrammeFigures,
    ServiceType,
    ServiceTypeCount,
    StationCount,
    StationFigures,
    StationKind,
    UnitRank,
)


def month_arg(month: str | None) -> str | None:
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
        month = month_arg(month)
        if month is not None and scope.has_dates:
            raise ValidationFailed([FieldError(
                "month", "看板已设日期范围（from/to），不能同时指定 month：请二选一", "exclusive")])
        return cls(month, scope.date_from, scope.date_to)

    @property
    def has_dates(self) -> bool:
        return self.date_from is not None or self.date_to is not None


def _rate(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


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
            stations = await tables.station_counts(conn, self.district)
            if period.has_dates:  # any range of days: the daily counters
                def grouped(group):
                    return tables.person_times_between(conn, self.district, period.date_from,
                                                               period.date_to, group)
                by_type, by_district, by_month = [await grouped(g) for g in ("service_type", "district", "month")]
                busiest = await tables.busiest_between(conn, self.district, period.date_from,
                                                               period.date_to, busiest_limit)
            else:  # a month or all time: the (smaller) monthly counters
                by_type = await tables.person_times(conn, self.district, period.month, "service_type")
                by_district = await tables.person_times(conn, self.district, period.month, "district")
                by_month = await tables.person_times(conn, self.district, period.month, "month")
                busiest = await tables.busiest_stations(conn, self.district, period.month, busiest_limit)
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
        r = await read_table(info, tables.programme_figures, self.district, self.date_from, self.date_to)
        return ProgrammeFigures(programmes=r["programmes"], enrolments=r["enrolments"], examined=r["examined"],
                                passed=r["passed"], pass_rate=_rate(r["passed"], r["examined"]),
                                scholarships_paid=r["scholarships"], scholarship_amount=Decimal(r["amount"]))

    @strawberry.field(description="活动：报名与出席；看板带日期范围时为该期间内举办（开始）的活动")
    async def events(self, info: strawberry.Info) -> EventFigures:
        r = await read_table(info, tables.event_figures, self.district, self.date_from, self.date_to)
        return EventFigures(events=r["events"], capacity=r["capacity"], registered=r["registered"],
                            attended=r["attended"], attendance_rate=_rate(r["attended"], r["registered"]))

    @strawberry.field(description="接诉即办：在办、超期、三率与承办单位排名；按 month（YYYY-MM，派单月）或看板日期范围"
                                  "（受理日期，北京时间）统计，二者选其一；都不给时为全部工单且不排名")
    async def appeals(self, info: strawberry.Info, month: str | None = None) -> AppealFigures:
        ctx: Context = info.context
        period = Period.of(self.scope, month)
        async with ctx.runtime.pool.acquire() as conn:
            r = await tables.appeal_figures(conn, self.district, period.month, period.date_from, period.date_to)
            ranking = (await tables.unit_ranking(conn, self.district, period.month, period.date_from, period.date_to,
                                                 weights=ctx.runtime.settings.ranking_weights())
                       if period.month or period.has_dates else [])
        rates = tables.Rates.of(r)
        return AppealFigures(
            total=r["total"], open=r["open"], overdue=r["overdue"], response_rate=rates.response,
            resolution_rate=rates.resolution, satisfaction_rate=rates.satisfaction,
            ranking=[UnitRank(rank=i, unit=row["unit"], dispatched=row["dispatched"], response_rate=rr.response,
                              resolution_rate=rr.resolution, satisfaction_rate=rr.satisfaction, score=score)
                     for i, (row, rr, score) in enumerate(ranking, start=1)])
