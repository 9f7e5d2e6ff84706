"""chassis.stall: a consumer has stalled when events wait on a partition whose checkpoint has not moved.

Given/When/Then over the sampler's observations: the partitions where events wait, each with its database
checkpoint, at a monotonic time."""
from __future__ import annotations

from chassis.stall import StallWatch


def watched(seconds: float, *observations: tuple[dict, float]) -> list[bool]:
    watch = StallWatch(seconds)
    return [watch.observe(waiting, now) for waiting, now in observations]


def test_events_waiting_behind_a_moving_checkpoint_are_progress_not_a_stall():
    assert watched(10, ({0: 100}, 0), ({0: 400}, 30), ({0: 900}, 60), ({0: 1200}, 90)) == [False] * 4


def test_events_waiting_behind_the_same_checkpoint_for_the_limit_are_a_stall():
    assert watched(10, ({0: 100}, 0), ({0: 100}, 9), ({0: 100}, 10)) == [False, False, True]


def test_nothing_waiting_is_never_a_stall_however_long_nothing_arrives():
    assert watched(10, ({}, 0), ({}, 100), ({}, 1000)) == [False] * 3


def test_the_count_starts_when_events_begin_to_wait_not_at_the_last_move():
    # caught up until 100 (its checkpoint last moved long before); events wait from 100 on
    assert watched(10, ({}, 0), ({0: 5}, 100), ({0: 5}, 105), ({0: 5}, 110)) == [False, False, False, True]


def test_a_move_between_two_observations_starts_the_count_again():
    assert watched(10, ({0: 5}, 0), ({0: 5}, 9), ({0: 6}, 12), ({0: 6}, 21), ({0: 6}, 22)) == \
        [False, False, False, False, True]


def test_one_stalled_partition_is_seen_however_busy_the_others_are():
    assert watched(10, ({0: 5, 1: 100}, 0), ({0: 5, 1: 900}, 5), ({0: 5, 1: 2000}, 10)) == [False, False, True]


def test_a_partition_that_caught_up_and_fell_behind_again_counts_from_then():
    assert watched(10, ({0: 5}, 0), ({}, 8), ({0: 5}, 9), ({0: 5}, 18), ({0: 5}, 19)) == \
        [False, False, False, False, True]


def test_an_unknown_lag_forgets_what_was_seen_so_an_outage_is_not_taken_for_a_stall():
    watch = StallWatch(10)
    assert not watch.observe({0: 5}, 0)
    watch.forget()  # Kafka unreachable from 1 s to 60 s: nothing observed
    assert not watch.observe({0: 5}, 60)
    assert watch.behind_for(65) == 5
    assert watch.observe({0: 5}, 70)
