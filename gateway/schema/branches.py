"""League organisation in the GraphQL schema: branches, membership, organisations contacted,
meetings and the 22 measures; their figures on the dashboard and their paginated lists."""
from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from zoneinfo import ZoneInfo

import strawberry

from chassis.errors import FieldError, ValidationFailed
from chassis.reference import DISTRICTS

from ..tables import branches as views
from .common import DASHBOARD_ROLES, CommandResult, Context, scoped_district
from .loaders import branch_row, member_branch_row
from .pagination import Connection, connection, page_args


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
BEIJING = ZoneInfo("Asia/Shanghai")


def current_quarter() -> str:
    today = datetime.now(BEIJING).date()
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def check_quarter(quarter: str | None) -> str:
    quarter = quarter or current_quarter()
    if len(quarter) != 7 or not quarter[:4].isdigit() or quarter[4:6] != "-Q" or quarter[6] not in "1234":
        raise ValidationFailed([FieldError("quarter", "季度格式应为 YYYY-Qn，如 2026-Q4", "format")])
    return quarter


def cursor(key: list | None, size: int, *, dated: bool = False) -> list | None:
    """A decoded cursor must have this list's shape (a forged one is bad input, not a server error)."""
    if key is None:
        return None
    ok = len(key) == size and all(isinstance(k, str) for k in key)
    if ok and dated:
        try:
            date.fromisoformat(key[0])
        except ValueError:
            ok = False
    if not ok:
        raise ValidationFailed([FieldError("after", "分页游标无效：请使用上一页返回的 endCursor", "cursor")])
    return key


def share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


# ---- output types ------------------------------------------------------------------------------

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


RELATED = "（同一请求内批量读取；不在您权限范围内的区时为 null）"


@strawberry.type
class Member:
    youth_id: strawberry.ID
    branch_id: strawberry.ID
    district: str
    joined_on: date
    via: str

    @strawberry.field(description="所在团支部" + RELATED)
    async def branch(self, info: strawberry.Info) -> Branch | None:
        return await related_branch(info, self.branch_id)


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

    @strawberry.field(description="转出团支部" + RELATED)
    async def from_branch(self, info: strawberry.Info) -> Branch | None:
        return await related_branch(info, self.from_branch_id)

    @strawberry.field(description="接收团支部" + RELATED)
    async def to_branch(self, info: strawberry.Info) -> Branch | None:
        return await related_branch(info, self.to_branch_id)


@strawberry.type
class Organisation:
    id: strawberry.ID
    name: str
    kind: OrganisationKind
    district: str
    stage: OrganisationStage
    branch_id: strawberry.ID | None
    contacted_on: date

    @strawberry.field(description="在该组织中建立的团支部" + RELATED)
    async def branch(self, info: strawberry.Info) -> Branch | None:
        return await related_branch(info, self.branch_id)


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


# ---- dashboard ---------------------------------------------------------------------------------

