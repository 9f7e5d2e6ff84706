"""After a restore, each agency's topics are brought back to what the restored stores (and the ledger) say.

The agencies' topics (`partner.<agency>.youth`, written by the partners service; `partner.<agency>.referrals`,
written by stations) are not emptied by a restore: they are the agencies', not ours to rebuild. They may hold
messages newer than the recovery point, which the restored stores no longer have: a registration shared, a
profile update, a referral. Per key (subject or case_ref), the restore compares the highest
`ce_streamversion` on the topic with the restored store's; where the topic is ahead, it appends one notice
to the store (the service's relay publishes it when the stack starts), numbered above every version on the
topic, so that an agency deduplicating on versions does not drop it and later messages follow it:

- the person's erasure is in the ledger: the erasure notice again (`youth.erased` / `referral.erased`);
- the ledger's last entry for the person and this agency's purpose is a withdrawal: `youth.consent-withdrawn`;
- the store has nothing under the key (shared or referred after the recovery point): a withdrawal,
  `youth.consent-withdrawn` / `referral.withdrawn`, dated the day of the restore;
- otherwise the store's latest message again (a snapshot of the granted attributes, or the notice it was):
  the latest message of a key is the agency's current state (docs/PARTNERS.md), so this one undoes what
  was rolled back.
Keys where the topic is not ahead get nothing. Each agency's notices are appended in an order of its own
(as a release: services/partners/release.py), with `ce_time` to the minute (an erasure's to the day).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from chassis.clock import beijing_date, utc_now
from chassis.db import init_connection
from chassis.erasure_ledger import ERASED, SHARING_WITHDRAWN, Entry
from chassis.eventstore import EventStore
from chassis.kafka_login import admin_login
from chassis.keys import partner_key
from chassis.pseudonyms import Pseudonymiser
from chassis.settings import Settings
from contracts.agencies import AGENCIES
from contracts.partners import PartnerYouthMessages, ReferralMessages, partner_topic, referrals_topic
from contracts.registry import REGISTRATION


@dataclass(frozen=True)
class Channel:
    """One kind of agency topic: the field its key is in, its withdrawal and erasure notices."""
    key: str
    withdrawn: str
    erased: str


YOUTH = Channel("subject_id", PartnerYouthMessages.CONSENT_WITHDRAWN, PartnerYouthMessages.ERASED)
REFERRALS = Channel("case_ref", ReferralMessages.WITHDRAWN, ReferralMessages.ERASED)


@dataclass(frozen=True)
class Stored:
    """The restored store's latest message under a key."""
    version: int
    type: str
    data: Mapping[str, Any]


def notice(channel: Channel, key: str, published: int, stored: Stored | None,
           ledger: tuple[str, date] | None, today: date) -> tuple[str, dict[str, Any]] | None:
    """What the agency is sent under `key` (type, data), or None: `published` is the highest version on the
    topic, `stored` the restored store's latest, `ledger` (kind, Beijing day) what the ledger says of the person."""
    if published <= (stored.version if stored else 0):
        return None
    if ledger is not None and ledger[0] == ERASED:
        return channel.erased, {channel.key: key, "erased_on": ledger[1].isoformat()}
    if ledger is not None and ledger[0] == SHARING_WITHDRAWN or stored is None:
        on = ledger[1] if ledger is not None else today
        return channel.withdrawn, {channel.key: key, "withdrawn_on": on.isoformat()}
    return stored.type, dict(stored.data)


def youth_ledger(entries: Iterable[Entry], pseudonyms: Pseudonymiser, agency: str,
                 purpose: str) -> dict[str, tuple[str, date]]:
    """Per subject (the agency's pseudonym): (ERASED, day), or (SHARING_WITHDRAWN, day) when the last entry of
    the agency's purpose or of the registration (its withdrawal deactivates the record) is a withdrawal."""
    subjects: dict[str, str] = {}
    erased: dict[str, date] = {}
    last: dict[tuple[str, str], Entry] = {}
    for e in entries:
        subject = subjects.setdefault(e.youth_id, pseudonyms.subject(agency, e.youth_id))
        if e.kind == ERASED:
            erased.setdefault(subject, beijing_date(e.at))
        elif e.purpose in (purpose, REGISTRATION):
            last[(subject, e.purpose)] = e
    found: dict[str, tuple[str, date]] = {}
    for (subject, _), e in last.items():
        if e.kind == SHARING_WITHDRAWN and found.get(subject, (SHARING_WITHDRAWN, date.min))[1] < beijing_date(e.at):
            found[subject] = (SHARING_WITHDRAWN, beijing_date(e.at))
    return {**found, **{s: (ERASED, day) for s, day in erased.items()}}


