"""What may be asked of a person's record. Dates come in on the command (Beijing's today, from the
service's clock) so that the rules stay pure."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from chassis.decider import Command
from chassis.lifecycle import OnDay
from contracts.registry import Channel


class RegisterYouth(Command):
    youth_id: str
    name: str
    gender: str
    birth_date: date
    mobile: str
    district: str
    youth_type: str
    subtype: str
    consents: tuple[str, ...]
    today: date  # the registration date in Asia/Shanghai, given so the rule stays pure
    id_number: str | None = None
    wechat: str | None = None
    employer: str | None = None
    employer_kind: str | None = None
    education: str | None = None
    needs: tuple[str, ...] = ()
    notice_version: str = "v1"
    channel: str = Channel.IN_PERSON
    # The day the person registered when it was not today (a survey's own date, typed in later); None: today.
    # Never after `today`, never before the person was 16 (rules.validate_registration).
    registered_on: date | None = None

    @property
    def registration_day(self) -> date:
        return self.registered_on or self.today


class UpdateProfile(Command):
    changes: dict[str, Any]  # snake_case field → new value (None clears an optional field)


class GiveConsent(Command):
    purpose: str
    notice_version: str
    channel: str
    today: date


class WithdrawConsent(Command):
    purpose: str
    today: date


class MergeInto(Command):
    into_youth_id: str
    into_status: str | None  # the survivor's status, None when it does not exist


class EraseYouth(OnDay):
    """Erase the person's personal information (their key is shredded; the record keeps only public facts)."""


class EndLeagueAge(OnDay):
    """Record that the person's league age (14–28) is over (the registry's scheduled sweep)."""


class LinkAccount(Command):
    """Link the person's own sign-in account (`account`: the subject at the youth identity provider) to the
    record: right after `registerMe`, or when they claim a record staff created, with a claim code that
    expires at `code_expires_at` (checked against `now`)."""
    account: str
    via: str  # AccountLink
    today: date
    now: datetime | None = None
    code_expires_at: datetime | None = None


YouthCommand = (RegisterYouth | UpdateProfile | GiveConsent | WithdrawConsent | MergeInto | EraseYouth
                | EndLeagueAge | LinkAccount)