@strawberry.type
class DashboardPart:
    @strawberry.field(description="团组织：团支部、团员、覆盖率、转接、联系的组织、三会两制一课、22 条措施（当前状态）；"
                                  "period 为看板日期范围内的动态")
    async def branches(self, info: strawberry.Info, quarter: str | None = None) -> BranchFigures:
        ctx: Context = info.context
        quarter = check_quarter(quarter)
        async with ctx.runtime.pool.acquire() as conn:
            counts = await views.branch_counts(conn, self.district)
            pipeline = await views.organisation_counts(conn, self.district)
            total, compliant = await views.compliance_counts(conn, self.district, quarter)
            measures = [to_measure(r) for r in await views.measure_rows(conn)]
            scope = self.scope
            period = await views.period_counts(conn, scope.district, scope.date_from, scope.date_to)
        stages = pipeline["by_stage"]
        by_area = {}
        for m in measures:
            by_area.setdefault(m.area.value, []).append(m.progress)
        return BranchFigures(
            total=counts.branches,
            by_kind=[KindCount(kind=BranchKind[k], name=BRANCH_KINDS[k], count=n)
                     for k, n in sorted(counts.by_kind.items())],
            by_district=[DistrictBranches(district=d, name=DISTRICTS.get(d, d), branches=b, members=m)
                         for d, (b, m) in sorted(counts.by_district.items())],
            members=counts.members, applications_pending=counts.applications_pending,
            coverage=Coverage(registered=counts.riders_and_couriers, in_branch=counts.riders_and_couriers_in_branch,
                              share=share(counts.riders_and_couriers_in_branch, counts.riders_and_couriers)),
            transfers_pending=counts.transfers_pending, transfers_expired=counts.transfers_expired,
            organisations=OrganisationFigures(
                total=sum(stages.values()), with_branch=stages.get("BRANCH_FOUNDED", 0),
                without_branch=sum(stages.values()) - stages.get("BRANCH_FOUNDED", 0),
                by_stage=[StageCount(stage=OrganisationStage[s], name=STAGES[s], count=stages.get(s, 0))
                          for s in STAGES],
                by_district=[DistrictPipeline(district=d, name=DISTRICTS.get(d, d), contacted=s.get("CONTACTED", 0),
                                              working=s.get("WORKING", 0), branch_founded=s.get("BRANCH_FOUNDED", 0))
                             for d, s in sorted(pipeline["by_district"].items())]),
            meeting_compliance=ComplianceFigures(quarter=quarter, branches=total, compliant=compliant,
                                                 share=share(compliant, total)),
            measures=MeasureFigures(
                total=len(measures),
                average_progress=round(sum(m.progress for m in measures) / len(measures), 1) if measures else 0.0,
                by_area=[AreaProgress(area=MeasureArea[a], name=AREAS[a], measures=len(by_area.get(a, [])),
                                      average_progress=round(sum(by_area[a]) / len(by_area[a]), 1)
                                      if by_area.get(a) else 0.0) for a in AREAS],
                items=measures),
            period=BranchPeriod(date_from=scope.date_from, date_to=scope.date_to, **vars(period)),
        )


# ---- lists -------------------------------------------------------------------------------------

async def _scope(info: strawberry.Info, roles: tuple[str, ...], district: str | None,
                 min_position: str | None) -> tuple[Context, str | None]:
    """The caller may list; a district-scoped caller sees only its own district."""
    ctx: Context = info.context
    ctx.principal.require(*roles)
    await ctx.await_position(min_position)
    return ctx, scoped_district(ctx.principal, district)


