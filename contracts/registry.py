"""The registry's published contract: its topic, its event types and the enums other services share.

Only public attributes travel (docs/REGISTRY.md); personal fields are sealed and never published."""
from __future__ import annotations

from enum import StrEnum

from .agencies import AGENCIES
from .topic import Topic, types_of


class YouthEvents:
    REGISTERED = "xq.registry.youth.registered.v1"
    PROFILE_UPDATED = "xq.registry.youth.profile-updated.v1"
    CONSENT_GIVEN = "xq.registry.youth.consent-given.v1"
    CONSENT_WITHDRAWN = "xq.registry.youth.consent-withdrawn.v1"
    DEACTIVATED = "xq.registry.youth.deactivated.v1"
    REACTIVATED = "xq.registry.youth.reactivated.v1"  # the registration consent given again after a deactivation
    MERGED = "xq.registry.youth.merged.v1"
    ERASED = "xq.registry.youth.erased.v1"
    LEAGUE_AGE_ENDED = "xq.registry.youth.league-age-ended.v1"
    ACCOUNT_LINKED = "xq.registry.youth.account-linked.v1"  # the person signs in with their own account


YOUTH = Topic("xq.registry.youth", "registry", types_of(YouthEvents),
              readers=frozenset({"branches", "stations", "partners", "gateway"}))

# The registry's answer to "which record is this youth token's account linked to?" (GET with the caller's own
# token; `{"youthId": ...}`, or NOT_FOUND when none): how the other services learn who a young person is.
OWN_RECORD_PATH = "/me/identity"

# Consent purposes: registration itself, service records, and sharing with one agency each.
REGISTRATION, SERVICE_RECORDS, SHARE_PREFIX = "REGISTRATION", "SERVICE_RECORDS", "SHARE_WITH_AGENCY:"


def share_with(agency: str) -> str:
    """The consent purpose that lets `agency` receive a person's shareable profile."""
    return f"{SHARE_PREFIX}{agency}"


def is_known_purpose(purpose: str) -> bool:
    return purpose in (REGISTRATION, SERVICE_RECORDS) or (
        purpose.startswith(SHARE_PREFIX) and purpose[len(SHARE_PREFIX):] in AGENCIES)


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


class AccountLink(StrEnum):
    """How a person's own sign-in account came to reach their record (`account-linked.v1`)."""
    SELF_REGISTERED = "SELF_REGISTERED"  # registerMe
    CLAIM_CODE = "CLAIM_CODE"  # a record staff created, claimed with the code printed for that person
