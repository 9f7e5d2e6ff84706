"""A single-node Apache Kafka 4.x broker (KRaft) from its Maven Central jars.

The jars are resolved once with Maven into a cache outside the repo and reused. See
docs/OPERATIONS.md ("Kafka without Docker") for what differs from the release tarball.
"""
from __future__ import annotations

import base64
import logging
import re
import shutil
import subprocess
import uuid
from pathlib import Path

from chassis.kafka_login import ADMIN
from chassis.settings import PROJECT_ROOT, Settings

from .errors import LaunchError
from .kafka_access import BROKER, broker_login
from .maven import copy_dependencies
from .ports import accepts
from .processes import ManagedProcess, wait_until
from .stopping import STOP_SIGNALS

POM = PROJECT_ROOT / "deploy" / "kafka" / "pom.xml"
LOG4J = PROJECT_ROOT / "deploy" / "kafka" / "log4j2.xml"


def require_java() -> str:
    java = shutil.which("java")
    if not java:
        raise LaunchError("Java was not found: Kafka needs Java 17 or newer (`apt-get install openjdk-17-jre-headless`).")
    out = subprocess.run([java, "-version"], capture_output=True, text=True).stderr
    m = re.search(r'version "(\d+)', out)
    if m and int(m.group(1)) < 17:
        raise LaunchError(f"Java {m.group(1)} was found but Kafka needs Java 17 or newer: install openjdk-17-jre-headless.")
    return java


def resolve_jars(settings: Settings) -> Path:
    if settings.kafka_libs:
        if not any(Path(settings.kafka_libs).glob("kafka_2.13-*.jar")):
            raise LaunchError(f"XQ_KAFKA_LIBS={settings.kafka_libs} holds no kafka_2.13 jar: "
                              "point it at the Kafka libs directory.")
        return Path(settings.kafka_libs)
    libs = settings.cache_dir / f"kafka-{settings.kafka_version}" / "libs"
    if (libs / ".complete").exists():
        return libs
    failed = copy_dependencies(POM, ("kafka.version", settings.kafka_version), libs, missing_mvn=(
        "Maven (mvn) is needed once to fetch the Kafka jars: `apt-get install maven`, "
        "or set XQ_KAFKA_LIBS to a directory that holds them."))
    if failed:
        raise LaunchError(f"Could not fetch the Kafka {settings.kafka_version} jars with Maven ({failed}): "
                          "check the network or set XQ_KAFKA_LIBS to a directory that holds them.")
    (libs / ".complete").touch()
    return libs


def new_cluster_id() -> str:
    while True:
        cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cid.startswith("-"):
            return cid


PLAIN = "org.apache.kafka.common.security.plain.PlainLoginModule required"
SCRAM = "org.apache.kafka.common.security.scram.ScramLoginModule required;"


