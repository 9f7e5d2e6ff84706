"""`python -m bench --scale {tiny,full} [--only write_path,freshness,rebuild,nearest_stations,gateway_queries,
dashboard_writes,dashboard_live,replicas] [--out FILE]`. `dashboard_live` (5c) runs on 5b's stack, after its
steps: asking for it runs 5b as well."""
from __future__ import annotations

import argparse
import asyncio
import functools
import signal
import sys
import time
from pathlib import Path

from chassis.settings import PROJECT_ROOT

from . import machine
from .report import Report
from .scales import SCALES
from .stack import BenchStack

BENCHMARKS = ("write_path", "freshness", "bulk_import", "rebuild", "nearest_stations", "gateway_queries",
              "dashboard_writes", "dashboard_live", "replicas")


async def run_all(stack: BenchStack, report: Report, scale, only: set[str], say) -> None:
    from . import (
        bulk_import,
        dashboard_live,
        dashboard_writes,
        freshness,
        gateway_queries,
        nearest_stations,
        rebuild,
        replicas,
        write_path,
    )
    from .memory import MemorySampler

    sampler = MemorySampler(stack)
    sampler.start()
    try:
        if "write_path" in only:
            say("write path: pgbench, chassis, eventsourcing, registry HTTP, gateway GraphQL")
            await write_path.run(stack, report, scale.write_path)
        if "freshness" in only:
            say("freshness: registry → Kafka → gateway read model")
            for rate in scale.freshness_rates:
                await freshness.run(stack, report, rate=rate, seconds=scale.freshness_seconds,
                                    concurrency=scale.write_path.concurrency)
        if "bulk_import" in only:
            say(f"bulk import: {scale.bulk_people:,} youth through POST /youth:batch")
            await bulk_import.run(stack, report, people=scale.bulk_people)
        if "rebuild" in only:
            say(f"rebuild: {scale.rebuild_events:,} events into the gateway youth projection")
            await rebuild.run(stack, report, events=scale.rebuild_events)
        if "nearest_stations" in only:
            say(f"nearest stations: anonymous at {scale.nearest.rate:g}/s over {scale.nearest.stations} stations")
            await nearest_stations.run(stack, report, scale.nearest, say)
        if "gateway_queries" in only:  # last: restarts PostgreSQL, replaces the gateway database
            say(f"gateway queries: {scale.gateway.size.describe()}")
            await gateway_queries.run(stack, report, scale.gateway, say)
        if only & {"dashboard_writes", "dashboard_live"}:  # their own namespace; the apps restarted
            say(f"dashboard while writes flow: {scale.dashboard_writes.size.describe()}")
            # 5c after 5b's steps, on its stack: live subscribers under the same write mix
            live = (functools.partial(dashboard_live.run, stack, report, scale.dashboard_live, scale.dashboard_writes,
                                      say=say) if "dashboard_live" in only else None)
            await dashboard_writes.run(stack, report, scale.dashboard_writes, say, then=live,
                                       then_seconds=scale.dashboard_live.seconds if live else 0)
        if "replicas" in only:  # 8: its own namespace; the registry, branches, stations and gateway restarted, then doubled
            say("one replica vs two: the write mix, closed loop")
            await replicas.run(stack, report, scale.replicas, say)
    finally:
        sampler.stop()
        sampler.report(report)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--scale", choices=sorted(SCALES), default="tiny")
    parser.add_argument("--only", default=",".join(BENCHMARKS), help=f"comma-separated subset of {BENCHMARKS}")
    parser.add_argument("--out", type=Path, default=None, help="markdown result file (a .json is written beside it)")
    parser.add_argument("--keep", action="store_true", help="keep the data directory (for inspection)")
    args = parser.parse_args(argv)
    only = {o.strip() for o in args.only.split(",") if o.strip()}
    if unknown := only - set(BENCHMARKS):
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    scale = SCALES[args.scale]
    out = args.out or PROJECT_ROOT / ".bench" / f"results-{args.scale}.md"
    started = time.monotonic()

    def say(message: str) -> None:
        print(f"[bench {time.monotonic() - started:6.1f}s] {message}", file=sys.stderr, flush=True)

    # SIGTERM stops the run like Ctrl-C: the finally below stops PostgreSQL, Kafka and the services.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    stack = BenchStack(log_path=out.with_suffix(".log") if out.parent.exists() else None)
    try:
        say(f"starting PostgreSQL (durable) and Kafka in {stack.data_dir}")
        stack.start_infra()
        report = Report(machine.describe(stack.pg_bin, stack.settings.kafka_version), scale.name)
        asyncio.run(run_all(stack, report, scale, only, say))
    finally:
        stack.stop()
    report.machine["duration of the run"] = f"{time.monotonic() - started:.0f} s"
    report.write(out)
    say(f"results in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
