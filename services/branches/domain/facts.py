"""What a membership command is told about the person and the branch, and the league-age rule on it.

The caller looks these facts up (the service's own view of registry events, the branch stream) and
passes them in, so the membership rules stay pure. League age is 14–28 (the registry's age is 16–35:
kept apart). Only the registry knows birth dates: it tells whether a person was within league age when
registered and, later, that their league age ended (never a date).
"""
from __future__ import annotations

from dataclasses import dataclass

from chassis.errors import RuleViolated


@dataclass(frozen=True)
class YouthFacts:
    active: bool
    district: str | None = None
    subtype: str | None = None
    league_age: bool | None = None  # within 14–28 when registered; None: the registry did not say
    league_age_ended: bool = False  # the registry recorded the end of league age since


@dataclass(frozen=True)
class BranchFacts:
    branch_id: str
    active: bool
    district: str | None = None
    kind: str | None = None


def check_league_age(youth: YouthFacts) -> None:
    if not youth.active:
        raise RuleViolated("该青年的登记已停用或删除，不能办理入团或转接。", rule="youth_inactive")
    if youth.league_age is None:
        raise RuleViolated("缺少该青年的团员年龄信息（14–28 周岁），请稍后重试或联系登记部门。",
                           rule="league_age_unknown")
    # The registry's minimum age (16) is above 14, so "not within league age" can only mean over it.
    if not youth.league_age or youth.league_age_ended:
        raise RuleViolated("已超过团员年龄（28 周岁），不能加入团组织。", rule="over_league_age")