class KafkaBroker:
    """Every listener authenticates (docs/RUNBOOK.md, "Kafka principals"): CLIENTS (the services, the
    launcher, the tools) and PARTNERS (the agencies, optional) with SCRAM-SHA-512; CONTROLLER, and the broker's
    own link, with the static `broker` principal over PLAIN. No listener takes an anonymous client."""

    def __init__(self, settings: Settings, data_dir: Path, *, credentials: dict[str, str],
                 extra_properties: dict[str, str] | None = None, sasl_port: int | None = None):
        self.settings = settings
        self.data_dir = data_dir
        self.extra = extra_properties or {}
        host, _, port = settings.kafka_bootstrap.partition(":")
        self.host, self.port = host, int(port)
        self.sasl_port = sasl_port  # the agencies' listener
        self.credentials = credentials  # user -> password: BROKER's and the SCRAM users' (kafka_access)

    def properties(self) -> dict[str, str]:
        h, p, c, s = self.host, self.port, self.settings.kafka_controller_port, self.sasl_port
        partners = f",PARTNERS://{h}:{s}" if s else ""
        broker = self.credentials[BROKER]
        # The broker logs in as `broker` (username/password) and accepts only `broker` (user_broker) over PLAIN.
        plain = f'{PLAIN} username="{BROKER}" password="{broker}" user_{BROKER}="{broker}";'
        return {
            "process.roles": "broker,controller",
            "node.id": "1",
            # Static voters: the controller port may change between runs without re-formatting.
            "controller.quorum.voters": f"1@{h}:{c}",
            "listeners": f"CLIENTS://{h}:{p},CONTROLLER://{h}:{c}{partners}",
            "advertised.listeners": f"CLIENTS://{h}:{p}{partners}",
            "inter.broker.listener.name": "CLIENTS",
            "controller.listener.names": "CONTROLLER",
            "listener.security.protocol.map": "CONTROLLER:SASL_PLAINTEXT,CLIENTS:SASL_PLAINTEXT,"
                                              "PARTNERS:SASL_PLAINTEXT",
            "sasl.enabled.mechanisms": "SCRAM-SHA-512",
            "sasl.mechanism.controller.protocol": "PLAIN",
            "sasl.mechanism.inter.broker.protocol": "PLAIN",
            "listener.name.controller.sasl.enabled.mechanisms": "PLAIN",
            "listener.name.controller.plain.sasl.jaas.config": plain,
            "listener.name.clients.sasl.enabled.mechanisms": "SCRAM-SHA-512,PLAIN",
            "listener.name.clients.scram-sha-512.sasl.jaas.config": SCRAM,
            "listener.name.clients.plain.sasl.jaas.config": plain,
            "listener.name.partners.sasl.enabled.mechanisms": "SCRAM-SHA-512",
            "listener.name.partners.scram-sha-512.sasl.jaas.config": SCRAM,
            "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
            "allow.everyone.if.no.acl.found": "false",
            # `admin` sets up topics and ACLs; the services get only what xinqing/kafka_acls.py derives.
            "super.users": f"User:{BROKER};User:{ADMIN}",
            "log.dirs": str(self.data_dir / "log"),
            "num.partitions": str(self.settings.kafka_partitions),
            "offsets.topic.replication.factor": "1",
            "offsets.topic.num.partitions": "10",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "group.initial.rebalance.delay.ms": "0",
            "auto.create.topics.enable": "false",  # topics are declared by their owners (chassis.topics)
            **self.extra,
        }

    def prepare(self) -> None:
        self.java = require_java()
        self.libs = resolve_jars(self.settings)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.config = self.data_dir / "server.properties"
        self.config.touch(mode=0o600)
        self.config.chmod(0o600)  # it holds the broker principal's password
        self.config.write_text("".join(f"{k}={v}\n" for k, v in self.properties().items()))
        if not (self.data_dir / "log" / "meta.properties").exists():
            with STOP_SIGNALS.deferred():  # a stop signal waits: a half-formatted log would never start
                done = subprocess.run(
                    [self.java, "-cp", f"{self.libs}/*", "kafka.tools.StorageTool", "format",
                     "-t", new_cluster_id(), "-c", str(self.config),
                     *(a for user, password in self.credentials.items() if user != BROKER
                       for a in ("--add-scram", f"SCRAM-SHA-512=[name={user},password={password}]"))],
                    capture_output=True, text=True, env={"KAFKA_LOG4J_OPTS": ""},
                )
            if done.returncode != 0:
                raise LaunchError(f"Formatting the Kafka log directory failed: {done.stderr.strip()[-300:]}")

    def process(self) -> ManagedProcess:
        h = self.settings.kafka_heap
        argv = [
            self.java, f"-Xms{h}", f"-Xmx{h}", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
            "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent",
            "-XX:TieredStopAtLevel=1" if self.settings.environment == "test" else "-XX:+UseStringDeduplication",
            "-Djava.awt.headless=true", f"-Dkafka.logs.dir={self.data_dir}",
            f"-Dlog4j2.configurationFile={LOG4J}",
            "-cp", f"{self.libs}/*", "kafka.Kafka", str(self.config),
        ]
        return ManagedProcess("kafka", argv, stop_timeout=30)

    def wait_ready(self, proc: ManagedProcess, timeout: float = 90) -> None:
        wait_until(lambda: accepts(self.host, self.port) and self._answers(), timeout, "Kafka", proc)

    def _answers(self) -> bool:
        import asyncio

        from aiokafka.admin import AIOKafkaAdminClient

        async def ping() -> bool:
            # As `broker`: `admin` may not exist yet (xinqing/launcher/kafka_access.py); aiokafka warns
            # of every PLAIN login, and this one is on loopback to the broker's own listener.
            logging.getLogger("aiokafka.conn").setLevel(logging.ERROR)
            login = broker_login(self.settings, self.credentials[BROKER])
            admin = AIOKafkaAdminClient(**login.options(), request_timeout_ms=3000)
            try:
                await admin.start()
                await admin.list_topics()
                return True
            except Exception:
                return False
            finally:
                await admin.close()
                logging.getLogger("aiokafka.conn").setLevel(logging.NOTSET)

        return asyncio.run(ping())
