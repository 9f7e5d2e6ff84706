"""Youth registry deciders: pure rules, no IO (DOMAIN.md, "The people", "Validation rules", "Personal
information").

Personal fields are declared with `personal()`: the event store seals them with the person's own
key and never publishes them. The public part of an event carries only what dashboards and other
services may know (the agreed contract in docs/REGISTRY.md): district, type, subtype, minor flag,
age band, registration date, whether within league age (a flag, never a date: the league-age dates are
the birth date in disguise), consents by purpose, employer kind. The end of league age is published
later by its own event, `league-age-ended.v1`, recorded by a monthly sweep (docs/REGISTRY.md).

Lifecycle: ACTIVE ⇄ DEACTIVATED (REGISTRATION consent withdrawn / given again) → MERGED (into an
older record) · ERASED (any state but ERASED; terminal).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from functools import cache
from typing import Any, ClassVar

from chassis.codec import EventCodec, personal
from chassis.decider import Decider
from chassis.errors import Collector, RuleViolated
from chassis.reference import DISTRICTS, SUBTYPES, YOUTH_TYPES

from .identity import age_band, age_on, clean_text, id_number_problem, league_age, normalize_id_number, normalize_mobile

MIN_AGE, MAX_AGE, ADULT_AGE = 16, 35, 18
NAME_MAX, TEXT_MAX = 50, 100


class Gender(StrEnum):
    MALE = "MALE"
    FEMALE = "FEMALE"


class Need(StrEnum):  # seed §一: 缺社保、缺规划、缺法律帮助、缺学习机会
    SOCIAL_SECURITY = "SOCIAL_SECURITY"
    CAREER = "CAREER"
    LEGAL = "LEGAL"
    STUDY = "STUDY"


class Education(StrEnum):
    JUNIOR_HIGH_OR_BELOW = "JUNIOR_HIGH_OR_BELOW"
    SENIOR_HIGH = "SENIOR_HIGH"
    VOCATIONAL = "VOCATIONAL"
    COLLEGE = "COLLEGE"  # 大专
    BACHELOR = "BACHELOR"
    MASTER_OR_ABOVE = "MASTER_OR_ABOVE"


class EmployerKind(StrEnum):
    PLATFORM = "PLATFORM"
    COMPANY = "COMPANY"
    SELF_EMPLOYED = "SELF_EMPLOYED"
    OTHER = "OTHER"


class Channel(StrEnum):
    PAPER = "PAPER"
    APP = "APP"
    WECHAT = "WECHAT"
    IN_PERSON = "IN_PERSON"
    IMPORT = "IMPORT"


class Status(StrEnum):
    ACTIVE = "ACTIVE"
    DEACTIVATED = "DEACTIVATED"
    MERGED = "MERGED"
    ERASED = "ERASED"


REGISTRATION, SERVICE_RECORDS, SHARE_PREFIX = "REGISTRATION", "SERVICE_RECORDS", "SHARE_WITH_AGENCY:"
AGENCIES = {"HRSS": "人力社保局", "JUSTICE": "司法局", "UNION": "总工会", "WOMEN": "妇联", "GOVSERVICE": "政务服务局"}
PURPOSES_TEXT = f"{REGISTRATION}、{SERVICE_RECORDS} 或 {SHARE_PREFIX}<{'|'.join(AGENCIES)}>"

# Profile fields an update may change; those in PUBLIC_CHANGES are published, the rest are sealed.
UPDATABLE = ("mobile", "wechat", "district", "employer", "employer_kind", "youth_type", "subtype", "needs",
             "education")
PUBLIC_CHANGES = ("district", "youth_type", "subtype", "employer_kind")
CAMEL = {"mobile": "mobile", "wechat": "wechat", "district": "district", "employer": "employer",
         "employer_kind": "employerKind", "youth_type": "youthType", "subtype": "subtype", "needs": "needs",
         "education": "education", "id_number": "idNumber", "birth_date": "birthDate", "name": "name",
         "gender": "gender"}


def stream_id(youth_id: str) -> str:
    return f"youth-{youth_id}"


def valid_purpose(purpose: str) -> bool:
    if purpose in (REGISTRATION, SERVICE_RECORDS):
        return True
    return purpose.startswith(SHARE_PREFIX) and purpose[len(SHARE_PREFIX):] in AGENCIES


# ---- commands ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class RegisterYouth:
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


@dataclass(frozen=True)
class UpdateProfile:
    changes: dict[str, Any]  # snake_case field → new value (None clears an optional field)


@dataclass(frozen=True)
class GiveConsent:
    purpose: str
    notice_version: str
    channel: str
    today: date


@dataclass(frozen=True)
class WithdrawConsent:
    purpose: str
    today: date


@dataclass(frozen=True)
class MergeInto:
    into_youth_id: str
    into_status: str | None  # the survivor's status, None when it does not exist


@dataclass(frozen=True)
class EraseYouth:
    today: date


@dataclass(frozen=True)
class EndLeagueAge:
    """Record that the person's league age (14–28) is over (the registry's scheduled sweep)."""
    today: date


# ---- events ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class YouthRegistered:
    TYPE: ClassVar[str] = "xq.registry.youth.registered.v1"
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


@dataclass(frozen=True)
class LeagueAgeEnded:
    """`ended_on` is the day the sweep recorded it (the first run of the month after the person's league age
    ended), never the last day of league age itself, which would give away the birth date."""
    TYPE: ClassVar[str] = "xq.registry.youth.league-age-ended.v1"
    youth_id: str
    ended_on: date


@dataclass(frozen=True)
class YouthProfileUpdated:
    TYPE: ClassVar[str] = "xq.registry.youth.profile-updated.v1"
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


@dataclass(frozen=True)
class ConsentGiven:
    TYPE: ClassVar[str] = "xq.registry.youth.consent-given.v1"
    youth_id: str
    purpose: str
    notice_version: str
    channel: str
    given_on: date


@dataclass(frozen=True)
class ConsentWithdrawn:
    TYPE: ClassVar[str] = "xq.registry.youth.consent-withdrawn.v1"
    youth_id: str
    purpose: str
    withdrawn_on: date


@dataclass(frozen=True)
class YouthDeactivated:
    TYPE: ClassVar[str] = "xq.registry.youth.deactivated.v1"
    youth_id: str
    reason: str


@dataclass(frozen=True)
class YouthMerged:
    TYPE: ClassVar[str] = "xq.registry.youth.merged.v1"
    youth_id: str
    into_youth_id: str


@dataclass(frozen=True)
class YouthErased:
    TYPE: ClassVar[str] = "xq.registry.youth.erased.v1"
    youth_id: str
    erased_on: date


# ---- state -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class YouthState:
    exists: bool = False
    status: str | None = None
    youth_id: str | None = None
    district: str | None = None
    youth_type: str | None = None
    subtype: str | None = None
    employer_kind: str | None = None
    is_minor: bool = False
    registered_on: date | None = None
    consents: dict[str, dict] = field(default_factory=dict)  # purpose → {notice_version, channel, given_on}
    profile: dict = field(default_factory=dict)  # personal fields, decrypted; empty once erased
    merged_into: str | None = None
    league_age_ended: bool = False  # over league age at registration, or recorded by EndLeagueAge


def league_age_until(state: YouthState) -> date | None:
    """The last day of the person's league age (personal: derived from the birth date; registry-internal)."""
    birth = state.profile.get("birth_date")
    return league_age(birth)[1] if birth else None


