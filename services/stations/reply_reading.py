"""Reading an agency's reply: a CloudEvents message (binary mode) whose type is a reply type and whose data
passes that type's closed JSON Schema (deploy/contracts/schemas/<type>.json). What fails is a `Rejection`
whose reason names the attribute or field and the rule, never a value (a reply may carry anything).

Whatever an agency sends is read to a verdict, never to an exception: a header without a value, an
attribute too long to keep or with control characters, a body nested too deeply for the parser. An
exception would stop the consumer on that message and hold up every agency's replies behind it. What a
`Rejection` keeps fits `xq.partner.reply.rejected.v1`, where it is published."""
from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from jsonschema import Draft7Validator

from chassis.settings import PROJECT_ROOT
from chassis.text import text_fault
from contracts.partners import REPLY_TYPES

SCHEMAS = PROJECT_ROOT / "deploy" / "contracts" / "schemas"
MAX_BYTES = 16 * 1024  # a reply is a few hundred bytes
CASE_REF = re.compile(r"^[a-z]+-[0-9a-f]{40}$")
MAX_ATTRIBUTE = 200  # characters of ce_id or ce_type kept (the rejection's reply_id, reply_type; a claim's key)
MAX_MESSAGE = 1000  # characters of a rejection's message (jsonschema's names the unexpected fields)
ATTRIBUTES = ("ce_specversion", "ce_id", "ce_source", "ce_type")


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


def _header(headers: Sequence[tuple[str, bytes | None]], name: str) -> str | None:
    for key, value in headers:
        if key == name:
            try:
                return None if value is None else value.decode()  # Kafka allows a header without a value
            except UnicodeDecodeError:
                return None
    return None


def _attribute_rule(name: str, found: str | None) -> str | None:
    """Why a CloudEvents attribute cannot be taken (the rule), or None."""
    if not found or (name == "ce_specversion" and found != "1.0"):
        return "required"
    if len(found) > MAX_ATTRIBUTE:
        return "maxLength"
    fault = text_fault(found)  # the one rule for text (chassis/text.py): blank, or control characters
    return fault.rule if fault else None


WHY = {"required": "is missing or invalid (binary mode, 1.0)", "maxLength": f"is over {MAX_ATTRIBUTE} characters",
       "blank": "is blank", "control": "holds control characters"}


def read(value: bytes | None, headers: Sequence[tuple[str, bytes | None]]) -> Reply | Rejection:
    found = {name: _header(headers, name) for name in ATTRIBUTES}
    rules = {name: _attribute_rule(name, found[name]) for name in ATTRIBUTES}
    # only what can be kept is named in a rejection
    reply_id = found["ce_id"] if rules["ce_id"] is None else None
    reply_type = found["ce_type"] if rules["ce_type"] is None else None
    for name, rule in rules.items():
        if rule is not None:
            return Rejection("envelope", f"CloudEvents attribute {name} {WHY[rule]}", reply_id, reply_type,
                             field=name, rule=rule)
    assert reply_id is not None and reply_type is not None
    if reply_type not in REPLY_TYPES:
        return Rejection("envelope", f"ce_type is not a reply type; known: {sorted(REPLY_TYPES)}", reply_id,
                         reply_type[:100], field="ce_type", rule="enum")
    if value is None or len(value) > MAX_BYTES:
        return Rejection("schema", f"the body is missing or over {MAX_BYTES} bytes", reply_id, reply_type,
                         rule="size")
    try:
        data = json.loads(value)
        errors = sorted(validator(reply_type).iter_errors(data), key=lambda e: list(e.absolute_path))
    except RecursionError:
        return Rejection("schema", "the body is nested too deeply to read", reply_id, reply_type, rule="json")
    except (ValueError, UnicodeDecodeError):
        return Rejection("schema", "the body is not JSON", reply_id, reply_type, rule="json")
    if errors:
        first = errors[0]
        path = ".".join(str(p) for p in first.absolute_path)[:MAX_ATTRIBUTE]
        if first.validator in ("required", "additionalProperties"):
            message = _capped(first.message)  # names the fields, not values
        else:
            message = f"{path or 'the body'} fails '{first.validator}' of {reply_type}"
        return Rejection("schema", message, reply_id, reply_type, field=path or None, rule=str(first.validator),
                         case_ref=_ref(data))
    return Reply(reply_id, reply_type, data)


def _capped(message: str) -> str:
    return message if len(message) <= MAX_MESSAGE else message[:MAX_MESSAGE - 1] + "…"


def _ref(data: Any) -> str | None:
    ref = data.get("case_ref") if isinstance(data, dict) else None
    return ref if isinstance(ref, str) and CASE_REF.match(ref) else None  # only a well-formed reference