@strawberry.type
class Query:
    @strawberry.field(description="团支部列表（按区、类型筛选）")
    async def branches(self, info: strawberry.Info, district: str | None = None, kind: BranchKind | None = None,
                       first: int | None = None, after: str | None = None,
                       min_position: str | None = None) -> Connection[Branch]:
        limit, key = page_args(first, after)
        ctx, district = await _scope(info, LIST_ROLES, district, min_position)
        async with ctx.runtime.pool.acquire() as conn:
            rows = await views.branch_page(conn, district=district, kind=kind.value if kind else None,
                                           after=cursor(key, 3),
                                           limit=limit + 1)
        return connection(rows, limit, key=lambda r: (r["district"], r["name"], r["branch_id"]), node=to_branch)

    @strawberry.field(description="某团支部的团员（仅青年编号）")
    async def branch_members(self, info: strawberry.Info, branch_id: strawberry.ID, first: int | None = None,
                             after: str | None = None, min_position: str | None = None) -> Connection[Member]:
        limit, key = page_args(first, after)
        ctx, _ = await _scope(info, LIST_ROLES, None, min_position)
        async with ctx.runtime.pool.acquire() as conn:
            district = await views.branch_district(conn, str(branch_id))
            if district is not None:
                ctx.principal.require_district(district)
            rows = await views.member_page(conn, branch_id=str(branch_id), after=cursor(key, 2, dated=True),
                                           limit=limit + 1)
        return connection(rows, limit, key=lambda r: (r["joined_on"].isoformat(), r["youth_id"]), node=lambda r: Member(
            youth_id=r["youth_id"], branch_id=r["branch_id"], district=r["district"], joined_on=r["joined_on"],
            via=r["via"]))

    @strawberry.field(description="组织关系转接（本区转出或转入的）")
    async def transfers(self, info: strawberry.Info, status: TransferStatus | None = None,
                        district: str | None = None, first: int | None = None, after: str | None = None,
                        min_position: str | None = None) -> Connection[Transfer]:
        limit, key = page_args(first, after)
        ctx, district = await _scope(info, LIST_ROLES, district, min_position)
        async with ctx.runtime.pool.acquire() as conn:
            rows = await views.transfer_page(conn, district=district, status=status.value if status else None,
                                             after=cursor(key, 2, dated=True), limit=limit + 1)
        return connection(rows, limit, key=lambda r: (r["requested_on"].isoformat(), r["transfer_id"]),
                          node=lambda r: Transfer(
                              id=r["transfer_id"], youth_id=r["youth_id"], from_branch_id=r["from_branch_id"],
                              from_district=r["from_district"], to_branch_id=r["to_branch_id"],
                              to_district=r["to_district"], initiated_by=TransferSide[r["initiated_by"]],
                              requested_on=r["requested_on"], expires_on=r["expires_on"],
                              status=TransferStatus[r["status"]]))

    @strawberry.field(description="联系的组织；withoutBranch: true 只看尚未建团支部的")
    async def organisations(self, info: strawberry.Info, district: str | None = None,
                            without_branch: bool | None = None, first: int | None = None, after: str | None = None,
                            min_position: str | None = None) -> Connection[Organisation]:
        limit, key = page_args(first, after)
        ctx, district = await _scope(info, LIST_ROLES, district, min_position)
        async with ctx.runtime.pool.acquire() as conn:
            rows = await views.organisation_page(conn, district=district, without_branch=without_branch,
                                                 after=cursor(key, 3),
                                                 limit=limit + 1)
        return connection(rows, limit, key=lambda r: (r["district"], r["name"], r["organisation_id"]),
                          node=lambda r: Organisation(
                              id=r["organisation_id"], name=r["name"], kind=OrganisationKind[r["kind"]],
                              district=r["district"], stage=OrganisationStage[r["stage"]], branch_id=r["branch_id"],
                              contacted_on=r["contacted_on"]))

    @strawberry.field(description="各团支部某季度的三会两制一课落实情况")
    async def meeting_compliance(self, info: strawberry.Info, quarter: str | None = None,
                                 district: str | None = None, first: int | None = None, after: str | None = None,
                                 min_position: str | None = None) -> Connection[BranchCompliance]:
        limit, key = page_args(first, after)
        quarter = check_quarter(quarter)
        ctx, district = await _scope(info, LIST_ROLES, district, min_position)
        async with ctx.runtime.pool.acquire() as conn:
            rows = await views.compliance_page(conn, district, quarter, cursor(key, 1), limit + 1)
        return connection(rows, limit, key=lambda r: (r["branch_id"],), node=to_compliance)

    @strawberry.field(description="22 条措施及其进展")
    async def measures(self, info: strawberry.Info, area: MeasureArea | None = None, first: int | None = None,
                       after: str | None = None, min_position: str | None = None) -> Connection[Measure]:
        limit, key = page_args(first, after)
        ctx, _ = await _scope(info, DASHBOARD_ROLES, None, min_position)
        async with ctx.runtime.pool.acquire() as conn:
            rows = await views.measure_rows(conn, area.value if area else None, cursor(key, 1), limit + 1)
        return connection(rows, limit, key=lambda r: (r["measure_id"],), node=to_measure)


# ---- mutations (forwarded to the branches service) ---------------------------------------------