# ---- validation --------------------------------------------------------------------------------

def _enum(errors: Collector, name: str, value: str | None, allowed: type[StrEnum], label: str) -> None:
    if value is not None and value not in _values(allowed):
        errors.add(name, f"{label}无效：应为 {'、'.join(allowed)} 之一", "enum")


@cache
def _values(allowed: type[StrEnum]) -> frozenset[str]:
    """An enum's values as a set, built once (listing an enum per check is a visible cost in bulk imports)."""
    return frozenset(allowed)


def _optional_text(errors: Collector, name: str, value: str | None, label: str) -> None:
    if value is not None and len(clean_text(value)) > TEXT_MAX:
        errors.add(name, f"{label}不能超过 {TEXT_MAX} 个字符", "too_long")


def _check_type(errors: Collector, youth_type: str, subtype: str) -> None:
    if youth_type not in YOUTH_TYPES:
        errors.add("youthType", f"青年类型无效：应为 {'、'.join(YOUTH_TYPES)} 之一", "enum")
    if subtype not in SUBTYPES:
        errors.add("subtype", f"细分类型无效：应为 {'、'.join(SUBTYPES)} 之一", "enum")
    elif youth_type in YOUTH_TYPES and SUBTYPES[subtype][0] != youth_type:
        errors.add("subtype", f"细分类型 {subtype}（{SUBTYPES[subtype][1]}）不属于青年类型 "
                              f"{youth_type}（{YOUTH_TYPES[youth_type]}）", "mismatch")


