"""The cases' figures on the dashboard (求助个案 and the 12345 side): consultations and cases given (人次), by
category and district, time to first response, referral acceptance by agency, open hot topics and overdue
governance items. Every figure sums counter rows the projections keep (cf_*, gv_counts, the stations'
person-time counters): no read counts cases, appeals or person-times one by one."""
from __future__ import annotations

import strawberry

from chassis.reference import DISTRICTS
from contracts.agencies import AGENCIES

from ...tables import cases as tables
from ...tables import governance as governance_tables
from ...tables import stations as station_tables
from ..common import Context, DashboardScope

# How the page names each category (the taxonomy's codes are contracts.stations.CaseCategory).
CATEGORY_NAMES = {
    "CAREER": "就业创业", "SOCIAL_SECURITY": "社保", "LEGAL_ADVICE": "法律咨询", "LEGAL_AID": "法律援助",
    "LABOUR_DISPUTE": "劳动争议", "WORK_INJURY": "工伤", "TRAFFIC_ACCIDENT": "交通事故", "WAGE_ARREARS": "欠薪",
    "PLATFORM_RULES": "平台规则", "PSYCHOLOGICAL": "心理", "HOUSING": "住房", "EDUCATION": "教育培训", "OTHER": "其他",
}
# Service records that are consultations (咨询): the person-times the seed counts beside the cases.
CONSULTATIONS = ("LEGAL", "CAREER", "SOCIAL_SECURITY")


@strawberry.type(description="个案分组计数：登记数、已首次响应数与平均首次响应时长")
class CaseCount:
    key: str
    name: str
    opened: int
    responded: int
    average_response_hours: float | None


@strawberry.type(description="转介：按机构的转介数与受理情况")
class AgencyReferrals:
    agency: str
    name: str
    referred: int
    accepted: int
    declined: int
    acceptance_rate: float | None = strawberry.field(description="受理 / 已答复（受理 + 不予受理）")


@strawberry.type(description="求助个案与 12345 主动治理")
class CaseFigures:
    consultations: int = strawberry.field(description="咨询服务人次（法律、职业发展、社会保障）")
    cases_opened: int = strawberry.field(description="登记的求助个案")
    person_times: int = strawberry.field(description="咨询与个案合计人次")
    by_category: list[CaseCount]
    by_district: list[CaseCount]
    responded: int = strawberry.field(description="已首次响应（分诊）的个案")
    average_response_hours: float | None = strawberry.field(description="登记到首次响应的平均小时数")
    responded_in_time_rate: float | None = strawberry.field(description="按时首次响应 / 已首次响应")
    referrals: list[AgencyReferrals]
    open_hot_topics: int = strawberry.field(description="未办结的集中诉求（当前数，不受日期范围影响）")
    governance_open: int = strawberry.field(description="进行中的治理事项（当前数）")
    governance_overdue: int = strawberry.field(description="逾期未完成的治理事项（当前数）")


def _hours(seconds: int, n: int) -> float | None:
    return round(seconds / n / 3600, 2) if n else None


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def _count(r, name: str) -> CaseCount:
    return CaseCount(key=r["key"], name=name, opened=r["opened"], responded=r["responded"],
                     average_response_hours=_hours(r["seconds"], r["responded"]))


@strawberry.type
class DashboardPart:
    @strawberry.field(description="求助个案：咨询与个案人次、按类别与区县、首次响应时长、转介受理率、集中诉求与治理事项；"
                                  "个案按登记日期、转介按转介日期（北京时间）计入看板日期范围")
    async def cases(self, info: strawberry.Info) -> CaseFigures:
        ctx: Context = info.context
        scope: DashboardScope = self.scope
        district, first, last = scope.district, scope.date_from, scope.date_to
        async with ctx.runtime.pool.acquire() as conn:
            by_category = await tables.case_counts(conn, district, first, last, "category")
            by_district = await tables.case_counts(conn, district, first, last, "district")
            referrals = await tables.referral_counts(conn, district, first, last)
            governance = await governance_tables.counts(conn, district)
            if scope.has_dates:
                services = await station_tables.person_times_between(conn, district, first, last, "service_type")
            else:
                services = await station_tables.person_times(conn, district, None, "service_type")
        consultations = sum(r["n"] for r in services if r["key"] in CONSULTATIONS)
        opened = sum(r["opened"] for r in by_category)
        responded = sum(r["responded"] for r in by_category)
        return CaseFigures(
            consultations=consultations, cases_opened=opened, person_times=consultations + opened,
            by_category=[_count(r, CATEGORY_NAMES.get(r["key"], r["key"])) for r in by_category if r["opened"]],
            by_district=[_count(r, DISTRICTS.get(r["key"], r["key"])) for r in by_district if r["opened"]],
            responded=responded, average_response_hours=_hours(sum(r["seconds"] for r in by_category), responded),
            responded_in_time_rate=_ratio(sum(r["in_time"] for r in by_category), responded),
            referrals=[AgencyReferrals(agency=r["agency"], name=AGENCIES.get(r["agency"], r["agency"]),
                                       referred=r["referred"], accepted=r["accepted"], declined=r["declined"],
                                       acceptance_rate=_ratio(r["accepted"], r["accepted"] + r["declined"]))
                       for r in referrals],
            open_hot_topics=governance["open_hot_topics"], governance_open=governance["items_open"],
            governance_overdue=governance["items_overdue"])

