"""League organisation in the GraphQL schema, its types: enums of the branches' vocabulary, the output
types of lists and figures, and the rows of the read model made into them."""
from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry

from ..common import Context
from ..loaders import branch_row, member_branch_row
from ..related import related


def _enum(name: str, names: dict[str, str], description: str):
    return strawberry.enum(Enum(name, {k: k for k in names}), description=description)


BRANCH_KINDS = {"MOBILE": "流动团支部", "ENTERPRISE": "企业团支部", "PARK": "园区团支部",
                "SOCIAL_ORG": "社会组织团支部", "COMMUNITY": "社区团支部"}
ORGANISATION_KINDS = {"PARK": "文创园区", "INTERNET_COMPANY": "互联网企业", "COURIER_COMPANY": "快递企业",
                      "PLATFORM": "平台企业", "SOCIAL_ORG": "青年社会组织"}
STAGES = {"CONTACTED": "已联系", "WORKING": "已建立工作关系", "BRANCH_FOUNDED": "已建团支部"}
MEETING_KINDS = {"GENERAL_MEETING": "支部大会", "COMMITTEE_MEETING": "支委会", "GROUP_MEETING": "团小组会",
                 "LEAGUE_LECTURE": "团课", "ROLE_MODEL_TALK": "榜样宣讲", "ACTIVITY": "主题活动"}
AREAS = {"TOP_LEVEL_DESIGN": "顶层设计", "IDEOLOGICAL_GUIDANCE": "思想引领", "CONTACT_COVERAGE": "联系覆盖",
         "SERVICE_AND_GROWTH": "服务成长", "PLAYING_A_ROLE": "发挥作用"}
TRANSFER_STATUSES = {"PENDING": "待接收", "APPROVED": "已转入", "REJECTED": "未同意", "EXPIRED": "超期失效",
                     "CANCELLED": "已撤销"}
LEAVE_REASONS = {"MOVED": "迁出", "OVER_AGE": "超龄离团", "EXPELLED": "开除团籍", "BY_REQUEST": "本人申请"}
REJECT_REASONS = {"NOT_ELIGIBLE": "不符合条件", "WRONG_BRANCH": "应向其他支部申请", "INCOMPLETE": "材料不全",
                  "OTHER": "其他"}

BranchKind = _enum("BranchKind", BRANCH_KINDS, "团支部类型")
OrganisationKind = _enum("OrganisationKind", ORGANISATION_KINDS, "联系组织的类型")
OrganisationStage = _enum("OrganisationStage", STAGES, "联系进展")
MeetingKind = _enum("MeetingKind", MEETING_KINDS, "会议与活动类型（三会两制一课）")
MeasureArea = _enum("MeasureArea", AREAS, "22 条措施的五个方面")
TransferStatus = _enum("TransferStatus", TRANSFER_STATUSES, "组织关系转接状态")
LeaveReason = _enum("LeaveReason", LEAVE_REASONS, "离开团支部的原因")
RejectReason = _enum("RejectReason", REJECT_REASONS, "不批准入团申请的原因")
TransferSide = strawberry.enum(Enum("TransferSide", {"FROM": "FROM", "TO": "TO"}),
                               description="转接由哪一方发起：FROM 转出支部，TO 接收支部")
LIST_ROLES = ("admin", "branch_secretary")  # lists with ids of branches and members; viewers read aggregates


@strawberry.type
class KindCount:
    kind: BranchKind
    name: str
    count: int


@strawberry.type
class DistrictBranches:
    district: str
    name: str
    branches: int
    members: int


@strawberry.type(description="登记的外卖骑手和快递员中已加入团支部的比例")
class Coverage:
    registered: int
    in_branch: int
    share: float


@strawberry.type
class StageCount:
    stage: OrganisationStage
    name: str
    count: int


@strawberry.type
class DistrictPipeline:
    district: str
    name: str
    contacted: int
    working: int
    branch_founded: int


@strawberry.type
class OrganisationFigures:
    total: int
    with_branch: int
    without_branch: int
    by_stage: list[StageCount]
    by_district: list[DistrictPipeline]


@strawberry.type(description="三会两制一课：本季度有支部大会、团课，且每月有支委会")
class ComplianceFigures:
    quarter: str
    branches: int
    compliant: int
    share: float


@strawberry.type
class Measure:
    id: strawberry.ID
    area: MeasureArea
    area_name: str
    title: str
    lead: str
    partners: list[str]
    placeholder: bool = strawberry.field(description="标题为占位文本，待联席会议办公室替换")
    progress: int
    last_note: str | None
    reported_on: date | None
    milestones: int
    milestones_done: int


@strawberry.type
class AreaProgress:
    area: MeasureArea
    name: str
    measures: int
    average_progress: float


@strawberry.type
class MeasureFigures:
    total: int
    average_progress: float
    by_area: list[AreaProgress]
    items: list[Measure]


@strawberry.type(description="看板日期范围内的团组织动态（未设范围时为全部）；各项按其日期统计")
class BranchPeriod:
    date_from: date | None = strawberry.field(name="from", description="范围起（含）；null 为不限")
    date_to: date | None = strawberry.field(name="to", description="范围止（含）；null 为不限")
    branches_founded: int = strawberry.field(description="期间内成立的团支部（含此后撤销的）")
    members_joined: int = strawberry.field(description="期间内入团（含转入）且仍在册的团员")
    transfers_requested: int = strawberry.field(description="期间内发起的组织关系转接")
    transfers_expired: int = strawberry.field(description="期间内超期失效的转接")
    organisations_contacted: int = strawberry.field(description="期间内新联系的组织")
    meetings: int = strawberry.field(description="期间内召开的会议与活动")
    meeting_attendance: int = strawberry.field(description="期间内会议与活动的参会人次")
    milestones_completed: int = strawberry.field(description="期间内完成的 22 条措施工作节点（全市）")


