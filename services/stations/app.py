"""Stations service wiring: `uvicorn services.stations.app:create_app --factory`."""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from chassis.eventstore import EventStore
from chassis.kafka import TopicSpec
from chassis.scheduler import Job
from chassis.service import build_service_app
from chassis.settings import Settings, get_settings

from . import api, overdue, views
from .config import StationsConfig
from .deps import Runtime, StationsDeps
from .domain import codecs

# One topic per aggregate: consumers of appeals need not read tens of millions of service records.
TOPICS = {name: f"xq.stations.{name}" for name in codecs}


def create_app(settings: Settings | None = None, config: StationsConfig | None = None) -> FastAPI:
    settings = settings or get_settings()
    config = config or StationsConfig()
    stores = {name: EventStore("/xinqing/stations", codec, settings.topic(TOPICS[name])) for name, codec in codecs.items()}
    deps = StationsDeps(stores, config, config.tier_deadlines())

    def scheduled(rt: Runtime) -> list[Job]:
        return [Job("appeals.mark_overdue", config.overdue_scan_seconds,
                    lambda: overdue.mark_overdue(rt, rt.deps.clock.now()))]

    app = build_service_app(name="stations", title="xinqing stations", settings=settings,
                            migrations=Path(__file__).parent / "migrations",
                            topics=[TopicSpec(settings.topic(t), settings.kafka_partitions) for t in TOPICS.values()],
                            projections=lambda rt: [views.KnownYouthProjection(settings)], deps=deps,
                            jobs=scheduled)

    app.include_router(api.router)
    return app
