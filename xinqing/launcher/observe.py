"""`xinqing up --observe`: the ops dashboards next to the stack, without Docker.

- Zipkin (traces, web UI at /zipkin/): the executable jar from Maven Central, fetched once into the
  cache like Kafka's jars (deploy/zipkin/pom.xml), spans kept in memory (a restart empties it). The
  services send it their spans (chassis/zipkin.py) when `XQ_ZIPKIN_ENDPOINT` is set, as here.
- Prometheus (metrics, alerts, console): Debian's package, run as a process of ours with its own
  configuration and data under `<data_dir>/prometheus`; the package's own service plays no part.
Both listen on `XQ_HOST` (127.0.0.1) only.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from chassis.settings import PROJECT_ROOT, Settings

from . import prometheus_files
from .errors import LaunchError
from .kafka import require_java
from .maven import copy_dependencies
from .ports import answers, port_is_free, require_free
from .processes import LineSink, ManagedProcess, wait_until

POM = PROJECT_ROOT / "deploy" / "zipkin" / "pom.xml"
INSTALL_PROMETHEUS = ("Prometheus was not found: install it with `sudo apt-get install prometheus` "
                      "(Debian/Ubuntu), or start without --observe.")


def with_zipkin(settings: Settings) -> Settings:
    """The stack's settings with spans going to the local Zipkin (unless they already go to one)."""
    if settings.zipkin_endpoint:
        return settings
    return settings.model_copy(update={"zipkin_endpoint": f"http://{settings.host}:{settings.zipkin_port}"})


def require_prometheus() -> str:
    found = shutil.which("prometheus")
    if not found:
        raise LaunchError(INSTALL_PROMETHEUS)
    return found


def hint() -> str:
    """The banner's line when the dashboards are off: how to have them (and Prometheus, if missing)."""
    line = "  ops dashboards      `xinqing up --observe` or `make up OBSERVE=1` (Zipkin, Prometheus; docs/RUNBOOK.md)"
    return line if shutil.which("prometheus") else line + "; first `sudo apt-get install prometheus`"


def zipkin_jar(settings: Settings) -> Path:
    into = settings.cache_dir / f"zipkin-{settings.zipkin_version}"
    jar = into / f"zipkin-server-{settings.zipkin_version}-exec.jar"
    if jar.exists():
        return jar
    failed = copy_dependencies(POM, ("zipkin.version", settings.zipkin_version), into, missing_mvn=(
        "Maven (mvn) is needed once to fetch Zipkin's jar: `apt-get install maven`."))
    if failed or not jar.exists():
        raise LaunchError(f"Could not fetch Zipkin {settings.zipkin_version} with Maven ({failed or 'no jar'}): "
                          "check the network to Maven Central.")
    return jar


class Observe:
    """Zipkin and Prometheus for one stack. `apps`: (name, port setting) of every process to scrape."""

    def __init__(self, settings: Settings, apps: list[tuple[str, str]], *, scrape_interval: str = "15s"):
        self.settings = settings
        self.apps = apps
        self.scrape_interval = scrape_interval
        self.dir = settings.data_dir / "prometheus"
        self.processes: list[ManagedProcess] = []

    @property
    def zipkin_url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.zipkin_port}"

    @property
    def prometheus_url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.prometheus_port}"

    def prepare(self) -> None:
        """Everything that can fail before a process starts: binaries, the jar, the ports, the files."""
        s = self.settings
        self.prometheus = require_prometheus()
        self.java = require_java()
        self.jar = zipkin_jar(s)
        require_free(s.host, s.zipkin_port, "Zipkin", "XQ_ZIPKIN_PORT")
        if not port_is_free(s.host, s.prometheus_port):  # most often the package's own service, started on install
            raise LaunchError(f"Port {s.prometheus_port} on {s.host} (Prometheus) is already in use, often by the "
                              "Debian package's own service: stop it (`sudo systemctl disable --now prometheus`) "
                              "or choose another port with XQ_PROMETHEUS_PORT.")
        self.config = prometheus_files.write_config(s, self.apps, self.dir, scrape_interval=self.scrape_interval)

    def start(self, sink: LineSink) -> None:
        """Starts both without waiting (Zipkin's JVM takes seconds: it starts while the rest does)."""
        s = self.settings
        zipkin = ManagedProcess("zipkin", [
            self.java, "-Xms64m", "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true",
            "-jar", str(self.jar), f"--armeria.ports[0].ip={s.host}", f"--armeria.ports[0].port={s.zipkin_port}",
            "--zipkin.storage.mem.max-spans=100000", "--spring.main.banner-mode=off", "--logging.level.root=WARN",
            "--logging.level.io.micrometer=ERROR",  # a warning of its own set-up at every start, nothing to do
            "--logging.level.com.linecorp.armeria.server.Server=INFO"], stop_timeout=10)
        prometheus = ManagedProcess("prometheus", [
            self.prometheus, f"--config.file={self.config}", f"--storage.tsdb.path={self.dir / 'data'}",
            "--storage.tsdb.retention.time=7d", f"--web.listen-address={s.host}:{s.prometheus_port}",
            f"--web.console.templates={prometheus_files.CONSOLES}",
            f"--web.console.libraries={prometheus_files.CONSOLES}", "--log.level=warn"], stop_timeout=10)
        for proc in (zipkin, prometheus):
            self.processes.append(proc)  # listed before started: `stop` finds it whenever a signal comes
            proc.start(sink)

    def wait_ready(self, timeout: float = 60) -> None:
        zipkin, prometheus = self.processes
        wait_until(lambda: answers(f"{self.prometheus_url}/-/ready"), timeout, "Prometheus", prometheus)
        wait_until(lambda: answers(f"{self.zipkin_url}/health"), timeout, "Zipkin", zipkin)

    def stop(self) -> None:
        for proc in reversed(self.processes):
            proc.stop()

    def banner_lines(self) -> list[str]:
        return [
            f"  Zipkin (traces)     {self.zipkin_url}/zipkin/",
            f"  Prometheus          {self.prometheus_url}/alerts",
            f"  ops console         {self.prometheus_url}/consoles/xinqing.html",
            f"  saved graphs        {prometheus_files.saved_graphs_url(self.settings)}",
        ]
