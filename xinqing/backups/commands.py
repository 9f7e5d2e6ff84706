"""`xinqing backup --list` and `xinqing restore` (the drill of docs/RUNBOOK.md, "Backups and restore")."""
from __future__ import annotations

import asyncio
import os
import signal
import time

from rich.console import Console

from chassis.settings import Settings
from xinqing.launcher.errors import LaunchError
from xinqing.launcher.infra import LocalInfra
from xinqing.launcher.ports import accepts
from xinqing.launcher.stack import PID_FILE

from .reapply import Reapplied
from .repository import Repository, parse_target
from .restore import finish, lay_down, marker


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
    backup = Repository(settings).choose(target)  # before anything stops: no backup, nothing changed
    stop_running_stack(settings, console)
    if accepts(settings.pg_host, settings.pg_port):
        raise LaunchError("PostgreSQL still answers (a stack not started by `xinqing up` here?): stop it, then restore")
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


def stop_running_stack(settings: Settings, console: Console, timeout: float = 120) -> None:
    """A stack `xinqing up` runs on this data directory is stopped (SIGTERM: apps first, then the servers)."""
    pid_file = settings.data_dir / PID_FILE
    try:
        pid = int(pid_file.read_text())
        os.kill(pid, signal.SIGTERM)
    except (FileNotFoundError, ValueError, ProcessLookupError):
        return
    console.print(f"stopping the running stack (pid {pid})…")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.5)
    raise LaunchError(f"the stack (pid {pid}) did not stop within {timeout:.0f} s")


def after_recovery(settings: Settings, console: Console) -> Reapplied:
    """Production (`xinqing restore --recovered`): the cluster was recovered from object storage
    (deploy/k8s/backups); the apps are still scaled to zero. The ledger, the agencies' notices, the topics
    and the read models, as on a laptop."""
    return asyncio.run(recovered(settings, console))


async def recovered(settings: Settings, console: Console) -> Reapplied:
    marker(settings).parent.mkdir(parents=True, exist_ok=True)
    marker(settings).write_text("restore: after recovery\n")
    done = await finish(settings)
    report(done, console)
    return done


def report(done: Reapplied, console: Console) -> None:
    console.print(f"restored; ledger applied again: {len(done.erased)} records erased again (their keys shredded "
                  f"with them), {done.shredded} more keys shredded, {len(done.withdrawn)} sharing consents withdrawn "
                  "again.")
    for topic, by_type in sorted(done.notices.items()):
        if by_type:
            console.print(f"{topic}: " + ", ".join(f"{n} {t}" for t, n in sorted(by_type.items()))
                          + " (rolled back after the recovery point; sent when the stack starts)")
    console.print("Start the stack (`make up`): the relays publish the stores again and the read models replay.")
