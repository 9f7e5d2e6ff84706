"""An entry to a media campaign (domain/campaign.py): a young person enters with their own account, giving a
title, a link to their work and their consent to its publication; they may withdraw it until it is judged;
the campaign's admin selects it or not (with an optional note). Selected entries form the campaign's public
showcase.

One stream per entry (`campaign-entry-<id>`), decided on the campaign's state as the runner loaded it. The
entry's title and link identify the entrant: they are checked here but never put on an event — the runner seals
them into the service's own table with the entry's key (chassis/vault.py), which the entrant's erasure shreds.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from urllib.parse import urlsplit

from chassis import checks
from chassis.decider import Command, Decider, State
from chassis.errors import Collector, Forbidden
from chassis.event import Event, event
from chassis.lifecycle import refuse_if, stream_naming
from contracts.stations import CampaignEvents, CampaignStatus, EntryStatus

from .campaign import CampaignState

TITLE_MAX = 100
LINK_MAX = 500
NOTE_MAX = 200


class SubmitEntry(Command):
    """The entrant themselves (youth token); `campaign` is the campaign's state when the entry is made."""
    entry_id: str
    youth_id: str
    campaign: CampaignState
    title: str
    link: str
    consent_to_publish: bool
    at: datetime
    today: date


class WithdrawEntry(Command):
    youth_id: str  # who asks: only the entrant
    today: date


class JudgeEntry(Command):
    """The campaign's admin: selected for the showcase, or not."""
    selected: bool
    note: str | None
    today: date


EntryCommand = SubmitEntry | WithdrawEntry | JudgeEntry


@event(CampaignEvents.ENTERED)
class EntrySubmitted(Event):
    entry_id: str
    campaign_id: str
    youth_id: str
    district: str | None  # the campaign's (None: city-wide)
    submitted_on: date


@event(CampaignEvents.ENTRY_WITHDRAWN)
class EntryWithdrawn(Event):
    entry_id: str
    campaign_id: str
    district: str | None
    submitted_on: date
    withdrawn_on: date


@event(CampaignEvents.ENTRY_JUDGED)
class EntryJudged(Event):
    entry_id: str
    campaign_id: str
    district: str | None
    selected: bool
    note: str  # the admin's words about the entry ("" when none); never the entrant's
    judged_on: date


EntryEvent = EntrySubmitted | EntryWithdrawn | EntryJudged


class EntryState(State):
    exists: bool = False
    entry_id: str = ""
    campaign_id: str = ""
    youth_id: str = ""
    district: str | None = None
    submitted_on: date | None = None
    status: EntryStatus = EntryStatus.SUBMITTED

    def belongs_to(self, youth_id: str) -> bool:
        return self.exists and self.youth_id == youth_id


def link_fault(link: str | None) -> str | None:
    """Why `link` is not a link we publish (None: it is): https only, a host, no spaces, bounded."""
    value = (link or "").strip()
    if not value:
        return "请填写作品链接"
    if len(value) > LINK_MAX:
        return f"作品链接不能超过 {LINK_MAX} 个字符"
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return "作品链接不能包含空格或控制字符"
    try:
        parts = urlsplit(value)
    except ValueError:
        return "作品链接格式无效"
    if parts.scheme.lower() != "https" or not parts.hostname:
        return "作品链接须为 https:// 开头的网址"
    return None


def validate(command: SubmitEntry) -> None:
    """The entry's own fields (before anything is looked up): bad input stores nothing."""
    errors = Collector()
    checks.text(errors, command.title, "title", "作品标题", max_len=TITLE_MAX)
    if fault := link_fault(command.link):
        errors.add("link", fault, "https_url")
    if command.consent_to_publish is not True:
        errors.add("consentToPublish", "参加征集须同意公开发布作品（标题与链接）", "consent_required")
    errors.raise_if_any()


def _submit(c: SubmitEntry, state: EntryState) -> list[EntryEvent]:
    refuse_if(state.exists, "该作品已提交。", "already_exists")
    validate(c)
    refuse_if(not c.campaign.exists, "征集活动不存在。", "not_found")
    status = c.campaign.status(c.today)
    refuse_if(status is CampaignStatus.UPCOMING, "该征集活动尚未开始征集。", "not_open_yet")
    refuse_if(status is CampaignStatus.CLOSED, "该征集活动已截止。", "closed")
    return [EntrySubmitted(entry_id=c.entry_id, campaign_id=c.campaign.campaign_id, youth_id=c.youth_id,
                           district=c.campaign.district, submitted_on=c.today)]


def decide(command: EntryCommand, state: EntryState) -> list[EntryEvent]:
    if isinstance(command, SubmitEntry):
        return _submit(command, state)
    refuse_if(not state.exists or state.submitted_on is None, "作品不存在。", "not_found")
    assert state.submitted_on is not None
    refuse_if(state.status is EntryStatus.WITHDRAWN, "该作品已撤回。", "withdrawn")
    refuse_if(state.status is not EntryStatus.SUBMITTED, "该作品已评选，不能再撤回或改选。", "already_judged")
    if isinstance(command, WithdrawEntry):
        if not state.belongs_to(command.youth_id):
            raise Forbidden("只能撤回本人提交的作品。", rule="own")
        return [EntryWithdrawn(entry_id=state.entry_id, campaign_id=state.campaign_id, district=state.district,
                               submitted_on=state.submitted_on, withdrawn_on=command.today)]
    note = (command.note or "").strip()
    if note:
        errors = Collector()
        checks.text(errors, note, "note", "评选说明", max_len=NOTE_MAX)
        errors.raise_if_any()
    return [EntryJudged(entry_id=state.entry_id, campaign_id=state.campaign_id, district=state.district,
                        selected=command.selected, note=note, judged_on=command.today)]


def evolve(state: EntryState, event: EntryEvent) -> EntryState:
    if isinstance(event, EntrySubmitted):
        return EntryState(exists=True, entry_id=event.entry_id, campaign_id=event.campaign_id,
                          youth_id=event.youth_id, district=event.district, submitted_on=event.submitted_on)
    if isinstance(event, EntryWithdrawn):
        return replace(state, status=EntryStatus.WITHDRAWN)
    if isinstance(event, EntryJudged):
        return replace(state, status=EntryStatus.SELECTED if event.selected else EntryStatus.NOT_SELECTED)
    return state


entry = Decider(initial=EntryState, decide=decide, evolve=evolve)
EVENTS = (EntrySubmitted, EntryWithdrawn, EntryJudged)
stream_id = stream_naming("campaign-entry")
