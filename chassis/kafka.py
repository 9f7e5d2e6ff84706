"""Kafka clients configured the one way every process uses them, and topic declarations."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from .kafka_login import KafkaLogin
from .kafka_ready import wait_for_topics
from .partitioner import key_partitioner

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TopicSpec:
    """Internal event topics keep every event forever: read models and partner topics are rebuilt
    by re-reading them (and the event stores can republish them: `xinqing republish`)."""

    name: str
    partitions: int = 6
    config: dict[str, str] = field(default_factory=lambda: {"retention.ms": "-1", "min.insync.replicas": "1"})


def producer(login: KafkaLogin, client_id: str) -> AIOKafkaProducer:
    # Idempotent producer: the broker drops the retries of one producer session, keeping per-partition
    # order. Duplicates across sessions (a relay that died before deleting its outbox rows) are dropped
    # by the consumers' per-stream version check.
    return AIOKafkaProducer(**login.options(), client_id=client_id, acks="all",
                            enable_idempotence=True, linger_ms=5, request_timeout_ms=10000,
                            max_batch_size=256 * 1024, partitioner=key_partitioner)


# What a slow consumer can hold in memory, whatever its lag: aiokafka fetches a partition again only
# after the records fetched for it were handed out, so at most one fetch per assigned partition is
# buffered (≤ MAX_PARTITION_FETCH_BYTES each, ≤ FETCH_MAX_BYTES per response), plus the one batch
# of ≤ max_poll_records being applied. The lag stays in Kafka (tests/faults: a slow consumer).
MAX_PARTITION_FETCH_BYTES = 1024 * 1024
FETCH_MAX_BYTES = 8 * 1024 * 1024
# A fetch is answered as soon as one record waits (or after FETCH_MAX_WAIT_MS). A minimum of 64 KB was
# measured in session 12 (bench/consumer_fetches.py, docs/BENCHMARKS.md): a consumer that does nothing
# but read fetched 24 times less often, yet the services' CPU per write of benchmark 8's mix did not move —
# a consumer busy applying a batch already finds many records at its next fetch — while every hop's
# delay grew by up to the wait. So no minimum.
FETCH_MIN_BYTES = 1
FETCH_MAX_WAIT_MS = 100


def consumer(login: KafkaLogin, group_id: str | None, *topics: str, client_id: str,
             fetch_min_bytes: int = FETCH_MIN_BYTES, fetch_max_wait_ms: int = FETCH_MAX_WAIT_MS) -> AIOKafkaConsumer:
    """The fetch settings are parameters for bench/consumer_fetches.py, which compares them."""
    return AIOKafkaConsumer(*topics, **login.options(), group_id=group_id, client_id=client_id,
                            enable_auto_commit=False, auto_offset_reset="earliest",
                            isolation_level="read_committed", max_poll_records=1000,
                            fetch_min_bytes=fetch_min_bytes, fetch_max_wait_ms=fetch_max_wait_ms,
                            max_partition_fetch_bytes=MAX_PARTITION_FETCH_BYTES,
                            fetch_max_bytes=FETCH_MAX_BYTES)


class TopicsRefused(RuntimeError):
    """The broker would not create topics (error 29: this principal may not; its ACLs come from contracts/)."""

    def __init__(self, refused: list[tuple[str, int]]):
        super().__init__("topics not created: " + ", ".join(f"{name} (Kafka error {code})" for name, code in refused))


async def ensure_topics(login: KafkaLogin, specs: list[TopicSpec]) -> None:
    """Create the missing topics; return once they take writes (chassis/kafka_ready.py)."""
    admin = AIOKafkaAdminClient(**login.options(), request_timeout_ms=10000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [s for s in specs if s.name not in existing]
        if missing:
            try:
                response = await admin.create_topics([NewTopic(s.name, s.partitions, 1, topic_configs=s.config)
                                                      for s in missing])
            except TopicAlreadyExistsError:
                response = None  # another replica won the race
            # Per-topic refusals come back in the answer, not as an exception (error 36: it exists already).
            refused = [(e[0], e[1]) for e in getattr(response, "topic_errors", ()) if e[1] not in (0, 36)]
            if refused:
                raise TopicsRefused(refused)
            log.info("created topics", extra={"topics": [s.name for s in missing]})
    finally:
        await admin.close()
    await wait_for_topics(login, [s.name for s in specs])
