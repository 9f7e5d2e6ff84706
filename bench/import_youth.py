"""Benchmark (not a test): bulk import throughput in rows/s.

    .venv/bin/python -m bench.import_youth --rows 50000            # self-contained: starts PostgreSQL +
                                                                   # Kafka on free ports, registry in-process
    .venv/bin/python -m bench.import_youth --rows 50000 --url http://127.0.0.1:8001   # a running registry

Generates a synthetic survey sheet (CSV; every 3rd row with an ID number), imports it, then imports it
again (the idempotent re-run), and prints rows/s for both.
"""
from __future__ import annotations

import argparse
import asyncio
import csv
import random
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

import httpx

from chassis.auth import issue_token
from chassis.keys import ensure_dev_keys, jwt_private_key
from chassis.reference import DISTRICTS, SUBTYPES
from chassis.settings import Settings
from services.registry.identity import id_check_char
from xinqing.importer import import_rows, read_rows
from xinqing.seed import registered_and_born

SURNAMES, GIVEN = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗", "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"


def write_sheet(path: Path, rows: int, seed: int = 7) -> None:
    rng, today = random.Random(seed), date.today()
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["name", "gender", "birthDate", "mobile", "idNumber", "district", "subtype", "employer", "consents",
                    "登记日期"])
        for n in range(rows):
            registered, born = registered_and_born(rng, today)  # a survey's own date within the past year
            gender = rng.choice(["MALE", "FEMALE"])
            idn = ""
            if n % 3 == 0:
                first17 = f"110105{born:%Y%m%d}{(n % 499) * 2 + (gender == 'MALE'):03d}"
                idn = first17 + id_check_char(first17)
            w.writerow([rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN), gender, born.isoformat(),
                        f"15{n:09d}", idn, rng.choice(list(DISTRICTS)), rng.choice(list(SUBTYPES)),
                        rng.choice(["美团", "饿了么", "顺丰", "京东物流", "滴滴", "抖音", ""]), "REGISTRATION",
                        registered.isoformat()])


async def timed_import(client: httpx.AsyncClient, path: Path, chunk: int, concurrency: int) -> tuple[float, object]:
    _, rows = read_rows(path)
    started = time.perf_counter()
    report = await import_rows(client, rows, chunk=chunk, concurrency=concurrency)
    return time.perf_counter() - started, report


async def bench(client: httpx.AsyncClient, rows: int, chunk: int, concurrency: int, workdir: Path) -> None:
    sheet = workdir / "bench.csv"
    write_sheet(sheet, rows)
    for label in ("first run", "re-run (idempotent)"):
        seconds, report = await timed_import(client, sheet, chunk, concurrency)
        print(f"{label}: {report.rows} rows in {seconds:.1f} s = {report.rows / seconds:,.0f} rows/s "
              f"(created {report.created}, already {report.already}, invalid {report.invalid_rows})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--chunk", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--url", help="a running registry; default: start everything here")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="xq-bench-"))
    try:
        if args.url:
            asyncio.run(against_url(args, workdir))
        else:
            self_contained(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


async def against_url(args, workdir: Path) -> None:
    settings = Settings()
    token = issue_token(jwt_private_key(settings), settings, roles=["registry_operator"], subject="bench", city=True)
    async with httpx.AsyncClient(base_url=args.url, timeout=300, headers={"authorization": f"Bearer {token}"}) as client:
        await bench(client, args.rows, args.chunk, args.concurrency, workdir)


def self_contained(args, workdir: Path) -> None:
    from xinqing.launcher.infra import LocalInfra
    from xinqing.launcher.ports import free_port

    workdir.chmod(0o755)
    ensure_dev_keys(workdir / "keys")
    settings = Settings(environment="test", data_dir=workdir, pg_port=free_port(), namespace="bench",
                        kafka_bootstrap=f"127.0.0.1:{free_port()}", kafka_controller_port=free_port(),
                        kafka_partitions=3, pg_command_timeout=120)
    infra = LocalInfra(settings, workdir, durable=True)  # fsync on: an honest figure
    infra.start(lambda name, line: None)
    try:
        asyncio.run(in_process(settings, args, workdir))
    finally:
        infra.stop()


async def in_process(settings: Settings, args, workdir: Path) -> None:
    from asgi_lifespan import LifespanManager

    from services.registry.app import create_app

    app = create_app(settings)
    async with LifespanManager(app, startup_timeout=120) as manager:
        token = issue_token(jwt_private_key(settings), settings, roles=["registry_operator"], subject="bench", city=True)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=manager.app), base_url="http://registry",
                                     timeout=300, headers={"authorization": f"Bearer {token}"}) as client:
            await bench(client, args.rows, args.chunk, args.concurrency, workdir)


if __name__ == "__main__":
    main()
