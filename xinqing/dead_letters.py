"""`xinqing dead-letters`: the messages the consumers could not read (chassis/deadletter.py), and
replaying one after a fix. Each consumer keeps its own in its own database; a dead letter is named
`<service>/<id>`. docs/RUNBOOK.md says when to replay and when to rebuild instead."""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from importlib import import_module

import asyncpg

import contracts
from chassis import db, deadletter
from chassis.deadletter import CannotReplay
from chassis.projection import Projection
from chassis.service import Runtime
from chassis.settings import Settings

# The services that consume topics, and the module whose `create_app` wires their projections.
CONSUMERS = {"gateway": "gateway.app", "branches": "services.branches.app", "stations": "services.stations.app",
             "partners": "services.partners.app"}

@dataclass(frozen=True)
class Listed:
    ref: str  # <service>/<id>
    projection: str
    kind: str
    reason: str
    topic: str
    partition: int
    offset: int
    event_type: str | None
    stream: str | None
    recorded_at: datetime
    replayed_at: datetime | None


async def listing(settings: Settings, services: Collection[str]) -> list[Listed]:
    """The dead letters of `services`, oldest first per service; a service whose database does not
    exist yet, or has never started, has none."""
    found: list[Listed] = []
    for service in services:
        try:
            conn = await asyncpg.connect(settings.database_url(settings.database(service)), timeout=10)
        except asyncpg.InvalidCatalogNameError:
            continue
        try:
            rows = await conn.fetch("SELECT * FROM dead_letters ORDER BY id")
        except asyncpg.UndefinedTableError:
            rows = []
        finally:
            await conn.close()
        found += [Listed(f"{service}/{r['id']}", r["projection"], r["kind"], r["reason"], r["topic"], r["partition"],
                         r["offset"], r["event_type"], r["stream_id"], r["recorded_at"], r["replayed_at"])
                  for r in rows]
    return found


def parse_ref(ref: str) -> tuple[str, int]:
    service, _, number = ref.partition("/")
    if service not in CONSUMERS or not number.isdigit():
        raise CannotReplay(f"死信编号应形如 <服务>/<数字>（服务：{'、'.join(CONSUMERS)}），而不是 {ref!r}")
    return service, int(number)


async def replay(settings: Settings, ref: str, *, known_types: Collection[str] | None = None) -> str:
    """Apply the dead letter `ref` through its projection as the service's code reads it today (the
    running service may keep consuming meanwhile: the claim keeps it to once). `known_types`: the types
    its topics may carry (default: contracts/). -> what was done, for the operator."""
    service, letter_id = parse_ref(ref)
    pool = await db.create_pool(settings.database_url(settings.database(service)), max_size=1)
    try:
        name = await pool.fetchval("SELECT projection FROM dead_letters WHERE id = $1", letter_id)
        if name is None:
            raise CannotReplay(f"{service} 没有编号为 {letter_id} 的死信")
        projection = _projection(settings, service, name, pool)
        if known_types is None:
            known_types = contracts.declared_types([settings.bare_topic(t) for t in projection.topics])
        async with pool.acquire() as conn, conn.transaction():
            event = await deadletter.replay(conn, letter_id, projection, known_types)
    finally:
        await pool.close()
    return f"已重放死信 {ref}：{event.type} {event.position} 已由 {name} 应用"


def _projection(settings: Settings, service: str, name: str, pool: asyncpg.Pool) -> Projection:
    """The service's projection `name`, wired as the service wires it (its create_app)."""
    app = import_module(CONSUMERS[service]).create_app(settings)
    runtime = Runtime(service, settings, pool, verifier=None, deps=app.state.deps)  # type: ignore[arg-type]
    for projection in app.state.projections(runtime):
        if projection.name == name:
            return projection  # type: ignore[no-any-return]
    raise CannotReplay(f"{service} 已没有投影 {name}：这条死信无处可重放")
