"""Dead letters: a message a projection cannot read is kept with its reason and passed, never retried.

"Cannot be read" is a property of the message, the same on every attempt: no or bad CloudEvents headers
(`envelope`), a type its topic's producer does not declare in contracts/ (`unknown_type`), a body that is
not a JSON object or fields a handler cannot use (`payload`: one missing, or of a type PostgreSQL cannot
store), a value over `MAX_VALUE_BYTES` (`oversized`). The runner records it in `dead_letters` (the
consumer's own database) in the transaction that moves its checkpoint past it, so it is recorded once and
the partition goes on. A dead letter claims nothing: its stream's version stays free for the message
replayed after a fix (`replay`). Everything else a handler raises — a database down, a timeout, a bug —
is a failure of the consumer: retried from the checkpoint, never skipped.

Logs and metrics name the projection, the place and the kind, never a value or a reason: a message may
carry anything, personal data included. The reasons are written to be value-free too.
"""
from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

import asyncpg
import orjson
from asyncpg.exceptions import _base as asyncpg_client

from . import metrics
from .claims import claim
from .db import Connection
from .envelope import Envelope, MissingField, UnreadablePayload, from_kafka

log = logging.getLogger(__name__)

ENVELOPE, UNKNOWN_TYPE, PAYLOAD, OVERSIZED = "envelope", "unknown_type", "payload", "oversized"
KINDS = (ENVELOPE, UNKNOWN_TYPE, PAYLOAD, OVERSIZED)
# What decoding a message that is no event raises (a header missing, malformed, not UTF-8 or null; a body
# that is not a JSON object).
NOT_AN_EVENT = (KeyError, ValueError, TypeError, AttributeError)

MAX_VALUE_BYTES = 512 * 1024  # an event of this system is well under 4 KiB; a value this big is no event
KEPT_VALUE_BYTES = 64 * 1024  # of a dead letter's value, kept for reading and replay
KEPT_HEADERS, KEPT_HEADER_BYTES = 64, 1024

DEAD_LETTERS = metrics.meter.create_counter(
    "xq.dead_letters", unit="{message}",
    description="messages a projection could not read, recorded as dead letters and passed, per kind")


class Message(Protocol):
    """A Kafka record as read and kept here: aiokafka's ConsumerRecord, or a dead letter's stored copy."""

    @property
    def topic(self) -> str: ...
    @property
    def partition(self) -> int: ...
    @property
    def offset(self) -> int: ...
    @property
    def key(self) -> bytes | None: ...
    @property
    def value(self) -> bytes | None: ...
    @property
    def headers(self) -> Sequence[tuple[str, bytes]]: ...


