"""Meetings and activities (三会两制一课) with attendance, and what a compliant quarter is.

Compliance of a branch in a quarter: a general meeting (支部大会) at least once, a committee meeting
(支委会) in each of the quarter's three months, and a league lecture (团课) at least once. Group
meetings, role-model talks and activities are recorded and counted but not required.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from chassis.codec import EventCodec
from chassis.decider import Command, Decider, State
from chassis.errors import Collector, RuleViolated
from chassis.event import Event, event
from chassis.lifecycle import refuse_if, stream_naming
from contracts.branches import MeetingEvents

from .rules import one_of

TOPIC_MAX = 100
MAX_ATTENDEES = 500


class MeetingKind(StrEnum):
    GENERAL_MEETING = "GENERAL_MEETING"      # 支部大会（每季度）
    COMMITTEE_MEETING = "COMMITTEE_MEETING"  # 支委会（每月）
    GROUP_MEETING = "GROUP_MEETING"          # 团小组会
    LEAGUE_LECTURE = "LEAGUE_LECTURE"        # 团课
    ROLE_MODEL_TALK = "ROLE_MODEL_TALK"      # 榜样宣讲
    ACTIVITY = "ACTIVITY"                    # 主题活动


check_kind = one_of(MeetingKind, "会议类型")


class RecordMeeting(Command):
    meeting_id: str
    branch_id: str
    branch_active: bool
    district: str
    kind: str
    held_on: date
    topic: str
    attendees: tuple[str, ...]
    members: frozenset[str]  # the branch's members (from the roster): only they are recorded as attending
    today: date


class RecordAttendance(Command):
    attendees: tuple[str, ...]
    members: frozenset[str]


@event(MeetingEvents.HELD)
class MeetingHeld(Event):
    meeting_id: str
    branch_id: str
    district: str
    kind: str
    held_on: date
    topic: str
    attendees: list[str]  # youth ids (pseudonymous)


@event(MeetingEvents.ATTENDANCE_RECORDED)
class AttendanceRecorded(Event):
    meeting_id: str
    branch_id: str
    attendees: list[str]  # added by this record


MeetingCommand = RecordMeeting | RecordAttendance
MeetingEvent = MeetingHeld | AttendanceRecorded


class MeetingState(State):
    exists: bool = False  # recorded: meeting_id, branch_id and district are set
    meeting_id: str | None = None
    branch_id: str | None = None
    district: str | None = None
    attendees: frozenset[str] = frozenset()


def _check_attendees(errors: Collector, attendees: Iterable[str], members: frozenset[str]) -> None:
    attendees = list(attendees)
    if len(attendees) > MAX_ATTENDEES:
        errors.add("attendees", f"参会人数不能超过 {MAX_ATTENDEES}", "too_long")
    if len(set(attendees)) != len(attendees):
        errors.add("attendees", "参会名单中有重复的人", "duplicate")
    strangers = [a for a in attendees if a not in members]
    if strangers:
        errors.add("attendees", f"有 {len(strangers)} 人不是本支部团员，不能记为参会", "not_member")


def decide(command: MeetingCommand, state: MeetingState) -> list[MeetingEvent]:
    if isinstance(command, RecordMeeting):
        refuse_if(state.exists, "该会议已记录。", "already_recorded")
        refuse_if(not command.branch_active, "该团支部不存在或已撤销。", "branch_inactive")
        errors = Collector()
        check_kind(errors, "kind", command.kind)
        if command.held_on > command.today:
            errors.add("heldOn", "会议日期不能晚于今天（只记录已召开的会议）", "range")
        topic = (command.topic or "").strip()
        if not topic:
            errors.add("topic", "会议主题不能为空", "required")
        elif len(topic) > TOPIC_MAX:
            errors.add("topic", f"会议主题不能超过 {TOPIC_MAX} 个字符", "too_long")
        _check_attendees(errors, command.attendees, command.members)
        errors.raise_if_any()
        return [MeetingHeld(meeting_id=command.meeting_id, branch_id=command.branch_id, district=command.district,
                            kind=command.kind, held_on=command.held_on, topic=topic,
                            attendees=list(command.attendees))]
    if not state.exists or state.meeting_id is None or state.branch_id is None:
        raise RuleViolated("未找到该会议。", rule="meeting_not_found")
    if isinstance(command, RecordAttendance):
        errors = Collector()
        if not command.attendees:
            errors.add("attendees", "参会名单不能为空", "required")
        _check_attendees(errors, command.attendees, command.members)
        errors.raise_if_any()
        again = [a for a in command.attendees if a in state.attendees]
        if again:
            raise RuleViolated(f"有 {len(again)} 人已记录参会。", rule="already_attending")
        return [AttendanceRecorded(meeting_id=state.meeting_id, branch_id=state.branch_id,
                                   attendees=list(command.attendees))]
    raise TypeError(f"unknown command {type(command).__name__}")


def evolve(state: MeetingState, event: MeetingEvent) -> MeetingState:
    if isinstance(event, MeetingHeld):
        return MeetingState(True, event.meeting_id, event.branch_id, event.district, frozenset(event.attendees))
    if isinstance(event, AttendanceRecorded):
        return replace(state, attendees=state.attendees | set(event.attendees))
    return state


meeting = Decider(initial=MeetingState, decide=decide, evolve=evolve)
codec = EventCodec(MeetingHeld, AttendanceRecorded)
stream_id = stream_naming("meeting")


# ---- compliance ---------------------------------------------------------------------------------

def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_months(quarter: str) -> list[tuple[int, int]]:
    year, q = int(quarter[:4]), int(quarter[-1])
    return [(year, 3 * (q - 1) + m) for m in (1, 2, 3)]


@dataclass(frozen=True)
class Compliance:
    general_meeting: bool
    committee_months: int  # months of the quarter with a committee meeting (0–3)
    league_lecture: bool

    @property
    def compliant(self) -> bool:
        return self.general_meeting and self.committee_months == 3 and self.league_lecture


def quarter_compliance(meetings: Iterable[tuple[str, date]], quarter: str) -> Compliance:
    """(kind, held_on) of one branch → its compliance in `quarter` ("2026-Q4")."""
    months = set(quarter_months(quarter))
    inside = [(k, d) for k, d in meetings if (d.year, d.month) in months]
    return Compliance(
        general_meeting=any(k == MeetingKind.GENERAL_MEETING for k, _ in inside),
        committee_months=len({(d.year, d.month) for k, d in inside if k == MeetingKind.COMMITTEE_MEETING}),
        league_lecture=any(k == MeetingKind.LEAGUE_LECTURE for k, _ in inside),
    )
