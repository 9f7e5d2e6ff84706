"""The backup drill's clock (docs/RUNBOOK.md, "Backups and restore: RPO and RTO"), on a stack of its own
(PostgreSQL with WAL archiving, Kafka, the registry, the gateway and the partner publisher as processes):

1. `--people` registered through the city seed's path (`xinqing seed --scale city`: POST /youth:batch), a base
   backup after every `--backup-every` of them as nightly backups would take during a long import (each
   prunes the archived WAL before it: the archive of 2.2 M people at once does not fit this machine's disk);
2. a base backup (`xinqing backup`'s code);
3. `--after` more registered (the WAL a restore replays), then some erased (the ledger);
4. the disk lost: PostgreSQL killed (SIGKILL: the WAL not yet archived is lost, as with a dead disk), the
   apps and Kafka stopped, the data directory deleted — cluster, Kafka log, development keys;
5. `xinqing restore --to latest` (its CLI code: the base backup laid down, the archived WAL replayed, the
   ledger applied again, the agencies' notices, the topics emptied and every store queued again);
6. the stack started again, until the registry answers and the gateway's read model holds everyone restored.

RPO: the people registered but not restored (the WAL not yet archived when the disk was lost). RTO: step 5
(stores back and erasures applied again) and 5 + 6 (read models complete). `--people 2200000` is the city.

    python -m bench.backup_drill --people 200000 --after 20000
"""
from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import tempfile
import time
from pathlib import Path

import asyncpg
from rich.console import Console

from xinqing.backups.background import take_backup
from xinqing.backups.commands import restore
from xinqing.launcher.infra import LocalInfra
from xinqing.launcher.ports import accepts
from xinqing.seed_city import seed_city

from .stack import BenchStack

APPS = ["registry", "gateway", "partners"]
# Disk at the peak (the city run, docs/RUNBOOK.md: 2.2 M people): the cluster ≈ 5.4 KB a person with its pg_wal,
# the newest base backup and the one before it until the retention removes it (2 × 3.5 KB), Kafka's log ≈ 0.8 KB,
# the WAL archived since the last backup (≈ 10 KB a person of the last step): ≈ 15 KB a person, and slack.
DISK_PER_PERSON = 20_000
DISK_FIXED = 8 * 10**9
PROJECTED = "SELECT coalesce(sum(count), 0) FROM youth_counts"  # the gateway's dashboard counter
STORED = "SELECT count(*) FROM events WHERE event_type = 'xq.registry.youth.registered.v1'"
ERASED = "SELECT count(*) FROM events WHERE event_type = 'xq.registry.youth.erased.v1'"


async def scalar(stack: BenchStack, service: str, sql: str) -> int:
    conn = await asyncpg.connect(stack.dsn(stack.settings.database(service)))
    try:
        return int(await conn.fetchval(sql))
    finally:
        await conn.close()


async def since_archived(stack: BenchStack) -> float:
    conn = await asyncpg.connect(stack.dsn("postgres"))
    try:
        return round(float(await conn.fetchval(
            "SELECT extract(epoch FROM now() - last_archived_time) FROM pg_stat_archiver")), 1)
    finally:
        await conn.close()


async def erase_some(stack: BenchStack, n: int) -> int:
    """Erase `n` of the people registered last (through the API, so the ledger records them)."""
    conn = await asyncpg.connect(stack.dsn(stack.settings.database("registry")))
    try:
        rows = await conn.fetch("SELECT data->>'youth_id' AS id FROM events WHERE event_type = "
                                "'xq.registry.youth.registered.v1' ORDER BY global_position DESC LIMIT $1", n)
    finally:
        await conn.close()
    async with stack.client("registry") as client:
        for r in rows:
            (await client.post(f"/youth/{r['id']}/erase")).raise_for_status()
    return len(rows)


