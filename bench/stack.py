"""The system under test: PostgreSQL + Kafka from the project's launcher (durable: real fsync), on free
loopback ports in a directory of its own, and the services as processes when HTTP is measured."""
from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Coroutine, Iterable
from pathlib import Path
from typing import Any

import httpx

from chassis import db
from chassis.keys import ensure_dev_keys, jwt_private_key
from chassis.service_client import KEEPALIVE_SECONDS
from chassis.settings import Settings
from xinqing.launcher.infra import LocalInfra
from xinqing.launcher.ports import free_port
from xinqing.launcher.postgres import find_bin_dir
from xinqing.launcher.processes import ManagedProcess, wait_until
from xinqing.launcher.stack import APPS, app_process


def settings_env(settings: Settings) -> dict[str, str]:
    """The settings as XQ_* variables, so a child process sees exactly what the harness sees."""
    return {f"XQ_{name.upper()}": str(value) for name in Settings.model_fields
            if (value := getattr(settings, name)) is not None}


def kept_open(connections: int) -> httpx.Limits:
    """A load generator's connections: at most `connections`, all kept open between requests, never past
    the services' own keep-alive (chassis/service_client.py)."""
    return httpx.Limits(max_connections=connections, max_keepalive_connections=connections,
                        keepalive_expiry=KEEPALIVE_SECONDS)


