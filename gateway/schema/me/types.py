"""What a young person sees of their own record, and the check every `me` field starts with."""
from __future__ import annotations

from datetime import date

import strawberry

from ..campaigns.types import CampaignEntry
from ..common import REGISTRY
from ..dream_space.types import InternshipApplication
from ..recommendations.types import Recommendation
from ..youth.types import Consent, ConsentPurpose, Subtype, YouthStatus, YouthType
from .campaigns import my_campaign_entries
from .cases import MyCase, my_cases
from .memberships import MyMembership, my_memberships
from .projects import MyProject, my_internship_applications, my_projects
from .recommendations import my_recommendations
from .role_models import RoleModelNomination, my_role_model_nominations
from .stations import MyBooking, MyEnrolment, my_bookings, my_enrolments
from .volunteering import MyVolunteering, my_volunteering

SERVICE = REGISTRY  # the owner of the account link and of every person's record


@strawberry.type(description="本人的登记记录（身份证号打码）")
class MyRecord:
    id: strawberry.ID
    status: YouthStatus
    version: int = strawberry.field(description="乐观并发：updateMyProfile 的 expectedVersion")
    district: str
    youth_type: YouthType
    subtype: Subtype
    employer_kind: str | None
    is_minor: bool
    registered_on: date
    name: str | None
    gender: str | None
    birth_date: date | None
    mobile: str | None
    id_number: str | None = strawberry.field(description="身份证号（打码，如 110105********002X）")
    wechat: str | None
    employer: str | None
    education: str | None
    needs: list[str] | None
    consents: list[Consent]

    # asked of the other services with the caller's token, only when the query selects them
    memberships: list[MyMembership] = strawberry.field(
        resolver=my_memberships, description="本人所在或申请加入的团支部（入团申请、团员、待处理的转接）；没有时为空")
    bookings: list[MyBooking] = strawberry.field(resolver=my_bookings, description="本人报名的活动（按开始时间）")
    enrolments: list[MyEnrolment] = strawberry.field(resolver=my_enrolments, description="本人报名的项目（如新青年学堂骑手班）")
    cases: list[MyCase] = strawberry.field(
        resolver=my_cases, description="本人的求助个案（新到旧）：状态、类别、转介机构、办结结果与本人的评价")
    volunteering: MyVolunteering = strawberry.field(resolver=my_volunteering, description="本人的志愿服务时长")
    recommendations: list[Recommendation] = strawberry.field(
        resolver=my_recommendations, description="本人的推优记录（推荐入党、评优）：推荐、审核与结果（新到旧）")
    projects: list[MyProject] = strawberry.field(resolver=my_projects, description="本人申请的筑梦空间孵化项目，新的在前")
    role_model_nominations: list[RoleModelNomination] = strawberry.field(
        resolver=my_role_model_nominations, description="本人被提名为榜样的记录（新到旧）：将公开的资料、是否同意公开与结果")
    campaign_entries: list[CampaignEntry] = strawberry.field(
        resolver=my_campaign_entries, description="本人提交的征集作品（新到旧）：状态与评选说明")
    internship_applications: list[InternshipApplication] = strawberry.field(
        resolver=my_internship_applications, description="本人的实习申请及结果（新到旧）；待处理时可撤回")


def to_my_record(p: dict) -> MyRecord:
    return MyRecord(
        id=p["id"], status=YouthStatus[p["status"]], version=p["version"], district=p["district"],
        youth_type=YouthType[p["youthType"]], subtype=Subtype[p["subtype"]], employer_kind=p.get("employerKind"),
        is_minor=p["isMinor"], registered_on=date.fromisoformat(p["registeredOn"]), name=p.get("name"),
        gender=p.get("gender"), birth_date=date.fromisoformat(p["birthDate"]) if p.get("birthDate") else None,
        mobile=p.get("mobile"), id_number=p.get("idNumber"), wechat=p.get("wechat"), employer=p.get("employer"),
        education=p.get("education"), needs=p.get("needs"),
        consents=[Consent(purpose=ConsentPurpose(c["purpose"]), notice_version=c["noticeVersion"],
                          channel=c["channel"], given_on=date.fromisoformat(c["givenOn"])) for c in p["consents"]])