async def until_projected(stack: BenchStack, count: int, timeout: float) -> float:
    t0, deadline = time.monotonic(), time.monotonic() + timeout
    while await scalar(stack, "gateway", PROJECTED) < count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the gateway did not project {count} people within {timeout:.0f} s")
        await asyncio.sleep(1)
    return time.monotonic() - t0


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--people", type=int, default=200_000)
    args.add_argument("--after", type=int, default=20_000)
    args.add_argument("--erase", type=int, default=10)
    args.add_argument("--backup-every", type=int, default=500_000,
                      help="a base backup after each so many people seeded (bounds the WAL archive on disk)")
    a = args.parse_args()
    need = a.people * DISK_PER_PERSON + DISK_FIXED
    if (free := shutil.disk_usage(tempfile.gettempdir()).free) < need:
        raise SystemExit(f"the drill needs about {need / 1e9:.0f} GB free for {a.people:,} people; "
                         f"{tempfile.gettempdir()} has {free / 1e9:.0f} GB")
    stack = BenchStack(log_path=Path(f"/tmp/xinqing-drill-{os.getpid()}.log"))  # kept: the stack is not
    # WAL archived continuously into the repository beside the data directory (as `make up` with backups on)
    stack.settings = stack.settings.model_copy(update={"backup_every_hours": 24, "backup_archive_timeout": 60,
                                                        "backup_keep": 1})
    stack.infra = LocalInfra(stack.settings, stack.data_dir, durable=True)
    timings: dict[str, float] = {}
    facts: dict[str, object] = {"load average (1, 5, 15 min) at start": os.getloadavg()}
    seeded = Path(stack.data_dir.with_name(stack.data_dir.name + "-seed.json"))

    def clock(name: str, t0: float) -> None:
        timings[name] = time.monotonic() - t0
        print(f"  {name}: {timings[name]:.1f} s", flush=True)

    try:
        stack.start_infra()
        stack.start_apps(APPS)
        t = time.monotonic()
        wal_per_step = []
        for upto in [*range(a.backup_every, a.people, a.backup_every), a.people]:
            asyncio.run(seed_city(stack.settings, count=upto, checkpoint=seeded))
            wal_per_step.append(megabytes(stack.settings.backups / "wal"))
            if upto < a.people:  # the nightly backups of a long import: each prunes the WAL before it
                print(" ", take_backup(stack.settings), flush=True)
        clock(f"seed {a.people:,} people (base backups every {a.backup_every:,})", t)
        facts[f"WAL archived per {a.backup_every:,} people seeded (MB)"] = wal_per_step
        t = time.monotonic()
        print(" ", take_backup(stack.settings), flush=True)
        clock("base backup", t)
        t = time.monotonic()
        asyncio.run(seed_city(stack.settings, count=a.people + a.after, checkpoint=seeded))
        facts["erased after the backup"] = asyncio.run(erase_some(stack, a.erase))
        clock(f"seed {a.after:,} more and erase {a.erase}", t)
        before = asyncio.run(scalar(stack, "registry", STORED))
        facts["registered before the disk was lost"] = before
        facts["load average at the disaster"] = os.getloadavg()
        facts["cluster size (MB)"] = megabytes(stack.infra.postgres.data_dir)
        facts["WAL archived after the base backup (MB)"] = megabytes(stack.settings.backups / "wal")
        facts["base backup (MB)"] = megabytes(stack.settings.backups / "base")
        facts["Kafka log (MB)"] = megabytes(stack.infra.kafka.data_dir)
        facts["seconds since the last WAL segment was archived"] = asyncio.run(since_archived(stack))
        lost_at = time.monotonic()
        stack.infra.pg_process.kill()  # sudden: no shutdown checkpoint, no last WAL switch to the archive
        for proc in reversed(list(stack.apps.values())):
            proc.stop()
        stack.apps.clear()
        stack.infra.stop()
        shutil.rmtree(stack.data_dir)  # the disk is lost: cluster, Kafka log, development keys
        stack.data_dir.mkdir()
        stack.data_dir.chmod(0o755)
        t = time.monotonic()
        restore(stack.settings, "latest", Console())
        clock("xinqing restore --to latest", t)
        t = time.monotonic()
        host, port = stack.settings.kafka_bootstrap.rsplit(":", 1)
        while accepts(host, int(port)) or accepts(stack.settings.pg_host, stack.settings.pg_port):
            time.sleep(0.5)  # the restore's own servers still going down
        # the Kafka credentials are the restore's (the lost disk took the old ones): read them anew
        stack.infra = LocalInfra(stack.settings, stack.data_dir, durable=True)
        stack.start_infra()
        stack.start_apps(APPS)
        clock("stack started", t)
        restored = asyncio.run(scalar(stack, "registry", STORED))
        facts["registered after the restore"] = restored
        facts["lost (RPO, people)"] = before - restored
        t = time.monotonic()
        asyncio.run(until_projected(stack, restored - asyncio.run(scalar(stack, "registry", ERASED)), timeout=7200))
        clock("read model complete after start", t)
        facts["RTO: disk lost → stores back (s)"] = round(timings["xinqing restore --to latest"], 1)
        facts["RTO: disk lost → read models complete (s)"] = round(time.monotonic() - lost_at, 1)
        facts["load average at the end"] = os.getloadavg()
    finally:
        stack.stop()
        shutil.rmtree(stack.settings.backups, ignore_errors=True)
        seeded.unlink(missing_ok=True)
    for name, value in facts.items():
        print(f"{name}: {value}")


def megabytes(path: Path) -> int:
    """MB on disk under `path` (allocated blocks: Kafka's index files are sparse, their length overstates them)."""
    return round(sum(p.stat().st_blocks * 512 for p in path.rglob("*") if p.is_file()) / 1e6)


if __name__ == "__main__":
    main()
