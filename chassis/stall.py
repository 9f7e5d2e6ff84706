"""When a consumer that should be working has stopped: events wait on a partition, and its checkpoint
has not moved for a while.

A projection's consumer can stop making progress without failing: after a broker outage, a CI run saw
the gateway's projections stay behind for minutes while the process lived on, until it was restarted.
Whatever the cause inside the client library, the symptom is plain from outside, and the sampler sees it
(chassis/telemetry.py): on a partition the runner answers for, the topic's end offset is past the
database checkpoint (events wait), and the checkpoint has stayed where it was. `StallWatch` decides from
those observations alone; the sampler then starts the runner's consumer afresh.

Progress is the database checkpoint, per partition, not what this process applied: with replicas in one
consumer group, a replica whose own partitions are quiet is not taken for stalled while another works
through a long backlog, and a stalled partition is seen however busy the others are.

The outbox relay is watched the same way: its work waits in the outbox, behind the oldest row it has not sent.

An observation is made only when the lag is known: while Kafka is unreachable nothing is observed, and
the first observation after it starts the count afresh, so a broker outage is never taken for a stall.
"""
from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field

# Work waiting behind a position that has not moved for this long: the loop has stalled and is started afresh.
# Far above a batch's time, a group rejoin's, a beat, and a producer's request timeout (30 s).
STALL_SECONDS = 60.0


@dataclass
class StallWatch:
    seconds: float  # events waiting behind an unmoved checkpoint for this long is a stall
    # per partition where events wait: its checkpoint when first seen there, and since when
    _waiting: dict[Hashable, tuple[int, float]] = field(default_factory=dict)

    def observe(self, waiting: Mapping[Hashable, int], now: float) -> bool:
        """One observation (monotonic `now`) of the partitions where events wait, each with its checkpoint:
        whether one of them has waited behind the same checkpoint for `seconds`."""
        self._waiting = {partition: seen if (seen := self._waiting.get(partition)) and seen[0] == at else (at, now)
                         for partition, at in waiting.items()}
        return self.behind_for(now) >= self.seconds

    def forget(self) -> None:
        """The lag is unknown (Kafka unreachable), or the consumer was started afresh: count afresh."""
        self._waiting = {}

    def behind_for(self, now: float) -> float:
        """How long the longest-waiting partition has waited behind an unmoved checkpoint."""
        return max((now - since for _, since in self._waiting.values()), default=0.0)
