"""`xinqing restore --to <time|latest>`: every store back to one consistent recovery point, then the
erasures of the ledger again, then Kafka and the read models rebuilt from the stores.

1. A marker (`<data_dir>/RESTORE_PENDING`) is written first: the launcher refuses to start the apps
   while it is there, so nothing accepts traffic before step 4 has finished.
2. The cluster's directory is set aside (kept as `pg.replaced-<stamp>`, or gone with a lost disk), the
   newest base backup before the target is laid down, with `recovery.signal` and the WAL archive as
   restore_command; for `latest` the old directory's not yet archived WAL is copied in too.
3. PostgreSQL replays to the target (or to the end of the WAL) and promotes.
4. The ledger is applied again (reapply.py); every agency topic where messages newer than the recovery point
   were published gets its notices (agencies.py: withdrawals of what was shared or referred after it, the
   restored state again, the ledger's erasures and withdrawals), appended to the partners' and stations'
   stores for their relays; the internal topics (`xq.*`) are deleted and created empty, every event store
   queued for publishing again, the consumers' offsets forgotten (their per-stream claims stay, so what
   they hold is not applied twice) and the gateway's read models emptied to be replayed. The agencies'
   topics are never deleted: they are the agencies' record of what they were told.
Only then is the marker removed. A failure leaves it: the restore is run again.
"""
from __future__ import annotations

import asyncio
import os
import pwd
import shutil
from datetime import datetime
from pathlib import Path

import asyncpg
from aiokafka.admin import AIOKafkaAdminClient

import contracts
from chassis.clock import utc_now
from chassis.erasure_ledger import ErasureLedger
from chassis.kafka_login import admin_login
from chassis.settings import Settings
from contracts.partners import TOPIC_PREFIX

from .agencies import tell
from .reapply import Reapplied, reapply
from .repository import Backup, Repository

MARKER = "RESTORE_PENDING"
SERVICES = ("registry", "branches", "stations", "partners", "gateway")
REPUBLISHED = ("registry", "branches", "stations")  # the stores whose events name their topics


def marker(settings: Settings) -> Path:
    return settings.data_dir / MARKER


def lay_down(settings: Settings, pg_dir: Path, backup: Backup, target: datetime | None,
             os_user: str | None) -> Path | None:
    """Steps 1–2 (PostgreSQL stopped). Returns where the replaced directory was set aside, if any."""
    repo = Repository(settings)
    marker(settings).parent.mkdir(parents=True, exist_ok=True)
    marker(settings).write_text(f"restore from {backup.stamp} to {target.isoformat() if target else 'latest'}\n")
    if (backup.path / "keys").exists():  # development: the keys went with the disk
        restore_keys(backup.path / "keys", settings.keys_dir)
    aside = None
    if pg_dir.exists():
        aside = pg_dir.with_name(f"{pg_dir.name}.replaced-{utc_now().strftime('%Y%m%dT%H%M%SZ')}")
        pg_dir.rename(aside)
    shutil.copytree(backup.path / "pgdata", pg_dir)
    if target is None and aside is not None and (aside / "pg_wal").exists():
        for segment in (aside / "pg_wal").iterdir():  # not archived yet: without them "latest" loses them
            if segment.is_file() and not (repo.wal / segment.name).exists():
                shutil.copy2(segment, pg_dir / "pg_wal" / segment.name)
    (pg_dir / "recovery.signal").touch()
    lines = [f"restore_command = 'cp \"{repo.wal}/%f\" \"%p\"'", "recovery_target_action = 'promote'"]
    if target is not None:
        lines.append(f"recovery_target_time = '{target.isoformat()}'")
    with (pg_dir / "postgresql.auto.conf").open("a") as conf:
        conf.write("\n# xinqing restore\n" + "\n".join(lines) + "\n")
    if os_user:
        pw = pwd.getpwnam(os_user)
        for path in [pg_dir, *pg_dir.rglob("*")]:
            os.chown(path, pw.pw_uid, pw.pw_gid, follow_symlinks=False)
    pg_dir.chmod(0o700)
    return aside


def restore_keys(kept: Path, keys_dir: Path) -> None:
    """Each development key file the data directory lost, from the backup (file by file: starting the local
    Kafka may already have made the directory and its own credentials)."""
    keys_dir.mkdir(parents=True, exist_ok=True)
    for path in kept.rglob("*"):
        target = keys_dir / path.relative_to(kept)
        if path.is_dir():
            target.mkdir(exist_ok=True)
        elif not target.exists():
            shutil.copy2(path, target)


async def wait_promoted(settings: Settings, timeout: float = 600) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        try:
            conn = await asyncpg.connect(settings.database_url("postgres"), timeout=3)
            try:
                if not await conn.fetchval("SELECT pg_is_in_recovery()"):
                    return
            finally:
                await conn.close()
        except (OSError, asyncpg.PostgresError):
            pass
        if asyncio.get_running_loop().time() > deadline:
            raise RuntimeError("PostgreSQL did not finish recovery in time")
        await asyncio.sleep(0.5)


async def _empty_topics(settings: Settings) -> None:
    # The internal topics only: the agencies' (partner.*) stay, and are told what was rolled back (agencies.py).
    names = {settings.topic(name) for name in contracts.TOPICS if not name.startswith(TOPIC_PREFIX)}
    admin = AIOKafkaAdminClient(**admin_login(settings).options(), request_timeout_ms=10000)
    await admin.start()
    try:
        present = names & set(await admin.list_topics())
        if present:
            await admin.delete_topics(list(present))
        for _ in range(120):  # deletion is asynchronous on the broker
            if not names & set(await admin.list_topics()):
                return
            await asyncio.sleep(0.5)
        raise RuntimeError("Kafka did not delete the topics in time")
    finally:
        await admin.close()


async def deployed_services(settings: Settings) -> set[str]:
    """The services whose databases the restored cluster has (a partial stack has fewer)."""
    conn = await asyncpg.connect(settings.database_url("postgres"), timeout=10)
    try:
        names = {r["datname"] for r in await conn.fetch("SELECT datname FROM pg_database")}
    finally:
        await conn.close()
    return {s for s in SERVICES if settings.database(s) in names}


async def finish(settings: Settings) -> Reapplied:
    """Steps 3–4, with PostgreSQL started on the laid-down directory and Kafka running."""
    from xinqing.rebuild import republish, reset_gateway

    await wait_promoted(settings)
    deployed = await deployed_services(settings)
    done = await reapply(settings, stations="stations" in deployed)
    done.notices = (await tell(settings, ErasureLedger(settings.ledger).entries(), deployed)).notices
    await _empty_topics(settings)
    for service in deployed:
        conn = await asyncpg.connect(settings.database_url(settings.database(service)), timeout=10)
        try:
            if await conn.fetchval("SELECT to_regclass('projection_checkpoints') IS NOT NULL"):
                await conn.execute("DELETE FROM projection_checkpoints")  # offsets of topics that are gone
        finally:
            await conn.close()
    for service in REPUBLISHED:
        if service in deployed:
            await republish(settings, service)
    if "gateway" in deployed:
        await reset_gateway(settings)
    marker(settings).unlink(missing_ok=True)
    return done
