"""Registry-shaped events on the real `xq.registry.youth` topic, for services that consume them.

The agreed contract (docs/REGISTRY.md: `registered.v1` with the `league_age` flag, league-age-ended,
deactivated / merged / erased) published the way the registry's relay does: CloudEvents binary mode,
key = stream id, versions in order per person. Lets a test put a person of any age in the registry
without going through the registry's own validation (which rightly refuses the ages we need).
"""
from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from chassis.envelope import Envelope
from chassis.kafka import TopicSpec, ensure_topics, producer
from chassis.kafka_login import service_login
from chassis.settings import Settings

TOPIC = "xq.registry.youth"


def within_league_age(birth: date, on: date) -> bool:
    """14–28 on `on` (what the registry computes from the birth date it keeps to itself)."""
    age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    return 14 <= age <= 28


class RegistryFeed:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.topic = settings.topic(TOPIC)
        self.versions: dict[str, int] = {}
        self.producer = None

    async def __aenter__(self) -> RegistryFeed:
        await ensure_topics(service_login(self.settings, "registry"), [TopicSpec(self.topic, self.settings.kafka_partitions)])
        self.producer = producer(service_login(self.settings, "registry"), "test-registry-feed")
        await self.producer.start()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.producer.stop()

    async def publish(self, youth_id: str, event_type: str, data: dict) -> Envelope:
        stream = f"youth-{youth_id}"
        version = self.versions.get(stream, 0) + 1
        self.versions[stream] = version
        env = Envelope(id=uuid.uuid4(), type=event_type, source="/xinqing/registry", subject=stream,
                       stream_version=version, time=datetime.now(UTC), data={"youth_id": youth_id, **data})
        await self.producer.send_and_wait(self.topic, env.kafka_value(), key=stream.encode(),
                                          headers=env.kafka_headers())
        return env

    async def register(self, *, birth: date, district: str = "110105", subtype: str = "DELIVERY_RIDER",
                       youth_type: str = "NEW_BUSINESS", today: date | None = None) -> str:
        youth_id = str(uuid.uuid4())
        on = today or date.today()
        await self.publish(youth_id, "xq.registry.youth.registered.v1", {
            "district": district, "youth_type": youth_type, "subtype": subtype, "is_minor": False,
            "age_band": "23-28", "registered_on": on.isoformat(), "consents": ["REGISTRATION"],
            "league_age": within_league_age(birth, on)})
        return youth_id

    async def end_league_age(self, youth_id: str, on: date) -> Envelope:
        return await self.publish(youth_id, "xq.registry.youth.league-age-ended.v1", {"ended_on": on.isoformat()})

    async def erase(self, youth_id: str) -> Envelope:
        return await self.publish(youth_id, "xq.registry.youth.erased.v1", {"erased_on": date.today().isoformat()})

    async def deactivate(self, youth_id: str) -> Envelope:
        return await self.publish(youth_id, "xq.registry.youth.deactivated.v1", {"reason": "REGISTRATION consent withdrawn"})
