"""`xinqing up`: the whole stack in the foreground, with prefixed logs; Ctrl-C stops it cleanly.

Order: PostgreSQL and Kafka, then the services, then the gateway; each waits for the previous to be
healthy. Stopping goes the other way, from any moment: SIGINT or SIGTERM during start-up, the demo
data or steady running unwinds to `Stack.stop` (launcher/stopping.py). The data directory is kept,
so the next run continues.
"""
from __future__ import annotations

import asyncio
import os
import sys
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

import orjson
from rich.console import Console
from rich.markup import escape

from chassis.keys import ensure_dev_keys
from chassis.keystore import SEALING_SERVICES, store_of
from chassis.settings import Settings

from .errors import LaunchError
from .infra import LocalInfra
from .observe import Observe, hint, with_zipkin
from .ports import answers, require_free
from .postgres import ensure_roles
from .processes import LineSink, ManagedProcess, wait_until
from .stopping import STOP_SIGNALS, StopRequested

if TYPE_CHECKING:
    from xinqing.backups.background import BackgroundBackups

PID_FILE = "xinqing-up.pid"


@dataclass(frozen=True)
class App:
    name: str
    factory: str  # uvicorn --factory target
    port_setting: str


# The order they start in; the gateway last, since it forwards to the others.
APPS = [
    App("registry", "services.registry.app:create_app", "registry_port"),
    App("branches", "services.branches.app:create_app", "branches_port"),
    App("stations", "services.stations.app:create_app", "stations_port"),
    App("partners", "services.partners.app:create_app", "partners_port"),  # reads the registry's topic
    App("gateway", "gateway.app:create_app", "gateway_port"),
]

COLOURS = {"postgres": "blue", "kafka": "magenta", "registry": "green", "gateway": "cyan",
           "branches": "yellow", "stations": "bright_red", "xinqing": "bold",
           "zipkin": "bright_blue", "prometheus": "bright_magenta"}


class PrefixedLog:
    """Prints each child's lines with its name; JSON log lines are shown as `LEVEL message k=v`."""

    def __init__(self, console: Console):
        self.console = console
        self.lock = threading.Lock()

    def __call__(self, name: str, line: str) -> None:
        if line.startswith("{"):
            try:
                rec = orjson.loads(line)
                extras = " ".join(f"{k}={v}" for k, v in rec.items()
                                  if k not in ("time", "level", "name", "message", "service", "taskName"))
                line = f"{rec.get('level', '')} {rec.get('message', '')} {extras}".strip()
            except orjson.JSONDecodeError:
                pass
        colour = COLOURS.get(name, "white")
        with self.lock:
            self.console.print(f"[{colour}]{name:>9} |[/] {escape(line)}", highlight=False, soft_wrap=True)


def app_process(app: App, settings: Settings) -> ManagedProcess:
    port = getattr(settings, app.port_setting)
    zipkin = {"XQ_ZIPKIN_ENDPOINT": settings.zipkin_endpoint} if settings.zipkin_endpoint else {}
    return ManagedProcess(app.name, [sys.executable, "-m", "uvicorn", app.factory, "--factory", "--host", settings.host,
                                     "--port", str(port), "--no-access-log", "--log-level", "warning"],
                          env={"XQ_DATA_DIR": str(settings.data_dir), **zipkin})


def start_app(app: App, settings: Settings, sink: LineSink, *, into: list[ManagedProcess] | None = None,
              env: dict[str, str] | None = None, timeout: float = 90) -> ManagedProcess:
    """Starts one app and waits until it answers at /health/live. `into` lists it before it starts, so that
    whoever stops that list finds it whenever a stop comes; `env` adds to its environment."""
    proc = app_process(app, settings)
    proc.env.update(env or {})
    if into is not None:
        into.append(proc)
    proc.start(sink)
    url = f"http://{settings.host}:{getattr(settings, app.port_setting)}/health/live"
    wait_until(lambda: answers(url), timeout, app.name, proc)
    return proc


