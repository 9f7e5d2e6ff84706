"""The 22 measures of the joint meeting (《关于加强北京新兴青年群体工作的若干措施》) in 5 areas, each
with one lead department, supporting departments, milestones and a target date — and what the
departments report on them.

The plan is data the league office maintains (a YAML file, services/branches/plan.py; `xinqing measures
load FILE`): each measure of the file arrives here as `PlanMeasure`, and every difference from what the
stream holds becomes an event (defined, revised, lead changed, milestone added / revised / dropped), so
the history of the plan is kept. A lead department reports progress on its own measures; a supporting
department adds contributions; the league office (no department) may do both on anyone's behalf.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from chassis.codec import EventCodec
from chassis.decider import Command, Decider, State
from chassis.errors import Collector, Forbidden, RuleViolated
from chassis.event import Event, event
from chassis.lifecycle import stream_naming
from chassis.reference import DEPARTMENTS
from contracts.branches import MeasureEvents

from .rules import check_department, check_links, check_text, one_of

NOTE_MAX = 500
TITLE_MAX = 100


class Area(StrEnum):
    TOP_LEVEL_DESIGN = "TOP_LEVEL_DESIGN"          # 顶层设计
    IDEOLOGICAL_GUIDANCE = "IDEOLOGICAL_GUIDANCE"  # 思想引领
    CONTACT_COVERAGE = "CONTACT_COVERAGE"          # 联系覆盖
    SERVICE_AND_GROWTH = "SERVICE_AND_GROWTH"      # 服务成长
    PLAYING_A_ROLE = "PLAYING_A_ROLE"              # 发挥作用


check_area = one_of(Area, "领域")


# ---- commands ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MilestoneSpec:
    milestone_id: str
    title: str
    due_on: date


class PlannedMilestone(MilestoneSpec):
    """A milestone as the plan file states it; its id is stable, derived from the measure and the
    milestone's key in the file."""


class PlanMeasure(Command):
    """One measure as the plan file now says it."""
    measure_id: str
    area: str
    title: str
    lead: str
    partners: tuple[str, ...]
    placeholder: bool  # the titles are examples until the official list is loaded
    target_on: date | None = None
    milestones: tuple[PlannedMilestone, ...] = ()
    today: date | None = None  # when a lead department changes


class AddMilestone(MilestoneSpec, Command):
    """A milestone added by hand: a reload of the plan file neither revises nor drops it."""


class CompleteMilestone(Command):
    milestone_id: str
    today: date


class ReportProgress(Command):
    percent: int
    note: str
    today: date
    acting_for: str | None = None  # the department reporting; None: the league office
    evidence: tuple[str, ...] = ()
    reported_on: date | None = None  # the report's date (default today; never later)


class AddContribution(Command):
    acting_for: str  # a supporting department
    note: str
    today: date
    evidence: tuple[str, ...] = ()
    contributed_on: date | None = None


# ---- events --------------------------------------------------------------------------------------

@event(MeasureEvents.DEFINED)
class MeasureDefined(Event):
    measure_id: str
    area: str
    title: str
    lead: str
    partners: list[str]
    placeholder: bool
    target_on: date | None = None


@event(MeasureEvents.REVISED)
class MeasureRevised(Event):
    """The plan file changed the measure (all its fields as they now are; the lead has its own event)."""
    measure_id: str
    area: str
    title: str
    partners: list[str]
    placeholder: bool
    target_on: date | None


@event(MeasureEvents.LEAD_CHANGED)
class LeadChanged(Event):
    measure_id: str
    previous: str
    lead: str
    changed_on: date | None


@dataclass(frozen=True)
class MilestoneStated(Event):
    """A milestone of the measure as it now reads: added (by hand or by the plan file), or revised."""
    measure_id: str
    milestone_id: str
    title: str
    due_on: date


@event(MeasureEvents.MILESTONE_ADDED)
class MilestoneAdded(MilestoneStated):
    planned: bool = False  # from the plan file (a reload may revise or drop it), not added by hand


@event(MeasureEvents.MILESTONE_REVISED)
class MilestoneRevised(MilestoneStated):
    pass


@event(MeasureEvents.MILESTONE_DROPPED)
class MilestoneDropped(Event):
    measure_id: str
    milestone_id: str


