"""Stations service wiring: `uvicorn services.stations.app:create_app --factory`."""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from chassis.kafka import TopicSpec
from chassis.keys import master_key, retired_master_keys
from chassis.keystore import KeyStore
from chassis.own_record import OwnRecord
from chassis.service import build_service_app
from chassis.settings import Settings, get_settings
from chassis.vault import Vault
from contracts.stations import TOPICS

from . import api, jobs, projections
from .config import StationsConfig
from .deps import StationsDeps, make_stores


def create_app(settings: Settings | None = None, config: StationsConfig | None = None) -> FastAPI:
    settings = settings or get_settings()
    config = config or StationsConfig()
    vault = Vault(master_key(settings), settings.master_key_id, retired=retired_master_keys(settings),
                  keys=KeyStore("stations"))
    app = build_service_app(name="stations", title="xinqing stations", settings=settings,
                            migrations=Path(__file__).parent / "migrations",
                            topics=[TopicSpec(settings.topic(t.name), settings.kafka_partitions) for t in TOPICS],
                            deps=StationsDeps(make_stores(settings, vault), config, config.tier_deadlines(), vault,
                                              config.case_deadline_windows(), OwnRecord(settings.service_url("registry"))),
                            projections=projections.projections, jobs=jobs.jobs,
                            key_store=vault.keys)
    for router in api.routers:
        app.include_router(router)
    return app
