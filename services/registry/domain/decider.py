"""The person's decider: which events a command yields (decide) and how events change the record
(evolve). One function per command and per event, found through a table by type."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from chassis.decider import Decider
from chassis.errors import Collector, RuleViolated
from contracts.registry import REGISTRATION, AccountLink, Status, is_known_purpose

from ..identity import age_band, age_on, clean_text, league_age, normalize_id_number, normalize_mobile
from .commands import (
    EndLeagueAge,
    EraseYouth,
    GiveConsent,
    LinkAccount,
    MergeInto,
    RegisterYouth,
    UpdateProfile,
    WithdrawConsent,
    YouthCommand,
)
from .events import (
    AccountLinked,
    ConsentGiven,
    ConsentWithdrawn,
    LeagueAgeEnded,
    YouthDeactivated,
    YouthErased,
    YouthEvent,
    YouthMerged,
    YouthProfileUpdated,
    YouthReactivated,
    YouthRegistered,
)
from .rules import ADULT_AGE, PUBLIC_CHANGES, PURPOSES_TEXT, check_notice, normalized_changes, validate_registration
from .state import YouthState, league_age_until

PERSONAL_PROFILE = ("name", "gender", "birth_date", "mobile", "id_number", "wechat", "employer", "education",
                    "needs")


def _registered(state: YouthState) -> str:
    """The person's id; refused when nobody is registered under the stream."""
    if not state.exists or state.youth_id is None:
        raise RuleViolated("未找到该青年。", rule="not_registered")
    return state.youth_id


def _require_usable(state: YouthState, *, allow_deactivated: bool = False) -> str:
    """The person's id, when the record may be changed."""
    youth_id = _registered(state)
    if state.status == Status.ERASED:
        raise RuleViolated("该青年的个人信息已删除，不能再操作。", rule="erased")
    if state.status == Status.MERGED:
        raise RuleViolated(f"该记录已合并到 {state.merged_into}，请操作保留的记录。", rule="merged",
                           into_youth_id=state.merged_into)
    if state.status == Status.DEACTIVATED and not allow_deactivated:
        raise RuleViolated("该记录已因撤回登记同意而停用；重新取得登记同意后才能修改。", rule="deactivated")
    return youth_id


def _register(c: RegisterYouth, state: YouthState) -> list[YouthEvent]:
    if state.exists:
        raise RuleViolated("该青年已登记，不能重复登记。", rule="already_registered")
    return [registration(c)]


def registration(c: RegisterYouth) -> YouthRegistered:
    """The event registering a new person (a bulk import asks for it row by row: nobody exists yet)."""
    validate_registration(c)
    day = c.registration_day  # the figures published are the person's on the day they registered
    age = age_on(c.birth_date, day)
    league_from, league_until = league_age(c.birth_date)
    within = league_from <= day <= league_until
    consents = sorted(set(c.consents))
    return YouthRegistered(
        youth_id=c.youth_id, district=c.district, youth_type=c.youth_type, subtype=c.subtype,
        is_minor=age < ADULT_AGE, age_band=age_band(age), registered_on=day, consents=consents,
        league_age=within, employer_kind=c.employer_kind,
        notice_version=c.notice_version, channel=c.channel,
        name=clean_text(c.name), gender=str(c.gender), birth_date=c.birth_date, mobile=normalize_mobile(c.mobile),
        id_number=normalize_id_number(c.id_number) if c.id_number else None,
        wechat=clean_text(c.wechat) or None, employer=clean_text(c.employer) or None, education=c.education,
        needs=sorted(set(c.needs)) or None,
    )


def _update(c: UpdateProfile, state: YouthState) -> list[YouthEvent]:
    youth_id = _require_usable(state)
    changes = normalized_changes(c.changes, state)
    if not changes:
        return []
    return [YouthProfileUpdated(youth_id=youth_id, changed=sorted(changes), **changes)]


