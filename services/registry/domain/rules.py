"""Validation of what a person's record may hold (DOMAIN.md, "Validation rules"): every problem of a
request is collected and reported at once, in Chinese, with the camelCase field it concerns."""
from __future__ import annotations

from typing import Any

from chassis import checks
from chassis.errors import Collector
from chassis.reference import SUBTYPES, YOUTH_TYPES
from contracts.agencies import AGENCIES
from contracts.registry import (
    REGISTRATION,
    SERVICE_RECORDS,
    SHARE_PREFIX,
    Channel,
    Education,
    EmployerKind,
    Gender,
    Need,
    is_known_purpose,
)

from ..identity import age_on, clean_text, id_number_problem, normalize_id_number, normalize_mobile
from .commands import RegisterYouth
from .state import YouthState

MIN_AGE, MAX_AGE, ADULT_AGE = 16, 35, 18
NAME_MAX, TEXT_MAX = 50, 100
PURPOSES_TEXT = f"{REGISTRATION}、{SERVICE_RECORDS} 或 {SHARE_PREFIX}<{'|'.join(AGENCIES)}>"
MOBILE_RULE = "手机号应为中国大陆手机号：11 位、以 1 开头、第二位为 3–9，可带 +86 或 0086"

# Profile fields an update may change; those in PUBLIC_CHANGES are published, the rest are sealed.
UPDATABLE = ("mobile", "wechat", "district", "employer", "employer_kind", "youth_type", "subtype", "needs",
             "education")
PUBLIC_CHANGES = ("district", "youth_type", "subtype", "employer_kind")
CAMEL = {"mobile": "mobile", "wechat": "wechat", "district": "district", "employer": "employer",
         "employer_kind": "employerKind", "youth_type": "youthType", "subtype": "subtype", "needs": "needs",
         "education": "education", "id_number": "idNumber", "birth_date": "birthDate", "name": "name",
         "gender": "gender"}


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


def validate_registration(c: RegisterYouth) -> None:
    errors = Collector()
    name = clean_text(c.name)
    if not name:
        errors.add("name", "姓名不能为空", "required")
    elif len(name) > NAME_MAX:
        errors.add("name", f"姓名不能超过 {NAME_MAX} 个字符", "too_long")
    checks.one_of(errors, "gender", c.gender, Gender, "性别")
    if normalize_mobile(c.mobile) is None:
        errors.add("mobile", MOBILE_RULE, "format")
    _check_age(errors, c)
    if c.id_number:
        problem = id_number_problem(normalize_id_number(c.id_number), c.birth_date, c.gender)
        if problem:
            errors.add("idNumber", problem[1], problem[0])
    checks.district(errors, c.district)
    _check_type(errors, c.youth_type, c.subtype)
    _optional_text(errors, "wechat", c.wechat, "微信号")
    _optional_text(errors, "employer", c.employer, "工作单位/平台")
    checks.one_of(errors, "employerKind", c.employer_kind, EmployerKind, "单位类型")
    checks.one_of(errors, "education", c.education, Education, "学历")
    for need in c.needs:
        checks.one_of(errors, "needs", need, Need, "需求")
    if REGISTRATION not in c.consents:
        errors.add("consents", "登记须取得本人对“登记”用途（REGISTRATION）的同意", "consent_required")
    for purpose in c.consents:
        if not is_known_purpose(purpose):
            errors.add("consents", f"同意用途 {purpose} 无效：应为 {PURPOSES_TEXT}", "enum")
    check_notice(errors, c.notice_version, c.channel)
    errors.raise_if_any()


def _check_age(errors: Collector, c: RegisterYouth) -> None:
    """16–35 on the day of registration: today, or the day the person registered (a survey's date), which
    can be neither in the future nor before the person was 16. The rule is named, never the person's age
    (messages reach screens, logs and the import's error file)."""
    day = c.registration_day
    if day > c.today:
        errors.add("registeredOn", "登记日期不能晚于今天（北京时间）", "future")
        day = c.today  # the age is still checked, on the latest day the registration can have
    if c.birth_date > c.today:
        errors.add("birthDate", "出生日期不能晚于登记日期", "range")
    elif age_on(c.birth_date, day) < MIN_AGE <= age_on(c.birth_date, c.today):
        # 16 now but not on the day given: the date is wrong, not the person
        errors.add("registeredOn", f"登记日期不能早于本人年满 {MIN_AGE} 周岁之日", "before_min_age")
    elif not MIN_AGE <= age_on(c.birth_date, day) <= MAX_AGE:
        errors.add("birthDate", f"登记对象须为 {MIN_AGE}–{MAX_AGE} 周岁（按登记日计算）", "age_range")


def check_notice(errors: Collector, notice_version: str, channel: str) -> None:
    if not clean_text(notice_version) or len(notice_version) > 20:
        errors.add("noticeVersion", "告知书版本不能为空，且不超过 20 个字符", "required")
    checks.one_of(errors, "channel", channel, Channel, "取得同意的渠道")


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
                errors.add("mobile", MOBILE_RULE, "format")
        elif key == "district":
            checks.district(errors, value)
        elif key in ("wechat", "employer"):
            value = clean_text(value) or None
            _optional_text(errors, CAMEL[key], value, "微信号" if key == "wechat" else "工作单位/平台")
        elif key == "employer_kind":
            checks.one_of(errors, "employerKind", value, EmployerKind, "单位类型")
        elif key == "education":
            checks.one_of(errors, "education", value, Education, "学历")
        elif key == "needs":
            value = sorted(set(value or []))
            for need in value:
                checks.one_of(errors, "needs", need, Need, "需求")
        out[key] = value
    if "youth_type" in out or "subtype" in out:
        # "" for a missing value: refused like any value outside the lists
        _check_type(errors, out.get("youth_type", state.youth_type) or "", out.get("subtype", state.subtype) or "")
    errors.raise_if_any()
    current = {**state.profile, "district": state.district, "youth_type": state.youth_type,
               "subtype": state.subtype, "employer_kind": state.employer_kind}
    return {k: v for k, v in out.items() if current.get(k) != v}
