"""`xinqing backup` and `xinqing restore`, and the background backups of `make up` (XQ_BACKUP_EVERY_HOURS)."""
from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

from rich.console import Console

from chassis.clock import utc_now
from chassis.settings import Settings
from xinqing.launcher.errors import LaunchError
from xinqing.launcher.infra import LocalInfra
from xinqing.launcher.ports import accepts
from xinqing.launcher.postgres import find_bin_dir

from .reapply import Reapplied
from .repository import Repository, parse_target
from .restore import finish, lay_down, marker


def take_backup(settings: Settings) -> str:
    """A base backup now, then the retention: one line saying what was kept."""
    repo = Repository(settings)
    bin_dir = find_bin_dir(settings)
    done = repo.take(bin_dir)
    pruned = repo.prune(bin_dir)
    return (f"backup {done.stamp}: {done.size / 1e6:.1f} MB in {(done.finished - done.started).total_seconds():.1f} s"
            + (f"; removed {', '.join(pruned)}" if pruned else ""))


def listing(settings: Settings) -> list[str]:
    repo = Repository(settings)
    wal = sorted(repo.wal.glob("0*")) if repo.wal.exists() else []
    lines = [f"{b.stamp}  finished {b.finished.isoformat(timespec='seconds')}  {b.size / 1e6:.1f} MB  "
             f"(WAL from {b.start_wal})" for b in repo.backups()]
    lines.append(f"{len(wal)} archived WAL segments" + (f", newest {wal[-1].name}" if wal else "")
                 + f"; keeping {settings.backup_keep} base backups; ledger {settings.ledger}")
    return lines


def restore(settings: Settings, to: str, console: Console) -> None:
    """The whole drill on a local stack (it must be stopped: its apps would keep writing)."""
    target = parse_target(to)
    if accepts(settings.pg_host, settings.pg_port):
        raise LaunchError("the stack is running: stop it first (Ctrl-C on `make up`), then restore")
    repo = Repository(settings)
    backup = repo.choose(target)
    infra = LocalInfra(settings, settings.data_dir)
    console.print(f"restoring {backup.stamp} and the WAL after it to {to}")
    aside = lay_down(settings, infra.postgres.data_dir, backup, target, infra.postgres.os_user)
    if aside:
        console.print(f"the replaced cluster is kept in {aside} (delete it when the restore is confirmed)")
    infra.start(lambda name, line: None)
    try:
        done = asyncio.run(finish(settings))
    finally:
        infra.stop()
    report(done, console)


def after_recovery(settings: Settings, console: Console) -> None:
    """Production: the cluster was recovered from object storage (deploy/k8s/backups); the apps are still
    scaled to zero. The ledger, the topics and the read models, as on a laptop."""
    marker(settings).parent.mkdir(parents=True, exist_ok=True)
    marker(settings).write_text("restore: after recovery\n")
    report(asyncio.run(finish(settings)), console)


def report(done: Reapplied, console: Console) -> None:
    console.print(f"restored; ledger applied again: {len(done.erased)} erased, {done.shredded} keys shredded, "
                  f"{len(done.withdrawn)} sharing consents withdrawn. Start the stack (`make up`): the relays "
                  "publish the stores again and the read models are replayed.")


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
