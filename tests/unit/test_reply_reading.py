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
