"""Base backups now (`xinqing backup`) and on a schedule (`make up` with XQ_BACKUP_EVERY_HOURS > 0)."""
from __future__ import annotations

import threading
from collections.abc import Callable

from chassis.clock import utc_now
from chassis.settings import Settings
from xinqing.launcher.postgres import find_bin_dir

from .repository import Repository


def take_backup(settings: Settings) -> str:
    """A base backup now, then the retention: one line saying what was kept."""
    repo = Repository(settings)
    bin_dir = find_bin_dir(settings)
    done = repo.take(bin_dir)
    pruned = repo.prune(bin_dir)
    return (f"backup {done.stamp}: {done.size / 1e6:.1f} MB in {(done.finished - done.started).total_seconds():.1f} s"
            + (f"; removed {', '.join(pruned)}" if pruned else ""))


class BackgroundBackups:
    """`make up` with XQ_BACKUP_EVERY_HOURS > 0: a base backup at start (if none yet) and on the schedule."""

    def __init__(self, settings: Settings, say: Callable[[str], None]):
        self.settings, self.say = settings, say
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="backups", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()

    def _run(self) -> None:
        period = self.settings.backup_every_hours * 3600
        repo = Repository(self.settings)
        backups = repo.backups()
        wait = max(0.0, backups[-1].finished.timestamp() + period - utc_now().timestamp()) if backups else 0.0
        while not self.stopped.wait(wait):
            try:
                self.say(take_backup(self.settings))
            except Exception as exc:  # a failed backup is said, and tried again on the schedule
                self.say(f"backup failed: {exc}")
            wait = period
