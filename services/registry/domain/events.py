"""What happened to a person's record; the type names are the registry's published contract
(contracts/registry.py). Fields declared `personal()` are sealed with the person's key, never published."""
from __future__ import annotations

from datetime import date

from chassis.codec import EventCodec, personal
from chassis.event import Event, event
from contracts.registry import Channel, YouthEvents


@event(YouthEvents.REGISTERED)
class YouthRegistered(Event):
    youth_id: str
    district: str
    youth_type: str
    subtype: str
    is_minor: bool
    age_band: str
    registered_on: date
    consents: list[str]
    league_age: bool = False  # within league age 14–28 on the registration day (no dates: they reveal the birth date)
    employer_kind: str | None = None
    notice_version: str = "v1"
    channel: str = Channel.IN_PERSON
    name: str | None = personal(default=None)
    gender: str | None = personal(default=None)
    birth_date: date | None = personal(default=None)
    mobile: str | None = personal(default=None)
    id_number: str | None = personal(default=None)
    wechat: str | None = personal(default=None)
    employer: str | None = personal(default=None)
    education: str | None = personal(default=None)
    needs: list[str] | None = personal(default=None)


@event(YouthEvents.LEAGUE_AGE_ENDED)
class LeagueAgeEnded(Event):
    """`ended_on` is the day the sweep recorded it (the first run of the month after the person's league age
    ended), never the last day of league age itself, which would give away the birth date."""
    youth_id: str
    ended_on: date


@event(YouthEvents.PROFILE_UPDATED)
class YouthProfileUpdated(Event):
    youth_id: str
    changed: list[str]  # payload field names (snake_case), personal ones included, values only if public
    district: str | None = None
    youth_type: str | None = None
    subtype: str | None = None
    employer_kind: str | None = None
    mobile: str | None = personal(default=None)
    wechat: str | None = personal(default=None)
    employer: str | None = personal(default=None)
    education: str | None = personal(default=None)
    needs: list[str] | None = personal(default=None)


@event(YouthEvents.CONSENT_GIVEN)
class ConsentGiven(Event):
    youth_id: str
    purpose: str
    notice_version: str
    channel: str
    given_on: date


@event(YouthEvents.CONSENT_WITHDRAWN)
class ConsentWithdrawn(Event):
    youth_id: str
    purpose: str
    withdrawn_on: date


@event(YouthEvents.DEACTIVATED)
class YouthDeactivated(Event):
    youth_id: str
    reason: str


@event(YouthEvents.REACTIVATED)
class YouthReactivated(Event):
    """Every service that followed the deactivation follows this (branches, stations, partners, the gateway),
    rather than each reading a consent to REGISTRATION as a reactivation."""
    youth_id: str


@event(YouthEvents.MERGED)
class YouthMerged(Event):
    youth_id: str
    into_youth_id: str


@event(YouthEvents.ERASED)
class YouthErased(Event):
    youth_id: str
    erased_on: date


@event(YouthEvents.ACCOUNT_LINKED)
class AccountLinked(Event):
    """The person's own sign-in account now reaches this record. The account (the subject at the youth identity
    provider) is sealed: published are only the record, how it was linked and the day."""
    youth_id: str
    via: str  # AccountLink
    linked_on: date
    account: str | None = personal(default=None)


YouthEvent = (YouthRegistered | YouthProfileUpdated | ConsentGiven | ConsentWithdrawn | YouthDeactivated
              | YouthReactivated | YouthMerged | YouthErased | LeagueAgeEnded | AccountLinked)
codec = EventCodec(YouthRegistered, YouthProfileUpdated, ConsentGiven, ConsentWithdrawn, YouthDeactivated,
                   YouthReactivated, YouthMerged, YouthErased, LeagueAgeEnded, AccountLinked)
