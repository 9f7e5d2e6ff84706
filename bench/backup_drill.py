"""The backup drill's clock (docs/RUNBOOK.md, "Backups and restore: RPO and RTO"): a cluster of its own with
`events`-shaped rows (about 1 KB each, as the registry's: public payload, sealed blob, metadata, indexes),
a base backup, more rows after it (WAL to replay), the data directory destroyed, a restore to latest.
Prints each phase's seconds and the sizes, so the city-scale figure is extrapolated from measured rates.

    python -m bench.backup_drill --rows 600000 --after 100000
"""
from __future__ import annotations

import argparse
import asyncio
import shutil
import socket
import tempfile
import time
from pathlib import Path

import asyncpg

from chassis.settings import Settings
from xinqing.backups.repository import Repository
from xinqing.backups.restore import lay_down, wait_promoted
from xinqing.launcher.postgres import PostgresServer, find_bin_dir

FILL = """INSERT INTO events (stream_id, version, event_type, data, sealed, metadata)
SELECT 'youth-' || md5(g::text), 1, 'xq.registry.youth.registered.v1',
       jsonb_build_object('youth_id', md5(g::text), 'district', '110105', 'subtype', 'DELIVERY_RIDER',
                          'age_band', '23-28', 'consents', jsonb_build_array('REGISTRATION'), 'pad', repeat('x', 200)),
       decode(repeat(md5(g::text), 10), 'hex'),
       jsonb_build_object('traceparent', repeat('0', 55), 'correlation_id', md5((g + 1)::text))
FROM generate_series($1::bigint, $2::bigint) g"""


def port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def fill(settings: Settings, start: int, end: int) -> None:
    conn = await asyncpg.connect(settings.database_url("drill"))
    try:
        await conn.execute("CREATE TABLE IF NOT EXISTS events (global_position bigserial PRIMARY KEY, "
                           "stream_id text, version int, event_type text, data jsonb, sealed bytea, metadata jsonb, "
                           "recorded_at timestamptz DEFAULT now(), UNIQUE (stream_id, version))")
        for lo in range(start, end, 50_000):
            await conn.execute(FILL, lo, min(end, lo + 50_000) - 1)
    finally:
        await conn.close()


async def size(settings: Settings) -> int:
    conn = await asyncpg.connect(settings.database_url("postgres"))
    try:
        return int(await conn.fetchval("SELECT sum(pg_database_size(datname)) FROM pg_database"))
    finally:
        await conn.close()


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--rows", type=int, default=600_000)
    args.add_argument("--after", type=int, default=100_000)
    a = args.parse_args()
    root = Path(tempfile.mkdtemp(prefix="xinqing-drill-"))
    root.chmod(0o755)
    settings = Settings(data_dir=root / "data", pg_port=port(), backup_every_hours=24)
    server = PostgresServer(settings, settings.data_dir / "pg")
    timings: dict[str, float] = {}

    def start() -> object:
        server.prepare()
        proc = server.process()
        proc.start(lambda name, line: None)
        server.wait_ready(proc)
        return proc

    proc = start()
    try:
        asyncio.run(_create(settings))
        t = time.monotonic()
        asyncio.run(fill(settings, 0, a.rows))
        timings["fill"] = time.monotonic() - t
        total = asyncio.run(size(settings))
        t = time.monotonic()
        backup = Repository(settings).take(find_bin_dir(settings))
        timings["backup"] = time.monotonic() - t
        t = time.monotonic()
        asyncio.run(fill(settings, a.rows, a.rows + a.after))
        timings["after"] = time.monotonic() - t
        proc.stop()  # type: ignore[attr-defined]
        wal = sum(p.stat().st_size for p in Repository(settings).wal.iterdir())
        shutil.rmtree(settings.data_dir / "pg")
        t = time.monotonic()
        lay_down(settings, server.data_dir, backup, None, server.os_user)
        timings["lay_down"] = time.monotonic() - t
        proc = start()
        asyncio.run(wait_promoted(settings))
        timings["recovery"] = time.monotonic() - t - timings["lay_down"]
        print(f"databases {total / 1e6:.0f} MB, base backup {backup.size / 1e6:.0f} MB, WAL archived {wal / 1e6:.0f} MB")
        for phase, seconds in timings.items():
            print(f"{phase:10s} {seconds:8.1f} s")
    finally:
        proc.stop()  # type: ignore[attr-defined]
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(settings.backups, ignore_errors=True)


async def _create(settings: Settings) -> None:
    conn = await asyncpg.connect(settings.database_url("postgres"))
    try:
        await conn.execute("CREATE DATABASE drill")
    finally:
        await conn.close()


if __name__ == "__main__":
    main()
