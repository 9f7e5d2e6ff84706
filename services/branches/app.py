"""Branches service wiring: `uvicorn services.branches.app:create_app --factory`."""
from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI

from chassis.errors import VersionConflict
from chassis.eventstore import EventStore
from chassis.kafka import TopicSpec
from chassis.own_record import OwnRecord
from chassis.service import build_service_app
from chassis.settings import Settings, get_settings
from contracts import branches as contract

from . import api, jobs, projections
from .commands import Stores, seed_measures
from .deps import BranchesDeps, Runtime
from .domain import (
    action_item,
    branch,
    face_to_face,
    joint_meeting,
    measure,
    meeting,
    membership,
    organisation,
    proposal,
    recommendation,
)
from .plan import read_plan

log = logging.getLogger(__name__)
SOURCE = "/xinqing/branches"
# One topic per aggregate: consumers subscribe to what they read (a partner interested in members
# need not read meetings), and each topic keeps per-stream order by its key.
TOPICS = {"branch": contract.BRANCH, "membership": contract.MEMBERSHIP, "organisation": contract.ORGANISATION,
          "meeting": contract.MEETING, "measure": contract.MEASURE, "joint_meeting": contract.JOINT_MEETING,
          "action_item": contract.ACTION_ITEM, "face_to_face": contract.FACE_TO_FACE,
          "proposal": contract.PROPOSAL, "recommendation": contract.RECOMMENDATION}
CODECS = {"branch": branch.codec, "membership": membership.codec, "organisation": organisation.codec,
          "meeting": meeting.codec, "measure": measure.codec, "joint_meeting": joint_meeting.codec,
          "action_item": action_item.codec, "face_to_face": face_to_face.codec, "proposal": proposal.codec,
          "recommendation": recommendation.codec}


def make_stores(settings: Settings) -> Stores:
    return Stores(**{name: EventStore(SOURCE, CODECS[name], settings.topic(topic.name))
                     for name, topic in TOPICS.items()})


async def define_measures(rt: Runtime) -> None:
    try:
        await seed_measures(rt.pool, rt.deps.stores.measure, read_plan())
    except VersionConflict:
        log.info("measures seeded by another replica")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = build_service_app(name="branches", title="xinqing branches", settings=settings,
                            migrations=Path(__file__).parent / "migrations",
                            topics=[TopicSpec(settings.topic(t.name), settings.kafka_partitions) for t in TOPICS.values()],
                            deps=BranchesDeps(make_stores(settings), OwnRecord(settings.service_url("registry"))),
                            projections=projections.projections, jobs=jobs.jobs, on_startup=define_measures)
    for router in api.routers:
        app.include_router(router)
    return app