@strawberry.input(description="成立团支部")
class FoundBranchInput:
    name: str
    kind: BranchKind
    district: str = strawberry.field(description="区县代码（GB/T 2260）：所属区团委")
    organisation_id: strawberry.ID | None = strawberry.field(default=None, description="在哪个联系的组织中建立")


@strawberry.input(description="记录联系的组织")
class RecordOrganisationInput:
    name: str
    kind: OrganisationKind
    district: str


@strawberry.input(description="记录会议或活动")
class RecordMeetingInput:
    branch_id: strawberry.ID
    kind: MeetingKind
    held_on: date
    topic: str
    attendees: list[strawberry.ID] = strawberry.field(default_factory=list, description="参会团员的青年编号")


@strawberry.type(description="邀请码已发放")
class InvitationResult:
    id: strawberry.ID
    version: int
    position: str
    code: str
    expires_at: str
    max_uses: int


async def forward(info: strawberry.Info, path: str, body: dict | None = None) -> dict:
    ctx: Context = info.context
    return await ctx.service("branches").call("POST", path, token=ctx.principal.token, json=body or {})


def result(answer: dict) -> CommandResult:
    return CommandResult.of(answer)


def _drop_none(body: dict) -> dict:
    return {k: v for k, v in body.items() if v is not None}