@event(MeasureEvents.MILESTONE_COMPLETED)
class MilestoneCompleted(Event):
    measure_id: str
    milestone_id: str
    completed_on: date


@event(MeasureEvents.PROGRESS_REPORTED)
class ProgressReported(Event):
    measure_id: str
    percent: int
    note: str
    reported_on: date
    department: str | None = None  # None: the league office
    evidence: list[str] = field(default_factory=list)


@event(MeasureEvents.CONTRIBUTION_ADDED)
class ContributionAdded(Event):
    measure_id: str
    department: str
    note: str
    contributed_on: date
    evidence: list[str] = field(default_factory=list)


MeasureCommand = PlanMeasure | AddMilestone | CompleteMilestone | ReportProgress | AddContribution
MeasureEvent = (MeasureDefined | MeasureRevised | LeadChanged | MilestoneAdded | MilestoneRevised | MilestoneDropped
                | MilestoneCompleted | ProgressReported | ContributionAdded)


@dataclass(frozen=True)
class Milestone:
    title: str
    due_on: date
    completed: bool = False
    planned: bool = False


class MeasureState(State):
    exists: bool = False  # defined: measure_id is set
    measure_id: str | None = None
    area: str = ""
    title: str = ""
    lead: str = ""
    partners: tuple[str, ...] = ()
    placeholder: bool = True
    target_on: date | None = None
    percent: int = 0
    milestones: dict[str, Milestone] = field(default_factory=dict)


# ---- decide --------------------------------------------------------------------------------------

def _check_plan(command: PlanMeasure) -> None:
    errors = Collector()
    check_area(errors, "area", command.area)
    check_text(errors, "title", command.title, TITLE_MAX)
    check_department(errors, "lead", command.lead)
    for code in command.partners:
        check_department(errors, "supporting", code)
    if command.lead in command.partners or len(set(command.partners)) != len(command.partners):
        errors.add("supporting", "配合单位不能重复，也不能与牵头单位相同", "duplicate")
    for m in command.milestones:
        check_text(errors, "milestones", m.title, TITLE_MAX)
    if len({m.milestone_id for m in command.milestones}) != len(command.milestones):
        errors.add("milestones", "工作节点编号重复", "duplicate")
    errors.raise_if_any()


def _plan(command: PlanMeasure, state: MeasureState) -> list[MeasureEvent]:
    _check_plan(command)
    mid = command.measure_id
    title = command.title.strip()
    events: list[MeasureEvent] = []
    if not state.exists:
        events.append(MeasureDefined(mid, command.area, title, command.lead, list(command.partners),
                                     command.placeholder, command.target_on))
    else:
        if command.lead != state.lead:
            events.append(LeadChanged(mid, state.lead, command.lead, command.today))
        now = (command.area, title, tuple(command.partners), command.placeholder, command.target_on)
        if now != (state.area, state.title, state.partners, state.placeholder, state.target_on):
            events.append(MeasureRevised(mid, command.area, title, list(command.partners), command.placeholder,
                                         command.target_on))
    planned = {m.milestone_id: m for m in command.milestones}
    for m in command.milestones:
        held = state.milestones.get(m.milestone_id)
        if held is None:
            events.append(MilestoneAdded(mid, m.milestone_id, m.title.strip(), m.due_on, planned=True))
        elif (held.title, held.due_on) != (m.title.strip(), m.due_on):
            events.append(MilestoneRevised(mid, m.milestone_id, m.title.strip(), m.due_on))
    events += [MilestoneDropped(mid, k) for k, held in state.milestones.items()
               if held.planned and k not in planned and not held.completed]
    return events


def _report(command: ReportProgress, state: MeasureState, measure_id: str) -> list[MeasureEvent]:
    if command.acting_for is not None and command.acting_for != state.lead:
        raise Forbidden(f"只有牵头单位（{DEPARTMENTS.get(state.lead, state.lead)}）能报告该措施的进度；"
                        "配合单位请填写工作贡献。", rule="department")
    errors = Collector()
    if not 0 <= command.percent <= 100:
        errors.add("percent", "进度应为 0–100 的整数", "range")
    note = check_text(errors, "note", command.note, NOTE_MAX, required=command.acting_for is not None)
    evidence = check_links(errors, "evidence", command.evidence)
    on = command.reported_on or command.today
    if on > command.today:
        errors.add("reportedOn", "报告日期不能晚于今天", "range")
    errors.raise_if_any()
    if command.percent < state.percent:
        raise RuleViolated(f"进度不能倒退（当前 {state.percent}%）。", rule="progress_backwards",
                           current_percent=state.percent)
    return [ProgressReported(measure_id, command.percent, note, on, command.acting_for, evidence)]


