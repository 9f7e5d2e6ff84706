"""Youth registry deciders: pure rules, no IO (DOMAIN.md, "The people", "Validation rules").

Personal fields are declared with `personal()`: the event store seals them with the person's own
key and never publishes them. The public part of an event carries only what dashboards and other
services may know: district, type, subtype, minor flag, age band, registration date.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import ClassVar

from chassis.codec import EventCodec, personal
from chassis.decider import Decider
from chassis.errors import Collector, RuleViolated
from chassis.reference import DISTRICTS, SUBTYPES, YOUTH_TYPES

MIN_AGE, MAX_AGE, ADULT_AGE = 16, 35, 18
NAME_MAX = 50


class Gender(StrEnum):
    MALE = "MALE"
    FEMALE = "FEMALE"


class ConsentPurpose(StrEnum):
    REGISTRATION = "REGISTRATION"
    SERVICE_RECORDS = "SERVICE_RECORDS"


def stream_id(youth_id: str) -> str:
    return f"youth-{youth_id}"


# ---- value rules -------------------------------------------------------------------------------

_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalize_mobile(raw: str) -> str | None:
    """Mainland mobile → E.164 (+8613800138000); None when it is not one."""
    digits = re.sub(r"[\s-]", "", raw or "")
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix):]
            break
    return f"+86{digits}" if _MOBILE.match(digits) else None


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def age_band(age: int) -> str:
    for low, high in ((16, 17), (18, 22), (23, 28), (29, 35)):
        if low <= age <= high:
            return f"{low}-{high}"
    return "other"


def clean_name(raw: str) -> str:
    return unicodedata.normalize("NFC", (raw or "").strip())


# ---- commands, events, state -------------------------------------------------------------------

@dataclass(frozen=True)
class RegisterYouth:
    youth_id: str
    name: str
    gender: Gender
    birth_date: date
    mobile: str
    district: str
    youth_type: str
    subtype: str
    consents: tuple[str, ...]
    today: date  # the registration date in Asia/Shanghai, given so the rule stays pure


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
    name: str | None = personal(default=None)
    gender: str | None = personal(default=None)
    birth_date: date | None = personal(default=None)
    mobile: str | None = personal(default=None)


@dataclass(frozen=True)
class YouthState:
    exists: bool = False
    youth_id: str | None = None
    district: str | None = None
    youth_type: str | None = None
    subtype: str | None = None
    is_minor: bool = False
    registered_on: date | None = None
    consents: tuple[str, ...] = ()
    profile: dict = field(default_factory=dict)  # personal fields, decrypted; empty once erased


def validate_registration(c: RegisterYouth) -> None:
    errors = Collector()
    name = clean_name(c.name)
    if not name:
        errors.add("name", "姓名不能为空", "required")
    elif len(name) > NAME_MAX:
        errors.add("name", f"姓名不能超过 {NAME_MAX} 个字符", "too_long")
    if normalize_mobile(c.mobile) is None:
        errors.add("mobile", "手机号应为中国大陆手机号：11 位、以 1 开头、第二位为 3–9，可带 +86 或 0086", "format")
    age = age_on(c.birth_date, c.today)
    if c.birth_date > c.today:
        errors.add("birthDate", "出生日期不能晚于登记日期", "range")
    elif not MIN_AGE <= age <= MAX_AGE:
        errors.add("birthDate", f"登记对象须为 {MIN_AGE}–{MAX_AGE} 周岁（按登记日计算为 {age} 周岁）", "age_range")
    if c.district not in DISTRICTS:
        errors.add("district", "区县代码无效：应为北京市 16 个区之一的 GB/T 2260 代码（如朝阳区 110105）", "enum")
    if c.youth_type not in YOUTH_TYPES:
        errors.add("youthType", f"青年类型无效：应为 {'、'.join(YOUTH_TYPES)} 之一", "enum")
    if c.subtype not in SUBTYPES:
        errors.add("subtype", f"细分类型无效：应为 {'、'.join(SUBTYPES)} 之一", "enum")
    elif c.youth_type in YOUTH_TYPES and SUBTYPES[c.subtype][0] != c.youth_type:
        errors.add("subtype", f"细分类型 {c.subtype}（{SUBTYPES[c.subtype][1]}）不属于青年类型 "
                              f"{c.youth_type}（{YOUTH_TYPES[c.youth_type]}）", "mismatch")
    if ConsentPurpose.REGISTRATION not in c.consents:
        errors.add("consents", "登记须取得本人对“登记”用途（REGISTRATION）的同意", "consent_required")
    errors.raise_if_any()


def decide(command, state: YouthState) -> list:
    if isinstance(command, RegisterYouth):
        if state.exists:
            raise RuleViolated("该青年已登记，不能重复登记。", rule="already_registered")
        validate_registration(command)
        age = age_on(command.birth_date, command.today)
        return [YouthRegistered(
            youth_id=command.youth_id, district=command.district, youth_type=command.youth_type,
            subtype=command.subtype, is_minor=age < ADULT_AGE, age_band=age_band(age),
            registered_on=command.today, consents=sorted(set(command.consents)),
            name=clean_name(command.name), gender=str(command.gender), birth_date=command.birth_date,
            mobile=normalize_mobile(command.mobile),
        )]
    raise TypeError(f"unknown command {type(command).__name__}")


def evolve(state: YouthState, event) -> YouthState:
    if isinstance(event, YouthRegistered):
        profile = {k: v for k, v in {"name": event.name, "gender": event.gender, "birth_date": event.birth_date,
                                     "mobile": event.mobile}.items() if v is not None}
        return replace(state, exists=True, youth_id=event.youth_id, district=event.district,
                       youth_type=event.youth_type, subtype=event.subtype, is_minor=event.is_minor,
                       registered_on=event.registered_on, consents=tuple(event.consents), profile=profile)
    return state


youth = Decider(initial=YouthState, decide=decide, evolve=evolve)
codec = EventCodec(YouthRegistered)