async def published_versions(settings: Settings, topics: list[str]) -> dict[str, dict[str, int]]:
    """Per topic that exists: per key, the highest `ce_streamversion` on it (read from the beginning)."""
    login = admin_login(settings).options()
    admin = AIOKafkaAdminClient(**login, request_timeout_ms=10000)
    await admin.start()
    try:
        present = [t for t in topics if t in set(await admin.list_topics())]
    finally:
        await admin.close()
    found: dict[str, dict[str, int]] = {t: {} for t in present}
    if not present:
        return found
    consumer = AIOKafkaConsumer(*present, **login, group_id=None, auto_offset_reset="earliest",
                                enable_auto_commit=False, max_partition_fetch_bytes=4 << 20)
    await consumer.start()
    try:
        parts = [TopicPartition(t, p) for t in present for p in consumer.partitions_for_topic(t) or ()]
        ends = await consumer.end_offsets(parts)
        pending = {tp for tp in parts if ends[tp] > 0}
        while pending:
            for tp, records in (await consumer.getmany(timeout_ms=1000, max_records=10000)).items():
                versions = found[tp.topic]
                for r in records:
                    version = int(dict(r.headers).get("ce_streamversion", b"0") or 0)
                    key = (r.key or b"").decode()
                    if version > versions.get(key, 0):
                        versions[key] = version
            pending = {tp for tp in pending if await consumer.position(tp) < ends[tp]}
        return found
    finally:
        await consumer.stop()


async def stored(conn: asyncpg.Connection, keys: list[str]) -> dict[str, Stored]:
    """The latest stored message of each key that has one."""
    rows = await conn.fetch("""SELECT DISTINCT ON (stream_id) stream_id, version, event_type, data FROM events
                               WHERE stream_id = ANY($1::text[]) ORDER BY stream_id, version DESC""", keys)
    return {r["stream_id"]: Stored(r["version"], r["event_type"], r["data"]) for r in rows}


@dataclass
class Told:
    """What `tell` appended: per topic (bare name), how many notices of each type."""
    notices: dict[str, dict[str, int]]

    def count(self) -> int:
        return sum(sum(by_type.values()) for by_type in self.notices.values())


async def tell(settings: Settings, entries: list[Entry], deployed: set[str]) -> Told:
    """Every notice the agencies' topics need after a restore, appended to the partners' and stations' stores
    (before the apps start; their relays publish them)."""
    from services.partners.agreements import load
    from services.partners.domain import PartnerMessage
    from services.partners.projections import SOURCE as PARTNERS
    from services.partners.projections import PassThroughCodec
    from services.partners.release import RANDOM, coarse_time
    from services.stations.deps import SOURCE as STATIONS

    pseudonyms, today, now = Pseudonymiser(partner_key(settings)), beijing_date(utc_now()), utc_now()
    erased = [e for e in entries if e.kind == ERASED]
    plans: list[tuple[str, str, str, Channel, dict[str, tuple[str, date]]]] = []  # service, agency, topic, …
    if "partners" in deployed:
        for a in load():
            plans.append(("partners", a.agency, partner_topic(a.agency), YOUTH,
                          youth_ledger(entries, pseudonyms, a.agency, a.consent_purpose)))
    if "stations" in deployed:
        for agency in AGENCIES:
            plans.append(("stations", agency, referrals_topic(agency), REFERRALS, {}))
    on_topics = await published_versions(settings, [settings.topic(p[2]) for p in plans])
    told = Told({})
    for service, agency, bare, channel, ledger in plans:
        published = on_topics.get(settings.topic(bare), {})
        if not published:
            continue
        source = PARTNERS if service == "partners" else STATIONS
        store = EventStore(source, PassThroughCodec(), settings.topic(bare))
        conn = await asyncpg.connect(settings.database_url(settings.database(service)), timeout=10)
        try:
            await init_connection(conn)
            restored = await stored(conn, list(published))
            if channel is REFERRALS:
                ledger = await referral_ledger(conn, agency, erased)
            counts = told.notices.setdefault(bare, {})
            keys = list(published)
            RANDOM.shuffle(keys)  # each agency's notices in an order of its own
            async with conn.transaction():
                for key in keys:
                    found = notice(channel, key, published[key], restored.get(key), ledger.get(key), today)
                    if found is None:
                        continue
                    kind, data = found
                    await store.append(conn, key, published[key], [PartnerMessage(agency, kind, key, data)],
                                       at=coarse_time(kind, now))
                    counts[kind] = counts.get(kind, 0) + 1
        finally:
            await conn.close()
    return told


async def referral_ledger(conn: asyncpg.Connection, agency: str, erased: list[Entry]) -> dict[str, tuple[str, date]]:
    """Per case_ref of `agency` whose person the ledger erased: (ERASED, day). The restored `referrals` table
    still links them (the erasure that unlinked them was rolled back)."""
    days = {e.youth_id: beijing_date(e.at) for e in erased}
    if not days:
        return {}
    rows = await conn.fetch("SELECT case_ref, youth_id FROM referrals WHERE agency = $1 AND youth_id = ANY($2::text[])",
                            agency, list(days))
    return {r["case_ref"]: (ERASED, days[r["youth_id"]]) for r in rows}
