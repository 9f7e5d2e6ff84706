"""Wiring every service shares: pool, migrations, relay, projections, token verifier, health.

A service's `app.py` declares what is its own (name, migrations, topics, projections, routes) and
calls `build_service_app`; the start-up and shutdown order lives here once.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

import asyncpg
from fastapi import FastAPI, Request
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

import contracts

from . import db, roles
from .auth import Principal, TokenVerifier
from .body_limit import BodySizeLimit, service_refusal
from .http import declare_error_responses, install_error_handlers
from .kafka import TopicSpec
from .kafka_login import service_login
from .keys import jwt_public_key
from .keystore import KeyStore
from .logs import setup_logging
from .metrics import setup_metrics
from .projection import Projection, ProjectionRunner
from .relay import Enricher, OutboxRelay
from .retry import retrying
from .scheduler import Job, Scheduler
from .settings import Settings
from .telemetry import Sampler, install_operations_endpoints
from .tracing import setup_tracing

log = logging.getLogger(__name__)


D = TypeVar("D")


class Consumer(Protocol):
    """A Kafka consumer of a service's own that is no projection (stations reads agencies' replies): started
    after the projections, stopped with them. Its topics, like a projection's, must list the service among
    their readers (contracts/), else the broker would refuse it."""

    name: str
    topics: list[str]

    def start(self) -> None: ...
    async def stop(self) -> None: ...


@dataclass
class Runtime(Generic[D]):
    """A running service: what the chassis owns (pool, verifier, relay, projections, scheduler) and
    `deps`, the service's own typed dependencies (its stores, its clock, its keys; see the service's
    `deps.py`)."""

    name: str
    settings: Settings
    pool: asyncpg.Pool
    verifier: TokenVerifier
    deps: D
    relay: OutboxRelay | None = None
    projections: dict[str, ProjectionRunner] = field(default_factory=dict)
    scheduler: Scheduler | None = None
    sampler: Sampler | None = None


def runtime(request: Request) -> Runtime[Any]:
    rt: Runtime[Any] = request.app.state.runtime  # app.state holds anything; lifespan put the Runtime there
    return rt


async def caller(request: Request) -> Principal:
    """FastAPI dependency: the verified caller (401 without a valid bearer token)."""
    return runtime(request).verifier.verify(request.headers.get("authorization"))


async def close_clients(deps: object) -> None:
    """Close every client a service's deps hold (anything with `aclose`, such as an OwnRecord's HTTP
    client), so a stopped service leaves no open connection or warning behind."""
    for value in vars(deps).values() if hasattr(deps, "__dict__") else ():
        close = getattr(value, "aclose", None)
        if callable(close):
            await close()


def build_service_app(
    *,
    name: str,
    title: str,
    settings: Settings,
    migrations: Path,
    topics: list[TopicSpec],
    deps: D,
    projections: Callable[[Runtime[D]], list[Projection]] = lambda rt: [],
    on_startup: Callable[[Runtime[D]], object] | None = None,
    publishes: bool = True,
    jobs: Callable[[Runtime[D]], list[Job]] = lambda rt: [],
    too_large: Callable[[int], bytes] = service_refusal,
    enrich_outbox: Callable[[Runtime[D]], Enricher] | None = None,
    consumers: Callable[[Runtime[D]], list[Consumer]] = lambda rt: [],
    key_store: KeyStore | None = None,
) -> FastAPI:
    setup_logging(name, settings.log_level)
    setup_tracing(name, settings.otlp_endpoint, zipkin_endpoint=settings.zipkin_endpoint,
                  sample_ratio=settings.trace_sample_ratio)
    setup_metrics(name, settings.otlp_endpoint, settings.metrics_interval_seconds)
    # Given a password of its own (a secret of deploy/), a service finds its role made; without one
    # (development, tests) it makes its role and database with the admin, as the launcher does.
    provisions = settings.environment != "production" and not settings.pg_service_password

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if provisions:
            await retrying(lambda: roles.provision(settings, name), on=db.UNAVAILABLE_ERRORS, timeout=60.0,
                           delay=1.0, what="database server not reachable yet")
        dsn = roles.service_dsn(settings, name)
        await db.wait_for_database(dsn)
        pool = await db.create_pool(dsn, max_size=settings.pg_pool_max, command_timeout=settings.pg_command_timeout)
        if key_store is not None:  # opened first: the events' keys (old data directories: moved there)
            await retrying(lambda: key_store.open(settings, provisions=provisions), on=db.UNAVAILABLE_ERRORS,
                           timeout=60.0, delay=1.0, what="key store not reachable yet")
        await db.migrate(pool, migrations)
        if key_store is not None:
            await key_store.adopt_legacy(pool)
        verifier = TokenVerifier(settings, None if settings.jwt_jwks_url else jwt_public_key(settings))
        await verifier.load_keys()
        rt = Runtime(name, settings, pool, verifier, deps)
        consumes, others = projections(rt), consumers(rt)
        if publishes or consumes or others:  # as its own principal: the ACLs of contracts/ apply (xinqing/kafka_acls.py)
            kafka = service_login(settings, name)
        if publishes:
            rt.relay = OutboxRelay(dsn, kafka, name, topics, enrich=enrich_outbox(rt) if enrich_outbox else None)
            rt.relay.start()
        for projection in consumes:
            bare_topics = [settings.bare_topic(t) for t in projection.topics]
            contracts.require_declared(projection.name, bare_topics, projection.handles)
            contracts.require_reader(name, projection.name, bare_topics)  # else the broker refuses it
            runner = ProjectionRunner(pool, kafka, projection, group=settings.group(projection.name),
                                      client_id=f"{name}-{projection.name}",
                                      known_types=contracts.declared_types(bare_topics),
                                      beat=settings.projection_beat_seconds)
            rt.projections[projection.name] = runner  # declared either way: read-your-writes waits on it
            if settings.run_projections:
                runner.start()
        for consumer in others:
            contracts.require_reader(name, consumer.name, [settings.bare_topic(t) for t in consumer.topics])
            consumer.start()
        if on_startup:
            result = on_startup(rt)
            if hasattr(result, "__await__"):
                await result
        rt.scheduler = Scheduler(pool, name, jobs(rt))  # periodic jobs, one leader each (chassis.scheduler)
        rt.scheduler.start()
        rt.sampler = sampler = Sampler(rt)
        sampler.start(settings.metrics_interval_seconds)
        app.state.runtime = rt
        log.info("started", extra={"service": name})
        try:
            yield
        finally:
            # Everything that works in the background stops together, each bounded (chassis/background.py);
            # then the relay (what the projections appended is in the outbox either way); then the pool.
            await asyncio.gather(sampler.stop(), rt.scheduler.stop(), *(c.stop() for c in others),
                                 *(runner.stop() for runner in rt.projections.values()))
            if rt.relay:
                await rt.relay.stop()
            await db.close_pool(pool)
            await close_clients(deps)
            if key_store is not None:
                await key_store.close()
            log.info("stopped cleanly", extra={"service": name})

    # FastAPI's native telemetry is off: opentelemetry-instrumentation-fastapi (below) makes the spans
    # and the chassis the metrics; both on would measure every request twice.
    app = FastAPI(title=title, lifespan=lifespan, version="1.0",
                  telemetry={"tracing": False, "metrics": False, "logs": False})
    app.state.topics = topics  # what this service publishes (`xinqing topics` reads it)
    # tests/unit/test_contracts.py checks what they consume against contracts/
    app.state.deps, app.state.projections, app.state.consumers = deps, projections, consumers
    install_error_handlers(app)
    declare_error_responses(app)
    install_operations_endpoints(app, name, commands=publishes)
    # Outside every route: an oversized body is refused unread (the gateway's refusal is GraphQL-shaped).
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes(name), refusal=too_large)
    # No span per ASGI message ("http send" / "http receive"): two or three spans per request that say
    # nothing the request span does not.
    FastAPIInstrumentor.instrument_app(app, excluded_urls="health/.*,metrics", exclude_spans=["receive", "send"])
    return app
