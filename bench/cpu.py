"""CPU time per command, by process: on a shared machine throughput moves with the neighbours' load,
CPU-seconds per command much less — it is the number to compare across runs and to profile against."""
from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass

import psutil

from .stack import BenchStack


def _tree_seconds(pid: int) -> float:
    """A process, its live children, and the children it has reaped (backends that exited)."""
    try:
        root = psutil.Process(pid)
        t = root.cpu_times()
        total = t.user + t.system + t.children_user + t.children_system
        for child in root.children(recursive=True):
            try:
                c = child.cpu_times()
                total += c.user + c.system
            except psutil.Error:
                pass
        return total
    except psutil.Error:
        return 0.0


def process_seconds(pid: int | None) -> float:
    """CPU seconds of the process tree `pid` (None: this process, all its threads)."""
    if pid is None:
        return time.process_time()  # all threads, at the clock's resolution (os.times ticks in 10 ms)
    return _tree_seconds(pid)


@dataclass(frozen=True)
class CpuSnapshot:
    harness: float  # this process, including its threads (in-process contenders, load generator)
    subprocesses: float  # children this process waited for (pgbench)
    services: dict[str, float]
    postgres: float
    kafka: float = 0.0

    @staticmethod
    def take(stack: BenchStack) -> CpuSnapshot:
        me = os.times()
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        services = {name: _tree_seconds(p.popen.pid) for name, p in stack.apps.items() if p.running}
        return CpuSnapshot(me.user + me.system, kids.ru_utime + kids.ru_stime, services,
                           _tree_seconds(stack.infra.pg_process.popen.pid),
                           _tree_seconds(stack.infra.kafka_process.popen.pid))

    def per_command(self, later: CpuSnapshot, commands: int, app: str) -> tuple[float, float]:
        """-> (ms of the contender's own process, ms of PostgreSQL) per command."""
        n = max(commands, 1)
        if app == "pgbench":
            mine = later.subprocesses - self.subprocesses
        elif app == "harness":
            mine = later.harness - self.harness
        else:
            mine = later.services.get(app, 0.0) - self.services.get(app, 0.0)
        return mine / n * 1000, (later.postgres - self.postgres) / n * 1000

    def per_item(self, later: CpuSnapshot, items: int) -> dict[str, float]:
        """-> CPU ms per item of every process: the harness, each service, PostgreSQL, Kafka."""
        n = max(items, 1)
        ms = {"harness": later.harness - self.harness}
        ms.update({name: later.services.get(name, 0.0) - self.services.get(name, 0.0) for name in later.services})
        ms.update(postgres=later.postgres - self.postgres, kafka=later.kafka - self.kafka)
        return {name: seconds / n * 1000 for name, seconds in ms.items()}

    def cores_busy(self, later: CpuSnapshot, wall_seconds: float) -> dict[str, float]:
        """-> each process's CPU seconds per second of `wall_seconds`: how many of the machine's cores it kept busy."""
        return {name: ms / 1000 / wall_seconds for name, ms in self.per_item(later, 1).items()}


async def idle_rates(stack: BenchStack, seconds: float = 5.0) -> dict[str, float]:
    """CPU ms per second of every process while nothing is offered (pollers, heartbeats, the JVM): on a long,
    starved run this baseline is a visible part of the per-item cost, so it is measured and subtracted."""
    import asyncio

    before = CpuSnapshot.take(stack)
    await asyncio.sleep(seconds)
    return {name: ms / seconds for name, ms in before.per_item(CpuSnapshot.take(stack), 1).items()}


def net_of_idle(per_item: dict[str, float], idle: dict[str, float], seconds: float, items: int) -> dict[str, float]:
    return {name: max(ms - idle.get(name, 0.0) * seconds / max(items, 1), 0.0) for name, ms in per_item.items()}


def postgres_by_database(stack: BenchStack) -> dict[str, float]:
    """CPU seconds of PostgreSQL's live backends by database (from their process titles, `postgres: user
    database host(port) …`), the rest (checkpointer, WAL writer, autovacuum) as "(server)". Backends that
    exited are not counted: compare two snapshots of long-lived pools only (profiling, not the report)."""
    by: dict[str, float] = {}
    try:
        for child in psutil.Process(stack.infra.pg_process.popen.pid).children(recursive=True):
            try:
                title = child.cmdline()
                words = (title[0] if len(title) == 1 else " ".join(title)).split()
                t = child.cpu_times()
            except psutil.Error:
                continue
            name = words[2] if len(words) > 3 and words[0] == "postgres:" and "(" in words[3] else "(server)"
            by[name] = by.get(name, 0.0) + t.user + t.system
    except psutil.Error:
        pass
    return by


@dataclass(frozen=True)
class Cpu:
    """CPU seconds of the three processes that do the work, read before and after a measurement."""
    harness: float
    postgres: float
    kafka: float

    @staticmethod
    def take(stack: BenchStack) -> Cpu:
        return Cpu(process_seconds(None), process_seconds(stack.infra.pg_process.popen.pid),
                   process_seconds(stack.infra.kafka_process.popen.pid))

    def per_event(self, later: Cpu, events: int) -> dict[str, float]:
        """-> CPU microseconds per event of each (1 µs = 0.001 ms)."""
        return {f"CPU µs/event ({k})": round((getattr(later, k) - getattr(self, k)) / events * 1e6, 1)
                for k in ("harness", "postgres", "kafka")}
