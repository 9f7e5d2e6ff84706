"""What the numbers were measured on: CPU, cores, RAM, versions, commit, and how busy the machine was."""
from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import psutil

from chassis.settings import PROJECT_ROOT


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _run(argv: list[str]) -> str:
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=10, cwd=PROJECT_ROOT).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return "?"


def describe(pg_bin: Path, kafka_version: str) -> dict[str, str]:
    # XQ_BENCH_COMMIT: the commit of a snapshot run outside the git checkout (an exported tree)
    commit = os.environ.get("XQ_BENCH_COMMIT") or _run(["git", "rev-parse", "--short", "HEAD"])
    dirty = "" if os.environ.get("XQ_BENCH_COMMIT") else _run(["git", "status", "--porcelain", "--untracked-files=no"])
    load1, load5, _ = os.getloadavg()
    return {
        "CPU": f"{_cpu_model()} ({psutil.cpu_count(logical=True)} logical cores available)",
        "RAM": f"{psutil.virtual_memory().total / 2**30:.1f} GiB",
        "OS": f"{platform.system()} {platform.release()}",
        "PostgreSQL": _run([str(pg_bin / "postgres"), "--version"]).replace("postgres (PostgreSQL) ", "")
        + " (fsync on, synchronous_commit on, shared_buffers 256MB)",
        "Kafka": f"{kafka_version} (KRaft, single broker, acks=all)",
        "Python": sys.version.split()[0] + " (uvicorn with uvloop + httptools)",
        "commit": commit + (" (with uncommitted changes)" if dirty else ""),
        "load average at start": f"{load1:.2f} / {load5:.2f} (1 / 5 min): the machine is shared",
    }
