"""Stations service wiring: `uvicorn services.stations.app:create_app --factory`."""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from chassis import referral_terms
from chassis.kafka import TopicSpec
from chassis.keys import master_key, partner_key, retired_master_keys
from chassis.keystore import KeyStore
from chassis.own_record import OwnRecord
from chassis.pseudonyms import Pseudonymiser
from chassis.service import build_service_app
from chassis.settings import Settings, get_settings
from chassis.vault import Vault
from contracts.partners import REFERRAL_TOPICS
from contracts.stations import TOPICS

from . import api, jobs, projections, referrals, replies
from .config import StationsConfig
from .deps import StationsDeps, make_partner_stores, make_stores

# Referrals are compacted by case reference: after an erasure only its notice remains once cleaned.
COMPACTED = {"cleanup.policy": "compact", "retention.ms": "-1", "min.insync.replicas": "1",
             "min.compaction.lag.ms": "3600000", "delete.retention.ms": "86400000"}


def topic_specs(settings: Settings) -> list[TopicSpec]:
    """The stations' topics, and the agencies' referral, reply and dead-letter topics (stations creates the
    replies topics too: it reads them, and an agency may write but not create)."""
    own = [TopicSpec(settings.topic(t.name), settings.kafka_partitions) for t in TOPICS]
    partner = [TopicSpec(settings.topic(t.name), settings.kafka_partitions, config=COMPACTED)
               if t.name.endswith(".referrals") else TopicSpec(settings.topic(t.name), settings.kafka_partitions)
               for t in REFERRAL_TOPICS]
    return own + partner


def create_app(settings: Settings | None = None, config: StationsConfig | None = None) -> FastAPI:
    settings = settings or get_settings()
    config = config or StationsConfig()
    vault = Vault(master_key(settings), settings.master_key_id, retired=retired_master_keys(settings),
                  keys=KeyStore("stations"))
    deps = StationsDeps(make_stores(settings, vault), config, config.tier_deadlines(), vault,
                        config.case_deadline_windows(), OwnRecord(settings.service_url("registry")),
                        referral_terms.load(), Pseudonymiser(partner_key(settings)), make_partner_stores(settings))
    app = build_service_app(name="stations", title="xinqing stations", settings=settings,
                            migrations=Path(__file__).parent / "migrations", topics=topic_specs(settings), deps=deps,
                            projections=projections.projections, jobs=jobs.jobs, enrich_outbox=referrals.enricher,
                            consumers=replies.consumers, key_store=vault.keys)
    for router in api.routers:
        app.include_router(router)
    return app
