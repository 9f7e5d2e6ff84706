"""Branches service wiring: `uvicorn services.branches.app:create_app --factory`."""
from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI

from chassis.errors import VersionConflict
from chassis.eventstore import EventStore
from chassis.kafka import TopicSpec
from chassis.scheduler import Job
from chassis.service import build_service_app
from chassis.settings import Settings, get_settings

from . import api, jobs
from .api.measures import seed_measures
from .deps import BranchesDeps, Runtime
from .domain import branch, measure, meeting, membership, organisation
from .handling import Stores
from .views import RegistryView

log = logging.getLogger(__name__)
SOURCE = "/xinqing/branches"
# One topic per aggregate: consumers subscribe to what they read (a partner interested in members
# need not read meetings), and each topic keeps per-stream order by its key.
TOPICS = {
    "branch": "xq.branches.branch",
    "membership": "xq.branches.membership",
    "organisation": "xq.branches.organisation",
    "meeting": "xq.branches.meeting",
    "measure": "xq.branches.measure",
}
CODECS = {"branch": branch.codec, "membership": membership.codec, "organisation": organisation.codec,
          "meeting": meeting.codec, "measure": measure.codec}
JOB_EVERY_SECONDS = 3600.0  # hourly: the rules are by the day; the lock keeps it to one replica


def make_stores(settings: Settings) -> Stores:
    return Stores(**{name: EventStore(SOURCE, CODECS[name], settings.topic(topic)) for name, topic in TOPICS.items()})


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    stores = make_stores(settings)

    async def wire(rt: Runtime) -> None:
        try:
            await seed_measures(rt.pool, stores.measure, measure.load_seed())
        except VersionConflict:
            log.info("measures seeded by another replica")

    def scheduled(rt: Runtime) -> list[Job]:
        return [
            Job("expire_transfers", JOB_EVERY_SECONDS, lambda: jobs.expire_transfers(rt.pool, stores, rt.deps.clock.today())),
            Job("expire_invitations", JOB_EVERY_SECONDS, lambda: jobs.expire_invitations(rt.pool, stores, rt.deps.clock.now())),
        ]

    app = build_service_app(name="branches", title="xinqing branches", settings=settings,
                            migrations=Path(__file__).parent / "migrations",
                            topics=[TopicSpec(settings.topic(t), settings.kafka_partitions) for t in TOPICS.values()],
                            projections=lambda rt: [RegistryView(settings, stores)], on_startup=wire,
                            deps=BranchesDeps(stores),
                            jobs=scheduled)
    app.include_router(api.router)
    return app
