"""Appeals (接诉即办): deadline arithmetic in Beijing time and the appeal's life, Given / When / Then."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chassis.clock import BEIJING
from chassis.errors import RuleViolated, ValidationFailed
from services.stations.config import StationsConfig
from services.stations.domain import appeal
from services.stations.domain.appeal import DEFAULT_DEADLINES, Window, deadline
from services.stations.domain.common import beijing_month


def bj(*args) -> datetime:
    return datetime(*args, tzinfo=BEIJING)


# ---- deadline arithmetic -------------------------------------------------------------------------

@pytest.mark.parametrize("start, window, due", [
    (bj(2026, 3, 10, 22, 30), Window(hours=2), bj(2026, 3, 11, 0, 30)),     # over midnight
    (bj(2026, 1, 31, 23, 0), Window(hours=2), bj(2026, 2, 1, 1, 0)),        # over a month end
    (bj(2026, 12, 31, 23, 59), Window(hours=24), bj(2027, 1, 1, 23, 59)),   # over a year end
    (bj(2026, 1, 28, 9, 15), Window(days=7), bj(2026, 2, 4, 9, 15)),        # into February
    (bj(2028, 2, 20, 8, 0), Window(days=15), bj(2028, 3, 6, 8, 0)),         # leap February: 29 days
    (bj(2026, 2, 20, 8, 0), Window(days=15), bj(2026, 3, 7, 8, 0)),         # common February: 28 days
    (bj(2026, 4, 30, 18, 0), Window(days=7), bj(2026, 5, 7, 18, 0)),        # a 30-day month
])
def test_deadlines_cross_day_and_month_boundaries_in_beijing_time(start, window, due):
    assert deadline(start, window) == due
    assert deadline(start, window).utcoffset() == timedelta(hours=8)


def test_a_utc_instant_late_in_the_evening_counts_from_the_beijing_wall_clock():
    # 2026-01-31 16:30 UTC is 2026-02-01 00:30 in Beijing: 7 days later is 8 February, 00:30.
    assert deadline(datetime(2026, 1, 31, 16, 30, tzinfo=UTC), Window(days=7)) == bj(2026, 2, 8, 0, 30)
    assert beijing_month(datetime(2026, 1, 31, 16, 30, tzinfo=UTC)) == "2026-02"
    assert beijing_month(datetime(2026, 1, 31, 15, 59, tzinfo=UTC)) == "2026-01"


def test_windows_parse_from_configuration_and_refuse_nonsense():
    assert Window.parse("2h") == Window(hours=2) and Window.parse(" 15D ") == Window(days=15)
    for bad in ("2", "h", "0h", "-3d", "2w"):
        with pytest.raises(ValueError):
            Window.parse(bad)


def test_configured_deadlines_override_only_the_tiers_named():
    config = StationsConfig(deadlines={"GENERAL": ("12h", "5d")})
    tiers = config.tier_deadlines()
    assert tiers["GENERAL"] == (Window(hours=12), Window(days=5))
    assert tiers["EMERGENCY"] == DEFAULT_DEADLINES["EMERGENCY"] == (Window(hours=2), Window(hours=2))
    with pytest.raises(ValueError):
        StationsConfig(deadlines={"WHENEVER": ("1h", "1d")})


# ---- the appeal's life ---------------------------------------------------------------------------

RECEIVED = bj(2026, 1, 31, 22, 0)
IMPORT = appeal.ImportAppeal(
    appeal_id="a1", service_request_id="12345-0001", service_code="RIDER_PAY", service_name="骑手工资拖欠",
    requested_datetime=RECEIVED, tier="GENERAL", district="110105", lat=39.99, lon=116.47,
    deadlines=dict(DEFAULT_DEADLINES))


def imported() -> list:
    return appeal.appeal.run([], IMPORT)


def rule_of(exc) -> str:
    return exc.value.details["rule"]


def test_importing_sets_contact_and_resolve_deadlines_by_tier():
    [event] = imported()
    assert event.contact_due == bj(2026, 2, 1, 22, 0)   # 24 h
    assert event.resolve_due == bj(2026, 2, 7, 22, 0)   # 7 calendar days
    assert event.tier == "GENERAL" and event.district == "110105"
    [urgent] = appeal.appeal.run([], replace(IMPORT, tier="EMERGENCY"))
    assert urgent.contact_due == urgent.resolve_due == bj(2026, 2, 1, 0, 0)


def test_import_refuses_bad_fields_by_their_open311_names():
    bad = replace(IMPORT, tier="SOON", district="999999", lat=31.2, lon=121.5, service_request_id=" ",
                  requested_datetime=datetime(2026, 1, 31, 22, 0))
    with pytest.raises(ValidationFailed) as refused:
        appeal.appeal.run([], bad)
    assert {e.field for e in refused.value.errors} == {"tier", "district", "lat", "long", "service_request_id",
                                                       "requested_datetime"}


def test_importing_the_same_work_order_twice_is_refused():
    with pytest.raises(RuleViolated) as refused:
        appeal.appeal.run(imported(), IMPORT)
    assert rule_of(refused) == "already_imported"
    assert appeal.appeal_id_for("12345-0001") == appeal.appeal_id_for(" 12345-0001 ")


def test_the_full_life_records_timeliness_and_the_ranking_month_in_beijing_time():
    given = imported()
    dispatched_at = datetime(2026, 1, 31, 16, 5, tzinfo=UTC)  # 00:05 on 1 February in Beijing
    given += appeal.appeal.run(given, appeal.DispatchAppeal("朝阳区人力社保局", dispatched_at))
    assert given[-1].month == "2026-02"
    given += appeal.appeal.run(given, appeal.ContactCitizen(bj(2026, 2, 1, 21, 59)))
    assert given[-1].in_time is True
    given += appeal.appeal.run(given, appeal.ResolveAppeal(bj(2026, 2, 7, 22, 1)))
    assert given[-1].in_time is False  # one minute late
    given += appeal.appeal.run(given, appeal.RateAppeal("SATISFIED", bj(2026, 2, 8, 9, 0)))
    assert appeal.appeal.fold(given).status == "RATED"


@pytest.mark.parametrize("steps, command, rule", [
    ([], appeal.ContactCitizen(bj(2026, 2, 1, 9, 0)), "not_dispatched"),
    ([], appeal.ResolveAppeal(bj(2026, 2, 1, 9, 0)), "not_contacted"),
    ([], appeal.RateAppeal("SATISFIED", bj(2026, 2, 1, 9, 0)), "not_resolved"),
    (["dispatch"], appeal.DispatchAppeal("另一单位", bj(2026, 2, 1, 9, 0)), "already_dispatched"),
    (["dispatch", "contact"], appeal.ContactCitizen(bj(2026, 2, 1, 10, 0)), "already_contacted"),
    (["dispatch", "contact", "resolve"], appeal.ResolveAppeal(bj(2026, 2, 2, 9, 0)), "already_resolved"),
    (["dispatch", "contact", "resolve", "rate"], appeal.RateAppeal("UNSATISFIED", bj(2026, 2, 3, 9, 0)),
     "already_rated"),
])
def test_illegal_steps_are_refused(steps, command, rule):
    given = imported()
    plan = {"dispatch": appeal.DispatchAppeal("单位", bj(2026, 1, 31, 23, 0)),
            "contact": appeal.ContactCitizen(bj(2026, 2, 1, 8, 0)),
            "resolve": appeal.ResolveAppeal(bj(2026, 2, 1, 18, 0)),
            "rate": appeal.RateAppeal("SATISFIED", bj(2026, 2, 2, 8, 0))}
    for step in steps:
        given += appeal.appeal.run(given, plan[step])
    with pytest.raises(RuleViolated) as refused:
        appeal.appeal.run(given, command)
    assert rule_of(refused) == rule


def test_steps_before_receipt_or_with_unknown_ratings_are_refused_by_field():
    given = imported()
    with pytest.raises(ValidationFailed) as early:
        appeal.appeal.run(given, appeal.DispatchAppeal("单位", RECEIVED - timedelta(minutes=1)))
    assert [e.field for e in early.value.errors] == ["at"]
    with pytest.raises(RuleViolated) as missing:
        appeal.appeal.run([], appeal.ContactCitizen(RECEIVED))
    assert rule_of(missing) == "not_found"


def test_mark_overdue_marks_each_deadline_once_and_only_when_it_has_passed():
    given = imported()  # contact due 1 Feb 22:00, resolve due 7 Feb 22:00 (Beijing)
    assert appeal.appeal.run(given, appeal.MarkOverdue(bj(2026, 2, 1, 22, 0))) == []  # due, not yet past
    [contact] = appeal.appeal.run(given, appeal.MarkOverdue(bj(2026, 2, 1, 22, 1)))
    assert contact == appeal.ContactOverdue("a1", bj(2026, 2, 1, 22, 0), bj(2026, 2, 1, 22, 1))
    given += [contact]
    assert appeal.appeal.run(given, appeal.MarkOverdue(bj(2026, 2, 3, 0, 0))) == []  # already marked
    [resolution] = appeal.appeal.run(given, appeal.MarkOverdue(bj(2026, 2, 8, 0, 0)))
    assert isinstance(resolution, appeal.ResolutionOverdue)
    given += [resolution]
    assert appeal.appeal.run(given, appeal.MarkOverdue(bj(2026, 3, 1, 0, 0))) == []


def test_a_contacted_appeal_is_never_marked_contact_overdue_and_a_late_contact_is_not_in_time():
    given = imported()
    given += appeal.appeal.run(given, appeal.DispatchAppeal("单位", bj(2026, 1, 31, 23, 0)))
    late = appeal.appeal.run(given, appeal.ContactCitizen(bj(2026, 2, 2, 9, 0)))
    assert late[0].in_time is False
    assert appeal.appeal.run([*given, *late], appeal.MarkOverdue(bj(2026, 2, 3, 0, 0))) == []