def _check_district(errors: Collector, district: str) -> None:
    if district not in DISTRICTS:
        errors.add("district", "区县代码无效：应为北京市 16 个区之一的 GB/T 2260 代码（如朝阳区 110105）", "enum")


def validate_registration(c: RegisterYouth) -> None:
    errors = Collector()
    name = clean_text(c.name)
    if not name:
        errors.add("name", "姓名不能为空", "required")
    elif len(name) > NAME_MAX:
        errors.add("name", f"姓名不能超过 {NAME_MAX} 个字符", "too_long")
    _enum(errors, "gender", c.gender, Gender, "性别")
    if normalize_mobile(c.mobile) is None:
        errors.add("mobile", "手机号应为中国大陆手机号：11 位、以 1 开头、第二位为 3–9，可带 +86 或 0086", "format")
    age = age_on(c.birth_date, c.today)
    if c.birth_date > c.today:
        errors.add("birthDate", "出生日期不能晚于登记日期", "range")
    elif not MIN_AGE <= age <= MAX_AGE:
        errors.add("birthDate", f"登记对象须为 {MIN_AGE}–{MAX_AGE} 周岁（按登记日计算为 {age} 周岁）", "age_range")
    if c.id_number:
        problem = id_number_problem(normalize_id_number(c.id_number), c.birth_date, c.gender)
        if problem:
            errors.add("idNumber", problem[1], problem[0])
    _check_district(errors, c.district)
    _check_type(errors, c.youth_type, c.subtype)
    _optional_text(errors, "wechat", c.wechat, "微信号")
    _optional_text(errors, "employer", c.employer, "工作单位/平台")
    _enum(errors, "employerKind", c.employer_kind, EmployerKind, "单位类型")
    _enum(errors, "education", c.education, Education, "学历")
    for need in c.needs:
        _enum(errors, "needs", need, Need, "需求")
    if REGISTRATION not in c.consents:
        errors.add("consents", "登记须取得本人对“登记”用途（REGISTRATION）的同意", "consent_required")
    for purpose in c.consents:
        if not valid_purpose(purpose):
            errors.add("consents", f"同意用途 {purpose} 无效：应为 {PURPOSES_TEXT}", "enum")
    _check_notice(errors, c.notice_version, c.channel)
    errors.raise_if_any()


def _check_notice(errors: Collector, notice_version: str, channel: str) -> None:
    if not clean_text(notice_version) or len(notice_version) > 20:
        errors.add("noticeVersion", "告知书版本不能为空，且不超过 20 个字符", "required")
    _enum(errors, "channel", channel, Channel, "取得同意的渠道")


def normalized_changes(changes: dict[str, Any], state: YouthState) -> dict[str, Any]:
    """Validate an update and bring values to their stored form; fields equal to the current value
    are dropped (an update records only what changed)."""
    errors = Collector()
    out: dict[str, Any] = {}
    for key, value in changes.items():
        if key not in UPDATABLE:
            errors.add(CAMEL.get(key, key), "该字段不能通过资料更新修改", "not_updatable")
            continue
        if key == "mobile":
            value = normalize_mobile(value)
            if value is None:
                errors.add("mobile", "手机号应为中国大陆手机号：11 位、以 1 开头、第二位为 3–9，可带 +86 或 0086", "format")
        elif key == "district":
            _check_district(errors, value)
        elif key in ("wechat", "employer"):
            value = clean_text(value) or None
            _optional_text(errors, CAMEL[key], value, "微信号" if key == "wechat" else "工作单位/平台")
        elif key == "employer_kind":
            _enum(errors, "employerKind", value, EmployerKind, "单位类型")
        elif key == "education":
            _enum(errors, "education", value, Education, "学历")
        elif key == "needs":
            value = sorted(set(value or []))
            for need in value:
                _enum(errors, "needs", need, Need, "需求")
        out[key] = value
    if "youth_type" in out or "subtype" in out:
        _check_type(errors, out.get("youth_type", state.youth_type), out.get("subtype", state.subtype))
    errors.raise_if_any()
    current = {**state.profile, "district": state.district, "youth_type": state.youth_type,
               "subtype": state.subtype, "employer_kind": state.employer_kind}
    return {k: v for k, v in out.items() if current.get(k) != v}


