"""The joint meeting's types, and the rows of the read model made into them."""
from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry

from chassis.reference import DEPARTMENTS, DISTRICTS

from ..assignees import AssigneeKind
from ..branches.types import AREAS, MeasureArea

LEVELS = {"CITY": "市级联席会议", "DISTRICT": "区级联席会议"}
ITEM_STATUSES = {"OPEN": "在办", "DONE": "已办结"}

JointMeetingLevel = strawberry.enum(Enum("JointMeetingLevel", {k: k for k in LEVELS}), description="联席会议层级")
ActionItemStatus = strawberry.enum(Enum("ActionItemStatus", {k: k for k in ITEM_STATUSES}), description="待办事项状态")


@strawberry.type(description="联席会议成员单位")
class Department:
    code: str
    name: str


def department(code: str) -> Department:
    return Department(code=code, name=DEPARTMENTS.get(code, code))


def assignee_name(kind: str, code: str) -> str:
    return DEPARTMENTS.get(code, code) if kind == "DEPARTMENT" else DISTRICTS.get(code, code)


@strawberry.type(description="措施的推进情况：牵头单位、进度、最近报告、是否久未报告")
class MeasureStatus:
    id: strawberry.ID
    area: MeasureArea
    area_name: str
    title: str
    example: bool = strawberry.field(description="标题为示例文本（正式清单载入前）")
    lead: Department = strawberry.field(description="牵头单位")
    supporting: list[Department] = strawberry.field(description="配合单位")
    progress: int
    last_report_on: date | None = strawberry.field(description="最近一次进度报告的日期")
    last_note: str | None
    evidence: list[str] = strawberry.field(description="最近一次报告的佐证链接")
    target_on: date | None = strawberry.field(description="目标日期")
    stale: bool = strawberry.field(description="超过规定天数（默认一个季度）未报告进度")
    milestones: int
    milestones_done: int
    contributions: int = strawberry.field(description="配合单位填写的工作贡献条数")
    mine: bool = strawberry.field(description="由当前部门牵头（部门工作人员的令牌）")


def to_measure_status(r, mine_department: str | None = None) -> MeasureStatus:
    return MeasureStatus(
        id=r["measure_id"], area=MeasureArea[r["area"]], area_name=AREAS[r["area"]], title=r["title"],
        example=r["placeholder"], lead=department(r["lead"]), supporting=[department(c) for c in r["partners"]],
        progress=r["percent"], last_report_on=r["reported_on"], last_note=r["last_note"],
        evidence=list(r["evidence"]), target_on=r["target_on"], stale=bool(r["stale"]),
        milestones=r["milestones"], milestones_done=r["milestones_done"], contributions=r["contributions"],
        mine=mine_department is not None and r["lead"] == mine_department)


@strawberry.type(description="联席会议决定事项的待办：承办方、完成期限、进展")
class ActionItem:
    id: strawberry.ID
    meeting_id: strawberry.ID
    decision: str = strawberry.field(description="所属的会议决定")
    title: str
    assignee_kind: AssigneeKind
    assignee: str = strawberry.field(description="承办方代码：成员单位代码或区县代码")
    assignee_name: str
    district: str | None = strawberry.field(description="所属区（区级会议或交给区的事项）；null 为市级")
    due_on: date
    status: ActionItemStatus
    overdue: bool
    last_note: str | None
    noted_on: date | None
    done_on: date | None
    mine: bool = strawberry.field(description="由当前部门（或当前区）承办")


def to_item(r, mine: tuple[str | None, str | None] = (None, None)) -> ActionItem:
    kind = r["assignee_kind"]
    own = (kind == "DEPARTMENT" and r["assignee"] == mine[0]) or (kind == "DISTRICT" and r["assignee"] == mine[1])
    return ActionItem(
        id=r["item_id"], meeting_id=r["meeting_id"], decision=r["decision"], title=r["title"],
        assignee_kind=AssigneeKind[kind], assignee=r["assignee"], assignee_name=assignee_name(kind, r["assignee"]),
        district=r["district"], due_on=r["due_on"], status=ActionItemStatus[r["status"]], overdue=r["overdue"],
        last_note=r["last_note"], noted_on=r["noted_on"], done_on=r["done_on"], mine=own)


@strawberry.type(description="某承办方的在办与超期待办数")
class AssigneeLoad:
    assignee_kind: AssigneeKind
    assignee: str
    name: str
    open: int
    overdue: int


def to_load(r) -> AssigneeLoad:
    return AssigneeLoad(assignee_kind=AssigneeKind[r["assignee_kind"]], assignee=r["assignee"],
                        name=assignee_name(r["assignee_kind"], r["assignee"]), open=r["open"], overdue=r["overdue"])


@strawberry.type(description="市/区青年工作联席会议")
class JointMeeting:
    id: strawberry.ID
    level: JointMeetingLevel
    district: str | None
    held_on: date
    attending: list[Department]
    topics: list[str]
    decisions: list[str]
    items: list[ActionItem] = strawberry.field(description="决定事项生成的待办（同一请求内批量读取）")


def to_meeting(r, items: list[ActionItem]) -> JointMeeting:
    return JointMeeting(id=r["meeting_id"], level=JointMeetingLevel[r["level"]], district=r["district"],
                        held_on=r["held_on"], attending=[department(c) for c in r["attending"]],
                        topics=list(r["topics"]), decisions=list(r["decisions"]), items=items)


