"""`python -m bench.service_client_cost [calls]`: the caller's CPU per service call, httpx against aiohttp.

What the gateway pays to forward a mutation, alone: a uvicorn app in a child process answers a small JSON
body (no work of its own), and this process POSTs a registration-sized body with a bearer token and a
`traceparent`, 8 calls in flight on kept-alive connections, first through an httpx client configured as the
services' was until session 11, then through `chassis.service_client.ServiceHttp` (aiohttp; no tracer
provider is set up here, so its span costs what a non-recording one does). Reported: this process's CPU per
call (time.process_time) and calls per second.
"""
from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable

import httpx

from chassis.service_client import KEEPALIVE_SECONDS, ServiceHttp
from xinqing.launcher.ports import answers, free_port
from xinqing.launcher.processes import wait_until

IN_FLIGHT = 8
WARM = 200
BODY = {"name": "孙悟空", "gender": "MALE", "birthDate": "2000-05-05", "mobile": "13600000001", "district": "110101",
        "youthType": "ONLINE_CULTURE", "subtype": "STREAMER", "consents": ["REGISTRATION"]}
HEADERS = {"authorization": "Bearer " + "x" * 600}  # about the size of a real token

SERVER = """
import json, uvicorn
ANSWER = json.dumps({"id": "f37ffd3e-c3b2-4747-9edb-7e89d763c27e", "position": "youth-f37ffd3e@1"}).encode()
async def app(scope, receive, send):
    health = scope["path"] == "/health/live"
    body = b"{}" if health else ANSWER
    more = True
    while more:
        more = (await receive()).get("more_body", False)
    await send({"type": "http.response.start", "status": 200 if health else 201,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
uvicorn.run(app, host="127.0.0.1", port=int(__import__("sys").argv[1]), log_level="warning", loop="uvloop",
            lifespan="off")
"""


async def measure(name: str, call: Callable[[], Awaitable[object]], calls: int) -> str:
    for _ in range(WARM):
        await call()

    async def worker() -> None:
        for _ in range(calls // IN_FLIGHT):
            await call()

    wall, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return f"| {name} | {cpu / calls * 1000:.3f} | {calls / wall:,.0f} |"


async def compare(url: str, calls: int) -> list[str]:
    before = httpx.AsyncClient(base_url=url, timeout=10, limits=httpx.Limits(keepalive_expiry=KEEPALIVE_SECONDS))
    after = ServiceHttp(url, timeout=10)
    try:
        return [await measure("httpx (until session 11)",
                              lambda: before.request("POST", "/youth", json=BODY, headers=HEADERS), calls),
                await measure("aiohttp (`ServiceHttp`)",
                              lambda: after.request("POST", "/youth", json=BODY, headers=HEADERS), calls)]
    finally:
        await before.aclose()
        await after.aclose()


def main() -> None:
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 8000
    port = free_port("127.0.0.1")
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(port)])
    try:
        wait_until(lambda: answers(f"http://127.0.0.1:{port}/health/live"), 30, "echo server")
        rows = asyncio.run(compare(f"http://127.0.0.1:{port}", calls))
    finally:
        server.terminate()
        server.wait()
    print(f"{calls} POSTs, {IN_FLIGHT} in flight, kept-alive connections\n")
    print("| client | caller CPU ms per call | calls/s |\n|---|---|---|", *rows, sep="\n")


if __name__ == "__main__":
    main()