# ---- decide / evolve ---------------------------------------------------------------------------

def _require_usable(state: YouthState, *, allow_deactivated: bool = False) -> None:
    if not state.exists:
        raise RuleViolated("未找到该青年。", rule="not_registered")
    if state.status == Status.ERASED:
        raise RuleViolated("该青年的个人信息已删除，不能再操作。", rule="erased")
    if state.status == Status.MERGED:
        raise RuleViolated(f"该记录已合并到 {state.merged_into}，请操作保留的记录。", rule="merged",
                           into_youth_id=state.merged_into)
    if state.status == Status.DEACTIVATED and not allow_deactivated:
        raise RuleViolated("该记录已因撤回登记同意而停用；重新取得登记同意后才能修改。", rule="deactivated")


def decide(command, state: YouthState) -> list:
    if isinstance(command, RegisterYouth):
        if state.exists:
            raise RuleViolated("该青年已登记，不能重复登记。", rule="already_registered")
        return _register(command)
    if isinstance(command, UpdateProfile):
        _require_usable(state)
        changes = normalized_changes(command.changes, state)
        if not changes:
            return []
        return [YouthProfileUpdated(youth_id=state.youth_id, changed=sorted(changes), **changes)]
    if isinstance(command, GiveConsent):
        _require_usable(state, allow_deactivated=command.purpose == REGISTRATION)
        errors = Collector()
        if not valid_purpose(command.purpose):
            errors.add("purpose", f"同意用途无效：应为 {PURPOSES_TEXT}", "enum")
        _check_notice(errors, command.notice_version, command.channel)
        errors.raise_if_any()
        held = state.consents.get(command.purpose)
        if held and held["notice_version"] == command.notice_version and state.status == Status.ACTIVE:
            raise RuleViolated("已取得该用途、该版本告知书的同意。", rule="already_given")
        return [ConsentGiven(youth_id=state.youth_id, purpose=command.purpose,
                             notice_version=command.notice_version, channel=command.channel, given_on=command.today)]
    if isinstance(command, WithdrawConsent):
        _require_usable(state, allow_deactivated=True)
        if command.purpose not in state.consents:
            raise RuleViolated(f"未曾取得用途 {command.purpose} 的同意（或已撤回），无需撤回。", rule="not_given")
        events: list = [ConsentWithdrawn(youth_id=state.youth_id, purpose=command.purpose,
                                         withdrawn_on=command.today)]
        if command.purpose == REGISTRATION and state.status == Status.ACTIVE:
            events.append(YouthDeactivated(youth_id=state.youth_id, reason="REGISTRATION_CONSENT_WITHDRAWN"))
        return events
    if isinstance(command, MergeInto):
        _require_usable(state, allow_deactivated=True)
        if command.into_youth_id == state.youth_id:
            raise RuleViolated("不能把记录合并到它自己。", rule="merge_self")
        if command.into_status not in (Status.ACTIVE, Status.DEACTIVATED):
            raise RuleViolated("要保留的记录不存在、已合并或已删除。", rule="merge_target")
        return [YouthMerged(youth_id=state.youth_id, into_youth_id=command.into_youth_id)]
    if isinstance(command, EraseYouth):
        if not state.exists:
            raise RuleViolated("未找到该青年。", rule="not_registered")
        if state.status == Status.ERASED:
            raise RuleViolated("该青年的个人信息已删除。", rule="already_erased")
        return [YouthErased(youth_id=state.youth_id, erased_on=command.today)]
    if isinstance(command, EndLeagueAge):
        if not state.exists:
            raise RuleViolated("未找到该青年。", rule="not_registered")
        if state.status != Status.ACTIVE:
            raise RuleViolated("该青年的登记已停用、合并或删除。", rule="not_active")
        if state.league_age_ended:
            raise RuleViolated("该青年的团员年龄已结束，已有记录。", rule="league_age_already_ended")
        # Recorded by the month, never by the day: the event (and its time) must not give away the birthday.
        until = league_age_until(state)
        if until is None or until >= command.today.replace(day=1):
            raise RuleViolated("该青年的团员年龄（28 周岁）尚未在上月或更早结束。", rule="within_league_age")
        return [LeagueAgeEnded(youth_id=state.youth_id, ended_on=command.today)]
    raise TypeError(f"unknown command {type(command).__name__}")


