"""Test session infrastructure: a real PostgreSQL and a real Kafka broker.

Where they come from (one interface, `Infra`):
- XQ_TEST_EXTERNAL=1: the servers the XQ_* settings point at, already running (nothing started);
- a Docker engine answers: testcontainers (postgres:16, apache/kafka);
- otherwise: the project's launcher, from the machine's PostgreSQL binaries and Kafka's Maven jars,
  on free loopback ports in a temporary directory, stopped at the end of the session.
Each test module gets its own namespace (databases, consumer groups, topics), so modules never see
each other's data.
"""
from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

from chassis.keys import ensure_dev_keys
from chassis.settings import Settings
from tests.support import grant_acls
from xinqing.launcher.ports import free_port

LOG_DIR = Path(os.environ.get("XQ_TEST_LOG_DIR", Path(__file__).parent.parent / ".test-logs"))


class Infra:
    """What a test needs of the servers: their settings, and fault injection where supported."""

    def __init__(self, settings: Settings, local=None, containers=()):
        self.settings = settings
        self.local = local
        self.containers = containers
        self.log = open(LOG_DIR / "infra.log", "a", buffering=1)

    def sink(self, name: str, line: str) -> None:
        self.log.write(f"{name} | {line}\n")

    @property
    def can_inject_faults(self) -> bool:
        return self.local is not None

    async def kill(self, name: str) -> None:
        """SIGKILL PostgreSQL or Kafka: no shutdown hook runs."""
        proc = self.local.pg_process if name == "postgres" else self.local.kafka_process
        await asyncio.to_thread(proc.kill)

    async def start(self, name: str) -> None:
        """Start it again and wait until it answers (in a thread: the test's event loop keeps running)."""
        await asyncio.to_thread(self.local.restart, name, self.sink)

    def stop(self) -> None:
        if self.local:
            self.local.stop()
        for c in self.containers:
            c.stop()


def _docker_answers() -> bool:
    if not shutil.which("docker"):
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=10).returncode == 0
    except (subprocess.TimeoutExpired, OSError):
        return False


def _start_containers(data_dir: Path) -> Infra:
    from testcontainers.kafka import KafkaContainer
    from testcontainers.postgres import PostgresContainer

    pg = PostgresContainer("postgres:16", username="xinqing", password="xinqing", dbname="postgres").start()
    kafka = KafkaContainer("apache/kafka:4.1.1").with_kraft().start()
    settings = Settings(environment="test", data_dir=data_dir, pg_host=pg.get_container_host_ip(),
                        pg_port=int(pg.get_exposed_port(5432)), pg_password="xinqing",
                        kafka_bootstrap=kafka.get_bootstrap_server(),
                        kafka_sasl=False)  # the image's broker takes anyone: the ACL tests need the launcher's
    return Infra(settings, containers=(pg, kafka))


def _start_local(data_dir: Path) -> Infra:
    from xinqing.launcher.infra import LocalInfra

    settings = Settings(environment="test", data_dir=data_dir, pg_port=free_port(),
                        kafka_bootstrap=f"127.0.0.1:{free_port()}", kafka_controller_port=free_port(),
                        kafka_partitions=3)
    local = LocalInfra(settings, data_dir, durable=False)
    infra = Infra(settings, local=local)
    try:
        local.start(infra.sink)
    except Exception:
        local.stop()
        raise
    return infra


def pytest_configure(config):
    # SIGTERM (a cancelled CI job, `kill`) ends the session as Ctrl-C does, so pytest runs the teardowns: the
    # PostgreSQL and Kafka the session started (each in a process session of its own) do not outlive it.
    signal.signal(signal.SIGTERM, _interrupted)


def _interrupted(signum, frame):
    raise KeyboardInterrupt


@pytest.fixture(scope="session")
def infra():
    LOG_DIR.mkdir(exist_ok=True)
    data_dir = Path(tempfile.mkdtemp(prefix="xinqing-test-"))
    os.chmod(data_dir, 0o755)  # the PostgreSQL OS user must enter it
    ensure_dev_keys(data_dir / "keys")
    if os.environ.get("XQ_TEST_EXTERNAL") == "1":
        found = Infra(Settings(environment="test", data_dir=data_dir))
    elif _docker_answers():
        found = _start_containers(data_dir)
    else:
        found = _start_local(data_dir)
    yield found
    found.stop()
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def settings(infra, request) -> Settings:
    """Settings with a namespace of this module's own: its databases, consumer groups and topics."""
    name = Path(request.node.name).stem.removeprefix("test_").replace("-", "_")[:20]
    namespace = f"t{uuid.uuid4().hex[:6]}_{name}"
    found = infra.settings.model_copy(update={"namespace": namespace})
    if found.kafka_sasl:  # each principal's rights over this namespace's topics and groups (contracts/)
        grant_acls(found)
    return found



@pytest.fixture(scope="session")
def private_key(infra) -> bytes:
    return (infra.settings.keys_dir / "jwt-private.pem").read_bytes()


@pytest.fixture(scope="session")
def token(infra, private_key):
    from chassis.auth import SCOPED_ROLES, issue_token

    def make(role: str = "admin", district: str | None = None, *, city: bool | None = None, **kwargs) -> str:
        """A district role without a district is city-wide on purpose here (`scope: "city"`, issue 15):
        pass `city=False` for a token that forgot its district."""
        if city is None:
            city = district is None and role in SCOPED_ROLES
        return issue_token(private_key, infra.settings, roles=[role], district=district, city=city, **kwargs)

    return make


def pytest_report_header(config):
    return [f"python {sys.version.split()[0]}; infra: external if XQ_TEST_EXTERNAL=1, else testcontainers "
            "when a Docker engine answers, else the project's launcher"]
