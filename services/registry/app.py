"""Registry service wiring: `uvicorn services.registry.app:create_app --factory`."""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from chassis.eventstore import EventStore
from chassis.kafka import TopicSpec
from chassis.keys import blind_index_key, master_key, retired_master_keys
from chassis.scheduler import Job
from chassis.service import build_service_app
from chassis.settings import Settings, get_settings

from . import api, bulk, domain, keys_api, league_age, queries
from .deps import RegistryDeps, Runtime
from .vault import Vault

TOPIC = "xq.registry.youth"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    vault = Vault(master_key(settings), settings.master_key_id, blind_index_key(settings),
                  retired=retired_master_keys(settings))

    deps = RegistryDeps(EventStore("/xinqing/registry", domain.codec, settings.topic(TOPIC), sealer=vault), vault)

    def scheduled(rt: Runtime) -> list[Job]:
        return [Job("end_league_age", league_age.EVERY_SECONDS,
                    lambda: league_age.end_league_age(rt.pool, rt.deps.store, rt.deps.vault, rt.deps.clock.today()))]

    app = build_service_app(name="registry", title="xinqing registry", settings=settings,
                            migrations=Path(__file__).parent / "migrations",
                            topics=[TopicSpec(settings.topic(TOPIC), settings.kafka_partitions)], deps=deps,
                            jobs=scheduled)
    for router in (bulk.router, api.merge_router, queries.router, api.router, keys_api.router):
        app.include_router(router)
    return app
