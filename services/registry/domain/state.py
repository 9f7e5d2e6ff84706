"""A person's record as the decider sees it, folded from the events."""
from __future__ import annotations

from dataclasses import field
from datetime import date
from typing import Any

from chassis.decider import State
from chassis.lifecycle import stream_naming

from ..identity import league_age

stream_id = stream_naming("youth")


class YouthState(State):
    exists: bool = False
    status: str | None = None
    youth_id: str | None = None
    district: str | None = None
    youth_type: str | None = None
    subtype: str | None = None
    employer_kind: str | None = None
    is_minor: bool = False
    registered_on: date | None = None
    consents: dict[str, dict[str, Any]] = field(default_factory=dict)  # purpose → {notice_version, channel, given_on}
    profile: dict[str, Any] = field(default_factory=dict)  # personal fields, decrypted; empty once erased
    merged_into: str | None = None
    league_age_ended: bool = False  # over league age at registration, or recorded by EndLeagueAge
    account: str | None = None  # the person's own sign-in account (sealed in AccountLinked); None: not linked


def league_age_until(state: YouthState) -> date | None:
    """The last day of the person's league age (personal: derived from the birth date; registry-internal)."""
    birth = state.profile.get("birth_date")
    return league_age(birth)[1] if birth else None
