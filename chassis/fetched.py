"""One fetch of a projection runner (chassis/projection.py): per partition, its records and what was read
from each — its event, or a dead letter; two fetches joined into one; the checkpoints it moves; the beat
that live writes wait for."""
from __future__ import annotations

from datetime import datetime
from typing import TypeAlias

from aiokafka import ConsumerRecord, TopicPartition

from .deadletter import Letter
from .envelope import Envelope

Fetched: TypeAlias = list[tuple[TopicPartition, list[ConsumerRecord], list[Envelope | Letter]]]


def next_beat(now: float, beat: float) -> float:
    """Seconds from `now` (wall clock) to the next multiple of `beat`. Every runner of every process commits
    its live writes on the same beats, so the read models move a few times a second as a whole, however
    many writes flow: the dashboard's figures and answers, kept per state of the read models
    (gateway/schema/dashboard_cache.py), are computed about once a beat instead of once a commit."""
    return beat - now % beat


def joined(first: Fetched, then: Fetched) -> Fetched:
    """Two fetches as one: each partition's records in order, once (a partition's checkpoint is one row)."""
    parts: dict[TopicPartition, tuple[list[ConsumerRecord], list[Envelope | Letter]]] = {}
    for tp, records, items in (*first, *then):
        kept = parts.setdefault(tp, ([], []))
        kept[0].extend(records)
        kept[1].extend(items)
    return [(tp, records, items) for tp, (records, items) in parts.items()]


def size(fetched: Fetched) -> int:
    return sum(len(records) for _, records, _ in fetched)


def positions(fetched: Fetched) -> list[tuple[str, int, int, datetime | None]]:
    """Each partition's checkpoint after this fetch, with the time of its newest readable event."""
    return [(tp.topic, tp.partition, records[-1].offset + 1,
             next((e.time for e in reversed(items) if isinstance(e, Envelope)), None))
            for tp, records, items in fetched]
