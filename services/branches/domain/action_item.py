"""An action item of a joint meeting's decision: assigned to a department or a district with a due
date, updated by its assignee (progress notes, done), and marked overdue by a job when its date passes
open. The city's league office may update any item (it runs the joint meeting).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from enum import StrEnum

from chassis.codec import EventCodec
from chassis.decider import Command, Decider, State
from chassis.errors import Collector, Forbidden, RuleViolated
from chassis.event import Event, event
from chassis.lifecycle import MarkOverdue, Steps, refuse_if, stepped, stream_naming
from chassis.reference import DEPARTMENTS, DISTRICTS
from contracts.branches import ActionItemEvents

from .joint_meeting import AssigneeKind
from .rules import check_text

NOTE_MAX = 500


class ItemStatus(StrEnum):
    OPEN = "OPEN"
    DONE = "DONE"


@dataclass(frozen=True)
class Actor:
    """Who acts on an item: a department's staff, a district's league committee, or the city's office."""
    department: str | None = None
    district: str | None = None
    city_office: bool = False


@dataclass(frozen=True)
class Assignment:
    """Who does what by when for which decision: asked by `AssignItem`, recorded as it is by
    `ActionItemAssigned`."""
    item_id: str
    meeting_id: str
    meeting_district: str | None  # None: a city meeting
    decision: str
    title: str
    assignee_kind: str
    assignee: str
    due_on: date


class AssignItem(Assignment, Command):
    """Created in the transaction that records the joint meeting (commands.record_joint_meeting)."""


class Update(Command):
    """The assignee's word on the item on `today`: a progress note (required) or the closing note."""
    actor: Actor
    note: str
    today: date


class NoteProgress(Update):
    """The item stays open; the note is required."""


class CompleteItem(Update):
    """The item is done; the closing note may be empty."""


@event(ActionItemEvents.ASSIGNED)
class ActionItemAssigned(Assignment, Event):
    pass


@event(ActionItemEvents.PROGRESS_NOTED)
class ProgressNoted(Event):
    item_id: str
    note: str
    noted_on: date


@event(ActionItemEvents.DONE)
class ActionItemDone(Event):
    item_id: str
    note: str
    done_on: date


@event(ActionItemEvents.OVERDUE)
class ActionItemOverdue(Event):
    item_id: str
    due_on: date
    marked_on: date


ItemCommand = AssignItem | NoteProgress | CompleteItem | MarkOverdue
ItemEvent = ActionItemAssigned | ProgressNoted | ActionItemDone | ActionItemOverdue


class ItemState(State):
    exists: bool = False
    item_id: str | None = None
    assignee_kind: str = ""
    assignee: str = ""
    meeting_district: str | None = None
    due_on: date | None = None
    status: ItemStatus = ItemStatus.OPEN
    overdue: bool = False


def require_assignee(state: ItemState, actor: Actor) -> None:
    """Only the assignee (or the city's office) updates an item: a department's staff their department's
    items, a district's committee its district's."""
    if actor.city_office:
        return
    if state.assignee_kind == AssigneeKind.DEPARTMENT and actor.department == state.assignee:
        return
    if state.assignee_kind == AssigneeKind.DISTRICT and actor.department is None \
            and actor.district == state.assignee:
        return
    owner = DEPARTMENTS.get(state.assignee) if state.assignee_kind == AssigneeKind.DEPARTMENT \
        else DISTRICTS.get(state.assignee)
    raise Forbidden(f"该事项由 {owner or state.assignee} 承办，只有承办方能更新。",
                    rule="department" if actor.department is not None else "district")


def decide(command: ItemCommand, state: ItemState) -> list[ItemEvent]:
    if isinstance(command, AssignItem):
        refuse_if(state.exists, "该事项已存在。", "already_assigned")
        # the event records the command's facts as they are, the title trimmed
        return [ActionItemAssigned(**{**asdict(command), "title": command.title.strip()})]
    if not state.exists or state.item_id is None or state.due_on is None:
        raise RuleViolated("未找到该事项。", rule="item_not_found")
    if isinstance(command, MarkOverdue):
        if state.status == ItemStatus.DONE or state.overdue or command.today <= state.due_on:
            return []  # nothing to mark: the job runs again and again
        return [ActionItemOverdue(state.item_id, state.due_on, command.today)]
    require_assignee(state, command.actor)
    if state.status == ItemStatus.DONE:
        raise RuleViolated("该事项已办结。", rule="item_done")
    errors = Collector()
    note = check_text(errors, "note", command.note, NOTE_MAX, required=isinstance(command, NoteProgress))
    errors.raise_if_any()
    if isinstance(command, NoteProgress):
        return [ProgressNoted(state.item_id, note, command.today)]
    return [ActionItemDone(state.item_id, note, command.today)]


# An item's steps after its assignment: a progress note changes nothing the decider keeps.
_STEPS: Steps = {ActionItemDone: {"status": ItemStatus.DONE}, ActionItemOverdue: {"overdue": True}}


def evolve(state: ItemState, event: ItemEvent) -> ItemState:
    if isinstance(event, ActionItemAssigned):
        return ItemState(True, event.item_id, event.assignee_kind, event.assignee, event.meeting_district,
                         event.due_on)
    return stepped(state, event, _STEPS)


action_item = Decider(initial=ItemState, decide=decide, evolve=evolve)
codec = EventCodec(ActionItemAssigned, ProgressNoted, ActionItemDone, ActionItemOverdue)
stream_id = stream_naming("action-item")
