"""SIGTERM and SIGINT, at any moment of `xinqing up`, unwind to the code that stops the children.

The handler raises `StopRequested` in the main thread, wherever it is waiting (a health check, a
database call, the demo data, a child's start-up), so the launcher's `finally` stops what it started.
Two stretches must not be cut in half and only note the signal, which is raised when they end: spawning
a child (the child would run with nobody owning it) and formatting a data directory (half a cluster
would not start again). Once stopping has begun, further signals change nothing: the stop is bounded.
"""
from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class StopRequested(KeyboardInterrupt):
    """A KeyboardInterrupt, so that asyncio and subprocess treat it as Ctrl-C (they kill what they ran)."""


class StopSignals:
    def __init__(self) -> None:
        self.requested = threading.Event()
        self._deferred = 0
        self._signal = signal.SIGTERM
        self._raised = False
        self._installed = False

    def install(self) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._on_signal)
        self._installed = True

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        self._signal = signal.Signals(signum)
        self.requested.set()
        self._raise_if_due()

    def _raise_if_due(self) -> None:
        if self.requested.is_set() and not self._raised and not self._deferred:
            self._raised = True
            raise StopRequested(self._signal.name)

    @contextmanager
    def deferred(self) -> Iterator[None]:
        """A stretch a signal must not interrupt; it is raised right after (main thread only)."""
        if not self._installed or threading.current_thread() is not threading.main_thread():
            yield
            return
        self._deferred += 1
        try:
            yield
        finally:  # also when the stretch failed: a child that Ctrl-C reached too fails, the stop is the news
            self._deferred -= 1
            self._raise_if_due()

    def stopping(self) -> None:
        """From here on a signal is only noted: it must not cut the stop itself short."""
        self._raised = True


# Signals are per process, and so is this: the launcher installs it, ManagedProcess defers to it.
STOP_SIGNALS = StopSignals()
