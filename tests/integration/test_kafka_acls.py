"""Least privilege on the real broker: every client logs in, and each principal does only what contracts/
grants it (xinqing/kafka_acls.py). Issue 15, "Kafka: a principal per service"."""
from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import (
    GroupAuthorizationFailedError,
    KafkaConnectionError,
    TopicAuthorizationFailedError,
)

from chassis.envelope import Envelope
from chassis.kafka import TopicSpec, ensure_topics
from chassis.kafka_login import KafkaLogin, admin_login, login_as, service_login
from contracts.registry import YOUTH, YouthEvents, share_with
from tests.support import raw_records

OTHERS = ("branches", "stations", "partners", "gateway")


@pytest.fixture(scope="module", autouse=True)
def secured(infra):
    if not infra.settings.kafka_sasl:
        # Never a silent skip: a session on a broker without authentication cannot prove the ACLs.
        pytest.fail("the broker takes anonymous clients (testcontainers' image): run with the launcher's broker")


@pytest.fixture(scope="module")
async def topics(settings):
    """The registry's topic and one more of the registry's that nobody is declared to read."""
    names = {"youth": settings.topic(YOUTH.name), "unread": settings.topic("xq.registry.unread")}
    await ensure_topics(admin_login(settings), [TopicSpec(n, 1) for n in names.values()])
    return names


def forged_consent() -> Envelope:
    youth = str(uuid.uuid4())
    return Envelope(id=uuid.uuid4(), type=YouthEvents.CONSENT_GIVEN, source="/xinqing/registry",
                    subject=f"youth-{youth}", stream_version=2, time=datetime.now(UTC),
                    data={"youth_id": youth, "purpose": share_with("JUSTICE")})


async def send(login: KafkaLogin, topic: str, event: Envelope) -> None:
    producer = AIOKafkaProducer(**login.options(), request_timeout_ms=10000)
    await producer.start()
    try:
        await producer.send_and_wait(topic, event.kafka_value(), key=event.subject.encode(),
                                     headers=event.kafka_headers())
    finally:
        await producer.stop()


async def first_fetch(login: KafkaLogin, topic: str, group: str | None) -> None:
    consumer = AIOKafkaConsumer(topic, **login.options(), group_id=group, auto_offset_reset="earliest",
                                enable_auto_commit=False, request_timeout_ms=10000)
    try:
        await consumer.start()
        await asyncio.wait_for(consumer.getmany(timeout_ms=2000), 20)
    finally:
        await consumer.stop()


@pytest.mark.parametrize("listener", ["clients", "controller"])
async def test_a_client_without_credentials_is_refused(settings, listener):
    bootstrap = (settings.kafka_bootstrap if listener == "clients"
                 else f"{settings.kafka_bootstrap.rpartition(':')[0]}:{settings.kafka_controller_port}")
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    with pytest.raises(KafkaConnectionError):
        try:
            await admin.start()
            await admin.list_topics()
        finally:
            await admin.close()


async def test_a_wrong_password_is_refused(settings):
    wrong = login_as(settings, "svc-registry", "not-the-password")
    admin = AIOKafkaAdminClient(**wrong.options(), request_timeout_ms=5000)
    with pytest.raises(Exception, match="(?i)authenticat|bootstrap"):
        try:
            await admin.start()
        finally:
            await admin.close()


async def test_the_gateway_cannot_write_the_registry_topic(settings, topics):
    with pytest.raises(TopicAuthorizationFailedError):
        await send(service_login(settings, "gateway"), topics["youth"], forged_consent())


async def test_a_forged_consent_is_written_by_no_principal_but_the_registry(settings, topics):
    for who in [service_login(settings, s) for s in OTHERS] + [login_as(settings, "agency-justice")]:
        with pytest.raises(TopicAuthorizationFailedError):
            await send(who, topics["youth"], forged_consent())
    genuine = forged_consent()
    await send(service_login(settings, "registry"), topics["youth"], genuine)
    records = await raw_records(settings, topics["youth"], expect=10**9, timeout=5)
    assert [r.key for r in records] == [genuine.subject.encode()]


async def test_branches_reads_the_registry_topic_it_consumes_and_no_other(settings, topics):
    branches = service_login(settings, "branches")
    await first_fetch(branches, topics["youth"], settings.group(f"branches.probe-{uuid.uuid4().hex[:6]}"))
    with pytest.raises(TopicAuthorizationFailedError):
        await first_fetch(branches, topics["unread"], settings.group("branches.probe"))
    with pytest.raises(TopicAuthorizationFailedError):
        await first_fetch(branches, settings.topic("xq.stations.case"), settings.group("branches.probe"))


async def test_a_service_consumes_only_in_its_own_groups(settings, topics):
    with pytest.raises(GroupAuthorizationFailedError):
        await first_fetch(service_login(settings, "branches"), topics["youth"], settings.group("gateway.youth"))
