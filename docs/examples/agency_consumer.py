"""How an agency reads its partner topic: aiokafka over SASL/SCRAM-SHA-512, CloudEvents Python SDK.

    pip install aiokafka cloudevents
    python agency_consumer.py --bootstrap kafka.example:9094 --user agency-hrss --password "$PASSWORD" \
        --topic partner.hrss.youth --from-beginning --until-end

Prints one JSON line per message: {"type", "subject", "id", "data"}. A real consumer keeps its offset in
a consumer group named `partner.<agency>.<anything>` (its ACLs allow those) and deduplicates on `id`.
"""
from __future__ import annotations

import argparse
import asyncio
import json

from aiokafka import AIOKafkaConsumer
from cloudevents.core.bindings.kafka import KafkaMessage, from_binary_event


async def main(args: argparse.Namespace) -> None:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=args.bootstrap, group_id=args.group, enable_auto_commit=args.group is not None,
        auto_offset_reset="earliest" if args.from_beginning else "latest",
        security_protocol="SASL_PLAINTEXT",  # SASL_SSL (with ssl_context=...) in production
        sasl_mechanism="SCRAM-SHA-512", sasl_plain_username=args.user, sasl_plain_password=args.password)
    await consumer.start()
    try:
        consumer.subscribe([args.topic])  # without a group: every partition; with one: its share
        ends = None
        while True:
            for records in (await consumer.getmany(timeout_ms=1000)).values():
                for r in records:
                    event = from_binary_event(KafkaMessage(headers=dict(r.headers), key=r.key, value=r.value))
                    print(json.dumps({"type": event.get_type(), "subject": event.get_subject(),
                                      "id": event.get_id(), "data": event.get_data()}, ensure_ascii=False),
                          flush=True)
            if args.until_end and consumer.assignment():
                ends = ends or await consumer.end_offsets(list(consumer.assignment()))
                if all([await consumer.position(tp) >= end for tp, end in ends.items()]):
                    return
    finally:
        await consumer.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--group", help="consumer group (must start with partner.<agency>.)")
    parser.add_argument("--from-beginning", action="store_true")
    parser.add_argument("--until-end", action="store_true", help="stop at the end of the topic")
    asyncio.run(main(parser.parse_args()))
