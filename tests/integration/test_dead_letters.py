"""A message nobody can read goes to its consumer's dead letters and never stops the consumer (issue 15).

On the real broker, the real `xq.registry.youth` topic of this module's namespace carries registrations,
then one malformed message of each kind (no CloudEvents headers, a bad header, a type the registry does
not declare, a body that is not JSON, a body that is not an object, fields of the wrong type, an oversized
value), then more registrations, all on the partitions of the good streams. Every consumer of the topic
(the gateway's youth projections, branches, stations, partners) applies every good one exactly once,
records each bad one with its kind and reason, and goes on.
"""
from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaProducer

from chassis import deadletter
from chassis.envelope import Envelope
from chassis.kafka import TopicSpec, ensure_topics
from chassis.kafka_login import admin_login, service_login
from contracts.registry import YOUTH, YouthEvents
from gateway.app import create_app as create_gateway
from services.branches.app import create_app as create_branches
from services.partners.app import create_app as create_partners
from services.stations.app import create_app as create_stations
from tests.integration import chassis_fixtures as fx
from tests.support import eventually, running, service_db
from xinqing import dead_letters

GOOD_BEFORE, GOOD_AFTER = 6, 6
GOOD = GOOD_BEFORE + GOOD_AFTER
# Every projection of the youth topic, by the service whose database holds it.
CONSUMERS = {"gateway": ("gateway.youth", "gateway.youth_daily"), "branches": ("branches.youth",),
             "stations": ("stations.youth",), "partners": ("partners.publisher",)}
# Each consumer's read model of the youth, which holds one row per good registration.
ROWS = {"gateway": "SELECT count(*) FROM youth WHERE youth_id = ANY($1::text[])",
        "branches": "SELECT count(*) FROM youth_facts WHERE youth_id = ANY($1::text[])",
        "stations": "SELECT count(*) FROM known_youth WHERE youth_id = ANY($1::text[])",
        "partners": "SELECT count(*) FROM partner_people WHERE youth_id = ANY($1::text[])"}


def registered(youth_id: str, version: int = 1, **data) -> Envelope:
    payload = {"youth_id": youth_id, "district": "110105", "youth_type": "NEW_BUSINESS", "subtype": "DELIVERY_RIDER",
               "is_minor": False, "age_band": "23-28", "registered_on": "2026-11-02",
               "consents": ["REGISTRATION", "SERVICE_RECORDS"], "league_age": True, **data}
    return Envelope(id=uuid.uuid4(), type=YouthEvents.REGISTERED, source="/xinqing/registry",
                    subject=f"youth-{youth_id}", stream_version=version, time=datetime.now(UTC), data=payload)


def malformed(key: bytes) -> list[tuple[str, bytes, bytes, list[tuple[str, bytes]]]]:
    """(kind, key, value, headers) of each kind of message a consumer cannot read."""
    def headers(event: Envelope, **changed: str) -> list[tuple[str, bytes]]:
        return [(k, changed[k].encode() if k in changed else v) for k, v in event.kafka_headers()]

    plain = registered(str(uuid.uuid4()))
    wrong_type = registered(str(uuid.uuid4()))
    return [
        ("envelope", key, plain.kafka_value(), []),  # no CloudEvents headers at all
        ("envelope", key, plain.kafka_value(), headers(plain, ce_streamversion="one")),
        ("unknown_type", key, plain.kafka_value(), headers(plain, ce_type="xq.registry.youth.teleported.v1")),
        ("payload", key, b"{not json", headers(plain)),
        ("payload", key, b"[1, 2, 3]", headers(plain)),
        # The fields every consumer reads, each of a type none can store.
        ("payload", key, b'{"youth_id": 42, "district": 110105, "youth_type": 7, "subtype": 8, "is_minor": "no",'
                         b' "age_band": 1, "registered_on": "someday", "consents": 5, "league_age": "yes"}',
         headers(wrong_type)),
        ("oversized", key, b'{"youth_id": "' + b"x" * 600_000 + b'"}', headers(plain)),
    ]


def as_registry(settings):  # who may write the registry's topic, bad messages included
    return service_login(settings, "registry")


