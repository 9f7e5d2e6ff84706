"""筑梦空间 incubation projects: independent and online-culture youth apply at a DREAM_SPACE station with a
project; the station's staff support or decline it; milestones are noted while it runs; it ends completed or
stopped.

One stream per project (`project-<id>`, on the events topic beside shifts). The applicant is named by the
pseudonymous youth id only, never a name. The runner checks the station is a 筑梦空间 and in the caller's
district; the command carries the station's kind so the rule lives here, testable without IO.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from enum import StrEnum

from chassis import checks
from chassis.codec import personal
from chassis.decider import Command, Decider, State
from chassis.errors import Collector
from chassis.event import Event, event
from chassis.lifecycle import refuse_if, stream_naming
from contracts.stations import ActivityEvents, ProjectStatus

from .common import Step

SUMMARY_MAX = 500
MILESTONES_MAX = 50  # a project's notes stay a short list, not a diary
DREAM_SPACE = "DREAM_SPACE"


class ProjectField(StrEnum):
    ONLINE_LITERATURE = "ONLINE_LITERATURE"  # 网络文学
    INDIE_MUSIC = "INDIE_MUSIC"  # 独立音乐
    DESIGN = "DESIGN"  # 设计
    LIVE_STREAMING = "LIVE_STREAMING"  # 直播
    OTHER = "OTHER"  # 其他


class ProjectOutcome(StrEnum):
    COMPLETED = "COMPLETED"
    STOPPED = "STOPPED"


class ApplyForProject(Command):
    """A youth applies themselves (youth token); `station_kind` is what the runner found for the station."""
    project_id: str
    youth_id: str
    station_id: str
    station_kind: str
    district: str  # the station's
    title: str
    field: str
    summary: str
    at: datetime


class SupportProject(Step):
    """The station takes the project in."""


class DeclineProject(Command):
    reason: str
    at: datetime


class NoteMilestone(Command):
    note: str
    at: datetime


class EndProject(Command):
    outcome: str
    at: datetime


ProjectCommand = ApplyForProject | SupportProject | DeclineProject | NoteMilestone | EndProject


@event(ActivityEvents.PROJECT_APPLIED)
class ProjectApplied(Event):
    project_id: str
    youth_id: str
    station_id: str
    district: str
    title: str  # the project's name, as staff lists and the person's own list show it
    field: str
    at: datetime
    # The person's own words: sealed with the project's key (never on the topic), shredded with their erasure.
    summary: str | None = personal(default=None)  # None once the project's key is shredded


@event(ActivityEvents.PROJECT_SUPPORTED)
class ProjectSupported(Event):
    project_id: str
    district: str
    at: datetime


@event(ActivityEvents.PROJECT_DECLINED)
class ProjectDeclined(Event):
    project_id: str
    district: str
    reason: str
    at: datetime


@event(ActivityEvents.PROJECT_MILESTONE)
class MilestoneNoted(Event):
    project_id: str
    note: str
    at: datetime


@event(ActivityEvents.PROJECT_ENDED)
class ProjectEnded(Event):
    project_id: str
    district: str
    outcome: str
    at: datetime


ProjectEvent = ProjectApplied | ProjectSupported | ProjectDeclined | MilestoneNoted | ProjectEnded


class ProjectState(State):
    exists: bool = False
    project_id: str = ""
    district: str = ""
    status: ProjectStatus = ProjectStatus.APPLIED
    milestones: int = 0


def _apply(c: ApplyForProject, state: ProjectState) -> list[ProjectEvent]:
    refuse_if(state.exists, "该孵化项目已存在。", "already_exists")
    refuse_if(c.station_kind != DREAM_SPACE, "孵化项目只能在筑梦空间申请。", "not_a_dream_space")
    errors = Collector()
    checks.district(errors, c.district)
    checks.text(errors, c.title, "title", "项目名称")
    checks.one_of(errors, "field", c.field, ProjectField, "项目领域")
    checks.text(errors, c.summary, "summary", "项目简介", max_len=SUMMARY_MAX)
    errors.raise_if_any()
    return [ProjectApplied(project_id=c.project_id, youth_id=c.youth_id, station_id=c.station_id,
                           district=c.district, title=c.title.strip(), field=c.field,
                           summary=c.summary.strip(), at=c.at)]


def _cleaned(value: str, name: str, label: str, max_len: int) -> str:
    errors = Collector()
    checks.text(errors, value, name, label, max_len=max_len)
    errors.raise_if_any()
    return value.strip()


def decide(command: ProjectCommand, state: ProjectState) -> list[ProjectEvent]:
    if isinstance(command, ApplyForProject):
        return _apply(command, state)
    refuse_if(not state.exists, "孵化项目不存在。", "not_found")
    pid, district = state.project_id, state.district
    if isinstance(command, SupportProject | DeclineProject):
        refuse_if(state.status is not ProjectStatus.APPLIED, "该项目已有结论，不能再支持或不予支持。", "already_decided")
        if isinstance(command, SupportProject):
            return [ProjectSupported(project_id=pid, district=district, at=command.at)]
        reason = _cleaned(command.reason, "reason", "不予支持的原因", 200)
        return [ProjectDeclined(project_id=pid, district=district, reason=reason, at=command.at)]
    refuse_if(state.status is not ProjectStatus.SUPPORTED, "只有获得支持、仍在进行的项目才能记录里程碑或结项。",
              "not_running")
    if isinstance(command, NoteMilestone):
        refuse_if(state.milestones >= MILESTONES_MAX, f"一个项目最多记录 {MILESTONES_MAX} 个里程碑。",
                  "too_many_milestones")
        return [MilestoneNoted(project_id=pid, note=_cleaned(command.note, "note", "里程碑", 200), at=command.at)]
    if isinstance(command, EndProject):
        errors = Collector()
        checks.one_of(errors, "outcome", command.outcome, ProjectOutcome, "结项方式")
        errors.raise_if_any()
        return [ProjectEnded(project_id=pid, district=district, outcome=command.outcome, at=command.at)]
    raise TypeError(f"unknown command {type(command).__name__}")


def evolve(state: ProjectState, event: ProjectEvent) -> ProjectState:
    if isinstance(event, ProjectApplied):
        return ProjectState(exists=True, project_id=event.project_id, district=event.district)
    if isinstance(event, ProjectSupported):
        return replace(state, status=ProjectStatus.SUPPORTED)
    if isinstance(event, ProjectDeclined):
        return replace(state, status=ProjectStatus.DECLINED)
    if isinstance(event, MilestoneNoted):
        return replace(state, milestones=state.milestones + 1)
    if isinstance(event, ProjectEnded):
        return replace(state, status=ProjectStatus(event.outcome))
    return state


project = Decider(initial=ProjectState, decide=decide, evolve=evolve)
EVENTS = (ProjectApplied, ProjectSupported, ProjectDeclined, MilestoneNoted, ProjectEnded)
stream_id = stream_naming("project")
