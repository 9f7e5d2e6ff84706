"""`python -m bench.profile_lists_http [rounds] [requests] [stations,appeals]`: benchmark 5's list pages through the
gateway's whole request path in this process — the app as `create_app` builds it (its middleware and request
span, the token check, strawberry's HTTP view and extensions, asyncpg over benchmark 5's data at 2,000 youth,
metrics) with each request handed straight to the ASGI callable by 8 workers on uvloop, so no socket, uvicorn
or HTTP client shares the count. Prints process CPU ms per request with the background (the projections'
Kafka consumers) measured idle and subtracted.

The variants run round by round in turn, so that a neighbour's load falls on each alike: `built` (as the
gateway runs), `no-flat` (strawberry's own executor instead of gateway/execution.py), `no-orjson`
(strawberry's json.dumps for the answer), `thawed` (start-up's objects not frozen, gateway/app.py settle_heap),
`before` (none of the three). The minimum over rounds is the least disturbed figure."""
from __future__ import annotations

import asyncio
import gc
import logging
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager

import orjson
import uvloop
from strawberry.fastapi import GraphQLRouter
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

import gateway.app
from gateway.execution import FlatObjects
from xinqing.kafka_acls import grant_namespace

from .city_data import CitySize
from .gateway_queries import APPEALS, STATIONS, _prepare, gateway_settings
from .stack import BenchStack

QUERIES = {"stations": STATIONS, "appeals": APPEALS}
WORKERS = 8


ENCODE = gateway.app.GatewayRouter.encode_json  # the gateway's own (orjson)
# variant → (FlatObjects, orjson, start-up's objects frozen); "before" is the gateway without this round's changes
VARIANTS = {"built": (True, True, True), "no-flat": (False, True, True), "no-orjson": (True, False, True),
            "thawed": (True, True, False), "before": (False, False, False)}


@contextmanager
def variant(name: str, schema):
    flat, own_json, frozen = VARIANTS[name]
    schema.execution_context_class = FlatObjects if flat else StrawberryGraphQLCoreExecutionContext
    gateway.app.GatewayRouter.encode_json = ENCODE if own_json else GraphQLRouter.encode_json  # type: ignore
    if not frozen:
        gc.unfreeze()
    try:
        yield
    finally:
        schema.execution_context_class = FlatObjects
        gateway.app.GatewayRouter.encode_json = ENCODE  # type: ignore[method-assign]
        if not frozen:
            gc.freeze()


def asgi_caller(app, token: str) -> Callable[[bytes], object]:
    async def call(body: bytes) -> bytes:
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
                 "path": "/graphql", "raw_path": b"/graphql", "query_string": b"", "root_path": "",
                 "headers": [(b"host", b"gateway"), (b"content-type", b"application/json"),
                             (b"authorization", f"Bearer {token}".encode()),
                             (b"content-length", str(len(body)).encode())],
                 "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000), "state": {}}
        received = False
        sent: list[dict] = []

        async def receive() -> dict:
            nonlocal received
            if received:  # the body was read: wait as a connection that stays open would
                await asyncio.Event().wait()
            received = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict) -> None:
            sent.append(message)

        await app(scope, receive, send)
        answer = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        if sent[0]["status"] != 200 or b'"errors"' in answer:
            raise RuntimeError(answer[:300])
        return answer
    return call


async def measure(stack: BenchStack, rounds: int, n: int, which: list[str]) -> None:
    conn, _ = await _prepare(stack, CitySize(youth=2000), print)
    await conn.close()
    settings = gateway_settings(stack)
    grant_namespace(settings)
    built = []
    build_schema = gateway.app.build_schema
    gateway.app.build_schema = lambda s: built.append(build_schema(s)) or built[-1]  # type: ignore[assignment]
    app = gateway.app.create_app(settings)
    schema = built[0]
    call = asgi_caller(app, stack.token())
    async with app.router.lifespan_context(app):
        logging.getLogger("aiokafka").setLevel(logging.CRITICAL)  # no topics in this namespace: no services run
        await asyncio.sleep(3)  # the consumers join their groups
        started, cpu = time.perf_counter(), time.process_time()
        await asyncio.sleep(3)
        idle = (time.process_time() - cpu) / (time.perf_counter() - started)
        print(f"background: {idle * 1000:.1f} ms of CPU per second, subtracted")

        async def loop(body: bytes, count: int) -> None:
            todo = iter(range(count))

            async def worker() -> None:
                for _ in todo:
                    await call(body)
            await asyncio.gather(*(worker() for _ in range(WORKERS)))

        names = list(VARIANTS)
        for query in which:
            body = orjson.dumps({"query": QUERIES[query], "variables": {}})
            results: dict[str, list[float]] = {name: [] for name in names}
            answers = []
            for name in names:  # every variant answers the same, then warm up
                with variant(name, schema):
                    answers.append(orjson.loads(await call(body)))
                    await loop(body, 200)
            if any(a != answers[0] for a in answers):
                raise RuntimeError(f"the variants answer {query} differently")
            for _ in range(rounds):
                for name in names:
                    with variant(name, schema):
                        started, cpu = time.perf_counter(), time.process_time()
                        await loop(body, n)
                        wall, used = time.perf_counter() - started, time.process_time() - cpu
                    results[name].append((used - idle * wall) / n * 1000)
            for name in names:
                ms = results[name]
                print(f"{query} {name:>9}: min {min(ms):.3f} median {statistics.median(ms):.3f} ms of CPU per request "
                      f"({rounds} × {n})")


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    which = (sys.argv[3] if len(sys.argv) > 3 else "stations,appeals").split(",")
    stack = BenchStack()
    try:
        stack.start_infra()
        uvloop.run(measure(stack, rounds, n, which))
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
