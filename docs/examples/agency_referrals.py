"""How an agency takes the cases referred to it and answers: aiokafka over SASL/SCRAM-SHA-512, CloudEvents SDK.

    pip install aiokafka cloudevents
    # the referrals (one JSON line each: type, id, data with case_ref, category, summary …):
    python agency_referrals.py --bootstrap kafka.example:9094 --user agency-hrss --password "$PASSWORD" read
    # an answer about one case (accepted | declined --reason … | in-progress --stage MEDIATION |
    #   mediation-result --result SETTLED | aid-decision --result GRANTED | closed --outcome ADVICE_GIVEN):
    python agency_referrals.py … reply accepted --case-ref hrss-3f…
    # why a reply changed nothing (its dead letters):
    python agency_referrals.py … dead-letters

The agency reads `partner.<agency>.referrals` (compacted by case_ref: a `referral.erased` notice replaces a
referral whose person was erased — delete what you hold) and writes only `partner.<agency>.replies`; each
reply is a CloudEvent in Kafka binary mode whose data passes its JSON Schema (deploy/contracts/schemas/).
Use a fresh ce_id per reply (a reply sent again with the same id is applied once). The functions below are
importable (tests/integration/test_agency_loop.py runs them against a real broker).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import uuid
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from cloudevents.core.bindings.kafka import KafkaMessage, from_binary_event, to_binary_event
from cloudevents.core.v1.event import CloudEvent

REPLY = "xq.partner.reply.{}.v1"  # accepted, declined, in-progress, mediation-result, aid-decision, closed


def login(bootstrap: str, user: str, password: str) -> dict[str, Any]:
    return {"bootstrap_servers": bootstrap, "security_protocol": "SASL_PLAINTEXT",  # SASL_SSL in production
            "sasl_mechanism": "SCRAM-SHA-512", "sasl_plain_username": user, "sasl_plain_password": password}


def topic_of(user: str, kind: str, prefix: str = "") -> str:
    """agency-hrss → partner.hrss.<kind>"""
    return f"{prefix}partner.{user.removeprefix('agency-')}.{kind}"


async def read_all(connection: dict[str, Any], topic: str) -> list[dict[str, Any]]:
    """Every message of `topic` from the beginning to its current end, as {type, id, subject, data}. A real
    consumer uses a group named partner.<agency>.<anything> and deduplicates on id."""
    consumer = AIOKafkaConsumer(topic, enable_auto_commit=False, auto_offset_reset="earliest", **connection)
    await consumer.start()
    try:
        found: list[dict[str, Any]] = []
        while not consumer.assignment():
            await consumer.getmany(timeout_ms=200)
        ends = await consumer.end_offsets(list(consumer.assignment()))
        while any([await consumer.position(tp) < end for tp, end in ends.items()]):
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for r in records:
                    event = from_binary_event(KafkaMessage(headers=dict(r.headers), key=r.key, value=r.value))
                    found.append({"type": event.get_type(), "id": event.get_id(), "subject": event.get_subject(),
                                  "data": event.get_data()})
        return found
    finally:
        await consumer.stop()


async def send_reply(connection: dict[str, Any], topic: str, kind: str, case_ref: str, *,
                     source: str = "/agency/case-system", **fields: Any) -> str:
    """One reply about `case_ref`; its ce_id. Raises aiokafka's TopicAuthorizationFailedError on a topic the
    agency may not write."""
    event = CloudEvent({"id": str(uuid.uuid4()), "source": source, "type": REPLY.format(kind), "specversion": "1.0",
                        "subject": case_ref, "time": datetime.now(UTC), "datacontenttype": "application/json"},
                       {"case_ref": case_ref, **fields})
    message = to_binary_event(event)
    producer = AIOKafkaProducer(**connection)
    await producer.start()
    try:
        await producer.send_and_wait(topic, message.value, key=case_ref.encode(),
                                     headers=[(k, v) for k, v in message.headers.items()])
    finally:
        await producer.stop()
    return event.get_id()


async def main(args: argparse.Namespace) -> None:
    connection = login(args.bootstrap, args.user, args.password)
    if args.command == "reply":
        fields = {k: v for k, v in (("reason", args.reason), ("stage", args.stage), ("result", args.result),
                                    ("outcome", args.outcome)) if v}
        print(await send_reply(connection, topic_of(args.user, "replies"), args.kind, args.case_ref, **fields))
        return
    kind = "referrals" if args.command == "read" else "replies.dead-letters"
    for message in await read_all(connection, topic_of(args.user, kind)):
        print(json.dumps(message, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--user", required=True, help="agency-<agency>")
    parser.add_argument("--password", required=True)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("read", help="the referrals, from the beginning")
    commands.add_parser("dead-letters", help="the replies that changed nothing, and why")
    reply = commands.add_parser("reply", help="answer about one case")
    reply.add_argument("kind", choices=["accepted", "declined", "in-progress", "mediation-result", "aid-decision",
                                        "closed"])
    reply.add_argument("--case-ref", required=True)
    reply.add_argument("--reason")
    reply.add_argument("--stage", choices=["HANDLING", "MEDIATION", "AID_REVIEW"])
    reply.add_argument("--result", choices=["SETTLED", "NOT_SETTLED", "GRANTED", "REFUSED"])
    reply.add_argument("--outcome", choices=["SETTLED", "AID_GIVEN", "ADVICE_GIVEN", "WITHDRAWN", "UNREACHABLE"])
    asyncio.run(main(parser.parse_args()))
