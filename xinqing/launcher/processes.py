"""Child processes with prefixed output, started and stopped in order.

Why not a process manager package: the ones on PyPI (honcho, supervisor) either daemonise or cannot
run one child as another OS user, which PostgreSQL needs when the launcher runs as root.
"""
from __future__ import annotations

import os
import pwd
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .stopping import STOP_SIGNALS

LineSink = Callable[[str, str], None]  # (process name, line)


@dataclass
class ManagedProcess:
    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    run_as: str | None = None  # OS user; only honoured when we are root
    stop_signal: int = signal.SIGTERM
    stop_timeout: float = 20.0
    popen: subprocess.Popen | None = None
    recent: deque = field(default_factory=lambda: deque(maxlen=40))

    def start(self, sink: LineSink) -> None:
        kwargs: dict = {}
        env = {**os.environ, **self.env}
        if self.run_as and os.geteuid() == 0:
            pw = pwd.getpwnam(self.run_as)
            kwargs.update(user=pw.pw_uid, group=pw.pw_gid, extra_groups=[])
            env.update(HOME=pw.pw_dir, USER=self.run_as, LOGNAME=self.run_as)
        # A stop signal waits until `popen` is set, so the owner, which listed this process before
        # starting it, can stop it whenever the signal came…
        with STOP_SIGNALS.deferred():
            self.popen = subprocess.Popen(
                self.argv,
                env=env,
                cwd=self.cwd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches the launcher only; it stops children in order
                **kwargs,
            )
            # and its output is read from the start: a child whose pipe fills up cannot shut down
            threading.Thread(target=self._pump, args=(sink,), daemon=True, name=f"log-{self.name}").start()

    def _pump(self, sink: LineSink) -> None:
        assert self.popen and self.popen.stdout
        for raw in self.popen.stdout:
            line = raw.decode("utf-8", "replace").rstrip()
            self.recent.append(line)
            sink(self.name, line)

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def tail(self, n: int = 15) -> str:
        return "\n".join(list(self.recent)[-n:])

    def signal(self, sig: int) -> None:
        if self.running:
            os.killpg(self.popen.pid, sig)

    def stop(self) -> int | None:
        """The stop signal, then SIGKILL when it has not ended within `stop_timeout`; never waits longer."""
        if not self.popen:
            return None
        if self.running:
            self.signal(self.stop_signal)
            try:
                self.popen.wait(self.stop_timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.popen.returncode

    def kill(self) -> None:
        """SIGKILL (also for fault-injection tests: no shutdown hook runs)."""
        if self.running:
            self.signal(signal.SIGKILL)
            try:
                self.popen.wait(10)
            except subprocess.TimeoutExpired:
                pass  # stuck in the kernel: nothing more can be done from here


def wait_until(check: Callable[[], bool], timeout: float, what: str, proc: ManagedProcess | None = None) -> None:
    from .errors import LaunchError

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and not proc.running:
            raise LaunchError(f"{what} exited during start-up (exit code {proc.popen.returncode}); its last lines:\n"
                              f"{proc.tail()}")
        if check():
            return
        time.sleep(0.2)
    tail = f"; its last lines:\n{proc.tail()}" if proc is not None else ""
    raise LaunchError(f"{what} did not become ready within {timeout:.0f} s{tail}")
