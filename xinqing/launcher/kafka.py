"""A single-node Apache Kafka 4.x broker (KRaft) from its Maven Central jars.

The jars are resolved once with Maven into a cache outside the repo and reused. See
docs/OPERATIONS.md ("Kafka without Docker") for what differs from the release tarball.
"""
from __future__ import annotations

import base64
import re
import shutil
import subprocess
import uuid
from pathlib import Path

from chassis.settings import PROJECT_ROOT, Settings

from .errors import LaunchError
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
    mvn = shutil.which("mvn")
    if not mvn:
        raise LaunchError("Maven (mvn) is needed once to fetch the Kafka jars: `apt-get install maven`, "
                          "or set XQ_KAFKA_LIBS to a directory that holds them.")
    libs.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [mvn, "-B", "-q", "-f", str(POM), f"-Dkafka.version={settings.kafka_version}",
         "org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies",
         "-DincludeScope=runtime", f"-DoutputDirectory={libs}"],
        capture_output=True, text=True,
    )
    if done.returncode != 0:
        output = done.stdout + done.stderr
        offline = re.search(r"resolve|transfer|Unknown host|connect", output, re.IGNORECASE)
        reason = "no network to Maven Central?" if offline else " ".join(output.strip().splitlines()[-1:])
        raise LaunchError(f"Could not fetch the Kafka {settings.kafka_version} jars with Maven ({reason}): "
                          "check the network or set XQ_KAFKA_LIBS to a directory that holds them.")
    (libs / ".complete").touch()
    return libs


def new_cluster_id() -> str:
    while True:
        cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cid.startswith("-"):
            return cid


class KafkaBroker:
    def __init__(self, settings: Settings, data_dir: Path, *, extra_properties: dict[str, str] | None = None,
                 sasl_port: int | None = None, scram_users: dict[str, str] | None = None):
        self.settings = settings
        self.data_dir = data_dir
        self.extra = extra_properties or {}
        host, _, port = settings.kafka_bootstrap.partition(":")
        self.host, self.port = host, int(port)
        # The agencies' listener (SASL/SCRAM-SHA-512 + ACLs); its users are created at format time.
        self.sasl_port = sasl_port
        self.scram_users = scram_users or {}

    def properties(self) -> dict[str, str]:
        h, p, c = self.host, self.port, self.settings.kafka_controller_port
        return {
            "process.roles": "broker,controller",
            "node.id": "1",
            # Static voters: the controller port may change between runs without re-formatting.
            "controller.quorum.voters": f"1@{h}:{c}",
            "listeners": f"PLAINTEXT://{h}:{p},CONTROLLER://{h}:{c}",
            "advertised.listeners": f"PLAINTEXT://{h}:{p}",
            "inter.broker.listener.name": "PLAINTEXT",
            "controller.listener.names": "CONTROLLER",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
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
            **(self.secured_properties() if self.sasl_port else {}),
            **self.extra,
        }

    def secured_properties(self) -> dict[str, str]:
        """A PARTNERS listener where each agency logs in with SCRAM-SHA-512 and ACLs decide what it reads.
        The internal PLAINTEXT and CONTROLLER listeners stay on loopback and are trusted: their principal
        (ANONYMOUS) is a super user, so the services need no ACLs here (production: a principal per service)."""
        h, p, c, s = self.host, self.port, self.settings.kafka_controller_port, self.sasl_port
        return {
            "listeners": f"PLAINTEXT://{h}:{p},CONTROLLER://{h}:{c},PARTNERS://{h}:{s}",
            "advertised.listeners": f"PLAINTEXT://{h}:{p},PARTNERS://{h}:{s}",
            "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,PARTNERS:SASL_PLAINTEXT",
            "sasl.enabled.mechanisms": "SCRAM-SHA-512",
            "listener.name.partners.sasl.enabled.mechanisms": "SCRAM-SHA-512",
            "listener.name.partners.scram-sha-512.sasl.jaas.config":
                "org.apache.kafka.common.security.scram.ScramLoginModule required;",
            "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
            "allow.everyone.if.no.acl.found": "false",
            "super.users": "User:ANONYMOUS",
        }

    def prepare(self) -> None:
        self.java = require_java()
        self.libs = resolve_jars(self.settings)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.config = self.data_dir / "server.properties"
        self.config.write_text("".join(f"{k}={v}\n" for k, v in self.properties().items()))
        if not (self.data_dir / "log" / "meta.properties").exists():
            with STOP_SIGNALS.deferred():  # a stop signal waits: a half-formatted log would never start
                done = subprocess.run(
                    [self.java, "-cp", f"{self.libs}/*", "kafka.tools.StorageTool", "format",
                     "-t", new_cluster_id(), "-c", str(self.config),
                     *(a for user, password in self.scram_users.items()
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
            admin = AIOKafkaAdminClient(bootstrap_servers=self.settings.kafka_bootstrap, request_timeout_ms=3000)
            try:
                await admin.start()
                await admin.list_topics()
                return True
            except Exception:
                return False
            finally:
                await admin.close()

        return asyncio.run(ping())
