"""Wiring every service shares: pool, migrations, relay, projections, token verifier, health.

A service's `app.py` declares what is its own (name, migrations, topics, projections, routes) and
calls `build_service_app`; the start-up and shutdown order lives here once.
"""
from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

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
from .logs import setup_logging
from .metrics import setup_metrics
from .projection import Projection, ProjectionRunner
from .relay import OutboxRelay
from .retry import retrying
from .scheduler import Job, Scheduler
from .settings import Settings
from .telemetry import Sampler, install_operations_endpoints
from .tracing import setup_tracing

log = logging.getLogger(__name__)


D = TypeVar("D")


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
) -> FastAPI:
    setup_logging(name, settings.log_level)
    setup_tracing(name, settings.otlp_endpoint)
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
        await db.migrate(pool, migrations)
        verifier = TokenVerifier(settings, None if settings.jwt_jwks_url else jwt_public_key(settings))
        rt = Runtime(name, settings, pool, verifier, deps)
        consumes = projections(rt)
        if publishes or consumes:  # as its own principal: the ACLs of contracts/ apply (xinqing/kafka_acls.py)
            kafka = service_login(settings, name)
        if publishes:
            rt.relay = OutboxRelay(dsn, kafka, name, topics)
            rt.relay.start()
        for projection in consumes:
            bare_topics = [settings.bare_topic(t) for t in projection.topics]
            contracts.require_declared(projection.name, bare_topics, projection.handles)
            contracts.require_reader(name, projection.name, bare_topics)  # else the broker refuses it
            runner = ProjectionRunner(pool, kafka, projection, group=settings.group(projection.name),
                                      client_id=f"{name}-{projection.name}",
                                      known_types=contracts.declared_types(bare_topics))
            rt.projections[projection.name] = runner
            runner.start()
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
            await sampler.stop()
            await rt.scheduler.stop()
            for runner in rt.projections.values():
                await runner.stop()
            if rt.relay:
                await rt.relay.stop()
            await pool.close()
            log.info("stopped cleanly", extra={"service": name})

    # FastAPI's native telemetry is off: opentelemetry-instrumentation-fastapi (below) makes the spans
    # and the chassis the metrics; both on would measure every request twice.
    app = FastAPI(title=title, lifespan=lifespan, version="1.0",
                  telemetry={"tracing": False, "metrics": False, "logs": False})
    app.state.topics = topics  # what this service publishes (`xinqing topics` reads it)
    app.state.deps, app.state.projections = deps, projections  # tests/unit/test_contracts.py checks both
    install_error_handlers(app)
    declare_error_responses(app)
    install_operations_endpoints(app, name, commands=publishes)
    # Outside every route: an oversized body is refused unread (the gateway's refusal is GraphQL-shaped).
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes(name), refusal=too_large)
    # No span per ASGI message ("http send" / "http receive"): two or three spans per request that say
    # nothing the request span does not.
    FastAPIInstrumentor.instrument_app(app, excluded_urls="health/.*,metrics", exclude_spans=["receive", "send"])
    return app
