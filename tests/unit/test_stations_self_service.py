"""A young person's own steps at the stations — booking and giving back a place, rating a station's
service — Given / When / Then (no IO)."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from chassis.errors import RuleViolated, ValidationFailed
from services.stations.domain import activity, rating

STARTS = datetime(2026, 12, 5, 19, 0, tzinfo=UTC)
BEFORE = STARTS - timedelta(days=1)
SCHEDULE = activity.ScheduleActivity("e1", "SALON", "骑手沙龙", "110105", STARTS, capacity=2)
TODAY = date(2026, 12, 2)
RATE = rating.RateService(station_id="s1", station_exists=True, youth_id="y1", on=TODAY, score=5,
                          comment="很方便", today=TODAY)


def rule_of(exc: pytest.ExceptionInfo) -> str:
    return exc.value.details["rule"]


def scheduled_with(*youth: str) -> list:
    given = activity.activity.run([], SCHEDULE)
    for y in youth:
        given += activity.activity.run(given, activity.RegisterForActivity(y, BEFORE))
    return given


# ---- booking and giving back a place -------------------------------------------------------------

def test_a_full_event_refuses_the_next_booking_and_a_cancellation_frees_a_place():
    given = scheduled_with("y1", "y2")
    with pytest.raises(RuleViolated) as full:
        activity.activity.run(given, activity.RegisterForActivity("y3", BEFORE))
    assert rule_of(full) == "capacity_reached"
    [cancelled] = activity.activity.run(given, activity.CancelRegistration("y1", BEFORE))
    assert cancelled == activity.ActivityRegistrationCancelled(event_id="e1", youth_id="y1")
    after = [*given, cancelled]
    assert activity.activity.fold(after).registered == {"y2"}
    [booked] = activity.activity.run(after, activity.RegisterForActivity("y3", BEFORE))
    assert booked.youth_id == "y3"


def test_a_place_is_neither_booked_nor_given_back_once_the_event_has_started():
    given = scheduled_with("y1")
    for command in (activity.RegisterForActivity("y2", STARTS), activity.CancelRegistration("y1", STARTS)):
        with pytest.raises(RuleViolated) as started:
            activity.activity.run(given, command)
        assert rule_of(started) == "event_started"
    # staff registering someone at the door (no time on the command) still may
    assert activity.activity.run(given, activity.RegisterForActivity("y2"))


def test_only_a_booked_and_not_yet_attended_place_can_be_given_back():
    given = scheduled_with("y1")
    with pytest.raises(RuleViolated) as not_booked:
        activity.activity.run(given, activity.CancelRegistration("y2", BEFORE))
    assert rule_of(not_booked) == "not_registered"
    given += activity.activity.run(given, activity.RecordActivityAttendance("y1"))
    with pytest.raises(RuleViolated) as attended:
        activity.activity.run(given, activity.CancelRegistration("y1", BEFORE))
    assert rule_of(attended) == "already_attended"


def test_booking_twice_is_refused():
    with pytest.raises(RuleViolated) as twice:
        activity.activity.run(scheduled_with("y1"), activity.RegisterForActivity("y1", BEFORE))
    assert rule_of(twice) == "already_registered"


# ---- rating a station's service -------------------------------------------------------------------

def test_a_rating_is_recorded_with_its_score_and_not_its_words():
    [rated] = rating.rating.run([], RATE)
    assert rated == rating.ServiceRated(station_id="s1", youth_id="y1", rated_on=TODAY, score=5)


def test_one_rating_per_station_and_day():
    given = rating.rating.run([], RATE)
    with pytest.raises(RuleViolated) as again:
        rating.rating.run(given, RATE)
    assert rule_of(again) == "already_rated"
    assert rating.stream_id("s1", "y1", TODAY) != rating.stream_id("s1", "y1", TODAY - timedelta(days=1))


@pytest.mark.parametrize("score", [0, 6, -1])
def test_a_score_outside_one_to_five_is_refused(score):
    with pytest.raises(ValidationFailed) as refused:
        rating.rating.run([], replace(RATE, score=score))
    assert {e.field for e in refused.value.errors} == {"score"}


def test_a_day_in_the_future_or_long_ago_and_an_overlong_comment_are_refused():
    for changes, field in (({"on": TODAY + timedelta(days=1)}, "on"), ({"on": TODAY - timedelta(days=31)}, "on"),
                           ({"comment": "好" * 201}, "comment")):
        with pytest.raises(ValidationFailed) as refused:
            rating.rating.run([], replace(RATE, **changes))
        assert {e.field for e in refused.value.errors} == {field}


def test_an_unknown_station_cannot_be_rated():
    with pytest.raises(RuleViolated) as unknown:
        rating.rating.run([], replace(RATE, station_exists=False))
    assert rule_of(unknown) == "not_found"