@dataclass(frozen=True)
class Stored:
    """A dead letter's copy of its message."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Sequence[tuple[str, bytes]]


@dataclass(frozen=True)
class Letter:
    message: Message
    kind: str
    reason: str
    event: Envelope | None = None  # when its headers could be read


def read(message: Message, known_types: Collection[str] | None) -> Envelope | Letter:
    """The event in `message`, or why it cannot be read. `known_types`: the types its topic may carry
    (None: any)."""
    value = message.value
    if value is not None and len(value) > MAX_VALUE_BYTES:
        return Letter(message, OVERSIZED, f"the value has {len(value)} bytes, over {MAX_VALUE_BYTES}",
                      _headers_only(message))
    try:
        event = from_kafka(message.key, value, list(message.headers))
    except NOT_AN_EVENT as exc:
        headers_only = _headers_only(message)
        if headers_only is None:
            return Letter(message, ENVELOPE, _envelope_reason(message, exc))
        reason = "the body is not JSON" if isinstance(exc, orjson.JSONDecodeError) else "the body is not a JSON object"
        return Letter(message, PAYLOAD, reason, headers_only)
    if known_types is not None and event.type not in known_types:
        return Letter(message, UNKNOWN_TYPE, f"type {event.type[:200]} is not declared for {message.topic}", event)
    return event


def _headers_only(message: Message) -> Envelope | None:
    try:
        return from_kafka(message.key, None, list(message.headers))
    except NOT_AN_EVENT:
        return None


def _envelope_reason(message: Message, exc: Exception) -> str:
    if not message.headers:
        return "no CloudEvents headers"
    if isinstance(exc, KeyError):
        return f"CloudEvents header {exc.args[0]} missing"
    return "a CloudEvents header cannot be read (id, time or stream version malformed, or not UTF-8)"


def payload_error(exc: BaseException) -> str | None:
    """Why a handler's failure means its event cannot be read (a dead letter), or None: a failure of the
    consumer (retried). The reasons name fields and kinds of error, never a value."""
    if isinstance(exc, MissingField):
        return f"field {str(exc.args[0])[:100]} missing"
    if isinstance(exc, UnreadablePayload):
        return str(exc)[:300]
    if isinstance(exc, asyncpg_client.DataError):  # asyncpg refused to encode a parameter: a wrong type
        return "a field has a type its column cannot take"
    if isinstance(exc, (asyncpg.DataError, asyncpg.NotNullViolationError, asyncpg.CheckViolationError)):
        return f"PostgreSQL refused a field ({type(exc).__name__}, SQLSTATE {exc.sqlstate})"
    return None


async def record(conn: Connection, projection: str, letters: Sequence[Letter]) -> None:
    """Keep `letters` (in the caller's transaction); a letter already kept (a fetch repeated after a
    rebalance) stays as it is."""
    if not letters:
        return
    await conn.executemany(
        """INSERT INTO dead_letters (projection, topic, partition, "offset", kind, reason, event_type, stream_id,
                                     stream_version, key, header_names, header_values, value, value_size, complete)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
           ON CONFLICT (projection, topic, partition, "offset") DO NOTHING""",
        [_row(projection, letter) for letter in letters])


def _row(projection: str, letter: Letter) -> tuple[object, ...]:
    m, e = letter.message, letter.event
    headers = [(k, v or b"") for k, v in list(m.headers)[:KEPT_HEADERS]]
    value = m.value or b""
    complete = (len(m.headers) <= KEPT_HEADERS and len(value) <= KEPT_VALUE_BYTES
                and all(len(v) <= KEPT_HEADER_BYTES for _, v in headers) and len(m.key or b"") <= KEPT_HEADER_BYTES)
    return (projection, m.topic, m.partition, m.offset, letter.kind, letter.reason,
            e.type[:200] if e else None, e.subject[:200] if e else None, e.stream_version if e else None,
            (m.key or b"")[:KEPT_HEADER_BYTES] if m.key is not None else None,
            [k[:200] for k, _ in headers], [v[:KEPT_HEADER_BYTES] for _, v in headers],
            value[:KEPT_VALUE_BYTES] if m.value is not None else None, len(value), complete)


def counted(service: str, projection: str, letters: Sequence[Letter]) -> None:
    """After the commit: the metric, and one log line per batch (places and kinds only: a flood of junk
    is one line, not thousands)."""
    if not letters:
        return
    kinds: dict[str, int] = {}
    for letter in letters:
        kinds[letter.kind] = kinds.get(letter.kind, 0) + 1
    for kind, n in kinds.items():
        DEAD_LETTERS.add(n, {"projection": projection, "kind": kind})
    first = letters[0].message
    log.warning("messages cannot be read: kept as dead letters and passed",
                extra={"service": service, "projection": projection, "kinds": kinds, "topic": first.topic,
                       "partition": first.partition, "offset": first.offset})


def count_from_zero(projection: str) -> None:
    """Every kind's series exists from the start (at 0): an alert on its increase sees the first letter."""
    for kind in KINDS:
        DEAD_LETTERS.add(0, {"projection": projection, "kind": kind})


class CannotReplay(Exception):
    """A dead letter that cannot be applied (yet); the message says why (shown to the operator)."""


class Applies(Protocol):
    name: str

    async def apply(self, conn: Connection, event: Envelope) -> None: ...


async def replay(conn: Connection, letter_id: int, projection: Applies, known_types: Collection[str] | None) -> Envelope:
    """Apply a dead letter through `projection`, in the caller's transaction, as the runner would have:
    read again by today's code, claimed (the next version of its stream, else refused), applied, and
    marked replayed — so it is applied once, however often it is replayed."""
    row = await conn.fetchrow("SELECT * FROM dead_letters WHERE id = $1 AND projection = $2 FOR UPDATE",
                              letter_id, projection.name)
    if row is None:
        raise CannotReplay(f"{projection.name} 没有编号为 {letter_id} 的死信")
    if row["replayed_at"] is not None:
        raise CannotReplay(f"死信 {letter_id} 已重放过（{row['replayed_at']:%Y-%m-%d %H:%M:%S}）")
    if not row["complete"]:
        raise CannotReplay(f"死信 {letter_id} 只保存了消息的一部分（值超过 {KEPT_VALUE_BYTES} 字节），无法重放")
    stored = Stored(row["topic"], row["partition"], row["offset"], row["key"], row["value"],
                    list(zip(row["header_names"], row["header_values"])))
    event = read(stored, known_types)
    if isinstance(event, Letter):
        raise CannotReplay(f"死信 {letter_id} 仍无法读取（{event.kind}：{event.reason}）")
    if not await claim(conn, projection.name, event):
        version = await conn.fetchval("SELECT version FROM projection_streams WHERE projection = $1 AND stream_id = $2",
                                      projection.name, event.subject)
        raise CannotReplay(f"死信 {letter_id} 是 {event.subject} 的第 {event.stream_version} 版，而 {projection.name} "
                           f"已处理到第 {version or 0} 版：不能按顺序应用（见 docs/RUNBOOK.md 死信一节）")
    try:
        async with conn.transaction():
            await projection.apply(conn, event)
    except Exception as exc:
        reason = payload_error(exc)
        if reason is None:
            raise
        raise CannotReplay(f"死信 {letter_id} 仍无法读取（payload：{reason}）") from exc
    await conn.execute("UPDATE dead_letters SET replayed_at = now() WHERE id = $1", letter_id)
    return event
