"""The beat of live writes (chassis/projection.py): when the next one comes, and two fetches made one."""
from __future__ import annotations

import pytest
from aiokafka import ConsumerRecord, TopicPartition

from chassis.fetched import joined, next_beat

A, B = TopicPartition("xq.t", 0), TopicPartition("xq.t", 1)


def record(tp: TopicPartition, offset: int) -> ConsumerRecord:
    return ConsumerRecord(tp.topic, tp.partition, offset, 0, 0, None, b"{}", None, 0, 2, [])


@pytest.mark.parametrize(("now", "wait"), [(100.03, 0.07), (100.099, 0.001), (100.15, 0.05)])
def test_the_next_beat_is_the_next_multiple_of_the_beat_on_the_wall_clock(now, wait):
    assert next_beat(now, 0.1) == pytest.approx(wait)


def test_two_fetches_become_one_with_each_partition_once_in_order():
    first = [(A, [record(A, 5)], ["a5"]), (B, [record(B, 9)], ["b9"])]
    then = [(A, [record(A, 6), record(A, 7)], ["a6", "a7"])]
    assert [(tp, [r.offset for r in records], items) for tp, records, items in joined(first, then)] == [
        (A, [5, 6, 7], ["a5", "a6", "a7"]), (B, [9], ["b9"])]