@pytest.fixture(scope="module")
async def consumers(settings):
    await ensure_topics(admin_login(settings), [TopicSpec(settings.topic(YOUTH.name), settings.kafka_partitions)])
    async with running(create_gateway(settings)) as gateway, running(create_branches(settings)) as branches, \
            running(create_stations(settings)) as stations, running(create_partners(settings)) as partners:
        yield {"gateway": gateway, "branches": branches, "stations": stations, "partners": partners}


@pytest.fixture(scope="module")
async def sent(settings, consumers):
    """Good registrations, the malformed messages, good registrations: -> (good youth ids, bad messages as
    (kind, partition, offset))."""
    producer = AIOKafkaProducer(**as_registry(settings).options(), max_request_size=2_000_000)
    await producer.start()
    topic = settings.topic(YOUTH.name)
    good: list[str] = []
    bad: list[tuple[str, int, int]] = []

    async def send_good(count: int) -> None:
        for _ in range(count):
            event = registered(str(uuid.uuid4()))
            good.append(event.data["youth_id"])
            await producer.send_and_wait(topic, event.kafka_value(), key=event.subject.encode(),
                                         headers=event.kafka_headers())
    try:
        await send_good(GOOD_BEFORE)
        for i, (kind, key, value, headers) in enumerate(malformed(f"youth-{good[0]}".encode())):
            # Half on the first good stream's partition, half on the second's: in the middle of both.
            key = f"youth-{good[i % 2]}".encode()
            meta = await producer.send_and_wait(topic, value, key=key, headers=headers)
            bad.append((kind, meta.partition, meta.offset))
        await send_good(GOOD_AFTER)
    finally:
        await producer.stop()
    return good, bad


@pytest.mark.parametrize("service", list(CONSUMERS))
async def test_every_good_message_is_applied_once_and_every_bad_one_is_a_dead_letter(service, settings, sent):
    good, bad = sent
    async with service_db(settings, service) as conn:
        async def all_applied() -> bool:
            return await conn.fetchval(ROWS[service], good) == GOOD
        await eventually(all_applied, timeout=60)
        for projection in CONSUMERS[service]:
            async def all_recorded(projection: str = projection) -> bool:
                return await conn.fetchval("SELECT count(*) FROM dead_letters WHERE projection = $1",
                                           projection) == len(bad)
            await eventually(all_recorded, timeout=30)
            rows = await conn.fetch("SELECT kind, reason, partition, \"offset\", value_size, length(value) AS kept "
                                    "FROM dead_letters WHERE projection = $1", projection)
            assert sorted((r["kind"], r["partition"], r["offset"]) for r in rows) == sorted(bad), projection
            assert all(r["reason"] for r in rows)
            assert all(r["kept"] <= deadletter.KEPT_VALUE_BYTES < r["value_size"]
                       for r in rows if r["kind"] == "oversized")
            # Exactly once: each good stream claimed at version 1, nothing else. Each projection has its own
            # consumer group and pace: wait for this one to pass the last good message, then compare.
            async def claimed(projection: str = projection) -> list[tuple[str, int]]:
                rows = await conn.fetch("SELECT stream_id, version FROM projection_streams WHERE projection = $1",
                                        projection)
                return sorted((r["stream_id"], r["version"]) for r in rows)

            async def all_claimed() -> bool:
                return len(await claimed()) >= len(good)
            await eventually(all_claimed, timeout=30)
            assert await claimed() == sorted((f"youth-{y}", 1) for y in good)
    if service == "gateway":
        async with service_db(settings, "gateway") as conn:
            assert await conn.fetchval("SELECT sum(count) FROM youth_counts") == GOOD
            assert await conn.fetchval("SELECT sum(count) FROM youth_daily") == GOOD


async def test_a_consumer_goes_on_after_its_dead_letters(settings, sent):
    """A registration written after the bad messages, on the same partitions, still reaches every consumer."""
    good, _ = sent
    later = registered(str(uuid.uuid4()))
    producer = AIOKafkaProducer(**as_registry(settings).options())
    await producer.start()
    try:
        await producer.send_and_wait(settings.topic(YOUTH.name), later.kafka_value(), key=f"youth-{good[0]}".encode(),
                                     headers=later.kafka_headers())
    finally:
        await producer.stop()
    for service in CONSUMERS:
        async with service_db(settings, service) as conn:
            async def applied(service: str = service) -> bool:
                return await conn.fetchval(ROWS[service], [later.data["youth_id"]]) == 1
            await eventually(applied, timeout=30)


