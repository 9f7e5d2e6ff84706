"""The partner contracts: closed JSON Schemas, their backward compatibility, and the AsyncAPI document.

- `deploy/contracts/schemas/<type>.json`: the schema of each partner message type, as it is now;
- `deploy/contracts/published/<type>.json`: the versions agencies already rely on. The current schema
  must accept every message the published one accepted (agencies re-read compacted topics from the
  beginning): a field removed, a type or enum narrowed, a new required field → incompatible;
- `deploy/contracts/asyncapi.yaml`: generated from the agreements and schemas by
  `python -m services.partners.asyncapi > deploy/contracts/asyncapi.yaml`; a test keeps it in sync.
"""
from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft7Validator, FormatChecker

from chassis import referral_terms
from chassis.settings import PROJECT_ROOT
from contracts.agencies import AGENCIES
from contracts.partners import PARTNER_TYPES, REFERRAL_TYPES, REPLY_TYPES
from contracts.registry import YOUTH

from . import asyncapi_referrals
from .domain import ENDINGS, Agreement

CONTRACTS = PROJECT_ROOT / "deploy" / "contracts"
SCHEMAS, PUBLISHED = CONTRACTS / "schemas", CONTRACTS / "published"
ASYNCAPI = CONTRACTS / "asyncapi.yaml"
SASL_PORT_EXAMPLE = 9094


def schema(message_type: str, directory: Path = SCHEMAS) -> dict[str, Any]:
    return json.loads((directory / f"{message_type}.json").read_text(encoding="utf-8"))


@cache
def validator(message_type: str) -> Draft7Validator:
    return Draft7Validator(schema(message_type), format_checker=FormatChecker())


def problems(message_type: str, data: Any) -> list[str]:
    """Why `data` is not a valid message of `message_type` (empty: valid)."""
    if message_type not in PARTNER_TYPES:
        return [f"unknown partner message type {message_type}"]
    return [f"{'/'.join(map(str, e.absolute_path)) or '(message)'}: {e.message}"
            for e in validator(message_type).iter_errors(data)]


def _types(node: dict) -> set[str]:
    t = node.get("type")
    return set(t) if isinstance(t, list) else {t} if t else {"any"}


def incompatibilities(published: dict, current: dict, path: str = "") -> list[str]:
    """Ways `current` refuses something `published` accepted (a conservative, structural check)."""
    where = path or "(message)"
    found: list[str] = []
    old_types, new_types = _types(published), _types(current)
    if "any" not in new_types and not old_types <= new_types | ({"number"} if "integer" in old_types else set()):
        found.append(f"{where}: type narrowed from {sorted(old_types)} to {sorted(new_types)}")
    if "enum" in current and not set(published.get("enum", [object()])) <= set(current["enum"]):
        found.append(f"{where}: enum narrowed")
    for key in ("pattern", "format"):
        if key in current and current[key] != published.get(key):
            found.append(f"{where}: {key} added or changed")
    for key, tighter in (("maxLength", min), ("maxItems", min), ("minLength", max), ("minItems", max),
                         ("maximum", min), ("minimum", max)):
        if key in current and (key not in published or tighter(current[key], published[key]) != published[key]):
            found.append(f"{where}: {key} tightened")
    old_props, new_props = published.get("properties", {}), current.get("properties", {})
    for name, node in old_props.items():
        if name not in new_props:
            if current.get("additionalProperties", True) is False:
                found.append(f"{path}{name}: field removed")
            continue
        found += incompatibilities(node, new_props[name], f"{path}{name}.")
    if added := sorted(set(current.get("required", [])) - set(published.get("required", []))):
        found.append(f"{where}: newly required {added}")
    if published.get("additionalProperties", True) is not False and current.get("additionalProperties") is False:
        found.append(f"{where}: closed (additionalProperties false)")
    if isinstance(published.get("items"), dict) and isinstance(current.get("items"), dict):
        found += incompatibilities(published["items"], current["items"], f"{path}[].")
    return found


