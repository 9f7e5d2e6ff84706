"""PostgreSQL + Kafka for a run: started here, or found running.

One interface for `xinqing up` and the test session: `LocalInfra` starts both from the machine's
binaries and the Maven jars; `tests/conftest.py` uses testcontainers instead when a Docker engine
answers, and nothing at all when the settings point at servers already running.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

from chassis.kafka_login import admin_login
from chassis.settings import Settings
from xinqing.kafka_acls import acls, grant

from . import kafka_access
from .kafka import KafkaBroker
from .ports import require_free
from .postgres import PostgresServer
from .processes import LineSink, ManagedProcess


@dataclass
class LocalInfra:
    settings: Settings
    data_dir: Path
    durable: bool = True
    processes: list[ManagedProcess] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.postgres = PostgresServer(self.settings, self.data_dir / "pg", durable=self.durable)
        # sasl_port: also the agencies' listener (docs/PARTNERS.md)
        self.kafka = KafkaBroker(self.settings, self.data_dir / "kafka", sasl_port=self.settings.kafka_sasl_port,
                                 credentials=kafka_access.dev_credentials(self.settings))

    def check_ports(self) -> None:
        s = self.settings
        require_free(s.pg_host, s.pg_port, "PostgreSQL", "XQ_PG_PORT")
        require_free(self.kafka.host, self.kafka.port, "Kafka", "XQ_KAFKA_BOOTSTRAP")
        require_free(self.kafka.host, s.kafka_controller_port, "Kafka controller", "XQ_KAFKA_CONTROLLER_PORT")
        if s.kafka_sasl_port:
            require_free(self.kafka.host, s.kafka_sasl_port, "Kafka agencies' listener", "XQ_KAFKA_SASL_PORT")

    def start(self, sink: LineSink) -> None:
        self.check_ports()
        self.postgres.prepare()
        self.kafka.prepare()  # resolves jars first: a missing Java or network fails before anything runs
        # Listed before started: whenever a stop signal comes, `stop` finds every child that runs.
        pg = self.postgres.process()
        self.processes.append(pg)
        pg.start(sink)
        kafka = self.kafka.process()
        self.processes.append(kafka)
        kafka.start(sink)
        self.postgres.wait_ready(pg)
        self.kafka.wait_ready(kafka)
        # A log directory formatted before a user existed gets it now, without a reset.
        added = kafka_access.ensure_users(self.settings, self.kafka.java, self.kafka.libs, self.kafka.credentials)
        if added:
            sink("kafka", f"added the Kafka users this log directory lacked: {', '.join(added)}")
        asyncio.run(grant(admin_login(self.settings), acls(self.settings)))

    def stop(self) -> None:
        for proc in reversed(self.processes):
            proc.stop()
        self.processes.clear()

    @property
    def pg_process(self) -> ManagedProcess:
        return next(p for p in self.processes if p.name == "postgres")

    @property
    def kafka_process(self) -> ManagedProcess:
        return next(p for p in self.processes if p.name == "kafka")

    def restart(self, name: str, sink: LineSink) -> None:
        """Start a stopped or killed PostgreSQL or Kafka again (fault-injection tests)."""
        old = next(p for p in self.processes if p.name == name)
        server = self.postgres if name == "postgres" else self.kafka
        new = server.process()
        self.processes[self.processes.index(old)] = new
        new.start(sink)
        server.wait_ready(new)
