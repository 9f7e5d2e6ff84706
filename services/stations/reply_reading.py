"""Reading an agency's reply: a CloudEvents message (binary mode) whose type is a reply type and whose data
passes that type's closed JSON Schema (deploy/contracts/schemas/<type>.json). What fails is a `Rejection`
whose reason names the attribute or field and the rule, never a value (a reply may carry anything)."""
from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from jsonschema import Draft7Validator

from chassis.settings import PROJECT_ROOT
from contracts.partners import REPLY_TYPES

SCHEMAS = PROJECT_ROOT / "deploy" / "contracts" / "schemas"
MAX_BYTES = 16 * 1024  # a reply is a few hundred bytes
CASE_REF = re.compile(r"^[a-z]+-[0-9a-f]{40}$")


@dataclass(frozen=True)
class Reply:
    reply_id: str
    type: str
    data: dict[str, Any]


@dataclass(frozen=True)
class Rejection:
    reason: str
    message: str
    reply_id: str | None = None
    reply_type: str | None = None
    field: str | None = None
    rule: str | None = None
    case_ref: str | None = None


@cache
def validator(reply_type: str) -> Draft7Validator:
    return Draft7Validator(json.loads((SCHEMAS / f"{reply_type}.json").read_text(encoding="utf-8")))


def _header(headers: Sequence[tuple[str, bytes]], name: str) -> str | None:
    for key, value in headers:
        if key == name:
            try:
                return value.decode()
            except UnicodeDecodeError:
                return None
    return None


def read(value: bytes | None, headers: Sequence[tuple[str, bytes]]) -> Reply | Rejection:
    reply_id, reply_type = _header(headers, "ce_id"), _header(headers, "ce_type")
    for name, found in (("ce_specversion", _header(headers, "ce_specversion")), ("ce_id", reply_id),
                        ("ce_source", _header(headers, "ce_source")), ("ce_type", reply_type)):
        if not found or (name == "ce_specversion" and found != "1.0"):
            return Rejection("envelope", f"CloudEvents attribute {name} is missing or invalid (binary mode, 1.0)",
                             reply_id, reply_type, field=name, rule="required")
    assert reply_id is not None and reply_type is not None
    if reply_type not in REPLY_TYPES:
        return Rejection("envelope", f"ce_type is not a reply type; known: {sorted(REPLY_TYPES)}", reply_id,
                         reply_type[:100], field="ce_type", rule="enum")
    if value is None or len(value) > MAX_BYTES:
        return Rejection("schema", f"the body is missing or over {MAX_BYTES} bytes", reply_id, reply_type,
                         rule="size")
    try:
        data = json.loads(value)
    except (ValueError, UnicodeDecodeError):
        return Rejection("schema", "the body is not JSON", reply_id, reply_type, rule="json")
    errors = sorted(validator(reply_type).iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        path = ".".join(str(p) for p in first.absolute_path)
        if first.validator in ("required", "additionalProperties"):
            message = first.message  # names the fields, not values
        else:
            message = f"{path or 'the body'} fails '{first.validator}' of {reply_type}"
        return Rejection("schema", message, reply_id, reply_type, field=path or None, rule=str(first.validator),
                         case_ref=_ref(data))
    return Reply(reply_id, reply_type, data)


def _ref(data: Any) -> str | None:
    ref = data.get("case_ref") if isinstance(data, dict) else None
    return ref if isinstance(ref, str) and CASE_REF.match(ref) else None  # only a well-formed reference