# ---- AsyncAPI 3.0 ---------------------------------------------------------------------------------

def _message_key(message_type: str) -> str:
    """registered, …; referral_referred, reply_accepted, …"""
    return message_type.removeprefix("xq.partner.youth.").removeprefix("xq.partner.").replace("-", "_").replace(".", "_")


def _kafka_key(message_type: str) -> str:
    if message_type in REFERRAL_TYPES or message_type in REPLY_TYPES:
        return "the case_ref"
    return "the subject (pseudonym)" if message_type.startswith("xq.partner.youth.") else "replies-<agency>"


CE_HEADERS = {
    "type": "object",
    "description": "CloudEvents 1.0 attributes in Kafka binary mode (the record value is the JSON data)",
    "required": ["ce_specversion", "ce_id", "ce_source", "ce_type", "ce_subject", "ce_time", "content-type"],
    "properties": {
        "ce_specversion": {"type": "string", "const": "1.0"},
        "ce_id": {"type": "string", "description": "unique per message; a redelivered message keeps its id "
                                                   "(deduplicate on it)"},
        "ce_source": {"type": "string", "enum": ["/xinqing/partners", "/xinqing/stations"],
                      "description": "youth topics: the partners service; referrals and dead letters: stations"},
        "ce_type": {"type": "string"},
        "ce_subject": {"type": "string", "description": "the Kafka key: the agency's pseudonym of the person "
                                                         "(youth topics) or the case_ref (referrals)"},
        "ce_time": {"type": "string", "format": "date-time"},
        "ce_streamversion": {"type": "string", "description": "1, 2, 3… per subject on this topic"},
        "content-type": {"type": "string", "const": "application/json"},
    },
}


