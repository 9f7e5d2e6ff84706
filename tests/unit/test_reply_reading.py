"""Reading an agency's reply (services/stations/reply_reading.py): CloudEvents attributes and the closed JSON
Schema of its type; a rejection names the attribute or field and the rule, never a value."""
from __future__ import annotations

import json

from services.stations.reply_reading import Rejection, Reply, read

REF = "hrss-" + "ab" * 20


def headers(**overrides: str) -> list[tuple[str, bytes]]:
    base = {"ce_specversion": "1.0", "ce_id": "r1", "ce_source": "/hrss", "ce_type": "xq.partner.reply.declined.v1"}
    return [(k, v.encode()) for k, v in (base | overrides).items()]


def body(**data) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


def test_a_valid_reply_is_read_with_its_id_type_and_data():
    reply = read(body(case_ref=REF, reason="不属受理范围"), headers())
    assert reply == Reply("r1", "xq.partner.reply.declined.v1", {"case_ref": REF, "reason": "不属受理范围"})


def test_missing_cloudevents_attributes_or_an_unknown_type_are_envelope_rejections():
    missing = read(body(case_ref=REF, reason="x"), [h for h in headers() if h[0] != "ce_source"])
    assert isinstance(missing, Rejection) and (missing.reason, missing.field) == ("envelope", "ce_source")
    unknown = read(body(case_ref=REF), headers(ce_type="xq.partner.reply.maybe.v1"))
    assert isinstance(unknown, Rejection) and (unknown.reason, unknown.rule) == ("envelope", "enum")


def test_a_schema_failure_names_the_field_and_rule_without_the_value():
    extra = read(body(case_ref=REF, reason="x", mobile="13800138000"), headers())
    assert isinstance(extra, Rejection) and (extra.reason, extra.rule) == ("schema", "additionalProperties")
    assert "mobile" in extra.message and "13800138000" not in repr(extra)
    wrong = read(body(case_ref=REF, reason="王小明 13800138000" * 20), headers())
    assert isinstance(wrong, Rejection) and (wrong.field, wrong.rule) == ("reason", "maxLength")
    assert "13800138000" not in repr(wrong) and wrong.case_ref == REF
    bad_ref = read(body(case_ref="王小明", reason="x"), headers())
    assert isinstance(bad_ref, Rejection) and bad_ref.field == "case_ref" and bad_ref.case_ref is None


def test_a_body_that_is_not_json_is_rejected():
    rejected = read(b"\xff not json", headers())
    assert isinstance(rejected, Rejection) and (rejected.reason, rejected.rule) == ("schema", "json")


def test_a_body_nested_beyond_the_parser_is_a_rejection_not_an_error():
    """A thousand `[` is 1 KB, well inside the size limit: json.loads raises RecursionError, which is no
    ValueError. Had it escaped, the consumer would have stopped on this message for good."""
    rejected = read(b"[" * 1000, headers())
    assert isinstance(rejected, Rejection) and (rejected.reason, rejected.rule) == ("schema", "json")
    assert rejected.reply_id == "r1"


def test_a_header_without_a_value_is_a_missing_attribute():
    no_value = [(k, None if k == "ce_id" else v) for k, v in headers()]
    rejected = read(body(case_ref=REF, reason="x"), no_value)
    assert isinstance(rejected, Rejection) and (rejected.reason, rejected.field, rejected.rule) == \
        ("envelope", "ce_id", "required")
    assert rejected.reply_id is None  # the claim falls back to the message's partition and offset


def test_an_attribute_too_long_to_keep_or_with_control_characters_is_rejected_and_not_kept():
    long_id = read(body(case_ref=REF, reason="x"), headers(ce_id="r" * 5000))
    assert isinstance(long_id, Rejection) and (long_id.field, long_id.rule) == ("ce_id", "maxLength")
    assert long_id.reply_id is None and long_id.reply_type == "xq.partner.reply.declined.v1"
    escape = read(body(case_ref=REF, reason="x"), headers(ce_source="/hrss\x1b[2J"))
    assert isinstance(escape, Rejection) and (escape.field, escape.rule) == ("ce_source", "control")
    blank = read(body(case_ref=REF, reason="x"), headers(ce_type="   "))
    assert isinstance(blank, Rejection) and (blank.field, blank.rule, blank.reply_type) == ("ce_type", "blank", None)


def test_a_rejection_fits_the_dead_letter_schema_however_long_the_unexpected_field():
    """xq.partner.reply.rejected.v1 allows 1,000 characters of message; jsonschema's names every unexpected key."""
    rejected = read(body(case_ref=REF, reason="x", **{"k" * 3000: 1}), headers())
    assert isinstance(rejected, Rejection) and rejected.rule == "additionalProperties"
    assert len(rejected.message) <= 1000 and rejected.message.startswith("Additional properties")