def _contribute(command: AddContribution, state: MeasureState, measure_id: str) -> list[MeasureEvent]:
    if command.acting_for not in state.partners:
        raise Forbidden("只有该措施的配合单位能填写工作贡献（牵头单位请报告进度）。", rule="department")
    errors = Collector()
    note = check_text(errors, "note", command.note, NOTE_MAX)
    evidence = check_links(errors, "evidence", command.evidence)
    on = command.contributed_on or command.today
    if on > command.today:
        errors.add("contributedOn", "日期不能晚于今天", "range")
    errors.raise_if_any()
    return [ContributionAdded(measure_id, command.acting_for, note, on, evidence)]


def decide(command: MeasureCommand, state: MeasureState) -> list[MeasureEvent]:
    if isinstance(command, PlanMeasure):
        return _plan(command, state)
    if not state.exists or state.measure_id is None:
        raise RuleViolated("未找到该措施（编号应为 M01–M22）。", rule="measure_not_found")
    if isinstance(command, AddMilestone):
        errors = Collector()
        title = check_text(errors, "title", command.title, TITLE_MAX)
        errors.raise_if_any()
        if command.milestone_id in state.milestones:
            raise RuleViolated("该节点已存在。", rule="duplicate_milestone")
        return [MilestoneAdded(state.measure_id, command.milestone_id, title, command.due_on)]
    if isinstance(command, CompleteMilestone):
        if command.milestone_id not in state.milestones:
            raise RuleViolated("未找到该节点。", rule="milestone_not_found")
        if state.milestones[command.milestone_id].completed:
            raise RuleViolated("该节点已完成。", rule="milestone_completed")
        return [MilestoneCompleted(state.measure_id, command.milestone_id, command.today)]
    if isinstance(command, ReportProgress):
        return _report(command, state, state.measure_id)
    if isinstance(command, AddContribution):
        return _contribute(command, state, state.measure_id)
    raise TypeError(f"unknown command {type(command).__name__}")


def evolve(state: MeasureState, event: MeasureEvent) -> MeasureState:
    if isinstance(event, MeasureDefined):
        return MeasureState(True, event.measure_id, event.area, event.title, event.lead, tuple(event.partners),
                            event.placeholder, event.target_on)
    if isinstance(event, MeasureRevised):
        return replace(state, area=event.area, title=event.title, partners=tuple(event.partners),
                       placeholder=event.placeholder, target_on=event.target_on)
    if isinstance(event, LeadChanged):
        return replace(state, lead=event.lead)
    if isinstance(event, MilestoneAdded):
        return replace(state, milestones={**state.milestones,
                                          event.milestone_id: Milestone(event.title, event.due_on,
                                                                        planned=event.planned)})
    if isinstance(event, MilestoneRevised):
        held = state.milestones[event.milestone_id]
        return replace(state, milestones={**state.milestones,
                                          event.milestone_id: replace(held, title=event.title, due_on=event.due_on)})
    if isinstance(event, MilestoneDropped):
        return replace(state, milestones={k: v for k, v in state.milestones.items() if k != event.milestone_id})
    if isinstance(event, MilestoneCompleted):
        held = state.milestones[event.milestone_id]
        return replace(state, milestones={**state.milestones, event.milestone_id: replace(held, completed=True)})
    if isinstance(event, ProgressReported):
        return replace(state, percent=event.percent)
    return state


measure = Decider(initial=MeasureState, decide=decide, evolve=evolve)
codec = EventCodec(MeasureDefined, MeasureRevised, LeadChanged, MilestoneAdded, MilestoneRevised, MilestoneDropped,
                   MilestoneCompleted, ProgressReported, ContributionAdded)
stream_id = stream_naming("measure")
