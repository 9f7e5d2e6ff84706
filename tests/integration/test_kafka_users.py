"""A Kafka log directory formatted before the principals existed gets them at the next start, without a
reset (xinqing/launcher/kafka_access.py): the upgrade path of every developer's `.data/`."""
from __future__ import annotations

import asyncio

from chassis.kafka_login import admin_login, service_login
from xinqing.launcher import kafka_access
from xinqing.launcher.kafka import KafkaBroker
from xinqing.launcher.kafka_access import logs_in
from xinqing.launcher.ports import free_port


def started(broker: KafkaBroker, infra):
    broker.prepare()
    proc = broker.process()
    proc.start(lambda name, line: infra.sink("kafka-upgrade", line))
    broker.wait_ready(proc)
    return proc


def test_users_missing_from_an_existing_log_are_added_without_a_reset(settings, infra, tmp_path):
    s = settings.model_copy(update={"kafka_bootstrap": f"127.0.0.1:{free_port()}", "kafka_controller_port": free_port()})
    credentials = kafka_access.dev_credentials(s)
    # Formatted with no SCRAM user at all, as before this change (only the broker's own principal).
    proc = started(KafkaBroker(s, tmp_path, credentials={kafka_access.BROKER: credentials[kafka_access.BROKER]}),
                   infra)
    try:
        assert not asyncio.run(logs_in(admin_login(s)))
    finally:
        proc.stop()
    broker = KafkaBroker(s, tmp_path, credentials=credentials)
    proc = started(broker, infra)
    try:
        added = kafka_access.ensure_users(s, broker.java, broker.libs, credentials)
        assert set(added) == set(kafka_access.scram_users())
        assert asyncio.run(logs_in(admin_login(s))) and asyncio.run(logs_in(service_login(s, "registry")))
        assert kafka_access.ensure_users(s, broker.java, broker.libs, credentials) == []  # nothing twice
    finally:
        proc.stop()
