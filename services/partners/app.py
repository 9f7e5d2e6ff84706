"""Partner publisher wiring: `uvicorn services.partners.app:create_app --factory`.

No API of its own: health and readiness only. It reads `xq.registry.youth`, keeps a consent view and
publishes `partner.<agency>.youth` through its outbox (projections.py). The agreements are checked first:
an invalid one stops the process with a message naming the file and the problem.
"""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from chassis.kafka import TopicSpec
from chassis.keys import partner_key
from chassis.service import build_service_app
from chassis.settings import Settings, get_settings

from . import agreements as agreement_files
from . import api, jobs, projections
from .deps import PartnersDeps
from .domain import Pseudonymiser


def partner_topic(name: str, partitions: int) -> TopicSpec:
    """Compacted by key (the subject): re-reading from the beginning gives each subject's latest message,
    and after a withdrawal or erasure only that notice remains once the log is cleaned."""
    return TopicSpec(name, partitions, config={"cleanup.policy": "compact", "retention.ms": "-1",
                                               "min.insync.replicas": "1", "min.compaction.lag.ms": "3600000",
                                               "delete.retention.ms": "86400000"})


def create_app(settings: Settings | None = None, agreements_dir: Path | None = None) -> FastAPI:
    settings = settings or get_settings()
    agreements = agreement_files.load(agreements_dir or agreement_files.AGREEMENTS_DIR)
    # Only its own topics: it may not create the registry's (its consumer waits for it; xinqing/kafka_acls.py).
    topics = [partner_topic(settings.topic(a.topic()), settings.kafka_partitions) for a in agreements]
    app = build_service_app(
        name="partners", title="xinqing partner publisher", settings=settings,
        migrations=Path(__file__).parent / "migrations", topics=topics,
        deps=PartnersDeps(agreements, Pseudonymiser(partner_key(settings))),
        projections=projections.projections, jobs=jobs.jobs)
    for router in api.routers:
        app.include_router(router)
    return app