def _register(c: RegisterYouth) -> list:
    validate_registration(c)
    age = age_on(c.birth_date, c.today)
    league_from, league_until = league_age(c.birth_date)
    within = league_from <= c.today <= league_until
    consents = sorted(set(c.consents))
    return [YouthRegistered(
        youth_id=c.youth_id, district=c.district, youth_type=c.youth_type, subtype=c.subtype,
        is_minor=age < ADULT_AGE, age_band=age_band(age), registered_on=c.today, consents=consents,
        league_age=within, employer_kind=c.employer_kind,
        notice_version=c.notice_version, channel=c.channel,
        name=clean_text(c.name), gender=str(c.gender), birth_date=c.birth_date, mobile=normalize_mobile(c.mobile),
        id_number=normalize_id_number(c.id_number) if c.id_number else None,
        wechat=clean_text(c.wechat) or None, employer=clean_text(c.employer) or None, education=c.education,
        needs=sorted(set(c.needs)) or None,
    )]


PERSONAL_PROFILE = ("name", "gender", "birth_date", "mobile", "id_number", "wechat", "employer", "education",
                    "needs")


def evolve(state: YouthState, event) -> YouthState:
    if isinstance(event, YouthRegistered):
        profile = {k: getattr(event, k) for k in PERSONAL_PROFILE if getattr(event, k) is not None}
        consents = {p: {"notice_version": event.notice_version, "channel": event.channel,
                        "given_on": event.registered_on} for p in event.consents}
        return replace(state, exists=True, status=Status.ACTIVE, youth_id=event.youth_id, district=event.district,
                       youth_type=event.youth_type, subtype=event.subtype, employer_kind=event.employer_kind,
                       is_minor=event.is_minor, registered_on=event.registered_on, consents=consents,
                       profile=profile, league_age_ended=not event.league_age)
    if isinstance(event, YouthProfileUpdated):
        public = {k: getattr(event, k) for k in PUBLIC_CHANGES if k in event.changed}
        personal_changes = {k: getattr(event, k) for k in ("mobile", "wechat", "employer", "education", "needs")
                            if k in event.changed}
        profile = {k: v for k, v in {**state.profile, **personal_changes}.items() if v is not None}
        if state.status == Status.ERASED:
            profile = {}
        return replace(state, profile=profile, **public)
    if isinstance(event, ConsentGiven):
        consents = {**state.consents, event.purpose: {"notice_version": event.notice_version,
                                                      "channel": event.channel, "given_on": event.given_on}}
        status = Status.ACTIVE if event.purpose == REGISTRATION and state.status == Status.DEACTIVATED \
            else state.status
        return replace(state, consents=consents, status=status)
    if isinstance(event, ConsentWithdrawn):
        return replace(state, consents={p: v for p, v in state.consents.items() if p != event.purpose})
    if isinstance(event, YouthDeactivated):
        return replace(state, status=Status.DEACTIVATED)
    if isinstance(event, YouthMerged):
        return replace(state, status=Status.MERGED, merged_into=event.into_youth_id)
    if isinstance(event, YouthErased):
        return replace(state, status=Status.ERASED, profile={})
    if isinstance(event, LeagueAgeEnded):
        return replace(state, league_age_ended=True)
    return state


youth = Decider(initial=YouthState, decide=decide, evolve=evolve)
codec = EventCodec(YouthRegistered, YouthProfileUpdated, ConsentGiven, ConsentWithdrawn, YouthDeactivated,
                   YouthMerged, YouthErased, LeagueAgeEnded)
__all__ = ["normalize_mobile", "age_band"]  # re-exported: the value rules live in identity.py