@strawberry.type
class BranchFigures:
    total: int = strawberry.field(description="当前团支部数（不受日期范围影响；期间内的动态见 period）")
    by_kind: list[KindCount] = strawberry.field(description="当前团支部数，按类型")
    by_district: list[DistrictBranches] = strawberry.field(description="当前团支部与团员数，按区")
    members: int = strawberry.field(description="当前团员数")
    applications_pending: int = strawberry.field(description="当前待审批的入团申请")
    coverage: Coverage = strawberry.field(description="当前覆盖率")
    transfers_pending: int = strawberry.field(description="当前待办转接")
    transfers_expired: int = strawberry.field(description="累计超期失效的转接（期间内的见 period）")
    organisations: OrganisationFigures = strawberry.field(description="当前联系的组织及进展")
    meeting_compliance: ComplianceFigures = strawberry.field(description="所选季度（quarter）的落实情况")
    measures: MeasureFigures = strawberry.field(description="22 条措施当前进度")
    period: BranchPeriod


@strawberry.type
class Branch:
    id: strawberry.ID
    name: str
    kind: BranchKind
    district: str
    status: str
    founded_on: date
    members: int
    secretary_id: strawberry.ID | None
    organisation_id: strawberry.ID | None


def to_branch(r) -> Branch:
    return Branch(id=r["branch_id"], name=r["name"], kind=BranchKind[r["kind"]], district=r["district"],
                  status=r["status"], founded_on=r["founded_on"], members=r["members"],
                  secretary_id=r["secretary_id"], organisation_id=r["organisation_id"])


async def youth_branch(info: strawberry.Info, youth_id: str) -> Branch | None:
    """The branch a youth belongs to, for the roles that may read branches (others: null), batched."""
    ctx: Context = info.context
    if not ctx.principal.has_any(*LIST_ROLES):
        return None
    row = await member_branch_row(ctx, youth_id)
    return to_branch(row) if row is not None else None


async def related_branch(info: strawberry.Info, branch_id: str | None) -> Branch | None:
    """A list item's branch, batched per request (one statement for the page); null outside the caller's
    district scope."""
    row = await branch_row(info.context, branch_id)
    return to_branch(row) if row is not None else None


@strawberry.type
class Member:
    youth_id: strawberry.ID
    branch_id: strawberry.ID
    district: str
    joined_on: date
    via: str
    branch: Branch | None = related(related_branch, "branch_id", Branch, "所在团支部")


@strawberry.type
class Transfer:
    id: strawberry.ID
    youth_id: strawberry.ID
    from_branch_id: strawberry.ID
    from_district: str
    to_branch_id: strawberry.ID
    to_district: str
    initiated_by: TransferSide
    requested_on: date
    expires_on: date
    status: TransferStatus
    from_branch: Branch | None = related(related_branch, "from_branch_id", Branch, "转出团支部")
    to_branch: Branch | None = related(related_branch, "to_branch_id", Branch, "接收团支部")


@strawberry.type
class Organisation:
    id: strawberry.ID
    name: str
    kind: OrganisationKind
    district: str
    stage: OrganisationStage
    branch_id: strawberry.ID | None
    contacted_on: date
    branch: Branch | None = related(related_branch, "branch_id", Branch, "在该组织中建立的团支部")


@strawberry.type
class BranchCompliance:
    branch_id: strawberry.ID
    name: str
    district: str
    general_meeting: bool
    committee_months: int
    league_lecture: bool
    compliant: bool


def to_measure(r) -> Measure:
    return Measure(id=r["measure_id"], area=MeasureArea[r["area"]], area_name=AREAS[r["area"]], title=r["title"],
                   lead=r["lead"], partners=list(r["partners"]), placeholder=r["placeholder"], progress=r["percent"],
                   last_note=r["last_note"], reported_on=r["reported_on"], milestones=r["milestones"],
                   milestones_done=r["milestones_done"])


def to_compliance(r) -> BranchCompliance:
    return BranchCompliance(branch_id=r["branch_id"], name=r["name"], district=r["district"],
                            general_meeting=r["general_meeting"], committee_months=r["committee_months"],
                            league_lecture=r["league_lecture"],
                            compliant=r["general_meeting"] and r["committee_months"] == 3 and r["league_lecture"])


def to_member(r) -> Member:
    return Member(youth_id=r["youth_id"], branch_id=r["branch_id"], district=r["district"], joined_on=r["joined_on"],
                  via=r["via"])


def to_transfer(r) -> Transfer:
    return Transfer(id=r["transfer_id"], youth_id=r["youth_id"], from_branch_id=r["from_branch_id"],
                    from_district=r["from_district"], to_branch_id=r["to_branch_id"], to_district=r["to_district"],
                    initiated_by=TransferSide[r["initiated_by"]], requested_on=r["requested_on"],
                    expires_on=r["expires_on"], status=TransferStatus[r["status"]])


def to_organisation(r) -> Organisation:
    return Organisation(id=r["organisation_id"], name=r["name"], kind=OrganisationKind[r["kind"]],
                        district=r["district"], stage=OrganisationStage[r["stage"]], branch_id=r["branch_id"],
                        contacted_on=r["contacted_on"])
