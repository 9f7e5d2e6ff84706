"""The backup repository: base backups of the whole PostgreSQL cluster and its archived WAL.

Why PostgreSQL's own pg_basebackup with WAL archiving (archive_command) and not pgBackRest or Barman:
the server binaries the launcher already runs carry it, so `make up` rehearses the drill on a laptop
without another package, and one cluster holds every store (each service's database and the key
stores), so one base backup plus the WAL after it is one consistent recovery point for all of them.
In production the same cluster-level backup goes to object storage (deploy/k8s/backups: the
operator's barmanObjectStore, S3-compatible), where pgBackRest/Barman-class tooling does the upload,
retention and checksums; the drill and the erasure ledger are the same.

Layout: `base/<stamp>/pgdata` (pg_basebackup, plain, WAL streamed in, so each one restores alone),
`base/<stamp>/keys` (development keys only: the master key is in the data directory in development;
production keys come from the secret store), `base/<stamp>/backup.json`, `wal/` (archived segments).
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from chassis.clock import utc_now
from chassis.settings import Settings


@dataclass(frozen=True)
class Backup:
    stamp: str
    path: Path
    started: datetime
    finished: datetime
    start_wal: str  # the first WAL segment it needs: older archived segments serve no kept backup
    size: int


class Repository:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.root = settings.backups
        self.base = self.root / "base"
        self.wal = self.root / "wal"

    def archive_options(self) -> list[str]:
        """postgres -c options that archive every finished WAL segment here (never overwriting one)."""
        return ["-c", "archive_mode=on", "-c", f"archive_command=test ! -f '{self.wal}/%f' && cp %p '{self.wal}/%f'",
                "-c", f"archive_timeout={self.settings.backup_archive_timeout}"]

    def prepare(self, owner: tuple[int, int] | None) -> None:
        """The WAL directory, writable by the PostgreSQL OS user (who runs archive_command)."""
        self.wal.mkdir(parents=True, exist_ok=True)
        self.base.mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o755)
        if owner:
            import os
            os.chown(self.wal, *owner)
        self.wal.chmod(0o700)

    def backups(self) -> list[Backup]:
        found = []
        for meta in sorted(self.base.glob("*/backup.json")):
            raw = json.loads(meta.read_text())
            found.append(Backup(meta.parent.name, meta.parent, datetime.fromisoformat(raw["started"]),
                                datetime.fromisoformat(raw["finished"]), raw["start_wal"], raw["size"]))
        return found

    def take(self, bin_dir: Path) -> Backup:
        """A base backup of the running cluster now (pg_basebackup as the admin, WAL streamed in)."""
        s = self.settings
        started = utc_now()
        stamp = started.strftime("%Y%m%dT%H%M%S%fZ")
        target = self.base / stamp
        partial = self.base / f".{stamp}.partial"
        partial.mkdir(parents=True)
        done = subprocess.run([str(bin_dir / "pg_basebackup"), "-h", s.pg_host, "-p", str(s.pg_port), "-U", s.pg_user,
                               "-D", str(partial / "pgdata"), "-X", "stream", "-c", "fast", "--no-password"],
                              capture_output=True, text=True)
        if done.returncode != 0:
            shutil.rmtree(partial, ignore_errors=True)
            raise RuntimeError(f"pg_basebackup failed: {done.stderr.strip()}")
        if s.environment != "production" and s.keys_dir.exists():
            shutil.copytree(s.keys_dir, partial / "keys")
        label = (partial / "pgdata" / "backup_label").read_text()
        start_wal = re.search(r"START WAL LOCATION: .* \(file ([0-9A-F]{24})\)", label)
        size = sum(p.stat().st_size for p in partial.rglob("*") if p.is_file())
        finished = utc_now()
        (partial / "backup.json").write_text(json.dumps({
            "started": started.isoformat(), "finished": finished.isoformat(),
            "start_wal": start_wal.group(1) if start_wal else "", "size": size}))
        partial.rename(target)
        return Backup(stamp, target, started, finished, start_wal.group(1) if start_wal else "", size)

    def prune(self, bin_dir: Path) -> list[str]:
        """Keep the newest `backup_keep` base backups and the WAL from the oldest kept one on."""
        kept = self.backups()
        gone = kept[:-self.settings.backup_keep] if self.settings.backup_keep > 0 else []
        for b in gone:
            shutil.rmtree(b.path)
        remaining = kept[len(gone):]
        if remaining and remaining[0].start_wal and self.wal.exists():
            subprocess.run([str(bin_dir / "pg_archivecleanup"), str(self.wal), remaining[0].start_wal],
                           check=True, capture_output=True)
        return [b.stamp for b in gone]

    def choose(self, target: datetime | None) -> Backup:
        """The newest base backup that finished before `target` (None: the newest of all)."""
        fitting = [b for b in self.backups() if target is None or b.finished <= target]
        if not fitting:
            when = "" if target is None else f" finished before {target.isoformat()}"
            raise RuntimeError(f"no base backup{when} in {self.base}")
        return fitting[-1]


def parse_target(text: str) -> datetime | None:
    """`latest` or an ISO time (naive: UTC)."""
    if text == "latest":
        return None
    when = datetime.fromisoformat(text)
    return when if when.tzinfo else when.replace(tzinfo=UTC)
