"""The outbox relay: drains the outbox table to Kafka, oldest first.

One relay per service is active at a time (a PostgreSQL advisory lock elects it), so the outbox is
drained in id order. Per stream that is version order: a stream's next event can only be appended
after its previous one committed. Rows are deleted only after Kafka acknowledged them; if Kafka,
the relay or the process dies in between, the rows are sent again (consumers drop the repeats).

A relay that leads and leaves the same oldest row in the outbox for a minute while Kafka is reachable has
stalled (a hung connection or producer, which fails no call): the sampler starts it afresh (`mend`).
"""
from __future__ import annotations

import asyncio
import logging
import zlib
from asyncio import Future
from collections.abc import Awaitable, Callable

import asyncpg
from aiokafka import AIOKafkaProducer
from opentelemetry import trace

from . import metrics
from .background import Resuming
from .db import init_connection
from .envelope import Envelope
from .eventstore import OUTBOX_CHANNEL
from .faults import fault_point
from .kafka import TopicSpec, TopicsRefused, ensure_topics
from .kafka import producer as make_producer
from .kafka_login import KafkaLogin
from .stall import STALL_SECONDS
from .tracing import context_from_traceparent, traceparent_of

log = logging.getLogger(__name__)
tracer = trace.get_tracer("xinqing.relay")


# The last step before a row is sent (its topic and envelope → what is sent): where a message gets content
# that must not be stored with it in plaintext (stations' referrals unseal the case summary here).
Enricher = Callable[[asyncpg.Connection, str, Envelope], Awaitable[Envelope]]


