"""Helpers for tests that run the real apps in-process (ASGI) against the real servers."""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer
from asgi_lifespan import LifespanManager

from chassis.envelope import Envelope, from_kafka
from chassis.kafka_login import admin_login

# The two districts the tests play in: a district-scoped token of the first, data of the second ("another district").
CHAOYANG, HAIDIAN = "110105", "110108"  # 朝阳区, 海淀区


@asynccontextmanager
async def running(app):
    """Start an app's lifespan (pool, migrations, relay, projections) and give an HTTP client to it."""
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=30) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test", timeout=30) as client:
            client.app = app  # the app itself (manager.app is a wrapper): tests reach app.state.runtime
            yield client


@asynccontextmanager
async def service_db(settings, service: str):
    """A connection to a service's own database, closed when the block ends."""
    conn = await asyncpg.connect(settings.database_url(settings.database(service)))
    try:
        yield conn
    finally:
        await conn.close()


async def keys_left(settings, subjects: list[str], service: str = "registry") -> int:
    """How many of `subjects` still have a data key in the service's key store (chassis/keystore.py)."""
    async with service_db(settings, f"{service}_keys") as conn:
        return int(await conn.fetchval("SELECT count(*) FROM person_keys WHERE subject = ANY($1::text[])", subjects))


def grant_acls(settings) -> None:
    """Each principal's ACLs over `settings`' namespace (xinqing/kafka_acls.py), from a synchronous fixture."""
    from xinqing.kafka_acls import grant_namespace

    grant_namespace(settings)


def librdkafka_env(directory: Path) -> dict[str, str]:
    """The environment kcat runs in to log in with SCRAM: Debian 12's kcat, with librdkafka ≥ 2.6.1 in front of
    Debian's 2.0.2, which sends a SCRAM client-final nonce that Kafka 4 rejects ("invalid credentials";
    confluentinc/librdkafka#4895). Debian 13's kcat links a fixed librdkafka; on Debian 12 an operator puts a
    newer one first on LD_LIBRARY_PATH, as here (the one the confluent-kafka wheel ships)."""
    import confluent_kafka

    found = sorted((Path(confluent_kafka.__file__).parent.parent / "confluent_kafka.libs").glob("librdkafka*.so*"))
    assert found, "confluent-kafka's wheel ships librdkafka"
    (directory / "librdkafka.so.1").symlink_to(found[0])
    return {"LD_LIBRARY_PATH": str(directory)}


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 30, interval: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if await check():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await asyncio.sleep(interval)


async def read_topic(settings, topic: str, *, expect: int, timeout: float = 30) -> list[Envelope]:
    """Every record on `topic` from the beginning, as envelopes (waits until at least `expect`); read as `admin`."""
    consumer = AIOKafkaConsumer(topic, **admin_login(settings).options(), group_id=None, auto_offset_reset="earliest",
                                enable_auto_commit=False)
    await consumer.start()
    found: list[Envelope] = []
    try:
        deadline = time.monotonic() + timeout
        while len(found) < expect and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                found += [from_kafka(r.key, r.value, r.headers) for r in records]
    finally:
        await consumer.stop()
    return found


async def raw_records(settings, topic: str, *, expect: int, timeout: float = 30) -> list:
    consumer = AIOKafkaConsumer(topic, **admin_login(settings).options(), group_id=None, auto_offset_reset="earliest",
                                enable_auto_commit=False)
    await consumer.start()
    found = []
    try:
        deadline = time.monotonic() + timeout
        while len(found) < expect and time.monotonic() < deadline:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                found += records
    finally:
        await consumer.stop()
    return found


@asynccontextmanager
async def served(app, host: str = "127.0.0.1"):
    """Serve an app over real HTTP and WebSocket (uvicorn) inside the test's event loop; yields its base URL.
    For what ASGI transports cannot carry: WebSocket subscriptions, request-size limits."""
    import uvicorn

    from xinqing.launcher.ports import free_port

    port = free_port(host)
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on"))
    task = asyncio.create_task(server.serve())
    try:
        await eventually(lambda: _started(server, task), timeout=60, interval=0.05)
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        await task


async def _started(server, task) -> bool:
    if task.done():
        task.result()  # raises why it stopped
        raise AssertionError("server stopped during start-up")
    return server.started


class CapturedLogs(logging.Handler):
    """Every log record, every attribute included, as text: what a scan for personal data reads."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(repr(record.__dict__) + record.getMessage())
