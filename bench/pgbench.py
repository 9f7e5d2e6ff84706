"""The physical limit: pgbench (C, prepared statements) doing the same inserts as EventStore.append —
an `events` row, its `outbox` row and the NOTIFY that wakes the relay, in one transaction."""
from __future__ import annotations

import json
import re
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from chassis.eventstore import OUTBOX_CHANNEL

from .loadgen import RunStats
from .workloads import TOPIC, payload_json


def script() -> str:
    # ": " with a space: pgbench would read `:name` as one of its variables
    data = json.dumps(json.loads(payload_json()), ensure_ascii=False).replace("'", "''")
    return "\n".join([
        "BEGIN;",
        "INSERT INTO events (event_id, stream_id, version, event_type, data, sealed, metadata, recorded_at) "
        "VALUES (gen_random_uuid(), 'youth-' || gen_random_uuid(), 1, 'xq.registry.youth.registered.v1', "
        f"'{data}'::jsonb, NULL, '{{\"source\": \"/xinqing/registry\"}}'::jsonb, now());",
        f"INSERT INTO outbox (global_position, topic) VALUES (currval('events_global_position_seq'), '{TOPIC}');",
        f"SELECT pg_notify('{OUTBOX_CHANNEL}', '');",
        "END;",
        "",
    ])


def run(pg_bin: Path, host: str, port: int, user: str, database: str, *, clients: int, seconds: float,
        rate: float | None = None) -> RunStats:
    """pgbench for `seconds`; with `rate`, throttled (open loop: latency counted from the scheduled start)."""
    with tempfile.TemporaryDirectory(prefix="xq-pgbench-") as tmp:
        path = Path(tmp) / "append.sql"
        path.write_text(script())
        argv = [str(pg_bin / "pgbench"), "-h", host, "-p", str(port), "-U", user, "-n", "-M", "prepared",
                "-c", str(clients), "-j", str(min(clients, 2)), "-T", str(max(1, round(seconds))),
                "-f", str(path), "-l", "--log-prefix", str(Path(tmp) / "tx")]
        if rate:
            argv += ["-R", str(rate)]
        done = subprocess.run(argv + [database], capture_output=True, text=True, timeout=seconds + 120, cwd=tmp)
        if done.returncode != 0:
            raise RuntimeError(f"pgbench failed: {done.stderr.strip()[-500:]}")
        latencies: list[float] = []
        for log in Path(tmp).glob("tx.*"):
            for line in log.read_text().splitlines():
                parts = line.split()
                if len(parts) >= 3:
                    latencies.append(int(parts[2]) / 1e6)  # µs, from the scheduled start when throttled
        failed = re.search(r"number of failed transactions: (\d+)", done.stdout)
        tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", done.stdout)
    arr = np.asarray(latencies) * 1000 if latencies else np.asarray([float("nan")])
    p50, p99, mx = (float(x) for x in np.percentile(arr, [50, 99, 100]))
    seconds_measured = len(latencies) / float(tps.group(1)) if tps and float(tps.group(1)) else seconds
    return RunStats(rate, len(latencies), int(failed.group(1)) if failed else 0, seconds_measured, p50, p99, mx)
