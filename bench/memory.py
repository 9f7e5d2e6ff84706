"""Benchmark 7: resident memory of each process while the benchmarks run (sampled every 0.5 s)."""
from __future__ import annotations

import os
import threading

import psutil

from .report import Report
from .stack import BenchStack

PYTHON_LIMIT_MB = 200


class MemorySampler:
    def __init__(self, stack: BenchStack, interval: float = 0.5):
        self.stack = stack
        self.interval = interval
        self.peak: dict[str, float] = {}
        self.last: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="memory-sampler")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sample()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def _processes(self) -> dict[str, list[psutil.Process]]:
        found: dict[str, list[psutil.Process]] = {"harness (python)": [psutil.Process(os.getpid())]}
        for name, proc in list(self.stack.apps.items()):
            if proc.running:
                found[f"{name} (python)"] = [psutil.Process(proc.popen.pid)]
        for proc in list(self.stack.infra.processes):
            if proc.running:
                root = psutil.Process(proc.popen.pid)
                found[proc.name] = [root, *root.children(recursive=True)]
        return found

    def sample(self) -> None:
        for name, procs in self._processes().items():
            total = 0
            for p in procs:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            mb = total / 2**20
            self.last[name] = mb
            self.peak[name] = max(self.peak.get(name, 0.0), mb)

    def report(self, report: Report) -> None:
        t = report.table("memory", "7. Resident memory (RSS) per process during the run",
                         ["process", "peak MB", "at end MB", "limit MB", "met"])
        for name in sorted(self.peak):
            python = "(python)" in name
            t.add(process=name, **{"peak MB": round(self.peak[name], 1), "at end MB": round(self.last.get(name, 0), 1),
                                   "limit MB": PYTHON_LIMIT_MB if python else None,
                                   "met": ("yes" if self.peak[name] <= PYTHON_LIMIT_MB else "no") if python else None})
        t.notes += ["postgres: the postmaster and its backends summed (shared buffers counted once per backend "
                    "that touched them, so this overstates); the harness holds the in-process contenders "
                    "and the load generator, so it is not a service's footprint."]
        services = {k: v for k, v in self.peak.items() if "(python)" in k and not k.startswith("harness")}
        if services:
            worst = max(services, key=services.get)
            report.target("RSS of each Python service", f"≤ {PYTHON_LIMIT_MB} MB",
                          f"{services[worst]:.0f} MB ({worst})", services[worst] <= PYTHON_LIMIT_MB)
