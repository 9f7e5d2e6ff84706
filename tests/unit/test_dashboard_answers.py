"""Whole dashboard answers (gateway/schema/dashboard_answers.py): served while the read models stand still; once
they move, computed for a caller who asks now and then, and for an answer in demand served up to a second
longer while one refresh runs in the background."""
from __future__ import annotations

from gateway.schema.dashboard_answers import HOT_RATE, MAX_STALE, REFRESH_AFTER, Answers

KEY = ("result", "{ dashboard { youth { total } } }", None, b"{}", ("department_viewer",), None, "2026-12-03")


def asked(answers: Answers, generation, times: list[float]) -> list[tuple]:
    return [answers.lookup(KEY, generation, t) for t in times]


def test_an_answer_is_served_while_the_read_models_stand_still():
    answers = Answers()
    assert answers.lookup(KEY, "g1", 0.0) == (None, False)  # nothing yet: compute
    answers.keep(KEY, "g1", "answer at g1", 0.0)
    assert asked(answers, "g1", [0.1, 5.0, 60.0]) == [("answer at g1", False)] * 3
    assert answers.lookup(KEY[:-1] + ("2026-12-04",), "g1", 60.0) == (None, False)  # another key


def test_once_they_move_a_caller_who_asks_now_and_then_gets_it_computed():
    answers = Answers()
    answers.keep(KEY, "g1", "answer at g1", 0.0)
    assert answers.lookup(KEY, "g2", 0.2) == (None, False)  # a page opened once sees the read models as they are


def test_an_answer_in_demand_is_served_while_one_refresh_runs_then_the_new_one():
    answers = Answers()
    answers.keep(KEY, "g1", "answer at g1", 0.0)
    asked(answers, "g1", [0.01 * i for i in range(HOT_RATE)])  # 20 requests within a second: in demand
    assert answers.lookup(KEY, "g2", REFRESH_AFTER - 0.1) == ("answer at g1", False)  # young: no refresh yet
    first, *others = asked(answers, "g2", [REFRESH_AFTER, REFRESH_AFTER + 0.01, REFRESH_AFTER + 0.02])
    assert first == ("answer at g1", True)  # this one starts the refresh, and is not kept waiting
    assert others == [("answer at g1", False)] * 2  # one refresh at a time
    answers.keep(KEY, "g2", "answer at g2", REFRESH_AFTER)
    answers.refreshed(KEY)
    assert answers.lookup(KEY, "g2", REFRESH_AFTER + 0.1) == ("answer at g2", False)
    assert answers.lookup(KEY, "g3", REFRESH_AFTER + 0.2) == ("answer at g2", False)  # served, not yet refreshed
    assert answers.lookup(KEY, "g3", 2 * REFRESH_AFTER) == ("answer at g2", True)  # still in demand: the next


def test_no_answer_is_served_more_than_a_second_behind():
    answers = Answers()
    answers.keep(KEY, "g1", "answer at g1", 0.0)
    asked(answers, "g1", [0.9 + 0.001 * i for i in range(HOT_RATE)])
    assert answers.lookup(KEY, "g2", MAX_STALE - 0.01) == ("answer at g1", True)  # past REFRESH_AFTER
    # the refresh has not come back (slow, failed): past the window callers compute their own
    assert answers.lookup(KEY, "g2", MAX_STALE + 0.01) == (None, False)


def test_demand_is_the_last_second_only():
    answers = Answers()
    answers.keep(KEY, "g1", "answer at g1", 0.0)
    asked(answers, "g1", [REFRESH_AFTER] * (HOT_RATE - 1))
    assert answers.lookup(KEY, "g2", REFRESH_AFTER) == ("answer at g1", True)  # the twentieth within the second
    answers.refreshed(KEY)
    slow = Answers()
    slow.keep(KEY, "g1", "answer at g1", 0.0)
    asked(slow, "g1", [0.1 * i for i in range(HOT_RATE - 1)])  # 19 over 1.8 s
    assert slow.lookup(KEY, "g2", 2.05) == (None, False)


def test_an_older_refresh_never_replaces_a_newer_answer():
    answers = Answers()
    answers.keep(KEY, "g2", "answer at g2", 0.5)
    answers.keep(KEY, "g1", "answer at g1", 0.2)  # a refresh that read the generation earlier ends later
    assert answers.lookup(KEY, "g2", 0.6) == ("answer at g2", False)


def test_the_answers_are_bounded_least_recently_used_first():
    answers = Answers(max_entries=2)
    for n in range(3):
        answers.keep(("k", n), "g", n, 0.0)
    assert answers.lookup(("k", 0), "g", 0.1) == (None, False)
    assert answers.lookup(("k", 2), "g", 0.1) == (2, False)