@strawberry.type
class Mutation:
    @strawberry.mutation(description="成立团支部")
    async def found_branch(self, info: strawberry.Info, input: FoundBranchInput) -> CommandResult:
        return result(await forward(info, "/branches", _drop_none({
            "name": input.name, "kind": input.kind.value, "district": input.district,
            "organisationId": input.organisation_id})))

    @strawberry.mutation(description="团支部更名")
    async def rename_branch(self, info: strawberry.Info, branch_id: strawberry.ID, name: str,
                            expected_version: int | None = None) -> CommandResult:
        return result(await forward(info, f"/branches/{branch_id}/rename",
                                    _drop_none({"name": name, "expectedVersion": expected_version})))

    @strawberry.mutation(description="任命团支部书记（须为本支部团员）")
    async def assign_secretary(self, info: strawberry.Info, branch_id: strawberry.ID,
                               secretary_id: strawberry.ID) -> CommandResult:
        return result(await forward(info, f"/branches/{branch_id}/secretary", {"secretaryId": secretary_id}))

    @strawberry.mutation(description="撤销团支部（须先转出或退出全部团员）")
    async def dissolve_branch(self, info: strawberry.Info, branch_id: strawberry.ID) -> CommandResult:
        return result(await forward(info, f"/branches/{branch_id}/dissolve"))

    @strawberry.mutation(description="发放入团邀请码（流动团支部）")
    async def issue_invitation(self, info: strawberry.Info, branch_id: strawberry.ID, valid_hours: int = 72,
                               max_uses: int = 50) -> InvitationResult:
        a = await forward(info, f"/branches/{branch_id}/invitations", {"validHours": valid_hours, "maxUses": max_uses})
        return InvitationResult(id=a["id"], version=a["version"], position=a["position"], code=a["code"],
                                expires_at=a["expiresAt"], max_uses=a["maxUses"])

    @strawberry.mutation(description="记录联系的组织")
    async def record_organisation_contact(self, info: strawberry.Info, input: RecordOrganisationInput) -> CommandResult:
        return result(await forward(info, "/organisations", {"name": input.name, "kind": input.kind.value,
                                                             "district": input.district}))

    @strawberry.mutation(description="与组织建立工作关系")
    async def establish_working_relationship(self, info: strawberry.Info,
                                             organisation_id: strawberry.ID) -> CommandResult:
        return result(await forward(info, f"/organisations/{organisation_id}/relationship"))

    @strawberry.mutation(description="入团申请")
    async def apply_for_membership(self, info: strawberry.Info, youth_id: strawberry.ID,
                                   branch_id: strawberry.ID) -> CommandResult:
        return result(await forward(info, f"/memberships/{youth_id}/apply", {"branchId": branch_id}))

    @strawberry.mutation(description="批准入团申请")
    async def approve_membership(self, info: strawberry.Info, youth_id: strawberry.ID,
                                 branch_id: strawberry.ID) -> CommandResult:
        return result(await forward(info, f"/memberships/{youth_id}/approve", {"branchId": branch_id}))

    @strawberry.mutation(description="不批准入团申请")
    async def reject_membership(self, info: strawberry.Info, youth_id: strawberry.ID, branch_id: strawberry.ID,
                                reason: RejectReason) -> CommandResult:
        return result(await forward(info, f"/memberships/{youth_id}/reject",
                                    {"branchId": branch_id, "reason": reason.value}))

    @strawberry.mutation(description="凭邀请码加入流动团支部")
    async def join_with_invitation(self, info: strawberry.Info, youth_id: strawberry.ID, code: str) -> CommandResult:
        return result(await forward(info, f"/memberships/{youth_id}/join", {"code": code}))

    @strawberry.mutation(description="发起组织关系转接（返回转接编号）")
    async def request_transfer(self, info: strawberry.Info, youth_id: strawberry.ID, to_branch_id: strawberry.ID,
                               initiated_by: TransferSide) -> CommandResult:
        return result(await forward(info, f"/memberships/{youth_id}/transfer",
                                    {"toBranchId": to_branch_id, "initiatedBy": initiated_by.value}))

    @strawberry.mutation(description="接收团支部同意转接")
    async def approve_transfer(self, info: strawberry.Info, youth_id: strawberry.ID,
                               transfer_id: strawberry.ID) -> CommandResult:
        return result(await forward(info, f"/memberships/{youth_id}/transfer/approve", {"transferId": transfer_id}))

    @strawberry.mutation(description="接收团支部拒绝转接")
    async def reject_transfer(self, info: strawberry.Info, youth_id: strawberry.ID,
                              transfer_id: strawberry.ID) -> CommandResult:
        return result(await forward(info, f"/memberships/{youth_id}/transfer/reject", {"transferId": transfer_id}))

    @strawberry.mutation(description="退出团支部")
    async def leave_branch(self, info: strawberry.Info, youth_id: strawberry.ID, reason: LeaveReason) -> CommandResult:
        return result(await forward(info, f"/memberships/{youth_id}/leave", {"reason": reason.value}))

    @strawberry.mutation(description="记录会议或活动（含参会团员）")
    async def record_meeting(self, info: strawberry.Info, input: RecordMeetingInput) -> CommandResult:
        return result(await forward(info, "/meetings", {
            "branchId": input.branch_id, "kind": input.kind.value, "heldOn": input.held_on.isoformat(),
            "topic": input.topic, "attendees": list(input.attendees)}))

    @strawberry.mutation(description="补记参会团员")
    async def record_attendance(self, info: strawberry.Info, meeting_id: strawberry.ID,
                                attendees: list[strawberry.ID]) -> CommandResult:
        return result(await forward(info, f"/meetings/{meeting_id}/attendance", {"attendees": list(attendees)}))

    @strawberry.mutation(description="为措施新增工作节点")
    async def add_milestone(self, info: strawberry.Info, measure_id: strawberry.ID, title: str,
                            due_on: date) -> CommandResult:
        return result(await forward(info, f"/measures/{measure_id}/milestones",
                                    {"title": title, "dueOn": due_on.isoformat()}))

    @strawberry.mutation(description="完成工作节点")
    async def complete_milestone(self, info: strawberry.Info, measure_id: strawberry.ID,
                                 milestone_id: strawberry.ID) -> CommandResult:
        return result(await forward(info, f"/measures/{measure_id}/milestones/{milestone_id}/complete"))

    @strawberry.mutation(description="报告措施推进进度（0–100）")
    async def report_measure_progress(self, info: strawberry.Info, measure_id: strawberry.ID, percent: int,
                                      note: str = "") -> CommandResult:
        return result(await forward(info, f"/measures/{measure_id}/progress", {"percent": percent, "note": note}))