def _give_consent(c: GiveConsent, state: YouthState) -> list[YouthEvent]:
    youth_id = _require_usable(state, allow_deactivated=c.purpose == REGISTRATION)
    errors = Collector()
    if not is_known_purpose(c.purpose):
        errors.add("purpose", f"同意用途无效：应为 {PURPOSES_TEXT}", "enum")
    check_notice(errors, c.notice_version, c.channel)
    errors.raise_if_any()
    held = state.consents.get(c.purpose)
    if held and held["notice_version"] == c.notice_version and state.status == Status.ACTIVE:
        raise RuleViolated("已取得该用途、该版本告知书的同意。", rule="already_given")
    events: list[YouthEvent] = [ConsentGiven(youth_id=youth_id, purpose=c.purpose, notice_version=c.notice_version,
                                             channel=c.channel, given_on=c.today)]
    if c.purpose == REGISTRATION and state.status == Status.DEACTIVATED:
        events.append(YouthReactivated(youth_id=youth_id))
    return events


def _withdraw_consent(c: WithdrawConsent, state: YouthState) -> list[YouthEvent]:
    youth_id = _require_usable(state, allow_deactivated=True)
    if c.purpose not in state.consents:
        raise RuleViolated(f"未曾取得用途 {c.purpose} 的同意（或已撤回），无需撤回。", rule="not_given")
    events: list[YouthEvent] = [ConsentWithdrawn(youth_id=youth_id, purpose=c.purpose, withdrawn_on=c.today)]
    if c.purpose == REGISTRATION and state.status == Status.ACTIVE:
        events.append(YouthDeactivated(youth_id=youth_id, reason="REGISTRATION_CONSENT_WITHDRAWN"))
    return events


def _merge(c: MergeInto, state: YouthState) -> list[YouthEvent]:
    youth_id = _require_usable(state, allow_deactivated=True)
    if c.into_youth_id == youth_id:
        raise RuleViolated("不能把记录合并到它自己。", rule="merge_self")
    if c.into_status not in (Status.ACTIVE, Status.DEACTIVATED):
        raise RuleViolated("要保留的记录不存在、已合并或已删除。", rule="merge_target")
    return [YouthMerged(youth_id=youth_id, into_youth_id=c.into_youth_id)]


def _erase(c: EraseYouth, state: YouthState) -> list[YouthEvent]:
    youth_id = _registered(state)
    if state.status == Status.ERASED:
        raise RuleViolated("该青年的个人信息已删除。", rule="already_erased")
    return [YouthErased(youth_id=youth_id, erased_on=c.today)]


def _end_league_age(c: EndLeagueAge, state: YouthState) -> list[YouthEvent]:
    youth_id = _registered(state)
    if state.status != Status.ACTIVE:
        raise RuleViolated("该青年的登记已停用、合并或删除。", rule="not_active")
    if state.league_age_ended:
        raise RuleViolated("该青年的团员年龄已结束，已有记录。", rule="league_age_already_ended")
    # Recorded by the month, never by the day: the event (and its time) must not give away the birthday.
    until = league_age_until(state)
    if until is None or until >= c.today.replace(day=1):
        raise RuleViolated("该青年的团员年龄（28 周岁）尚未在上月或更早结束。", rule="within_league_age")
    return [LeagueAgeEnded(youth_id=youth_id, ended_on=c.today)]


def claim_code_issuable(state: YouthState) -> str:
    """The person's id, when staff may print a claim code for the record: it can be changed (a deactivated
    record too: its person may consent again once signed in) and no account reaches it yet."""
    youth_id = _require_usable(state, allow_deactivated=True)
    if state.account is not None:
        raise RuleViolated("该青年已用本人账号登录并关联了这条记录，无需认领码。", rule="account_already_linked")
    return youth_id


