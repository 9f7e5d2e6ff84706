"""The referral channels of the AsyncAPI document (asyncapi.py renders the whole): per agency whose agreement
has a referral section, `partner.<agency>.referrals` (stations → agency), `partner.<agency>.replies`
(agency → stations) and `partner.<agency>.replies.dead-letters` (stations → agency and operators)."""
from __future__ import annotations

from typing import Any

from chassis.referral_terms import ALWAYS, ReferralTerms
from contracts.agencies import AGENCIES
from contracts.partners import (
    DEAD_LETTER_TYPES,
    REFERRAL_TYPES,
    REPLY_TYPES,
    dead_letters_topic,
    referrals_topic,
    replies_topic,
)

REPLY_HEADERS = {
    "type": "object",
    "description": "CloudEvents 1.0 attributes in Kafka binary mode, as the agency writes them (the record value "
                   "is the JSON data); a reply without them goes to the dead letters",
    "required": ["ce_specversion", "ce_id", "ce_source", "ce_type"],
    "properties": {
        "ce_specversion": {"type": "string", "const": "1.0"},
        "ce_id": {"type": "string", "description": "unique per reply: a reply sent twice is applied once"},
        "ce_source": {"type": "string", "description": "the agency's system, e.g. /hrss/mediation"},
        "ce_type": {"type": "string", "enum": sorted(REPLY_TYPES)},
        "ce_subject": {"type": "string", "description": "the case_ref (also a good Kafka key)"},
        "ce_time": {"type": "string", "format": "date-time"},
        "content-type": {"type": "string", "const": "application/json"},
    },
}


def _kafka(address: str, policy: str) -> dict[str, Any]:
    return {"kafka": {"topic": address, "partitions": 3, "bindingVersion": "0.5.0",
                      "topicConfiguration": {"cleanup.policy": [policy], "retention.ms": -1}}}


def channels(terms: dict[str, ReferralTerms], key, topic_prefix: str = "") -> tuple[dict, dict]:
    """(channels, operations) for the agencies with referral terms; `key(type)` names a message."""
    chans: dict[str, Any] = {}
    ops: dict[str, Any] = {}
    for agency in sorted(terms):
        t, name, low = terms[agency], AGENCIES[agency], agency.lower()
        fields = ", ".join(sorted(ALWAYS | t.fields))
        for cid, address, types, policy, description, action, title in (
            (f"partner_{low}_referrals", referrals_topic(agency), REFERRAL_TYPES, "compact",
             f"Cases referred to {name}, each with the youth's consent to that referral; categories: "
             f"{', '.join(sorted(t.categories))}. Fields: {fields} (contact only with its own consent; summary "
             "unsealed at publish, absent after erasure). Key: case_ref. Compacted: after an erasure only "
             "its notice remains.", "receive", f"{name} reads the cases referred to it"),
            (f"partner_{low}_replies", replies_topic(agency), REPLY_TYPES, "delete",
             f"{name}'s answers about the cases referred to it. Only agency-{low} may write here (Kafka ACL); each "
             "reply is validated against its closed schema, found by case_ref among the cases referred to "
             f"{name}, and must come in order; otherwise it changes nothing and goes to the dead letters.",
             "send", f"{name} answers"),
            (f"partner_{low}_replies_dead_letters", dead_letters_topic(agency), DEAD_LETTER_TYPES, "delete",
             f"{name}'s replies that changed nothing, each with the reason (no value of the reply). Read by "
             f"agency-{low} and operators.", "receive", f"{name} reads why a reply was refused"),
        ):
            chans[cid] = {
                "address": topic_prefix + address, "title": f"{name} ({agency}): {address.split('.', 2)[2]}",
                "description": description, "servers": [{"$ref": "#/servers/partners"}],
                "messages": {key(m): {"$ref": f"#/components/messages/{key(m)}"} for m in sorted(types)},
                "bindings": _kafka(topic_prefix + address, policy),
            }
            ops[f"{cid}_{action}"] = {
                "action": action, "title": title, "channel": {"$ref": f"#/channels/{cid}"},
                "security": [{"$ref": "#/components/securitySchemes/scram"}],
                "messages": [{"$ref": f"#/channels/{cid}/messages/{key(m)}"} for m in sorted(types)],
            }
    return chans, ops
