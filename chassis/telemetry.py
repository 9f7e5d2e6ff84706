"""What operations read from every process: `/metrics`, `/health/live`, `/health/ready`, and the
sampler that measures the gauges needing IO (outbox backlog, consumer lag, projection freshness).

Lag is measured against the database checkpoint (where a projection really is), not the committed
Kafka offset, and with a client of its own, so it keeps rising while a projection is stopped.
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import metrics
from .background import Background
from .faults import fault_point
from .kafka_login import service_login

if TYPE_CHECKING:
    from .service import Runtime

log = logging.getLogger(__name__)
KAFKA_TIMEOUT = 5.0  # readiness answers within the probe timeout (8 s) even when Kafka does not
READ_METHODS = {"GET", "HEAD", "OPTIONS"}


class Sampler:
    def __init__(self, rt: Runtime[Any]):
        self.rt = rt
        self.kafka_ok: bool | None = None  # None: not asked yet
        self._client: AIOKafkaConsumer | None = None
        self._background = Background()
        self._lock = asyncio.Lock()
        # Per projection, at the last sample: the partitions where events wait, each with its checkpoint
        # (absent: unknown, Kafka unreachable)
        self.waiting: dict[str, dict[tuple[str, int], int]] = {}
        self.outbox_oldest: int | None = None  # the oldest outbox row's id at the last sample (None: empty, unknown)

    def start(self, interval: float) -> None:
        self._background.start(self._loop(interval), f"metrics-{self.rt.name}")

    async def stop(self) -> None:
        await self._background.stop()
        await self._close_client()
        metrics.GAUGES.forget(self)

    async def _loop(self, interval: float) -> None:
        while True:
            try:
                await self.refresh()
            except Exception as exc:  # the database is gone: try again next time
                log.info("metrics sample failed", extra={"error": repr(exc)[:200]})
                self.waiting, self.outbox_oldest = {}, None
            try:
                await self.mend()
            except Exception as exc:  # noqa: BLE001 — the next round looks again
                log.warning("starting a loop afresh failed", extra={"error": repr(exc)[:300]})
            await asyncio.sleep(interval)

    async def mend(self) -> None:
        """Start afresh the relay or a projection that should run and has died or stalled (chassis/stall.py)."""
        now = time.monotonic()
        if self.rt.relay:  # while the broker is unreachable the relay retries by itself: not a stall
            await self.rt.relay.mend(self.outbox_oldest if self.kafka_ok else None, now)
        for runner in self.rt.projections.values():
            await runner.mend(self.waiting.get(runner.projection.name), now)

    async def refresh(self) -> None:
        async with self._lock:
            await self._sample()

    async def _sample(self) -> None:
        rt = self.rt
        runners = list(rt.projections.values())
        names = [r.projection.name for r in runners]
        async with rt.pool.acquire(timeout=5) as conn:
            outbox = await conn.fetchrow(
                "SELECT count(*) AS n, extract(epoch FROM now() - min(e.recorded_at))::float8 AS age, min(o.id) AS oldest "
                "FROM outbox o JOIN events e USING (global_position)") if rt.relay else None
            checkpoints = await conn.fetch(
                "SELECT projection, topic, partition, next_offset, "
                "extract(epoch FROM now() - event_time)::float8 AS age "
                "FROM projection_checkpoints WHERE projection = ANY($1::text[])", names)
        service = (("service", rt.name),)
        self.outbox_oldest = outbox["oldest"] if outbox is not None else None
        if outbox is not None:
            metrics.GAUGES.replace(self, "xq.outbox.backlog", {service: outbox["n"]})
            metrics.GAUGES.replace(self, "xq.outbox.oldest_age", {service: outbox["age"] or 0.0})
        done = {(r["projection"], r["topic"], r["partition"]): r["next_offset"] for r in checkpoints}
        metrics.GAUGES.replace(self, "xq.projection.position", {
            (("projection", p), ("topic", t), ("partition", str(n))): float(o) for (p, t, n), o in done.items()})
        newest: dict[str, float] = {}
        for r in checkpoints:
            if r["age"] is not None:
                newest[r["projection"]] = min(newest.get(r["projection"], r["age"]), r["age"])
        metrics.GAUGES.replace(self, "xq.projection.event_age",
                               {(("projection", p),): age for p, age in newest.items()})
        if runners:
            ends = await self._end_offsets({t for r in runners for t in r.projection.topics})
        else:
            ends = {} if await self.kafka_reachable() else None
        self.waiting = {}
        if ends is None:
            metrics.GAUGES.replace(self, "xq.consumer.lag", {})  # unknown, rather than stale
        else:
            lag: dict[metrics.Attributes, float] = {}
            for runner in runners:
                waiting = self.waiting[runner.projection.name] = {}
                for tp, end in ends.items():
                    if tp.topic in runner.projection.topics:
                        at = done.get((runner.projection.name, tp.topic, tp.partition), 0)
                        lag[(("group", runner.group), ("topic", tp.topic), ("partition", str(tp.partition)))] = \
                            float(max(end - at, 0))
                        if end > at:
                            waiting[(tp.topic, tp.partition)] = at
            metrics.GAUGES.replace(self, "xq.consumer.lag", lag)
        metrics.GAUGES.replace(self, "xq.kafka.up", {service: 1.0 if self.kafka_ok else 0.0})

    async def _end_offsets(self, topics: set[str]) -> dict[TopicPartition, int] | None:
        try:
            async with asyncio.timeout(KAFKA_TIMEOUT * 2):
                client = await self._kafka()
                cluster = await client._client.fetch_all_metadata()
                parts = [TopicPartition(t, p) for t in topics for p in (cluster.partitions_for_topic(t) or ())]
                ends = await client.end_offsets(parts) if parts else {}
            self.kafka_ok = True
            return ends
        except Exception as exc:
            self.kafka_ok = False
            log.info("Kafka not reachable for lag sampling", extra={"error": repr(exc)[:200]})
            await self._close_client()
            return None

    async def kafka_reachable(self) -> bool:
        """Readiness: ask the broker for its metadata, with a short timeout."""
        try:
            async with asyncio.timeout(KAFKA_TIMEOUT):
                client = await self._kafka()
                await client._client.fetch_all_metadata()
            self.kafka_ok = True
        except Exception:
            self.kafka_ok = False
            await self._close_client()
        return self.kafka_ok

    async def _kafka(self) -> AIOKafkaConsumer:
        if self._client is None:
            client = AIOKafkaConsumer(**service_login(self.rt.settings, self.rt.name).options(), group_id=None,
                                      client_id=f"{self.rt.name}-metrics", request_timeout_ms=int(KAFKA_TIMEOUT * 1000))
            await client.start()
            self._client = client
        return self._client

    async def _close_client(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                await client.stop()
            except Exception:
                pass


class MeasureRequests:
    """Command latency per route and 5xx counts. A plain ASGI middleware: `@app.middleware("http")`
    (Starlette's BaseHTTPMiddleware) runs every request in an extra task with a streamed response,
    which cost about a tenth of the registry's CPU per command (docs/BENCHMARKS.md)."""

    def __init__(self, app: ASGIApp, service: str, commands: bool):
        self.app, self.service, self.commands = app, service, commands

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what an exception that escapes the app becomes

        async def send_measured(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                if self.commands and scope["method"] not in READ_METHODS and status < 300:
                    fault_point("command.before_answer")  # committed, not yet answered
            await send(message)

        try:
            await self.app(scope, receive, send_measured)
        finally:
            path = getattr(scope.get("route"), "path", None)  # set on this scope by the router
            if self.commands and path is not None and scope["method"] not in READ_METHODS:
                metrics.COMMAND_DURATION.record(time.perf_counter() - started, {
                    "service": self.service, "method": scope["method"], "route": path, "status": str(status)})
            if status >= 500:
                metrics.ERRORS.add(1, {"service": self.service, "component": "http", "kind": str(status)})


def install_operations_endpoints(app: FastAPI, service: str, *, commands: bool = True) -> None:
    """Health, metrics, and the command-latency and error measurements of every request. `commands`:
    whether this app's state-changing requests are commands (not the gateway's: its POSTs are GraphQL,
    measured per operation, and it forwards commands to the services, which measure them)."""

    app.add_middleware(MeasureRequests, service=service, commands=commands)

    @app.get("/health/live", tags=["operations"], summary="liveness: the process answers")
    async def live() -> dict[str, Any]:
        return {"status": "ok"}

    @app.get("/health/ready", tags=["operations"],
             summary="readiness: 503 when the database is unreachable; Kafka is reported, not required",
             responses={503: {"description": "the database is unreachable"}})
    async def ready(request: Request) -> JSONResponse:
        # Kafka down is "degraded", not "not ready": commands still succeed (the outbox keeps their
        # events) and reads still answer, so taking every replica out of service would turn a broker
        # outage into a full one. The alert on xq_kafka_up / lag covers it (docs/RUNBOOK.md).
        rt: Runtime[Any] = request.app.state.runtime
        checks = {}
        try:
            async with rt.pool.acquire(timeout=2) as conn:
                await conn.fetchval("SELECT 1")
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"unavailable: {type(exc).__name__}"
        if rt.sampler is not None and await rt.sampler.kafka_reachable():
            checks["kafka"] = "ok"
        else:
            checks["kafka"] = "unavailable (events wait in the outbox; read models fall behind)"
        if checks["database"] != "ok":
            status, code = "unavailable", 503
        else:
            status, code = ("ok", 200) if checks["kafka"] == "ok" else ("degraded", 200)
        return JSONResponse({"status": status, "checks": checks}, status_code=code)

    @app.get("/metrics", tags=["operations"], summary="Prometheus metrics of this process",
             response_class=PlainTextResponse)  # declared as text, as served (tests/e2e/test_openapi_fuzz.py)
    async def scrape(request: Request) -> Response:
        try:
            await request.app.state.runtime.sampler.refresh()
        except Exception as exc:  # still serve counters and the last gauges
            log.info("metrics sample failed", extra={"error": repr(exc)[:200]})
        return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)
