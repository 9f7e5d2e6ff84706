"""榜样选树: a registered young person is nominated (by a branch secretary, station staff or the district's league
committee) with a story and a photo; the nominee gives (or refuses, or later withdraws) their own consent to be
published; the district's league committee selects the nomination into a year's list (北京青年榜样 of year N) or
declines it with a reason; staff may withdraw it, and a nominee withdrawing consent takes it off the list. A
selected role model's talks (宣讲) are recorded on the same stream, idempotent on the talk's client-given id.

One stream per nomination (`role-model-<id>`, topic xq.stations.role-model). The public profile (name, photo
reference, story) is checked here but never put in an event: the runner seals it into the stations' own table
(role_model_commands.py), so erasure can shred it. Events carry the pseudonymous youth id only.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from enum import StrEnum

from chassis import checks
from chassis.decider import Command, Decider, State
from chassis.errors import Collector
from chassis.event import Event, event
from chassis.lifecycle import Steps, refuse_if, stepped, stream_naming
from contracts.stations import RoleModelEvents, VenueKind

NAME_MAX = 50
STORY_MAX = 2000  # a page of text: the story shown on the public profile
PHOTO_MAX = 500  # a file key or URL, opaque to us
REASON_MAX = 200
PLACE_MAX = 100
AUDIENCE_MAX = 100_000
TALKS_MAX = 500  # talks kept in one nomination's state: a role model's years of 宣讲, not a feed


class Status(StrEnum):
    NOMINATED = "NOMINATED"
    SELECTED = "SELECTED"
    DECLINED = "DECLINED"
    WITHDRAWN = "WITHDRAWN"


class Consent(StrEnum):
    PENDING = "PENDING"  # not asked yet, or not answered
    GIVEN = "GIVEN"
    REFUSED = "REFUSED"  # refused, or given then withdrawn


class Nominate(Command):
    """`nominated_by`: the nominator's role (branch_secretary, station_staff, admin); `name` is the registry's."""
    nomination_id: str
    youth_id: str
    district: str
    nominated_by: str
    name: str
    photo_ref: str
    story: str
    at: datetime


class AnswerConsent(Command):
    """The nominee's own answer (youth token): give it, or refuse / withdraw it."""
    given: bool
    at: datetime


class Select(Command):
    year: int
    at: datetime
    today: date  # the year of the list lies within a year of today


class Decline(Command):
    reason: str
    at: datetime


class Withdraw(Command):
    reason: str
    at: datetime


class RecordTalk(Command):
    talk_id: str  # the client's id: the same talk recorded again changes nothing
    venue_kind: str
    place: str
    given_on: date
    audience: int
    today: date


RoleModelCommand = Nominate | AnswerConsent | Select | Decline | Withdraw | RecordTalk


@event(RoleModelEvents.NOMINATED)
class Nominated(Event):
    nomination_id: str
    youth_id: str
    district: str
    nominated_by: str
    at: datetime


@event(RoleModelEvents.CONSENT_GIVEN)
class ConsentGiven(Event):
    nomination_id: str
    district: str
    at: datetime


@event(RoleModelEvents.CONSENT_REFUSED)
class ConsentRefused(Event):
    nomination_id: str
    district: str
    withdrawn: bool  # it had been given before
    at: datetime


@event(RoleModelEvents.SELECTED)
class Selected(Event):
    nomination_id: str
    district: str
    year: int
    at: datetime


@event(RoleModelEvents.DECLINED)
class Declined(Event):
    nomination_id: str
    district: str
    reason: str
    at: datetime


@event(RoleModelEvents.WITHDRAWN)
class Withdrawn(Event):
    nomination_id: str
    district: str
    year: int | None  # the list it leaves (None: it was not selected yet)
    by: str  # STAFF, or NOMINEE (their consent withdrawn)
    reason: str
    at: datetime


@event(RoleModelEvents.TALK_RECORDED)
class TalkRecorded(Event):
    nomination_id: str
    talk_id: str
    district: str
    venue_kind: str
    place: str
    given_on: date
    audience: int


RoleModelEvent = Nominated | ConsentGiven | ConsentRefused | Selected | Declined | Withdrawn | TalkRecorded


class RoleModelState(State):
    exists: bool = False
    nomination_id: str = ""
    youth_id: str = ""
    district: str = ""
    status: Status = Status.NOMINATED
    consent: Consent = Consent.PENDING
    year: int | None = None
    talks: tuple[TalkRecorded, ...] = ()

    def belongs_to(self, youth_id: str) -> bool:
        return self.exists and self.youth_id == youth_id


def check_request(c: Nominate) -> Collector:
    """What the nominator wrote (district, story, photo reference): checked before the registry is asked the name."""
    errors = Collector()
    checks.district(errors, c.district)
    checks.text(errors, c.story, "story", "榜样事迹", max_len=STORY_MAX)
    if checks.text(errors, c.photo_ref, "photoRef", "照片引用", max_len=PHOTO_MAX) \
            and any(ch.isspace() for ch in c.photo_ref.strip()):
        errors.add("photoRef", "照片引用应为不含空格的文件编号或网址", "format")
    return errors


def _nominate(c: Nominate, state: RoleModelState) -> list[RoleModelEvent]:
    refuse_if(state.exists, "该提名已存在。", "already_exists")
    errors = check_request(c)
    checks.text(errors, c.name, "name", "姓名", max_len=NAME_MAX)
    errors.raise_if_any()
    return [Nominated(nomination_id=c.nomination_id, youth_id=c.youth_id, district=c.district,
                      nominated_by=c.nominated_by, at=c.at)]