def _link_account(c: LinkAccount, state: YouthState) -> list[YouthEvent]:
    youth_id = claim_code_issuable(state)
    if c.via == AccountLink.CLAIM_CODE and (c.code_expires_at is None or c.now is None
                                            or c.code_expires_at <= c.now):
        raise RuleViolated("认领码已过期，请到驿站请工作人员重新打印。", rule="claim_code_expired")
    return [AccountLinked(youth_id=youth_id, via=c.via, linked_on=c.today, account=c.account)]


DECIDE: dict[type, Callable[[Any, YouthState], list[YouthEvent]]] = {
    RegisterYouth: _register, UpdateProfile: _update, GiveConsent: _give_consent,
    WithdrawConsent: _withdraw_consent, MergeInto: _merge, EraseYouth: _erase, EndLeagueAge: _end_league_age,
    LinkAccount: _link_account,
}


def decide(command: YouthCommand, state: YouthState) -> list[YouthEvent]:
    handler = DECIDE.get(type(command))
    if handler is None:
        raise TypeError(f"unknown command {type(command).__name__}")
    return handler(command, state)


def _on_registered(state: YouthState, e: YouthRegistered) -> YouthState:
    """A stream's first event (a registration is refused on an existing record), so a new state rather than
    `replace` of the initial one: a bulk import folds one per person, and `replace` was 7 % of its registry CPU."""
    profile = {k: v for k in PERSONAL_PROFILE if (v := getattr(e, k)) is not None}
    given = {"notice_version": e.notice_version, "channel": e.channel, "given_on": e.registered_on}
    return YouthState(exists=True, status=Status.ACTIVE, youth_id=e.youth_id, district=e.district,
                      youth_type=e.youth_type, subtype=e.subtype, employer_kind=e.employer_kind, is_minor=e.is_minor,
                      registered_on=e.registered_on, consents={p: dict(given) for p in e.consents}, profile=profile,
                      league_age_ended=not e.league_age)


def _profile_updated(state: YouthState, e: YouthProfileUpdated) -> YouthState:
    public = {k: getattr(e, k) for k in PUBLIC_CHANGES if k in e.changed}
    personal_changes: dict[str, Any] = {
        k: getattr(e, k) for k in ("mobile", "wechat", "employer", "education", "needs") if k in e.changed}
    profile: dict[str, Any] = {k: v for k, v in {**state.profile, **personal_changes}.items() if v is not None}
    if state.status == Status.ERASED:
        profile = {}
    return replace(state, profile=profile, **public)


def _consent_given(state: YouthState, e: ConsentGiven) -> YouthState:
    consents = {**state.consents, e.purpose: {"notice_version": e.notice_version, "channel": e.channel,
                                              "given_on": e.given_on}}
    # Records reactivated before `YouthReactivated` existed have only this consent to say so (it follows here).
    status = Status.ACTIVE if e.purpose == REGISTRATION and state.status == Status.DEACTIVATED else state.status
    return replace(state, consents=consents, status=status)


EVOLVE: dict[type, Callable[[YouthState, Any], YouthState]] = {
    YouthRegistered: _on_registered,
    YouthProfileUpdated: _profile_updated,
    ConsentGiven: _consent_given,
    ConsentWithdrawn: lambda s, e: replace(s, consents={p: v for p, v in s.consents.items() if p != e.purpose}),
    YouthDeactivated: lambda s, e: replace(s, status=Status.DEACTIVATED),
    YouthReactivated: lambda s, e: replace(s, status=Status.ACTIVE),
    YouthMerged: lambda s, e: replace(s, status=Status.MERGED, merged_into=e.into_youth_id),
    YouthErased: lambda s, e: replace(s, status=Status.ERASED, profile={}, account=None),
    LeagueAgeEnded: lambda s, e: replace(s, league_age_ended=True),
    AccountLinked: lambda s, e: replace(s, account=e.account),
}


def evolve(state: YouthState, event: YouthEvent) -> YouthState:
    handler = EVOLVE.get(type(event))
    return handler(state, event) if handler else state


youth: Decider[YouthCommand, YouthState, YouthEvent] = Decider(initial=YouthState, decide=decide, evolve=evolve)
