"""chassis.relay `OutboxRelay.mend`: the sampler's look at the relay, Given/When/Then.

A relay that leads and reaches Kafka but leaves the same oldest outbox row in place for the limit has stalled
and is started afresh; one that does not lead, waits out a Kafka outage, or is paused, is not expected to move.
The relay's loop is not run: `running` and `restart` stand for it."""
from __future__ import annotations

import asyncio

from chassis.kafka_login import KafkaLogin
from chassis.relay import OutboxRelay


class Relay(OutboxRelay):
    running = True  # its loop, as the sampler sees it (the property, replaced)

    def __init__(self, *, leading: bool = True, kafka_ok: bool = True) -> None:
        super().__init__("postgresql://unused", KafkaLogin("127.0.0.1:1"), "registry", [], stall_seconds=60)
        self._wanted = True  # started
        self._leader, self.kafka_ok = (object() if leading else None), kafka_ok
        self.restarts: list[str] = []

    def _restarting(self, reason: str, waited: float) -> None:
        self.restarts.append(reason)

    async def restart(self) -> None:
        pass


def looked_at(relay: Relay, *observations: tuple[int | None, float]) -> list[str]:
    async def look() -> None:
        for oldest, now in observations:
            await relay.mend(oldest, now)
    asyncio.run(look())
    return relay.restarts


def test_a_leader_that_leaves_the_same_oldest_row_for_the_limit_is_started_afresh():
    assert looked_at(Relay(), (7, 0), (7, 59)) == []
    assert looked_at(Relay(), (7, 0), (7, 30), (7, 60)) == ["stalled"]


def test_a_leader_whose_oldest_row_moves_is_publishing():
    assert looked_at(Relay(), (7, 0), (900, 50), (2000, 100), (2000, 140)) == []


def test_an_empty_outbox_is_never_a_stall():
    assert looked_at(Relay(), (None, 0), (None, 100), (None, 1000)) == []


def test_a_replica_that_does_not_lead_is_not_expected_to_publish():
    assert looked_at(Relay(leading=False), (7, 0), (7, 100), (7, 1000)) == []


def test_a_kafka_outage_is_not_a_stall_and_the_count_starts_again_after_it():
    relay = Relay()
    assert looked_at(relay, (7, 0)) == []
    relay.kafka_ok = False  # the relay retries by itself
    assert looked_at(relay, (7, 30), (7, 90)) == []
    relay.kafka_ok = True
    assert looked_at(relay, (7, 100), (7, 159)) == []
    assert looked_at(relay, (7, 160)) == ["stalled"]


def test_a_paused_relay_is_not_expected_to_publish():
    relay = Relay()
    relay.paused = True
    assert looked_at(relay, (7, 0), (7, 100)) == []


def test_a_relay_whose_loop_died_is_started_again_and_one_stopped_on_purpose_is_left_alone():
    died = Relay()
    died.running = False
    assert looked_at(died, (None, 0)) == ["died"]
    stopped = Relay()
    stopped.running, stopped._wanted = False, False
    assert looked_at(stopped, (None, 0), (7, 100)) == []
