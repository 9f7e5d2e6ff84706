"""Stations service wiring: `uvicorn services.stations.app:create_app --factory`."""
from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fastapi import FastAPI

from chassis.eventstore import EventStore
from chassis.kafka import TopicSpec
from chassis.scheduler import Job
from chassis.service import Runtime, build_service_app
from chassis.settings import Settings, get_settings

from . import api, overdue, views
from .config import StationsConfig
from .domain import codecs

# One topic per aggregate: consumers of appeals need not read tens of millions of service records.
TOPICS = {name: f"xq.stations.{name}" for name in codecs}


def clock(rt: Runtime) -> datetime:
    """The scheduled process's clock (tests replace `extras["clock"]` to reach deadlines without waiting)."""
    return rt.extras.get("clock", lambda: datetime.now(UTC))()


def create_app(settings: Settings | None = None, config: StationsConfig | None = None) -> FastAPI:
    settings = settings or get_settings()
    config = config or StationsConfig()
    deadlines = config.tier_deadlines()

    async def wire(rt: Runtime) -> None:
        rt.extras["config"] = config
        rt.extras["deadlines"] = deadlines
        rt.extras["stores"] = {name: EventStore("/xinqing/stations", codec, settings.topic(TOPICS[name]))
                               for name, codec in codecs.items()}

    def scheduled(rt: Runtime) -> list[Job]:
        return [Job("appeals.mark_overdue", config.overdue_scan_seconds,
                    lambda: overdue.mark_overdue(rt, clock(rt)))]

    app = build_service_app(name="stations", title="xinqing stations", settings=settings,
                            migrations=Path(__file__).parent / "migrations",
                            topics=[TopicSpec(settings.topic(t), settings.kafka_partitions) for t in TOPICS.values()],
                            projections=lambda rt: [views.KnownYouthProjection(settings)], on_startup=wire,
                            jobs=scheduled)

    app.include_router(api.router)
    return app