class BenchStack:
    def __init__(self, *, keep: bool = False, log_path: Path | None = None, partitions: int = 6):
        self.data_dir = Path(tempfile.mkdtemp(prefix="xinqing-bench-"))
        self.data_dir.chmod(0o755)  # the PostgreSQL OS user must enter it when we are root
        self.keep = keep
        self.settings = Settings(
            environment="development", namespace="xq", data_dir=self.data_dir, pg_port=free_port(),
            kafka_bootstrap=f"127.0.0.1:{free_port()}", kafka_controller_port=free_port(),
            kafka_partitions=partitions, gateway_port=free_port(), registry_port=free_port(),
            branches_port=free_port(), stations_port=free_port(), log_level="WARNING")
        self.infra = LocalInfra(self.settings, self.data_dir, durable=True)
        self.apps: dict[str, ManagedProcess] = {}
        self.declared: set[str] = set()  # namespaces whose topics exist (declare_topics)
        self.log = open(log_path or self.data_dir / "bench.log", "a", buffering=1)

    def sink(self, name: str, line: str) -> None:
        self.log.write(f"{name} | {line}\n")

    @property
    def pg_bin(self) -> Path:
        return find_bin_dir(self.settings)

    def start_infra(self) -> None:
        ensure_dev_keys(self.settings.keys_dir)
        try:
            self.infra.start(self.sink)
        except Exception:
            self.infra.stop()
            raise

    def dsn(self, database: str) -> str:
        return self.settings.database_url(database)

    async def fresh_database(self, name: str, *migrations: Path) -> str:
        """Drop and create `name`, apply the chassis' (and the given) migrations; -> its DSN."""
        import asyncpg

        conn = await asyncpg.connect(self.dsn("postgres"))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        pool = await db.create_pool(self.dsn(name), max_size=1)
        try:
            await db.migrate(pool, *migrations)
        finally:
            await pool.close()
        return self.dsn(name)

    def start_apps(self, names: Iterable[str], settings: Settings | None = None, *, suffix: str = "",
                   together: bool = False) -> None:
        """Start the named apps as processes, each ready before the next starts; `settings` (e.g. another
        namespace: its own databases and topics) instead of the stack's own. `suffix`: a second replica of an
        app, listed as name + suffix (its CPU and memory measured apart), on the ports `settings` name.
        `together`: all started at once, then waited for — only where their topics exist already (a consumer
        subscribed to a topic not created yet sees it at its next metadata refresh, minutes later)."""
        settings = settings or self.settings
        self.declare_topics(settings)  # and their ACLs: another namespace's topics and groups
        env = settings_env(settings)
        waiting = []
        for app in APPS:
            key = app.name + suffix
            if app.name not in names or key in self.apps:
                continue
            proc = app_process(app, settings)
            proc.env.update(env)
            self.apps[key] = proc  # listed first: stop() finds it whatever happens next
            proc.start(lambda name, line, key=key: self.sink(key, line))
            waiting.append((f"http://{settings.host}:{getattr(settings, app.port_setting)}/health/ready", key, proc))
            if not together:
                wait_until(lambda url=waiting[-1][0]: _ready(url), 120, key, proc)
        for url, key, proc in waiting if together else ():
            wait_until(lambda url=url: _ready(url), 120, key, proc)

    def declare_topics(self, settings: Settings) -> None:
        """Every topic the services declare, in `settings`' namespace, and its principals' ACLs, before its first
        app starts (`xinqing topics --create`, in a process of its own: it builds every app to read their
        topics; the launcher granted only the stack's own namespace). A benchmark
        starts only the apps it measures, and a gateway whose consumers read topics that nobody created asks
        the broker for them every 100 ms per consumer (aiokafka's retry backoff), logging an error each time:
        about 260 a second with the registry and the gateway alone (session 13). A deployed stack has its
        topics: each service creates its own before the gateway starts."""
        if settings.namespace in self.declared:
            return
        done = subprocess.run([str(Path(sys.executable).parent / "xinqing"), "topics", "--create"],
                              env={**os.environ, **settings_env(settings)}, capture_output=True, text=True,
                              timeout=300)
        if done.returncode:
            raise RuntimeError(f"creating the topics of namespace {settings.namespace}: {done.stderr[-2000:]}")
        self.declared.add(settings.namespace)

    def token(self, role: str = "admin") -> str:
        from chassis.auth import SCOPED_ROLES, issue_token

        return issue_token(jwt_private_key(self.settings), self.settings, roles=[role], subject="bench",
                           city=role in SCOPED_ROLES)

    def client(self, app: str, *, connections: int | None = None,
               headers: dict[str, str] | None = None) -> httpx.AsyncClient:
        """An admin's client of the app's HTTP API; `connections`: at most that many, all kept open."""
        options: dict[str, Any] = {}
        if connections:
            options["limits"] = kept_open(connections)
        return httpx.AsyncClient(base_url=self.settings.service_url(app), timeout=60,
                                 headers={"authorization": f"Bearer {self.token()}", **(headers or {})}, **options)

    def split_gateway(self, settings: Settings | None = None) -> None:
        """The gateway as a projector (a port of its own, asked nothing, listed as "gateway projector") and a
        reader on the port the clients use (docs/ARCHITECTURE.md, "Reads and projections in two processes").
        The reader starts last, once the projector has joined the consumer groups."""
        settings = settings or self.settings
        if "gateway" in self.apps:
            self.apps.pop("gateway").stop()
        self.start_apps(["gateway"], settings.model_copy(update={"gateway_port": free_port()}), suffix=" projector")
        self.start_apps(["gateway"], settings.model_copy(update={"run_projections": False}))

    def join_gateway(self) -> None:
        """Back to one gateway process (projections and GraphQL together), as `make up` runs it."""
        for key in ("gateway", "gateway projector"):
            if key in self.apps:
                self.apps.pop(key).stop()
        self.start_apps(["gateway"])

    def stop(self) -> None:
        for proc in reversed(list(self.apps.values())):
            proc.stop()
        self.apps.clear()
        self.infra.stop()
        self.log.close()
        if not self.keep:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            shutil.rmtree(self.infra.postgres.data_dir, ignore_errors=True)


def on_fresh_stack(work: Callable[[BenchStack], Coroutine[Any, Any, None]], apps: Iterable[str] = ()) -> None:
    """`work` on a stack of its own (infrastructure, then `apps` as processes), stopped however it ends."""
    stack = BenchStack()
    try:
        stack.start_infra()
        stack.start_apps(apps)
        asyncio.run(work(stack))
    finally:
        stack.stop()


def _ready(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


async def wait_quiet(seconds: float = 1.0) -> None:
    """A pause between measurements, so one step's tail (checkpoints, relay) does not fall into the next."""
    await asyncio.sleep(seconds)
