"""Waiting for a fresh broker, so that nobody logs its start-up as errors.

Right after a topic is created, or on a broker's first start, Kafka answers for a while with errors
that clients retry: "topic not found", NotLeaderForPartition (the metadata names a leader a moment
before that leader serves the partition: it is still creating the log), GroupCoordinatorNotAvailable
(the offsets topic is created on the first lookup and loaded after). The producer and the consumer
log each retry as a warning or an error; these waits ask the same questions in silence first. They
are bounded: past the timeout the clients' own retries take over, and what they log is then news.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError, KafkaTimeoutError

from .kafka_login import KafkaLogin

log = logging.getLogger(__name__)

T = TypeVar("T")
NO_GROUP_YET = 69  # GROUP_ID_NOT_FOUND: the coordinator answers; the group has not joined yet


async def wait_for_topics(login: KafkaLogin, topics: list[str], *, timeout: float = 30) -> None:
    """Until every partition of `topics` has a leader that serves it."""
    if not topics:
        return  # (a metadata request for no topics would be answered with all of them)
    admin = AIOKafkaAdminClient(**login.options(), request_timeout_ms=10000)
    await admin.start()
    try:
        partitions = await _until(lambda: _led(admin, topics), timeout, "topics without a leader", topics)
    finally:
        await admin.close()
    if not partitions:
        return
    # The end offset is asked of the same leader a write goes to; the consumer retries
    # NotLeaderForPartition in silence, up to its request timeout.
    probe = AIOKafkaConsumer(**login.options(), request_timeout_ms=int(timeout * 1000),
                             enable_auto_commit=False)
    await probe.start()
    try:
        await probe.end_offsets(partitions)
    except KafkaTimeoutError:
        _late("partitions not served", topics, timeout)
    finally:
        await probe.stop()


async def wait_for_group_coordinator(login: KafkaLogin, group: str, *, timeout: float = 60) -> None:
    """Until the group's coordinator answers for the group."""
    admin = AIOKafkaAdminClient(**login.options(), request_timeout_ms=10000)
    await admin.start()
    try:
        await _until(lambda: _coordinates(admin, group), timeout, "no group coordinator", group)
    finally:
        await admin.close()


async def _until(ready: Callable[[], Awaitable[T]], timeout: float, what: str, subject: object) -> T | None:
    deadline = time.monotonic() + timeout
    while not (found := await ready()):
        if time.monotonic() > deadline:
            _late(what, subject, timeout)
            return None
        await asyncio.sleep(0.1)
    return found


def _late(what: str, subject: object, timeout: float) -> None:
    log.warning("Kafka not ready in time; carrying on", extra={"waiting_for": what, "subject": subject,
                                                               "seconds": timeout})


async def _led(admin: AIOKafkaAdminClient, topics: list[str]) -> list[TopicPartition]:
    """Every partition of `topics` once each has a leader in the metadata; [] before."""
    described = await admin.describe_topics(topics)
    if len(described) != len(topics):
        return []
    found = []
    for t in described:
        if t["error_code"] != 0 or not t["partitions"]:
            return []
        for p in t["partitions"]:
            if p["error_code"] != 0 or p["leader"] < 0:
                return []
            found.append(TopicPartition(t["topic"], p["partition"]))
    return found


async def _coordinates(admin: AIOKafkaAdminClient, group: str) -> bool:
    try:
        node = await admin.find_coordinator(group)
        [response] = await admin.describe_consumer_groups([group], group_coordinator_id=node)
    except KafkaError as exc:
        if not exc.retriable:
            raise
        return False
    return response.to_object()["groups"][0]["error_code"] in (0, NO_GROUP_YET)
