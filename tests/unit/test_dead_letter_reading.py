"""What the projection runner reads from a Kafka record: the event, or a dead letter of the right kind with
a reason that names no value (chassis/deadletter.py)."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime

import asyncpg
import pytest
from asyncpg.exceptions import _base as asyncpg_client

from chassis import deadletter
from chassis.deadletter import Letter, Stored, payload_error, read
from chassis.envelope import Envelope, MissingField, UnreadablePayload, field_of

TYPES = frozenset({"xq.test.thing.happened.v1"})
SECRET = "11010520010304002X"


def event(**data) -> Envelope:
    return Envelope(id=uuid.uuid4(), type="xq.test.thing.happened.v1", source="/test", subject="thing-1",
                    stream_version=3, time=datetime.now(UTC), data=data)


def message(value: bytes | None, headers) -> Stored:
    return Stored("xq.test.thing", 2, 41, b"thing-1", value, headers)


def good_headers(**changed: str):
    return [(k, changed[k].encode() if k in changed else v) for k, v in event().kafka_headers()]


def test_a_good_record_reads_as_its_event_whose_missing_field_cannot_be_read():
    e = event(youth_id="y-1", consents=["A"])
    got = read(message(e.kafka_value(), e.kafka_headers()), TYPES)
    assert isinstance(got, Envelope) and got.data == {"youth_id": "y-1", "consents": ["A"]}
    with pytest.raises(MissingField):
        got.data["district"]
    assert got.data.get("district") is None
    assert field_of(got.data, "consents", list, []) == ["A"]
    assert field_of({"consents": None}, "consents", list, []) == field_of({}, "consents", list, []) == []
    with pytest.raises(UnreadablePayload, match="youth_id is not a list"):
        field_of(got.data, "youth_id", list, [])


@pytest.mark.parametrize(("value", "headers", "kind", "reason"), [
    (b'{"a": 1}', [], "envelope", "no CloudEvents headers"),
    (b'{"a": 1}', [h for h in good_headers() if h[0] != "ce_id"], "envelope", "ce_id missing"),
    (b'{"a": 1}', good_headers(ce_streamversion="three"), "envelope", "cannot be read"),
    (b'{"a": 1}', good_headers(ce_time=SECRET), "envelope", "cannot be read"),
    (b'{"a": 1}', [*good_headers(), ("ce_x", None)], "envelope", "cannot be read"),
    (b'{"a": 1}', good_headers(ce_type="xq.test.thing.forged.v1"), "unknown_type", "not declared"),
    (SECRET.encode(), good_headers(), "payload", "not JSON"),
    (b'["' + SECRET.encode() + b'"]', good_headers(), "payload", "not a JSON object"),
    (b'{"a": "' + b"x" * deadletter.MAX_VALUE_BYTES + b'"}', good_headers(), "oversized", "bytes, over"),
])
def test_a_record_that_is_no_event_is_a_dead_letter_of_its_kind(value, headers, kind, reason):
    got = read(message(value, headers), TYPES)
    assert isinstance(got, Letter)
    assert (got.kind, got.message.offset) == (kind, 41)
    assert reason in got.reason and SECRET not in got.reason
    # Its stream and version are known when its headers could be read (listing), never claimed.
    assert (got.event is not None) == (kind != "envelope")


def test_any_type_is_read_where_no_contract_lists_the_topic():
    e = event(a=1)
    assert isinstance(read(message(e.kafka_value(), good_headers(ce_type="xq.other.v1")), None), Envelope)


@pytest.mark.parametrize(("error", "unreadable"), [
    (MissingField("district"), True),
    (UnreadablePayload("field consents is not a list"), True),
    (asyncpg_client.DataError("invalid input for query argument $1: 42 (expected str, got int)"), True),
    (asyncpg.InvalidDatetimeFormatError("invalid input syntax for type date: \"" + SECRET + "\""), True),
    (asyncpg.NotNullViolationError("null value"), True),
    (KeyError("a bug"), False),
    (RuntimeError("a bug"), False),
    (OSError("connection refused"), False),
    (TimeoutError(), False),
    (asyncpg.ConnectionDoesNotExistError("gone"), False),
    (asyncpg.UniqueViolationError("duplicate"), False),
])
def test_only_a_payload_the_handler_cannot_use_is_unreadable_and_its_reason_names_no_value(error, unreadable):
    reason = payload_error(error)
    assert (reason is not None) == unreadable
    assert reason is None or (SECRET not in reason and "42" not in reason)


@pytest.mark.parametrize("data", [{"youth_id": 42}, {"youth_id": "y-1", "consents": 5},
                                  {"youth_id": "y-1", "purpose": ["SHARE"]}, {"youth_id": "y-1", "changed": "district"}])
async def test_the_partner_publisher_cannot_read_fields_its_rules_would_misuse(data):
    from services.partners.domain import Pseudonymiser
    from services.partners.projections import PartnerPublisher

    publisher = PartnerPublisher([], Pseudonymiser(b"k" * 32), lambda name: name)
    with pytest.raises(UnreadablePayload) as raised:  # before it touches the database
        await publisher.publish(None, event(**data))
    assert payload_error(raised.value) is not None
