"""A project-local PostgreSQL cluster from the machine's server binaries.

initdb and postgres refuse to run as root, so as root the cluster belongs to an unprivileged OS user
(XQ_PG_OS_USER, created on first use) and its directory must be reachable by that user: when the
project lives under a directory others cannot enter (such as /root), the cluster goes to /var/tmp.
"""
from __future__ import annotations

import asyncio
import hashlib
import os
import pwd
import shutil
import signal
import stat
import subprocess
from pathlib import Path

from chassis.settings import Settings

from .errors import LaunchError
from .ports import accepts
from .processes import ManagedProcess, wait_until
from .stopping import STOP_SIGNALS


def find_bin_dir(settings: Settings) -> Path:
    candidates = [settings.pg_bin_dir] if settings.pg_bin_dir else []
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), reverse=True)
    for which in (shutil.which("postgres"),):
        if which:
            candidates.append(Path(which).parent)
    for c in candidates:
        if c and (c / "postgres").exists() and (c / "initdb").exists():
            return c
    raise LaunchError(
        "PostgreSQL server binaries (initdb, postgres) were not found: install them with "
        "`apt-get install postgresql` or point XQ_PG_BIN_DIR at their directory."
    )


def _open_to_others(path: Path) -> bool:
    for p in [path, *path.parents]:
        if p.exists() and not (p.stat().st_mode & stat.S_IXOTH):
            return False
    return True


def ensure_os_user(name: str) -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        pass
    if shutil.which("useradd") is None:
        raise LaunchError(f"OS user {name!r} is missing and useradd is not available: create it or set XQ_PG_OS_USER.")
    subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
                   check=True, capture_output=True)
    return pwd.getpwnam(name)


# The WAL that bulk writes make (an import, the city seed: ≈ 2,000 people/s) and that the backups archive.
# At the default max_wal_size (1 GB) such writes checkpoint every 3-5 s, and after each checkpoint the first
# change of every page writes the whole page into the WAL again; compressed (lz4), fewer of them
# (bench/backup_drill.py measures the archive per person: docs/RUNBOOK.md). Production sets the same
# (deploy/k8s/backups/cluster-backup-patch.yaml).
WAL_VOLUME = ["-c", "max_wal_size=4GB", "-c", "wal_compression=lz4"]


class PostgresServer:
    def __init__(self, settings: Settings, data_dir: Path, *, durable: bool = True):
        self.settings = settings
        self.as_root = os.geteuid() == 0
        self.os_user = settings.pg_os_user if self.as_root else None
        if self.as_root and not _open_to_others(data_dir.parent):
            digest = hashlib.sha256(str(data_dir).encode()).hexdigest()[:10]
            data_dir = Path("/var/tmp") / f"xinqing-pg-{digest}"
        self.data_dir = data_dir
        self.durable = durable

    def prepare(self) -> None:
        self.bin_dir = find_bin_dir(self.settings)
        if self.as_root:
            pw = ensure_os_user(self.os_user)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.as_root:
            os.chown(self.data_dir, pw.pw_uid, pw.pw_gid)
        os.chmod(self.data_dir, 0o700)
        if not (self.data_dir / "PG_VERSION").exists():
            with STOP_SIGNALS.deferred():  # a stop signal waits: half a cluster would never start
                self._run([str(self.bin_dir / "initdb"), "-D", str(self.data_dir), "-U", self.settings.pg_user,
                          "--auth=trust", "--encoding=UTF8", "--no-locale"], "initdb")

    def _run(self, argv: list[str], what: str) -> None:
        kwargs: dict = {}
        if self.as_root:
            pw = pwd.getpwnam(self.os_user)
            kwargs.update(user=pw.pw_uid, group=pw.pw_gid, extra_groups=[], cwd="/")
        done = subprocess.run(argv, capture_output=True, text=True, **kwargs)
        if done.returncode != 0:
            raise LaunchError(f"{what} failed: {(done.stderr or done.stdout).strip().splitlines()[-1:]}")

    def process(self) -> ManagedProcess:
        s = self.settings
        argv = [
            str(self.bin_dir / "postgres"), "-D", str(self.data_dir),
            "-p", str(s.pg_port), "-c", f"listen_addresses={s.pg_host}",
            "-c", "unix_socket_directories=",  # TCP on loopback only; no socket path to share
            "-c", "max_connections=300", "-c", "shared_buffers=256MB",
            "-c", "log_min_messages=warning", "-c", "log_line_prefix=%m ",
            *WAL_VOLUME,
        ]
        if s.backup_every_hours > 0:  # WAL archived continuously into the backup repository (xinqing/backups)
            from xinqing.backups.repository import Repository

            repo = Repository(s)
            pw = pwd.getpwnam(self.os_user) if self.as_root and self.os_user else None
            repo.prepare((pw.pw_uid, pw.pw_gid) if pw else None)
            argv += repo.archive_options()
        if not self.durable:  # throwaway test clusters: no fsync; crash safety is not what they test
            argv += ["-c", "fsync=off", "-c", "full_page_writes=off"]
        return ManagedProcess("postgres", argv, run_as=self.os_user, cwd=Path("/"),
                              stop_signal=signal.SIGINT)  # SIGINT = fast shutdown

    def wait_ready(self, proc: ManagedProcess, timeout: float = 60) -> None:
        s = self.settings
        wait_until(lambda: accepts(s.pg_host, s.pg_port) and self._answers(), timeout, "PostgreSQL", proc)

    def _answers(self) -> bool:
        import asyncpg

        async def ping() -> bool:
            try:
                conn = await asyncpg.connect(self.settings.database_url("postgres"), timeout=2)
            except Exception:
                return False
            await conn.close()
            return True

        return asyncio.run(ping())


async def ensure_roles(settings: Settings, services: list[str]) -> None:
    """Each service's login role and its database: created on a fresh cluster, added to an existing one."""
    from chassis import roles

    for service in services:
        await roles.provision(settings, service)