async def test_the_cli_lists_dead_letters_and_replays_one_once_after_a_fix(settings, sent, consumers):
    letters = await dead_letters.listing(settings, ["stations"])
    assert {letter.kind for letter in letters} == {"envelope", "unknown_type", "payload", "oversized"}
    unreadable = next(letter for letter in letters if letter.kind == "payload")
    with pytest.raises(dead_letters.CannotReplay, match="仍无法读取"):
        await dead_letters.replay(settings, unreadable.ref)

    # A type the contract did not know: after the fix (the type declared) the message is read and applied.
    unknown = next(letter for letter in letters if letter.kind == "unknown_type")
    fixed = frozenset({*YOUTH.types, "xq.registry.youth.teleported.v1"})
    assert "已重放" in await dead_letters.replay(settings, unknown.ref, known_types=fixed)
    with pytest.raises(dead_letters.CannotReplay, match="已重放过"):
        await dead_letters.replay(settings, unknown.ref, known_types=fixed)
    async with service_db(settings, "stations") as conn:
        assert await conn.fetchval("SELECT replayed_at IS NOT NULL FROM dead_letters WHERE id = $1",
                                   int(unknown.ref.split("/")[1]))


class Flaky(fx.CounterProjection):
    """The counters, whose handler fails on the event of amount 13 with `failures`, one per attempt; set-based
    from SET_BASED_FROM events on, like the gateway's projections."""

    def __init__(self, settings, failures: list[Exception]):
        super().__init__(settings)
        self.failures = failures

    async def apply(self, conn, event: Envelope) -> None:
        if event.data.get("amount") == 13 and self.failures:
            raise self.failures.pop(0)
        await super().apply(conn, event)

    async def apply_batch(self, conn, events: list[Envelope]) -> None:
        for event in events:
            await self.apply(conn, event)


counters_pool = fx.counters_pool


async def test_a_failing_handler_is_retried_never_a_dead_letter_and_an_unreadable_event_is_one(settings, counters_pool):
    """The database gone (OSError) and a bug that fails twice: retried until the event is applied, once.
    An event without the field its handler reads: a dead letter, and the batch around it applied."""
    events = [Envelope(id=uuid.uuid4(), type=fx.Ticked.TYPE, source="/xinqing/test", subject=f"c-{i}", stream_version=1,
                       time=datetime.now(UTC), data={} if i == 7 else {"amount": i}) for i in range(1, 21)]
    producer = AIOKafkaProducer(**admin_login(settings).options())  # a test topic
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(settings.topic(fx.TOPIC), event.kafka_value(), key=b"one partition",
                                         headers=event.kafka_headers())
    finally:
        await producer.stop()
    projection = Flaky(settings, [OSError("database gone"), RuntimeError("a bug"), RuntimeError("a bug")])
    runner = fx.runner(settings, counters_pool, projection, "dead-letter-counters")
    runner.start()
    try:
        async def all_applied() -> bool:
            return await counters_pool.fetchval("SELECT count(*) FROM counter_applied") == 19
        await eventually(all_applied, timeout=60)
    finally:
        await runner.stop()
    assert projection.failures == []
    applied = await counters_pool.fetch("SELECT stream_id, count(*) AS n FROM counter_applied GROUP BY stream_id")
    assert sorted(r["stream_id"] for r in applied) == sorted(f"c-{i}" for i in range(1, 21) if i != 7)
    assert {r["n"] for r in applied} == {1}
    assert await counters_pool.fetchval("SELECT sum(total) FROM counter_totals") == sum(range(1, 21)) - 7
    letters = await counters_pool.fetch("SELECT kind, reason, stream_id FROM dead_letters")
    assert [(r["kind"], r["reason"], r["stream_id"]) for r in letters] == [("payload", "field amount missing", "c-7")]
    assert await counters_pool.fetchval("SELECT count(*) FROM projection_streams WHERE stream_id = 'c-7'") == 0
