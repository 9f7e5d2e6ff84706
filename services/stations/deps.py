"""What the stations' routes and jobs are given: an event store per aggregate, the key vault that seals
case summaries, the appeal and case deadlines, the registry's answer to "who is this young person" and the clock."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from fastapi import Request

from chassis import service
from chassis.clock import Clock
from chassis.eventstore import EventStore
from chassis.own_record import OwnRecord
from chassis.pseudonyms import Pseudonymiser
from chassis.referral_terms import ReferralTerms
from chassis.settings import Settings
from chassis.vault import Vault
from contracts import stations as contract
from contracts.agencies import AGENCIES
from contracts.partners import dead_letters_topic, referrals_topic

from .config import StationsConfig
from .domain import codecs
from .domain.appeal import Window
from .partner_messages import DEAD_LETTER_CODEC, REFERRAL_CODEC

SOURCE = "/xinqing/stations"


@dataclass(frozen=True)
class Stores:
    """One event store per aggregate, each publishing to its own topic: consumers of appeals need not
    read tens of millions of service records."""

    station: EventStore
    service: EventStore
    programme: EventStore
    event: EventStore  # activities: salons, exhibitions, forums, talks; seals an incubation project's summary
    appeal: EventStore
    case: EventStore  # seals each case's summary with the case's own key (CaseKeys)
    governance: EventStore  # hot topics (集中诉求) and governance items (主动治理): one topic
    role_model: EventStore  # 榜样 nominations and talks (the profile is sealed in a table, never in an event)
    campaign: EventStore  # media campaigns and their entries (an entry's title and link are in campaign_entries)


TOPICS = {"station": contract.STATION, "service": contract.SERVICE, "programme": contract.PROGRAMME,
          "event": contract.EVENT, "appeal": contract.APPEAL, "case": contract.CASE,
          "governance": contract.GOVERNANCE, "role_model": contract.ROLE_MODEL,
          "campaign": contract.CAMPAIGN}  # a Stores field's topic


def make_stores(settings: Settings, vault: Vault) -> Stores:
    sealers = {"case": vault, "event": vault}  # the stores whose events have personal fields (keys per stream)
    return Stores(**{f.name: EventStore(SOURCE, codecs[f.name], settings.topic(TOPICS[f.name].name),
                                        sealer=sealers.get(f.name)) for f in fields(Stores)})


@dataclass(frozen=True)
class PartnerStores:
    """Per agency: its referrals topic and the dead letters of its replies (services/stations/referrals.py)."""

    referrals: dict[str, EventStore]
    dead_letters: dict[str, EventStore]


def make_partner_stores(settings: Settings) -> PartnerStores:
    return PartnerStores(
        {a: EventStore(SOURCE, REFERRAL_CODEC, settings.topic(referrals_topic(a))) for a in AGENCIES},
        {a: EventStore(SOURCE, DEAD_LETTER_CODEC, settings.topic(dead_letters_topic(a))) for a in AGENCIES})


@dataclass
class StationsDeps:
    stores: Stores
    config: StationsConfig
    deadlines: dict[str, tuple[Window, Window]]
    vault: Vault
    case_deadlines: dict[str, tuple[Window, Window]]
    registry: OwnRecord  # which record a youth token's account is linked to
    referral_terms: dict[str, ReferralTerms]  # agency → what its agreement lets it be referred
    pseudonyms: Pseudonymiser  # the agencies' pseudonyms and case references
    partner_stores: PartnerStores
    clock: Clock = field(default_factory=Clock)
    replies: Any = None  # the ReplyConsumer, once started (replies.py; tests watch it)


Runtime = service.Runtime[StationsDeps]


def runtime(request: Request) -> Runtime:
    return request.app.state.runtime
