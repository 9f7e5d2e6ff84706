"""The CloudEvents 1.0 envelope of every event, in the store, on Kafka and in consumers.

On Kafka an event travels in CloudEvents *binary* mode: attributes as `ce_*` headers, the payload as
the record value (JSON), the stream id as the key. The W3C `traceparent` rides both as a CloudEvents
extension (so it survives in the store while Kafka is down) and as its own header.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, TypeVar
from uuid import UUID

import orjson

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"


@dataclass(frozen=True)
class Envelope:
    id: UUID
    type: str
    source: str
    subject: str  # the stream id
    stream_version: int
    time: datetime
    data: dict[str, Any]
    traceparent: str | None = None
    correlation_id: str | None = None
    causation_id: str | None = None
    global_position: int | None = None
    extensions: dict[str, str] = field(default_factory=dict)

    @property
    def position(self) -> str:
        """Read-your-writes token: a projection that applied this has seen `subject` at this version."""
        return f"{self.subject}@{self.stream_version}"

    def metadata(self) -> dict[str, Any]:
        return {k: v for k, v in {
            "source": self.source, "traceparent": self.traceparent,
            "correlationid": self.correlation_id, "causationid": self.causation_id,
        }.items() if v is not None}

    def kafka_headers(self) -> list[tuple[str, bytes]]:
        attrs = {
            "ce_specversion": SPEC_VERSION, "ce_id": str(self.id), "ce_source": self.source,
            "ce_type": self.type, "ce_subject": self.subject,
            "ce_time": self.time.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "content-type": CONTENT_TYPE, "ce_streamversion": str(self.stream_version),
        }
        for key, value in (("ce_traceparent", self.traceparent), ("traceparent", self.traceparent),
                           ("ce_correlationid", self.correlation_id), ("ce_causationid", self.causation_id)):
            if value:
                attrs[key] = value
        attrs.update({f"ce_{k}": v for k, v in self.extensions.items()})
        return [(k, v.encode()) for k, v in attrs.items()]

    def kafka_value(self) -> bytes:
        return orjson.dumps(self.data)

    def with_traceparent(self, traceparent: str | None) -> Envelope:
        return replace(self, traceparent=traceparent)


class UnreadablePayload(Exception):
    """A consumed event's payload is not what its type promises (a field missing, or of another type):
    the message cannot be read (a dead letter, chassis/deadletter.py), unlike a failure of the consumer
    (retried). The message names the field, never its value."""


class MissingField(UnreadablePayload, KeyError):
    """A consumed event lacks a field its consumer reads (`Payload`'s answer to `data[name]`)."""


T = TypeVar("T")


def field_of(data: Mapping[str, Any], name: str, kind: type[T], default: T) -> T:
    """`data[name]` checked to be a `kind` (`default` when absent or null), for a handler that uses the
    value as one (iterates a list, compares a text); a value of another type cannot be read."""
    value = data.get(name)
    if value is None:
        return default
    if not isinstance(value, kind):
        raise UnreadablePayload(f"field {name} is not a {kind.__name__}")
    return value


class Payload(dict[str, Any]):
    """The data of a consumed event: a dict whose missing field raises `MissingField`."""

    def __missing__(self, key: str) -> Any:
        raise MissingField(key)


# The attributes an Envelope has fields for; any other `ce_*` header is an extension.
_ATTRIBUTES = frozenset({"ce_specversion", "ce_id", "ce_source", "ce_type", "ce_subject", "ce_time", "content-type",
                         "ce_streamversion", "ce_traceparent", "traceparent", "ce_correlationid", "ce_causationid"})


def from_kafka(key: bytes | None, value: bytes | None, headers: list[tuple[str, bytes]]) -> Envelope:
    """A message that is not an event raises (chassis.deadletter.NOT_AN_EVENT tells the kinds apart)."""
    # Every consumed event passes here (a rebuild: tens of thousands a second), so it does the least work
    # that gives the same Envelope: extensions only when there are unknown headers, no per-call sets.
    h = {k: v.decode() for k, v in headers}
    data = orjson.loads(value) if value else {}
    if not isinstance(data, dict):
        raise ValueError("the body is not a JSON object")
    extra = h.keys() - _ATTRIBUTES
    # Filled like the dataclass' __init__ would, minus its object.__setattr__ per field (frozen), which
    # was a quarter of the decoding; the fields are the dataclass' own, all of them set.
    env = object.__new__(Envelope)
    env.__dict__.update(
        id=UUID(h["ce_id"]), type=h["ce_type"], source=h["ce_source"],
        subject=h.get("ce_subject") or (key or b"").decode(),
        stream_version=int(h["ce_streamversion"]),
        time=datetime.fromisoformat(h["ce_time"]),  # Python 3.11 reads the trailing "Z"
        data=Payload(data),
        traceparent=h.get("traceparent") or h.get("ce_traceparent"),
        correlation_id=h.get("ce_correlationid"), causation_id=h.get("ce_causationid"), global_position=None,
        extensions={k[3:]: v for k, v in h.items() if k in extra and k.startswith("ce_")} if extra else {},
    )
    return env
