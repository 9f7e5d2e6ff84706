"""The joint meetings and their action items, from the branches service's `xq.branches.joint-meeting` and
`xq.branches.action-item` topics (reads: gateway/tables/joint_meetings.py); and the measures' events of
issue 18 (plan revisions, reports with evidence, contributions), which gateway/projections/branches.py
dispatches here so the measures' rows stay with the league organisation's read model."""
from __future__ import annotations

from datetime import date

import asyncpg

from chassis.clock import beijing_date
from chassis.dispatch import Dispatch, Handler, statement
from chassis.envelope import Envelope
from chassis.settings import Settings
from contracts.branches import ACTION_ITEM, JOINT_MEETING, ActionItemEvents, JointMeetingEvents, MeasureEvents


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _day(name: str):
    return lambda data: _d(data.get(name))


class JointMeetingsProjection(Dispatch):
    name = "gateway.joint_meetings"
    tables = ("jm_meetings", "jm_items")
    stream_prefixes = ("joint-meeting-", "action-item-")

    def __init__(self, settings: Settings):
        self.topics = (settings.topic(JOINT_MEETING.name), settings.topic(ACTION_ITEM.name))
        self.handlers: dict[str, Handler] = {
            JointMeetingEvents.HELD: _meeting_held,
            ActionItemEvents.ASSIGNED: _item_assigned,
            ActionItemEvents.PROGRESS_NOTED: _item_noted,
            ActionItemEvents.DONE: _item_done,
            ActionItemEvents.OVERDUE: statement("UPDATE jm_items SET overdue = true WHERE item_id = $1", "item_id"),
        }


_meeting_held = statement(
    "INSERT INTO jm_meetings (meeting_id, level, district, held_on, attending, topics, decisions) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7)",
    "meeting_id", "level", "district", _day("held_on"), "attending", "topics", "decisions")


async def _item_assigned(conn: asyncpg.Connection, e: Envelope) -> None:
    d = e.data
    district = d["assignee"] if d["assignee_kind"] == "DISTRICT" else d.get("meeting_district")
    await conn.execute(
        "INSERT INTO jm_items (item_id, meeting_id, decision, title, assignee_kind, assignee, district, due_on) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", d["item_id"], d["meeting_id"], d["decision"], d["title"],
        d["assignee_kind"], d["assignee"], district, _d(d["due_on"]))


_item_noted = statement("UPDATE jm_items SET last_note = $2, noted_on = $3 WHERE item_id = $1",
                        "item_id", "note", _day("noted_on"))

_item_done = statement(
    "UPDATE jm_items SET status = 'DONE', done_on = $2, last_note = coalesce(nullif($3, ''), last_note) "
    "WHERE item_id = $1", "item_id", _day("done_on"), "note")


# ---- the measures (dispatched by BranchesProjection) ----------------------------------------------

async def _measure_defined(conn: asyncpg.Connection, e: Envelope) -> None:
    d = e.data
    await conn.execute(
        "INSERT INTO br_measures (measure_id, area, title, lead, partners, placeholder, target_on, defined_on) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", d["measure_id"], d["area"], d["title"], d["lead"], d["partners"],
        d["placeholder"], _d(d.get("target_on")), beijing_date(e.time))


async def _contribution_added(conn: asyncpg.Connection, e: Envelope) -> None:
    d = e.data
    await conn.execute(
        "INSERT INTO br_contributions (event_id, measure_id, department, note, contributed_on, evidence) "
        "VALUES ($1, $2, $3, $4, $5, $6)", str(e.id), d["measure_id"], d["department"], d["note"],
        _d(d["contributed_on"]), d.get("evidence", []))


MEASURE_HANDLERS: dict[str, Handler] = {
    MeasureEvents.DEFINED: _measure_defined,
    MeasureEvents.REVISED: statement(
        "UPDATE br_measures SET area = $2, title = $3, partners = $4, placeholder = $5, target_on = $6 "
        "WHERE measure_id = $1", "measure_id", "area", "title", "partners", "placeholder", _day("target_on")),
    MeasureEvents.LEAD_CHANGED: statement("UPDATE br_measures SET lead = $2 WHERE measure_id = $1",
                                          "measure_id", "lead"),
    MeasureEvents.MILESTONE_REVISED: statement(
        "UPDATE br_milestones SET title = $2, due_on = $3 WHERE milestone_id = $1",
        "milestone_id", "title", _day("due_on")),
    MeasureEvents.MILESTONE_DROPPED: statement("DELETE FROM br_milestones WHERE milestone_id = $1", "milestone_id"),
    MeasureEvents.PROGRESS_REPORTED: statement(
        "UPDATE br_measures SET percent = $2, last_note = $3, reported_on = $4, reported_by = $5, evidence = $6 "
        "WHERE measure_id = $1", "measure_id", "percent", "note", _day("reported_on"),
        lambda d: d.get("department"), lambda d: d.get("evidence", [])),
    MeasureEvents.CONTRIBUTION_ADDED: _contribution_added,
}