def asyncapi(agreements: list[Agreement], topic_prefix: str = "",
             terms: dict[str, referral_terms.ReferralTerms] | None = None) -> dict[str, Any]:
    messages = {}
    for t in sorted(PARTNER_TYPES):
        headers = "replyHeaders" if t in REPLY_TYPES else "cloudEventsHeaders"
        messages[_message_key(t)] = {
            "name": t, "title": t, "summary": schema(t)["description"], "contentType": "application/json",
            "headers": {"$ref": f"#/components/schemas/{headers}"},
            "payload": {"$ref": f"./schemas/{t}.json"},
            "bindings": {"kafka": {"key": {"type": "string", "description": _kafka_key(t)},
                                   "bindingVersion": "0.5.0"}},
        }
    channels, operations = {}, {}
    for a in sorted(agreements, key=lambda a: a.agency):
        cid = f"partner_{a.agency.lower()}_{a.domain}"
        types = [*a.events, *ENDINGS]
        granted = "; ".join(f"{t}: {', '.join(sorted(fields))}" for t, fields in a.events.items())
        channels[cid] = {
            "address": topic_prefix + a.topic(),
            "title": f"{a.name} ({a.agency})",
            "description": f"Purpose: {a.purpose}. Only people whose consent includes {a.consent_purpose}. "
                           f"Fields granted — {granted}. Compacted by subject: re-reading from the beginning "
                           "gives each subject's latest state (or its withdrawal/erasure).",
            "servers": [{"$ref": "#/servers/partners"}],
            "messages": {_message_key(t): {"$ref": f"#/components/messages/{_message_key(t)}"} for t in types},
            "bindings": {"kafka": {"topic": topic_prefix + a.topic(), "partitions": 3, "bindingVersion": "0.5.0",
                                   "topicConfiguration": {"cleanup.policy": ["compact"], "retention.ms": -1}}},
        }
        operations[f"{cid}_receive"] = {
            "action": "receive", "title": f"{a.name} reads its topic",
            "channel": {"$ref": f"#/channels/{cid}"},
            "security": [{"$ref": "#/components/securitySchemes/scram"}],
            "messages": [{"$ref": f"#/channels/{cid}/messages/{_message_key(t)}"} for t in types],
        }
    referral_channels, referral_operations = asyncapi_referrals.channels(
        referral_terms.load() if terms is None else terms, _message_key, topic_prefix)
    channels.update(referral_channels)
    operations.update(referral_operations)
    channels["registry_youth"] = {
        "address": topic_prefix + YOUTH.name,
        "title": "registry: youth (internal)",
        "description": "Internal topic of the registry (key = stream id youth-<uuid>, CloudEvents binary mode, "
                       "public payloads only; kept forever). Read by the gateway, the services and the partner "
                       "publisher; never by agencies. Its event contract is in docs/PARTNERS.md.",
        "servers": [{"$ref": "#/servers/internal"}],
        "messages": {"registry_event": {"$ref": "#/components/messages/registry_event"}},
        "bindings": {"kafka": {"topic": topic_prefix + YOUTH.name, "bindingVersion": "0.5.0",
                               "topicConfiguration": {"cleanup.policy": ["delete"], "retention.ms": -1}}},
    }
    operations["partner_publisher_receive_registry"] = {
        "action": "receive", "title": "the partner publisher reads the registry's events",
        "channel": {"$ref": "#/channels/registry_youth"},
        "messages": [{"$ref": "#/channels/registry_youth/messages/registry_event"}],
    }
    messages["registry_event"] = {
        "name": f"{YOUTH.name}.*.v1", "contentType": "application/json",
        "headers": {"$ref": "#/components/schemas/cloudEventsHeaders"},
        "summary": "registered, profile-updated, consent-given, consent-withdrawn, deactivated, reactivated, merged, "
                   "erased, league-age-ended, account-linked",
        "payload": {"type": "object", "required": ["youth_id"],
                    "properties": {"youth_id": {"type": "string", "description": "internal pseudonymous id; "
                                                                                 "never on a partner topic"}}},
    }
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "xinqing events", "version": "1.0.0",
                 "description": "Every Kafka topic of xinqing: the partner topics partner.<agency>.<domain> (what "
                                "each agency may read, and partner.<agency>.replies, the one it may write, per "
                                "its data-sharing agreement in "
                                "deploy/contracts/agreements/) and the internal topics they are derived from. "
                                "Generated by `python -m services.partners.asyncapi`; see docs/PARTNERS.md."},
        "defaultContentType": "application/json",
        "servers": {
            "partners": {"host": f"kafka.example:{SASL_PORT_EXAMPLE}", "protocol": "kafka",
                         "description": "listener for agencies: SASL_PLAINTEXT (SASL_SSL in production), "
                                        "SCRAM-SHA-512, one user per agency, ACLs allow reading its own topics "
                                        "and writing its replies topic only",
                         "security": [{"$ref": "#/components/securitySchemes/scram"}]},
            "internal": {"host": "kafka.example:9092", "protocol": "kafka",
                         "description": "internal listener of the services (not reachable by agencies)"},
        },
        "channels": channels,
        "operations": operations,
        "components": {
            "messages": messages,
            "schemas": {"cloudEventsHeaders": CE_HEADERS, "replyHeaders": asyncapi_referrals.REPLY_HEADERS},
            "securitySchemes": {"scram": {"type": "scramSha512",
                                          "description": f"user agency-<agency>, e.g. agency-hrss; "
                                                         f"agencies: {', '.join(sorted(AGENCIES))}"}},
        },
    }


def render(agreements: list[Agreement]) -> str:
    header = "# Generated by `python -m services.partners.asyncapi > deploy/contracts/asyncapi.yaml`; do not edit.\n"
    return header + yaml.safe_dump(asyncapi(agreements), allow_unicode=True, sort_keys=False, width=110)


if __name__ == "__main__":
    from .agreements import load

    sys.stdout.write(render(load()))