class Stack:
    def __init__(self, settings: Settings, console: Console, *, start_infra: bool = True, observe: bool = False):
        self.settings = settings = with_zipkin(settings) if observe else settings
        self.console = console
        self.log = PrefixedLog(console)
        self.infra = LocalInfra(settings, settings.data_dir) if start_infra else None
        # Zipkin and Prometheus (launcher/observe.py), when asked for
        self.observe = Observe(settings, [(a.name, a.port_setting) for a in APPS]) if observe else None
        self.apps: list[ManagedProcess] = []
        self.backups: BackgroundBackups | None = None

    def say(self, message: str) -> None:
        self.log("xinqing", message)

    def start(self) -> None:
        STOP_SIGNALS.install()  # before the first child: from here on a signal stops what runs
        s = self.settings
        for app in APPS:
            require_free(s.host, getattr(s, app.port_setting), app.name, f"XQ_{app.port_setting.upper()}")
        if (s.data_dir / "RESTORE_PENDING").exists():  # xinqing/backups/restore.py: not before it finished
            raise LaunchError(f"a restore has not finished ({s.data_dir / 'RESTORE_PENDING'}): run "
                              "`xinqing restore --to …` again")
        ensure_dev_keys(s.keys_dir)
        (s.data_dir / PID_FILE).write_text(str(os.getpid()))  # `xinqing restore` stops this stack by it
        if self.observe:  # first: Zipkin's JVM starts while PostgreSQL and Kafka do
            self.observe.prepare()
            self.say(f"starting Zipkin on {s.host}:{s.zipkin_port} and Prometheus on {s.host}:{s.prometheus_port}")
            self.observe.start(self.log)
        if self.infra:
            self.say(f"starting PostgreSQL on {s.pg_host}:{s.pg_port} and Kafka on {s.kafka_bootstrap} "
                     f"(data in {s.data_dir})")
            self.infra.start(self.log)
        if self.observe:
            self.observe.wait_ready()
        asyncio.run(ensure_roles(s, [app.name for app in APPS] + [store_of(svc) for svc in SEALING_SERVICES]))
        for app in APPS:
            start_app(app, s, self.log, into=self.apps)
        if s.backup_every_hours > 0 and self.infra:
            from xinqing.backups.background import BackgroundBackups

            self.backups = BackgroundBackups(s, self.say)
            self.backups.start()

    def stop(self) -> None:
        """Gateway, services, Kafka, PostgreSQL: each gets its stop signal, then SIGKILL after its timeout."""
        STOP_SIGNALS.stopping()
        self.say("stopping…")
        if self.backups:
            self.backups.stop()
        for proc in reversed(self.apps):
            proc.stop()
        if self.infra:
            self.infra.stop()
        if self.observe:
            self.observe.stop()
        (self.settings.data_dir / PID_FILE).unlink(missing_ok=True)
        self.say("stopped; data kept in " + str(self.settings.data_dir))

    def children(self) -> list[ManagedProcess]:
        return [*(self.infra.processes if self.infra else []), *(self.observe.processes if self.observe else []),
                *self.apps]

    def run_forever(self) -> int:
        try:
            while not STOP_SIGNALS.requested.wait(0.5):
                dead = [p for p in self.children() if not p.running]
                if dead:
                    self.say(f"{dead[0].name} exited unexpectedly (code {dead[0].popen.returncode}); stopping the stack")
                    return 1
        except StopRequested:
            pass
        return 0


def banner(settings: Settings, token: str, youth_token: str, observe: list[str] | None = None) -> str:
    """`token` is the admin's; `youth_token` a young person's (development: the youth provider's key is local);
    `observe`: the dashboards' lines (Observe.banner_lines)."""
    s = settings
    return "\n".join([
        "",
        "新青 xinqing is running:",
        f"  dashboard           http://{s.host}:{s.gateway_port}/",
        f"  mobile page         http://{s.host}:{s.gateway_port}/m/",
        f"  GraphQL (GraphiQL)  http://{s.host}:{s.gateway_port}/graphql",
        f"  registry API        http://{s.host}:{s.registry_port}/docs",
        f"  branches API        http://{s.host}:{s.branches_port}/docs",
        f"  stations API        http://{s.host}:{s.stations_port}/docs",
        f"  partners (health)   http://{s.host}:{s.partners_port}/health/ready",
        f"  Kafka               {s.kafka_bootstrap}",
        f"  PostgreSQL          postgresql://{s.pg_user}@{s.pg_host}:{s.pg_port}/{s.database('registry')}",
        *(observe or [hint()]),
        "",
        "Development token (admin, 12 h) — send as `Authorization: Bearer <token>`:",
        f"  {token}",
        f"The dashboard, logged in with it: http://{s.host}:{s.gateway_port}/#token={token}",
        f"The mobile page, signed in as a young person (dev-rider-1): http://{s.host}:{s.gateway_port}/m/#token={youth_token}",
        "",
        "Ctrl-C stops everything (the data is kept; `xinqing reset` deletes it).",
        "",
    ])

