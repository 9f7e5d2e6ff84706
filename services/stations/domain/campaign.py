"""A media campaign (「小岗位 大英雄」 and the like): the league launches it with a title, a theme, an entry window
and the groups it addresses; young people enter it (domain/campaign_entry.py) while its window is open; it
closes at the end of its window (the scheduled job's MarkOverdue, chassis/lifecycle.py) or early by its admin.

One stream per campaign (`campaign-<id>`). A campaign belongs to a district (its district's league committee
runs it) or to the whole city (`district` None: the city's league office). Nothing personal is on it.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from chassis import checks
from chassis.decider import Command, Decider, State
from chassis.errors import Collector
from chassis.event import Event, event
from chassis.lifecycle import MarkOverdue, OnDay, refuse_if, stream_naming
from contracts.stations import CampaignAudience, CampaignEvents, CampaignStatus

TITLE_MAX = 100
THEME_MAX = 1000
WINDOW_MAX = timedelta(days=366)  # a campaign is a season's call, not a standing one


class LaunchCampaign(Command):
    campaign_id: str
    district: str | None  # None: city-wide
    title: str
    theme: str
    opens_on: date
    closes_on: date
    audiences: tuple[str, ...]
    today: date


class CloseCampaign(OnDay):
    """Closed early by its admin."""


CampaignCommand = LaunchCampaign | CloseCampaign | MarkOverdue  # MarkOverdue: the window ended (the job)


@event(CampaignEvents.LAUNCHED)
class CampaignLaunched(Event):
    campaign_id: str
    district: str | None
    title: str
    theme: str
    opens_on: date
    closes_on: date
    audiences: list[str]
    launched_on: date


@event(CampaignEvents.CLOSED)
class CampaignClosed(Event):
    campaign_id: str
    district: str | None
    closed_on: date
    early: bool  # by its admin before the end of its window


CampaignEvent = CampaignLaunched | CampaignClosed


class CampaignState(State):
    exists: bool = False
    campaign_id: str = ""
    district: str | None = None
    title: str = ""
    opens_on: date | None = None
    closes_on: date | None = None
    closed: bool = False

    def status(self, today: date) -> CampaignStatus:
        """Where the campaign stands on `today` (a window past its end is closed even before the job ran)."""
        if self.closed or (self.closes_on is not None and today > self.closes_on):
            return CampaignStatus.CLOSED
        if self.opens_on is not None and today < self.opens_on:
            return CampaignStatus.UPCOMING
        return CampaignStatus.OPEN


def _launch(c: LaunchCampaign, state: CampaignState) -> list[CampaignEvent]:
    refuse_if(state.exists, "该征集活动已存在。", "already_exists")
    errors = Collector()
    if c.district is not None:
        checks.district(errors, c.district)
    checks.text(errors, c.title, "title", "征集名称", max_len=TITLE_MAX)
    checks.text(errors, c.theme, "theme", "征集主题", max_len=THEME_MAX)
    if c.opens_on < c.today:
        errors.add("opensOn", "开始征集日期不能早于今天", "past")
    if c.closes_on < c.opens_on:
        errors.add("closesOn", "截止日期不能早于开始征集日期", "range")
    elif c.closes_on - c.opens_on > WINDOW_MAX:
        errors.add("closesOn", "征集期不能超过一年", "too_long")
    checks.some_of(errors, "audiences", c.audiences, CampaignAudience, "面向的青年群体")
    errors.raise_if_any()
    return [CampaignLaunched(campaign_id=c.campaign_id, district=c.district, title=c.title.strip(),
                             theme=c.theme.strip(), opens_on=c.opens_on, closes_on=c.closes_on,
                             audiences=list(c.audiences), launched_on=c.today)]


def decide(command: CampaignCommand, state: CampaignState) -> list[CampaignEvent]:
    if isinstance(command, LaunchCampaign):
        return _launch(command, state)
    refuse_if(not state.exists, "征集活动不存在。", "not_found")
    if isinstance(command, MarkOverdue):  # the job: closes what its window left open, once
        if state.closed or state.closes_on is None or command.today <= state.closes_on:
            return []
        return [CampaignClosed(campaign_id=state.campaign_id, district=state.district, closed_on=command.today,
                               early=False)]
    refuse_if(state.status(command.today) is CampaignStatus.CLOSED, "该征集活动已截止。", "already_closed")
    return [CampaignClosed(campaign_id=state.campaign_id, district=state.district, closed_on=command.today,
                           early=True)]


def evolve(state: CampaignState, event: CampaignEvent) -> CampaignState:
    if isinstance(event, CampaignLaunched):
        return CampaignState(exists=True, campaign_id=event.campaign_id, district=event.district, title=event.title,
                             opens_on=event.opens_on, closes_on=event.closes_on)
    if isinstance(event, CampaignClosed):
        return replace(state, closed=True)
    return state


campaign = Decider(initial=CampaignState, decide=decide, evolve=evolve)
EVENTS = (CampaignLaunched, CampaignClosed)
stream_id = stream_naming("campaign")
