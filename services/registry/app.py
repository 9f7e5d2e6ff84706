"""Registry service wiring: `uvicorn services.registry.app:create_app --factory`."""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from chassis.erasure_ledger import ErasureLedger
from chassis.eventstore import EventStore
from chassis.kafka import TopicSpec
from chassis.keys import blind_index_key, master_key, retired_master_keys
from chassis.keystore import KeyStore
from chassis.service import build_service_app
from chassis.settings import Settings, get_settings
from chassis.vault import Vault
from contracts.registry import YOUTH

from . import api, jobs, projections
from .deps import RegistryDeps
from .domain.events import codec

SOURCE = "/xinqing/registry"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    vault = Vault(master_key(settings), settings.master_key_id, blind_index_key(settings),
                  retired=retired_master_keys(settings), keys=KeyStore("registry"),
                  ledger=ErasureLedger(settings.ledger))
    store = EventStore(SOURCE, codec, settings.topic(YOUTH.name), sealer=vault)
    app = build_service_app(name="registry", title="xinqing registry", settings=settings,
                            migrations=Path(__file__).parent / "migrations",
                            topics=[TopicSpec(settings.topic(YOUTH.name), settings.kafka_partitions)],
                            deps=RegistryDeps(store, vault), projections=projections.projections, jobs=jobs.jobs,
                            key_store=vault.keys)
    for router in api.routers:
        app.include_router(router)
    return app
