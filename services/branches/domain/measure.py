"""The 22 measures of the joint meeting (《关于加强北京新兴青年群体工作的若干措施》) in 5 areas, each
with a lead department, partners, milestones and progress updates. Defined once from reference data
(`measures.json`, placeholder texts; read by the service at start-up and given here as `DefineMeasure`
commands) so their definition travels as events like everything else."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import ClassVar

from chassis.codec import EventCodec
from chassis.decider import Decider
from chassis.errors import Collector, RuleViolated
from contracts.branches import MeasureEvents

NOTE_MAX = 500
TITLE_MAX = 100


class Area(StrEnum):
    TOP_LEVEL_DESIGN = "TOP_LEVEL_DESIGN"          # 顶层设计
    IDEOLOGICAL_GUIDANCE = "IDEOLOGICAL_GUIDANCE"  # 思想引领
    CONTACT_COVERAGE = "CONTACT_COVERAGE"          # 联系覆盖
    SERVICE_AND_GROWTH = "SERVICE_AND_GROWTH"      # 服务成长
    PLAYING_A_ROLE = "PLAYING_A_ROLE"              # 发挥作用


def stream_id(measure_id: str) -> str:
    return f"measure-{measure_id}"


@dataclass(frozen=True)
class DefineMeasure:
    measure_id: str
    area: str
    title: str
    lead: str
    partners: tuple[str, ...]
    placeholder: bool


@dataclass(frozen=True)
class AddMilestone:
    milestone_id: str
    title: str
    due_on: date


@dataclass(frozen=True)
class CompleteMilestone:
    milestone_id: str
    today: date


@dataclass(frozen=True)
class ReportProgress:
    percent: int
    note: str
    today: date


@dataclass(frozen=True)
class MeasureDefined:
    TYPE: ClassVar[str] = MeasureEvents.DEFINED
    measure_id: str
    area: str
    title: str
    lead: str
    partners: list[str]
    placeholder: bool


@dataclass(frozen=True)
class MilestoneAdded:
    TYPE: ClassVar[str] = MeasureEvents.MILESTONE_ADDED
    measure_id: str
    milestone_id: str
    title: str
    due_on: date


@dataclass(frozen=True)
class MilestoneCompleted:
    TYPE: ClassVar[str] = MeasureEvents.MILESTONE_COMPLETED
    measure_id: str
    milestone_id: str
    completed_on: date


@dataclass(frozen=True)
class ProgressReported:
    TYPE: ClassVar[str] = MeasureEvents.PROGRESS_REPORTED
    measure_id: str
    percent: int
    note: str
    reported_on: date


MeasureCommand = DefineMeasure | AddMilestone | CompleteMilestone | ReportProgress
MeasureEvent = MeasureDefined | MilestoneAdded | MilestoneCompleted | ProgressReported


@dataclass(frozen=True)
class MeasureState:
    exists: bool = False  # defined: measure_id is set
    measure_id: str | None = None
    percent: int = 0
    milestones: dict[str, bool] = field(default_factory=dict)  # id → completed


def decide(command: MeasureCommand, state: MeasureState) -> list[MeasureEvent]:
    if isinstance(command, DefineMeasure):
        if state.exists:
            raise RuleViolated("该措施已定义。", rule="already_defined")
        errors = Collector()
        if command.area not in Area.__members__:
            errors.add("area", f"领域无效：应为 {'、'.join(Area)} 之一", "enum")
        if not command.title.strip():
            errors.add("title", "措施名称不能为空", "required")
        if not command.lead.strip():
            errors.add("lead", "须有牵头单位", "required")
        errors.raise_if_any()
        return [MeasureDefined(measure_id=command.measure_id, area=command.area, title=command.title.strip(),
                               lead=command.lead.strip(), partners=list(command.partners),
                               placeholder=command.placeholder)]
    if not state.exists or state.measure_id is None:
        raise RuleViolated("未找到该措施（编号应为 M01–M22）。", rule="measure_not_found")
    if isinstance(command, AddMilestone):
        errors = Collector()
        title = (command.title or "").strip()
        if not title:
            errors.add("title", "节点名称不能为空", "required")
        elif len(title) > TITLE_MAX:
            errors.add("title", f"节点名称不能超过 {TITLE_MAX} 个字符", "too_long")
        errors.raise_if_any()
        if command.milestone_id in state.milestones:
            raise RuleViolated("该节点已存在。", rule="duplicate_milestone")
        return [MilestoneAdded(measure_id=state.measure_id, milestone_id=command.milestone_id, title=title,
                               due_on=command.due_on)]
    if isinstance(command, CompleteMilestone):
        if command.milestone_id not in state.milestones:
            raise RuleViolated("未找到该节点。", rule="milestone_not_found")
        if state.milestones[command.milestone_id]:
            raise RuleViolated("该节点已完成。", rule="milestone_completed")
        return [MilestoneCompleted(measure_id=state.measure_id, milestone_id=command.milestone_id,
                                   completed_on=command.today)]
    if isinstance(command, ReportProgress):
        errors = Collector()
        if not 0 <= command.percent <= 100:
            errors.add("percent", "进度应为 0–100 的整数", "range")
        if len(command.note or "") > NOTE_MAX:
            errors.add("note", f"进展说明不能超过 {NOTE_MAX} 个字符", "too_long")
        errors.raise_if_any()
        if command.percent < state.percent:
            raise RuleViolated(f"进度不能倒退（当前 {state.percent}%）。", rule="progress_backwards",
                               current_percent=state.percent)
        return [ProgressReported(measure_id=state.measure_id, percent=command.percent,
                                 note=(command.note or "").strip(), reported_on=command.today)]
    raise TypeError(f"unknown command {type(command).__name__}")


def evolve(state: MeasureState, event: MeasureEvent) -> MeasureState:
    if isinstance(event, MeasureDefined):
        return MeasureState(True, event.measure_id)
    if isinstance(event, MilestoneAdded):
        return replace(state, milestones={**state.milestones, event.milestone_id: False})
    if isinstance(event, MilestoneCompleted):
        return replace(state, milestones={**state.milestones, event.milestone_id: True})
    if isinstance(event, ProgressReported):
        return replace(state, percent=event.percent)
    return state


measure = Decider(initial=MeasureState, decide=decide, evolve=evolve)
codec = EventCodec(MeasureDefined, MilestoneAdded, MilestoneCompleted, ProgressReported)
