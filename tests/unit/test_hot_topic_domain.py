"""Hot topics (集中诉求), governance items (主动治理) and an appeal's category, Given / When / Then; Beijing weeks."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from chassis.clock import BEIJING, beijing_week, week_start, weeks_before
from chassis.errors import RuleViolated, ValidationFailed
from chassis.settings import Settings, ranking_weights
from services.stations.domain import appeal, governance, hot_topic
from services.stations.domain.appeal import DEFAULT_DEADLINES
from services.stations.domain.hot_topic import DetectHotTopic, HotTopicRule

RULE = HotTopicRule(factor=2.0, min_count=5, lookback_weeks=4)
NOW = datetime(2026, 11, 12, 9, 0, tzinfo=BEIJING)


def bj(*args) -> datetime:
    return datetime(*args, tzinfo=BEIJING)


# ---- Beijing weeks -------------------------------------------------------------------------------

def test_weeks_are_iso_weeks_on_the_beijing_wall_clock():
    # Sunday 23:30 UTC is already Monday 07:30 in Beijing: the next week.
    assert beijing_week(datetime(2026, 11, 8, 23, 30, tzinfo=UTC)) == "2026-W46"
    assert beijing_week(bj(2026, 11, 8, 23, 59)) == "2026-W45"
    assert beijing_week(bj(2027, 1, 1, 12, 0)) == "2026-W53"  # 2026 has 53 ISO weeks
    assert weeks_before("2027-W01", 3) == ["2026-W53", "2026-W52", "2026-W51"]
    assert week_start("2026-W46") == date(2026, 11, 9)


# ---- the rule --------------------------------------------------------------------------------------

@pytest.mark.parametrize("count, previous, hot", [
    (5, [], True),              # no history: the minimum alone
    (4, [], False),             # under the minimum, whatever the history
    (8, [4, 4, 4, 4], True),    # exactly factor × mean
    (7, [4, 4, 4, 4], False),   # under factor × mean
    (10, [20], True),           # weeks not given count 0: mean 5 over four weeks
    (10, [10, 10, 10, 10, 99], False),  # only the look-back weeks count
])
def test_hot_is_relative_to_the_categorys_own_recent_weeks(count, previous, hot):
    assert hot_topic.is_hot(count, previous, RULE) is hot


def detect(count: int, previous: list[int], week: str = "2026-W46") -> DetectHotTopic:
    return DetectHotTopic(category="WAGE_ARREARS", district="110105", week=week, count=count, previous=previous,
                          rule=RULE, at=NOW)


def test_a_hot_topic_is_recorded_once_per_category_district_and_week():
    [event] = hot_topic.hot_topic.run([], detect(9, [2, 3, 1, 2]))
    assert (event.category, event.district, event.week, event.count, event.baseline) == (
        "WAGE_ARREARS", "110105", "2026-W46", 9, 2.0)
    assert event.hot_topic_id == hot_topic.hot_topic_id("WAGE_ARREARS", "110105", "2026-W46")
    # The job runs again, the count grew: nothing more this week.
    assert hot_topic.hot_topic.run([event], detect(15, [2, 3, 1, 2])) == []
    # Another week, another category or district is another topic (another stream).
    assert hot_topic.hot_topic_id("WAGE_ARREARS", "110105", "2026-W47") != event.hot_topic_id
    assert hot_topic.hot_topic_id("HOUSING", "110105", "2026-W46") != event.hot_topic_id
    assert hot_topic.hot_topic_id("WAGE_ARREARS", "110108", "2026-W46") != event.hot_topic_id


def test_not_hot_says_nothing_and_may_become_hot_later_in_the_week():
    assert hot_topic.hot_topic.run([], detect(6, [4, 4, 4, 4])) == []
    assert len(hot_topic.hot_topic.run([], detect(8, [4, 4, 4, 4]))) == 1


def test_the_rule_comes_from_settings_with_documented_defaults():
    s = Settings()
    assert (s.hot_topic_factor, s.hot_topic_min_count, s.hot_topic_lookback_weeks) == (2.0, 5, 4)
    assert s.ranking_weights() == {"response": 0.10, "resolution": 0.45, "satisfaction": 0.45}
    assert ranking_weights("satisfaction=1,response=1,resolution=2")["resolution"] == 2.0
    for bad in ("response=0.5,resolution=0.5", "response=1,resolution=1,satisfaction=-1",
                "response=0,resolution=0,satisfaction=0", "speed=1,resolution=1,satisfaction=1"):
        with pytest.raises(ValueError):
            ranking_weights(bad)


# ---- an appeal's category --------------------------------------------------------------------------

def imported(**overrides) -> list:
    command = appeal.ImportAppeal(
        appeal_id="a1", service_request_id="12345-1", service_code="PAY", service_name="欠薪",
        requested_datetime=bj(2026, 11, 8, 23, 0), tier="GENERAL", district="110105", lat=None, lon=None,
        deadlines={str(k): v for k, v in DEFAULT_DEADLINES.items()}, **overrides)
    return appeal.appeal.run([], command)


def test_a_category_given_on_import_counts_in_the_week_of_receipt():
    events = imported(category="WAGE_ARREARS")
    assert [type(e).__name__ for e in events] == ["AppealImported", "AppealCategorised"]
    assert (events[1].category, events[1].previous, events[1].week) == ("WAGE_ARREARS", None, "2026-W45")
    assert len(imported()) == 1  # no category: none yet
    with pytest.raises(ValidationFailed) as refused:
        imported(category="NOT_A_CATEGORY")
    assert refused.value.errors[0].field == "category"


def test_staff_recategorise_and_the_count_moves_from_the_previous_category():
    given = imported(category="WAGE_ARREARS")
    [moved] = appeal.appeal.run(given, appeal.CategoriseAppeal("LABOUR_DISPUTE", bj(2026, 11, 12, 10, 0)))
    assert (moved.previous, moved.category, moved.week, moved.district) == (
        "WAGE_ARREARS", "LABOUR_DISPUTE", "2026-W45", "110105")
    assert appeal.appeal.run([*given, moved], appeal.CategoriseAppeal("LABOUR_DISPUTE", bj(2026, 11, 12, 11))) == []
    with pytest.raises(ValidationFailed):
        appeal.appeal.run(given, appeal.CategoriseAppeal("LABOUR_DISPUTE", bj(2026, 11, 1, 10, 0)))  # before receipt
    with pytest.raises(RuleViolated):
        appeal.appeal.run([], appeal.CategoriseAppeal("LABOUR_DISPUTE", NOW))


# ---- governance items -------------------------------------------------------------------------------

def opened(due_on: date = date(2026, 11, 30), **overrides) -> list:
    fields = {"item_id": "g1", "hot_topic_id": "h1", "category": "WAGE_ARREARS", "district": "110105",
              "week": "2026-W46", "title": "外卖平台欠薪集中治理", "assignee_kind": "DEPARTMENT",
              "assignee": "市人力社保局", "due_on": due_on, "at": NOW} | overrides
    return governance.item.run([], governance.OpenItem(**fields))


def test_an_item_is_opened_assigned_acted_on_and_done_in_time():
    given = opened()
    assert given[0].due_at == bj(2026, 12, 1, 0, 0)  # the end of the due day, Beijing
    [first] = governance.item.run(given, governance.AddAction("约谈平台企业", NOW + timedelta(days=1)))
    [second] = governance.item.run([*given, first], governance.AddAction("开展专项检查", NOW + timedelta(days=2)))
    assert (first.number, second.number) == (1, 2)
    [done] = governance.item.run([*given, first, second], governance.CompleteItem(bj(2026, 11, 30, 23, 59)))
    assert done.in_time
    with pytest.raises(RuleViolated) as again:
        governance.item.run([*given, first, second, done], governance.AddAction("再补一项", NOW + timedelta(days=20)))
    assert again.value.details["rule"] == "already_done"
    assert governance.item.run([*given, first, second, done], governance.MarkOverdue(bj(2026, 12, 5))) == []


def test_done_needs_an_action_and_opening_twice_is_refused():
    given = opened()
    with pytest.raises(RuleViolated) as empty:
        governance.item.run(given, governance.CompleteItem(NOW + timedelta(days=1)))
    assert empty.value.details["rule"] == "no_action"
    with pytest.raises(RuleViolated) as twice:
        governance.item.run(given, governance.OpenItem(
            "g1", "h1", "WAGE_ARREARS", "110105", "2026-W46", "x", "DISTRICT", "110105", date(2026, 12, 1), NOW))
    assert twice.value.details["rule"] == "already_opened"


@pytest.mark.parametrize("overrides, field", [
    ({"title": "  "}, "title"),
    ({"assignee_kind": "PERSON"}, "assigneeKind"),
    ({"assignee_kind": "DISTRICT", "assignee": "999999"}, "assignee"),
    ({"assignee": ""}, "assignee"),
    ({"due_on": date(2026, 11, 11)}, "dueOn"),
])
def test_bad_input_names_the_field(overrides, field):
    with pytest.raises(ValidationFailed) as refused:
        opened(**overrides)
    assert field in [e.field for e in refused.value.errors]


def test_overdue_is_marked_once_after_the_due_day_and_done_late_is_not_in_time():
    given = opened(due_on=date(2026, 11, 20))
    assert governance.item.run(given, governance.MarkOverdue(bj(2026, 11, 20, 23, 59))) == []
    [late] = governance.item.run(given, governance.MarkOverdue(bj(2026, 11, 21, 0, 1)))
    assert late.due_at == bj(2026, 11, 21)
    assert governance.item.run([*given, late], governance.MarkOverdue(bj(2026, 11, 22))) == []
    action = governance.item.run([*given, late], governance.AddAction("约谈", bj(2026, 11, 22)))
    [done] = governance.item.run([*given, late, *action], governance.CompleteItem(bj(2026, 11, 23)))
    assert not done.in_time


def test_the_ranking_weights_setting_changes_the_units_score():
    from gateway.tables.stations import Rates

    rates = Rates(response=1.0, resolution=0.5, satisfaction=0.0)
    assert rates.score(Settings().ranking_weights()) == 32.5  # 10 % × 1 + 45 % × 0.5 + 45 % × 0
    assert rates.score(ranking_weights("response=1,resolution=0,satisfaction=0")) == 100.0
    assert Rates(response=None, resolution=0.5, satisfaction=None).score(Settings().ranking_weights()) == 50.0
