"""SIGTERM or SIGINT to `xinqing up` at any moment stops every child: nothing listens, no process is left.

One data directory for every moment (PostgreSQL and Kafka are formatted once; the demo data is
interrupted once, so the last run comes up without it). This module is a child subreaper while it
runs: the launcher's orphans become its children, so a process the launcher leaves behind is found
by the process tree, whatever it is.
"""
from __future__ import annotations

import ctypes
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from chassis.settings import Settings
from tests.e2e.support import ROOT
from xinqing.launcher.ports import accepts, free_port
from xinqing.launcher.stack import APPS

pytestmark = pytest.mark.e2e

PR_SET_CHILD_SUBREAPER = 36

# (what is happening, the launcher's output line that says so, the signal sent then)
MOMENTS = [
    ("PostgreSQL and Kafka starting", "postgres | ", signal.SIGTERM),
    ("Kafka starting", "ready to accept connections", signal.SIGTERM),
    ("services starting", "registry | INFO started", signal.SIGINT),
    ("gateway starting", "partners | INFO started", signal.SIGTERM),
    ("demo data loading", "youth registered", signal.SIGTERM),  # the stack is no longer empty after
    ("fully up", "is running", signal.SIGTERM),
]


def _subreaper(on: bool) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, int(on), 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")


def _processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, state) of every process on the machine."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # exited meanwhile
        state, ppid = stat[stat.rindex(")") + 2:].split()[:2]
        found[int(entry.name)] = (int(ppid), state)
    return found


def _descendants(root: int, skip: set[int]) -> set[int]:
    """Live processes under `root`, not entering the subtrees of `skip` (what was there before)."""
    procs = _processes()
    out, frontier = set(), [root]
    while frontier:
        parent = frontier.pop()
        for pid, (ppid, state) in procs.items():
            if ppid == parent and pid not in skip and state != "Z":
                out.add(pid)
                frontier.append(pid)
    return out


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")[:160]
    except OSError:
        return "?"


def _reap(pids: set[int]) -> None:
    for pid in pids:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass


@pytest.fixture(scope="module")
def stack_env() -> Iterator[tuple[dict[str, str], list[int]]]:
    data_dir = Path(tempfile.mkdtemp(prefix="xinqing-stop-"))
    os.chmod(data_dir, 0o755)  # the PostgreSQL OS user must enter it
    ports = {"XQ_PG_PORT": free_port(), "XQ_KAFKA_CONTROLLER_PORT": free_port(),
             **{f"XQ_{app.port_setting.upper()}": free_port() for app in APPS}}
    kafka_port = free_port()
    env = {**os.environ, **{k: str(v) for k, v in ports.items()}, "XQ_DATA_DIR": str(data_dir),
           "XQ_KAFKA_BOOTSTRAP": f"127.0.0.1:{kafka_port}", "XQ_ENVIRONMENT": "test",
           "XQ_CACHE_DIR": str(Settings().cache_dir),  # the Kafka jars the session already fetched
           "COLUMNS": "200", "PYTHONUNBUFFERED": "1"}
    _subreaper(True)
    try:
        yield env, [*ports.values(), kafka_port]
    finally:
        _subreaper(False)
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.mark.parametrize(("moment", "line", "sig"), MOMENTS, ids=[m[0] for m in MOMENTS])
def test_a_stop_signal_at_any_moment_leaves_nothing_running(stack_env, moment, line, sig):
    env, ports = stack_env
    before = _descendants(os.getpid(), set())
    launcher = subprocess.Popen([sys.executable, "-m", "xinqing.cli", "up"], cwd=ROOT, env=env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output: list[str] = []
    seen = threading.Event()

    def read() -> None:
        for raw in launcher.stdout:
            text = raw.decode("utf-8", "replace").rstrip()
            output.append(text)
            if line in text:
                seen.set()

    threading.Thread(target=read, daemon=True).start()
    left: set[int] = set()
    try:
        deadline = time.monotonic() + 150
        while not seen.wait(0.1):
            assert launcher.poll() is None, f"xinqing up exited before {moment}:\n" + "\n".join(output[-30:])
            assert time.monotonic() < deadline, f"{moment} never came:\n" + "\n".join(output[-30:])
        launcher.send_signal(sig)
        try:
            launcher.wait(120)
        except subprocess.TimeoutExpired:
            pytest.fail(f"xinqing up did not stop within 120 s of {sig.name} ({moment}):\n" + "\n".join(output[-30:]))
        time.sleep(0.5)  # a process that was exiting with the launcher gets the moment to finish
        left = _descendants(os.getpid(), before)
        listening = [p for p in ports if accepts("127.0.0.1", p)]
        assert not left and not listening, (
            f"{sig.name} while {moment}: left running {[_cmdline(p) for p in left]}, listening on {listening}\n"
            + "\n".join(output[-30:]))
    finally:
        if launcher.poll() is None:
            launcher.kill()
            launcher.wait()
        left |= _descendants(os.getpid(), before)
        for pid in left:  # whatever the launcher left, so the next moment starts on free ports
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.5)
        _reap(left)
