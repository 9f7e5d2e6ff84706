"""A young person's own cases: one they open names them, only their own case is theirs to see or rate, and
the state keeps the outcome and rating their list shows (cleared when the case is reopened)."""
from __future__ import annotations

import pytest

from chassis.errors import ValidationFailed
from services.stations.domain import case
from services.stations.domain.case import DEFAULT_DEADLINES
from tests.unit.test_case_domain import TRIAGE, at, given, open_case


def test_a_case_the_youth_opens_must_name_them():
    with pytest.raises(ValidationFailed) as refused:
        case.case.run([], open_case(source="YOUTH", youth_id=None, station_id=None))
    assert [(e.field, e.rule) for e in refused.value.errors] == [("youthId", "required")]
    state = case.case.fold(given(open_case(source="YOUTH", station_id=None)))
    assert (state.source, state.youth_id, state.status) == ("YOUTH", "y1", "OPEN")


def test_only_the_youth_named_on_the_case_owns_it():
    state = case.case.fold(given(open_case(source="YOUTH")))
    assert state.belongs_to("y1")
    assert not state.belongs_to("y2")
    assert not case.CaseState().belongs_to("y1")  # a case of nothing: the same answer as another's
    assert not case.case.fold(given(open_case(youth_id=None))).belongs_to("")  # a walk-in naming nobody


def test_the_state_keeps_outcome_and_rating_and_a_reopening_clears_them():
    done = given(open_case(source="YOUTH"), TRIAGE, case.ResolveCase("ADVICE_GIVEN", at(days=1)),
                 case.RateCase(4, at(days=2)))
    state = case.case.fold(done)
    assert (state.status, state.outcome, state.rating) == ("RATED", "ADVICE_GIVEN", 4)
    reopened = case.case.fold([*done, *case.case.run(done, case.ReopenCase("还没拿到钱", at(days=3),
                                                                           DEFAULT_DEADLINES))])
    assert (reopened.status, reopened.outcome, reopened.rating) == ("TRIAGED", None, None)
