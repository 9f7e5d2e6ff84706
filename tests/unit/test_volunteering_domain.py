"""Volunteer shifts and hours (issue 19) — Given / When / Then (no IO)."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from chassis.errors import RuleViolated, ValidationFailed
from services.stations.domain import volunteering as v
from tests.unit.refusals import fields_of, rule_of

START = datetime(2026, 12, 5, 1, 0, tzinfo=UTC)  # 09:00 Beijing
PUBLISH = v.PublishShift(shift_id="sh1", district="110105", starts_at=START, ends_at=START + timedelta(hours=4),
                         places=2, station_id="s1")
PUBLISHED = v.ShiftPublished(shift_id="sh1", district="110105", day=date(2026, 12, 5), starts_at=START,
                             ends_at=START + timedelta(hours=4), places=2, station_id="s1", event_id=None)
SIGNED = v.ShiftSignedUp(shift_id="sh1", youth_id="y1")
RECORDED = v.HoursRecorded(shift_id="sh1", youth_id="y1", district="110105", day=date(2026, 12, 5), minutes=180)


def test_publishing_a_shift_records_its_beijing_day():
    assert v.shift.run([], PUBLISH) == [PUBLISHED]


def test_a_shift_without_a_place_ending_before_it_starts_or_without_places_is_refused_naming_each_field():
    bad = replace(PUBLISH, station_id=None, ends_at=START - timedelta(minutes=1), places=0, district="999999")
    with pytest.raises(ValidationFailed) as exc:
        v.shift.run([], bad)
    assert fields_of(exc) == {"stationId", "endsAt", "places", "district"}


def test_a_shift_longer_than_twelve_hours_is_refused():
    with pytest.raises(ValidationFailed) as exc:
        v.shift.run([], replace(PUBLISH, ends_at=START + timedelta(hours=13)))
    assert fields_of(exc) == {"endsAt"}


def test_a_youth_signs_up_until_the_places_are_taken():
    assert v.shift.run([PUBLISHED], v.SignUpForShift("y1", START - timedelta(days=1))) == [SIGNED]
    full = [PUBLISHED, SIGNED, v.ShiftSignedUp(shift_id="sh1", youth_id="y2")]
    with pytest.raises(RuleViolated) as exc:
        v.shift.run(full, v.SignUpForShift("y3"))
    assert rule_of(exc) == "places_reached"


def test_signing_up_twice_or_oneself_after_the_start_is_refused():
    with pytest.raises(RuleViolated) as exc:
        v.shift.run([PUBLISHED, SIGNED], v.SignUpForShift("y1"))
    assert rule_of(exc) == "already_signed_up"
    with pytest.raises(RuleViolated) as exc:
        v.shift.run([PUBLISHED], v.SignUpForShift("y1", START))
    assert rule_of(exc) == "shift_started"


def test_hours_are_recorded_once_and_a_repeat_changes_nothing():
    assert v.shift.run([PUBLISHED, SIGNED], v.RecordHours("y1", 180)) == [RECORDED]
    assert v.shift.run([PUBLISHED, SIGNED, RECORDED], v.RecordHours("y1", 180)) == []


def test_a_different_figure_recorded_again_is_refused_a_correction_is_explicit():
    with pytest.raises(RuleViolated) as exc:
        v.shift.run([PUBLISHED, SIGNED, RECORDED], v.RecordHours("y1", 200))
    assert rule_of(exc) == "already_recorded"
    [corrected] = v.shift.run([PUBLISHED, SIGNED, RECORDED], v.CorrectHours("y1", 120, "提前离开"))
    assert corrected == v.HoursCorrected(shift_id="sh1", youth_id="y1", district="110105", day=date(2026, 12, 5),
                                         minutes=120, previous=180, reason="提前离开")
    assert v.shift.fold([PUBLISHED, SIGNED, RECORDED, corrected]).recorded("y1") == 120


def test_hours_never_exceed_the_shift_and_need_a_sign_up():
    with pytest.raises(ValidationFailed) as exc:
        v.shift.run([PUBLISHED, SIGNED], v.RecordHours("y1", 241))
    assert fields_of(exc) == {"hours"}
    with pytest.raises(RuleViolated) as exc:
        v.shift.run([PUBLISHED], v.RecordHours("y2", 60))
    assert rule_of(exc) == "not_signed_up"


def test_a_correction_needs_recorded_hours_and_a_reason():
    with pytest.raises(RuleViolated) as exc:
        v.shift.run([PUBLISHED, SIGNED], v.CorrectHours("y1", 60, "错登"))
    assert rule_of(exc) == "not_recorded"
    with pytest.raises(ValidationFailed) as exc:
        v.shift.run([PUBLISHED, SIGNED, RECORDED], v.CorrectHours("y1", 60, " "))
    assert fields_of(exc) == {"reason"}


def test_steps_on_a_shift_that_does_not_exist_are_refused():
    with pytest.raises(RuleViolated) as exc:
        v.shift.run([], v.SignUpForShift("y1"))
    assert rule_of(exc) == "not_found"