def _reason(value: str, label: str) -> str:
    errors = Collector()
    checks.text(errors, value, "reason", label, max_len=REASON_MAX)
    errors.raise_if_any()
    return value.strip()


def _consent(c: AnswerConsent, state: RoleModelState) -> list[RoleModelEvent]:
    nid, district = state.nomination_id, state.district
    if c.given:
        refuse_if(state.status is not Status.NOMINATED, "该提名已有结论，不能再同意公开。", "closed")
        return [] if state.consent is Consent.GIVEN else [ConsentGiven(nomination_id=nid, district=district, at=c.at)]
    if state.consent is Consent.REFUSED:
        return []  # said already: a repeat changes nothing
    events: list[RoleModelEvent] = [ConsentRefused(nomination_id=nid, district=district,
                                                   withdrawn=state.consent is Consent.GIVEN, at=c.at)]
    if state.status is Status.SELECTED:  # off the list: a role model is published only with consent
        events.append(Withdrawn(nomination_id=nid, district=district, year=state.year, by="NOMINEE",
                                reason="本人撤回公开同意", at=c.at))
    return events


def _select(c: Select, state: RoleModelState) -> list[RoleModelEvent]:
    refuse_if(state.status is not Status.NOMINATED, "该提名已有结论，不能再入选。", "already_decided")
    errors = Collector()
    if not c.today.year - 1 <= c.year <= c.today.year + 1:
        errors.add("year", f"榜样年度应为 {c.today.year - 1}–{c.today.year + 1} 年", "range")
    errors.raise_if_any()
    refuse_if(state.consent is not Consent.GIVEN, "被提名人尚未同意公开其榜样资料，不能入选。", "consent_required")
    return [Selected(nomination_id=state.nomination_id, district=state.district, year=c.year, at=c.at)]


def _talk(c: RecordTalk, state: RoleModelState) -> list[RoleModelEvent]:
    errors = Collector()
    checks.one_of(errors, "venueKind", c.venue_kind, VenueKind, "宣讲场所类型")
    checks.text(errors, c.place, "place", "宣讲地点", max_len=PLACE_MAX)
    if c.given_on > c.today:
        errors.add("givenOn", "宣讲日期不能晚于今天", "future")
    if not 1 <= c.audience <= AUDIENCE_MAX:
        errors.add("audience", f"听众人数应为 1–{AUDIENCE_MAX} 人", "range")
    errors.raise_if_any()
    talk = TalkRecorded(nomination_id=state.nomination_id, talk_id=c.talk_id, district=state.district,
                        venue_kind=c.venue_kind, place=c.place.strip(), given_on=c.given_on, audience=c.audience)
    before = next((t for t in state.talks if t.talk_id == c.talk_id), None)
    if before == talk:
        return []  # recorded already: a retried upload changes nothing
    refuse_if(before is not None, "该宣讲已登记，内容不同；请用新的宣讲编号。", "already_recorded")
    refuse_if(state.status is not Status.SELECTED, "只有已入选、仍在榜单上的榜样才能登记宣讲。", "not_selected")
    refuse_if(len(state.talks) >= TALKS_MAX, f"一位榜样最多登记 {TALKS_MAX} 场宣讲。", "too_many_talks")
    return [talk]


def decide(command: RoleModelCommand, state: RoleModelState) -> list[RoleModelEvent]:
    if isinstance(command, Nominate):
        return _nominate(command, state)
    refuse_if(not state.exists, "榜样提名不存在。", "not_found")
    if isinstance(command, AnswerConsent):
        return _consent(command, state)
    if isinstance(command, Select):
        return _select(command, state)
    if isinstance(command, Decline):
        refuse_if(state.status is not Status.NOMINATED, "该提名已有结论，不能再不予入选。", "already_decided")
        reason = _reason(command.reason, "不予入选的原因")
        return [Declined(nomination_id=state.nomination_id, district=state.district, reason=reason, at=command.at)]
    if isinstance(command, Withdraw):
        refuse_if(state.status not in (Status.NOMINATED, Status.SELECTED), "该提名已结束，无需撤销。", "closed")
        reason = _reason(command.reason, "撤销的原因")
        return [Withdrawn(nomination_id=state.nomination_id, district=state.district, year=state.year, by="STAFF",
                          reason=reason, at=command.at)]
    if isinstance(command, RecordTalk):
        return _talk(command, state)
    raise TypeError(f"unknown command {type(command).__name__}")


# The steps of the nomination's life cycle (consent, and the decision on it) that carry nothing to keep.
_STEPS: Steps = {
    ConsentGiven: {"consent": Consent.GIVEN},
    ConsentRefused: {"consent": Consent.REFUSED},
    Declined: {"status": Status.DECLINED},
    Withdrawn: {"status": Status.WITHDRAWN},
}


def evolve(state: RoleModelState, event: RoleModelEvent) -> RoleModelState:
    if isinstance(event, Nominated):
        return RoleModelState(exists=True, nomination_id=event.nomination_id, youth_id=event.youth_id,
                              district=event.district)
    if isinstance(event, Selected):
        return replace(state, status=Status.SELECTED, year=event.year)
    if isinstance(event, TalkRecorded):
        return replace(state, talks=(*state.talks, event))
    return stepped(state, event, _STEPS)


role_model = Decider(initial=RoleModelState, decide=decide, evolve=evolve)
EVENTS = (Nominated, ConsentGiven, ConsentRefused, Selected, Declined, Withdrawn, TalkRecorded)
stream_id = stream_naming("role-model")
