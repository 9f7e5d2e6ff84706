"""Registry service wiring: `uvicorn services.registry.app:create_app --factory`."""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from chassis.eventstore import EventStore
from chassis.kafka import TopicSpec
from chassis.keys import blind_index_key, master_key, retired_master_keys
from chassis.service import Runtime, build_service_app
from chassis.settings import Settings, get_settings

from . import api, bulk, domain, keys_api, queries
from .vault import Vault

TOPIC = "xq.registry.youth"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    vault = Vault(master_key(settings), settings.master_key_id, blind_index_key(settings),
                  retired=retired_master_keys(settings))

    def wire(rt: Runtime) -> None:
        rt.extras["vault"] = vault
        rt.extras["store"] = EventStore("/xinqing/registry", domain.codec, settings.topic(TOPIC), sealer=vault)

    app = build_service_app(name="registry", title="xinqing registry", settings=settings,
                            migrations=Path(__file__).parent / "migrations",
                            topics=[TopicSpec(settings.topic(TOPIC), settings.kafka_partitions)], on_startup=wire)
    for router in (bulk.router, api.merge_router, queries.router, api.router, keys_api.router):
        app.include_router(router)
    return app