class OutboxRelay(Resuming):
    def __init__(self, dsn: str, kafka: KafkaLogin, service: str, topics: list[TopicSpec], *, batch_size: int = 2000,
                 poll_interval: float = 1.0, retry_delay: float = 1.0, enrich: Enricher | None = None,
                 stall_seconds: float = STALL_SECONDS):
        super().__init__(f"relay-{service}", self._lead, retry_delay, stall_seconds)
        self.dsn = dsn
        self.kafka = kafka
        self.service = service
        self.topics = topics
        self.kafka_ok = False
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.lock_key = zlib.crc32(f"xq:relay:{service}".encode())
        self.published = 0
        self.backlog = 0
        self._wake = asyncio.Event()
        self.paused = False  # tests pause publishing to observe the backlog
        self._leader: object | None = None  # the attempt holding the service's relay lock (None: it is not here)
        self.enrich = enrich

    def _interrupted(self, exc: Exception) -> None:  # database gone: elect again when it is back
        log.warning("relay interrupted, retrying", extra={"error": repr(exc)[:200]})

    async def mend(self, oldest: int | None, now: float) -> None:
        """The sampler's look at the relay: `oldest`, the id of the oldest row in the outbox (None: empty, or
        unknown). A relay that should run and has died, or that leads, reaches Kafka and has left the same
        oldest row in place for `watch.seconds`, is started afresh. A replica that does not lead, a relay
        waiting out a Kafka outage (it retries by itself) or one paused by a test is not expected to move."""
        expected_to_move = self.leading and self.kafka_ok and not self.paused
        await self.look({"outbox": oldest} if oldest is not None and expected_to_move else None, now)

    @property
    def leading(self) -> bool:
        """Holds the service's relay lock: the one replica that publishes."""
        return self._leader is not None

    def _restarting(self, reason: str, waited: float) -> None:
        log.warning(f"relay {reason}; it is started afresh",
                    extra={"reason": reason, "phase": self.phase, "waited_seconds": round(waited, 1)})
        metrics.RELAY_RESTARTS.add(1, {"service": self.service, "reason": reason})

    async def _lead(self) -> None:
        self.phase = "connecting"
        loop = object()  # this attempt: a loop abandoned on a fresh start must not clear its successor's lead
        conn: asyncpg.Connection = await asyncpg.connect(self.dsn, timeout=5)
        await init_connection(conn)
        try:
            self.phase = "electing"
            while not await conn.fetchval("SELECT pg_try_advisory_lock($1)", self.lock_key):
                await asyncio.sleep(self.poll_interval)  # another replica leads
            self._leader = loop
            await conn.add_listener(OUTBOX_CHANNEL, lambda *_: self._wake.set())
            producer = make_producer(self.kafka, f"relay-{self.service}")
            try:
                self.phase = "starting its producer"
                await self._start_producer(producer)
                while True:
                    # Clear before draining, not after: a NOTIFY that arrives while a batch is being
                    # sent must wake the next round, or its event waits for the poll interval.
                    self._wake.clear()
                    self.phase = "draining"
                    sent = 0 if self.paused else await self._drain_once(conn, producer)
                    if sent < self.batch_size:
                        self.phase = "waiting for events"
                        try:
                            await asyncio.wait_for(self._wake.wait(), self.poll_interval)
                        except TimeoutError:
                            pass
            finally:
                self.phase = "stopping"
                await producer.stop()
        finally:
            if self._leader is loop:
                self._leader = None
            await conn.close()

    async def _start_producer(self, producer: AIOKafkaProducer) -> None:
        while True:
            try:
                await ensure_topics(self.kafka, self.topics)
                await producer.start()
                self.kafka_ok = True
                return
            except Exception as exc:
                self.kafka_ok = False
                if isinstance(exc, TopicsRefused):  # not a transient: the ACLs of contracts/ disagree
                    log.error("Kafka refused this service's principal (ACLs: xinqing/kafka_acls.py); the outbox "
                              "keeps the events", extra={"error": repr(exc)[:200]})
                else:
                    log.warning("Kafka unreachable; the outbox keeps the events", extra={"error": repr(exc)[:200]})
                await asyncio.sleep(self.retry_delay)

    async def _drain_once(self, conn: asyncpg.Connection, producer: AIOKafkaProducer) -> int:
        rows = await conn.fetch(
            """SELECT o.id, o.topic, e.global_position, e.event_id, e.stream_id, e.version, e.event_type,
                      e.data, e.metadata, e.recorded_at
                 FROM outbox o JOIN events e USING (global_position)
                ORDER BY o.id LIMIT $1""", self.batch_size)
        if not rows:
            self.backlog = 0
            return 0
        # An estimate from the ids (gaps of rolled-back appends count): counting the table on every drain
        # costs PostgreSQL a scan of the whole backlog per batch, quadratic during a bulk import.
        self.backlog = len(rows) if len(rows) < self.batch_size else (
            await conn.fetchval("SELECT max(id) FROM outbox") - rows[0]["id"] + 1)
        # The stored traceparent is the parent, so the trace of the request continues here even when
        # the event waited out a Kafka outage in the outbox. One span per request's events in this batch:
        # a bulk import appends hundreds under one traceparent. traceparent -> (span, its traceparent, envs)
        spans: dict[str | None, tuple[trace.Span, str | None, list[Envelope]]] = {}
        try:
            futures = []
            for r in rows:
                env = _envelope(r)
                group = spans.get(env.traceparent)
                if group is None:
                    span = tracer.start_span(f"publish {r['topic']}", context=context_from_traceparent(env.traceparent),
                                             kind=trace.SpanKind.PRODUCER,
                                             attributes={"messaging.system": "kafka",
                                                         "messaging.operation.type": "send",
                                                         "messaging.destination.name": r["topic"]})
                    group = spans[env.traceparent] = (span, traceparent_of(span), [])
                group[2].append(env)
                env = env.with_traceparent(group[1])
                if self.enrich is not None:
                    env = await self.enrich(conn, r["topic"], env)
                futures.append(await self._send(producer, r["topic"], env))
            await asyncio.gather(*futures)  # the spans end on the broker's acknowledgement
        except Exception as exc:
            # Start over with a fresh producer session from the oldest unsent row: per-stream order
            # holds because everything after the failure is sent again, in order.
            self.kafka_ok = False
            for span, _, _ in spans.values():
                span.set_status(trace.Status(trace.StatusCode.ERROR, type(exc).__name__))
            metrics.ERRORS.add(1, {"service": self.service, "component": "relay", "kind": type(exc).__name__})
            raise PublishFailed(f"{len(rows)} events pending") from exc
        finally:
            for span, _, envs in spans.values():
                if len(envs) == 1:
                    span.set_attributes({"xq.event_type": envs[0].type, "xq.stream": envs[0].subject})
                else:
                    span.set_attribute("messaging.batch.message_count", len(envs))
                span.end()
        fault_point("relay.after_send")  # acknowledged, not yet deleted: sent again after a crash here
        await conn.execute("DELETE FROM outbox WHERE id = ANY($1::bigint[])", [r["id"] for r in rows])
        self.published += len(rows)
        metrics.EVENTS_PUBLISHED.add(len(rows), {"service": self.service})
        return len(rows)


    async def _send(self, producer: AIOKafkaProducer, topic: str, env: Envelope) -> Future[object]:
        """Queue one message; the future is its acknowledgement."""
        sent: Future[object] = await producer.send(topic, env.kafka_value(), key=env.subject.encode(),
                                                   headers=env.kafka_headers())
        return sent


class PublishFailed(Exception):
    pass


def _envelope(r: asyncpg.Record) -> Envelope:
    meta = r["metadata"]
    return Envelope(id=r["event_id"], type=r["event_type"], source=meta.get("source", ""),
                    subject=r["stream_id"], stream_version=r["version"], time=r["recorded_at"],
                    data=r["data"], traceparent=meta.get("traceparent"),
                    correlation_id=meta.get("correlationid"), causation_id=meta.get("causationid"),
                    global_position=r["global_position"])
