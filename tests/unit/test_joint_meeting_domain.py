"""Joint meetings and their action items, Given / When / Then (no IO): a district meeting's decision
becomes items; their assignees (and only they) note progress and close them; open items past their
date go overdue once (issue 18)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from chassis.errors import Forbidden, RuleViolated
from services.branches.domain import action_item as ai
from services.branches.domain import joint_meeting as jm
from tests.unit.refusals import refused_fields as fields_of

TODAY = date(2026, 11, 29)
DUE = date(2026, 12, 31)
ITEM = jm.ItemSpec("i1", "为骑手开设社保咨询点", "DEPARTMENT", "RSJ", DUE)
TO_DISTRICT = jm.ItemSpec("i2", "朝阳区摸底外卖站点", "DISTRICT", "110105", DUE)
MEETING = jm.RecordJointMeeting("m1", "DISTRICT", "110105", TODAY, ("RSJ", "ZGH"), ("骑手社保",),
                                (jm.DecisionSpec("在驿站设社保咨询点", (ITEM, TO_DISTRICT)),), TODAY)
ASSIGNED = [ai.ActionItemAssigned("i1", "m1", "110105", "在驿站设社保咨询点", "为骑手开设社保咨询点", "DEPARTMENT",
                                  "RSJ", DUE)]
RSJ = ai.Actor(department="RSJ")


def test_a_district_joint_meeting_is_recorded_with_its_decisions_and_item_ids():
    assert jm.joint_meeting.run([], MEETING) == [jm.JointMeetingHeld(
        "m1", "DISTRICT", "110105", TODAY, ["RSJ", "ZGH"], ["骑手社保"], ["在驿站设社保咨询点"], ["i1", "i2"])]


def test_a_meeting_with_bad_input_names_every_field():
    bad = replace(MEETING, held_on=date(2026, 12, 1), attending=("NOPE",), topics=(),
                  decisions=(jm.DecisionSpec(" ", (replace(ITEM, assignee="NOPE", due_on=date(2026, 1, 1)),
                                                   replace(TO_DISTRICT, assignee="110108"))),))
    assert fields_of(jm.joint_meeting, [], bad) == {
        "heldOn", "attending", "topics", "decisions[0].text", "decisions[0].items[0].assignee",
        "decisions[0].items[0].dueOn", "decisions[0].items[1].assignee"}
    assert fields_of(jm.joint_meeting, [], replace(MEETING, level="CITY")) == {"district"}
    assert fields_of(jm.joint_meeting, [], replace(MEETING, level="STREET")) == {"level"}


def test_a_meeting_is_recorded_once():
    with pytest.raises(RuleViolated):
        jm.joint_meeting.run(jm.joint_meeting.run([], MEETING), MEETING)


def test_the_assignee_notes_progress_and_closes_the_item():
    [noted] = ai.action_item.run(ASSIGNED, ai.NoteProgress(RSJ, "已在 3 个驿站开设", TODAY))
    assert noted == ai.ProgressNoted("i1", "已在 3 个驿站开设", TODAY)
    [done] = ai.action_item.run([*ASSIGNED, noted], ai.CompleteItem(RSJ, "", TODAY))
    assert done == ai.ActionItemDone("i1", "", TODAY)
    with pytest.raises(RuleViolated, match="已办结"):
        ai.action_item.run([*ASSIGNED, done], ai.NoteProgress(RSJ, "再记一笔", TODAY))


@pytest.mark.parametrize("actor, rule", [
    (ai.Actor(department="SFJ"), "department"),
    (ai.Actor(district="110105"), "district"),  # a district committee does not act for a department
])
def test_anyone_but_the_assignee_is_refused(actor, rule):
    with pytest.raises(Forbidden) as exc:
        ai.action_item.run(ASSIGNED, ai.NoteProgress(actor, "x", TODAY))
    assert exc.value.details["rule"] == rule and "市人力社保局" in exc.value.message


def test_a_districts_item_is_updated_by_that_district_and_the_city_office():
    given = [replace(ASSIGNED[0], item_id="i2", assignee_kind="DISTRICT", assignee="110105")]
    assert ai.action_item.run(given, ai.CompleteItem(ai.Actor(district="110105"), "", TODAY))
    assert ai.action_item.run(given, ai.CompleteItem(ai.Actor(city_office=True), "", TODAY))
    with pytest.raises(Forbidden):
        ai.action_item.run(given, ai.CompleteItem(ai.Actor(district="110108"), "", TODAY))


def test_an_open_item_goes_overdue_the_day_after_its_date_once_and_a_done_one_never():
    assert ai.action_item.run(ASSIGNED, ai.MarkOverdue(DUE)) == []
    [overdue] = ai.action_item.run(ASSIGNED, ai.MarkOverdue(date(2027, 1, 1)))
    assert overdue == ai.ActionItemOverdue("i1", DUE, date(2027, 1, 1))
    assert ai.action_item.run([*ASSIGNED, overdue], ai.MarkOverdue(date(2027, 1, 2))) == []
    done = ai.ActionItemDone("i1", "", TODAY)
    assert ai.action_item.run([*ASSIGNED, done], ai.MarkOverdue(date(2027, 1, 1))) == []


def test_a_progress_note_must_say_something():
    assert fields_of(ai.action_item, ASSIGNED, ai.NoteProgress(RSJ, "  ", TODAY)) == {"note"}
