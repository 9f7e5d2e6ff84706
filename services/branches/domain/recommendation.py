"""推优: a branch recommends an outstanding member, to the Party (推荐入党) or for honours (评优). One
stream per member (`recommendation-<youth_id>`), so "one open recommendation per member and kind" holds
on a single stream and two secretaries recommending at once conflict on its version.

    RECOMMENDED ──review: accepted──▶ ACCEPTED ──outcome──▶ ADOPTED | NOT_ADOPTED
        │  └──review: returned (with a reason)──▶ RETURNED
        └──────────┴──withdrawn by the branch (before the outcome)──▶ WITHDRAWN
    any open one ──the member left the branch, or was erased──▶ ENDED

Who may act (the branch's secretary in its district, the district's league committee) is checked by the
caller (api/recommendations.py) against the recommendation's district; the facts about the member and
the branch are looked up by the caller and passed in.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Any

from chassis import checks
from chassis.codec import EventCodec
from chassis.decider import Command, Decider, State
from chassis.errors import Collector, RuleViolated
from chassis.event import Event, event
from chassis.lifecycle import refuse_if, stream_naming
from contracts.branches import RecommendationEvents, RecommendationKind

from .facts import BranchFacts, YouthFacts
from .rules import check_text

REASON_MAX = 500


Kind = RecommendationKind


class Status(StrEnum):
    RECOMMENDED = "RECOMMENDED"
    ACCEPTED = "ACCEPTED"
    RETURNED = "RETURNED"
    ADOPTED = "ADOPTED"
    NOT_ADOPTED = "NOT_ADOPTED"
    WITHDRAWN = "WITHDRAWN"
    ENDED = "ENDED"


OPEN = frozenset({Status.RECOMMENDED, Status.ACCEPTED})


class EndReason(StrEnum):
    LEFT_BRANCH = "LEFT_BRANCH"  # the membership ended or moved to another branch
    ERASED = "ERASED"            # the registry erased the person


# ---- commands ----------------------------------------------------------------------------------

class Recommend(Command):
    recommendation_id: str
    youth_id: str
    kind: str
    reason: str
    branch: BranchFacts
    member_of: str | None  # the branch the person is a member of today (None: not a member)
    youth: YouthFacts
    today: date


class Review(Command):
    """The district's league committee: ACCEPTED for consideration, or RETURNED with a reason."""
    recommendation_id: str
    accepted: bool
    reason: str
    today: date


class RecordOutcome(Command):
    recommendation_id: str
    adopted: bool
    decided_on: date
    today: date


class Withdraw(Command):
    recommendation_id: str
    today: date


class EndOpen(Command):
    """A reaction: the member left the branch (or was erased); every open recommendation ends."""
    reason: EndReason
    today: date


RecommendationCommand = Recommend | Review | RecordOutcome | Withdraw | EndOpen


# ---- events ------------------------------------------------------------------------------------

@event(RecommendationEvents.RECOMMENDED)
class Recommended(Event):
    recommendation_id: str
    youth_id: str
    branch_id: str
    district: str
    kind: str
    reason: str
    recommended_on: date


@event(RecommendationEvents.REVIEWED)
class Reviewed(Event):
    recommendation_id: str
    status: str  # ACCEPTED | RETURNED
    reason: str
    reviewed_on: date


@event(RecommendationEvents.OUTCOME_RECORDED)
class OutcomeRecorded(Event):
    recommendation_id: str
    status: str  # ADOPTED | NOT_ADOPTED
    decided_on: date


@event(RecommendationEvents.WITHDRAWN)
class Withdrawn(Event):
    recommendation_id: str
    withdrawn_on: date


@event(RecommendationEvents.ENDED)
class RecommendationEnded(Event):
    recommendation_id: str
    reason: str
    ended_on: date


RecommendationEvent = Recommended | Reviewed | OutcomeRecorded | Withdrawn | RecommendationEnded


# ---- state -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    recommendation_id: str
    kind: str
    branch_id: str
    district: str
    status: Status
    recommended_on: date
    note: str = ""  # the district's word when it returned the recommendation
    decided_on: date | None = None  # the day of the outcome


class RecommendationState(State):
    entries: tuple[Entry, ...] = ()

    def find(self, recommendation_id: str) -> Entry | None:
        return next((e for e in self.entries if e.recommendation_id == recommendation_id), None)

    def open(self) -> list[Entry]:
        return [e for e in self.entries if e.status in OPEN]


# ---- decide ------------------------------------------------------------------------------------

def _recommend(command: Recommend, state: RecommendationState) -> list[RecommendationEvent]:
    refuse_if(state.find(command.recommendation_id) is not None, "该推荐已存在。", "already_recommended")
    errors = Collector()
    checks.one_of(errors, "kind", command.kind, Kind, "推荐类别")
    reason = check_text(errors, "reason", command.reason, REASON_MAX)
    errors.raise_if_any()
    refuse_if(not command.branch.active or command.branch.district is None, "该团支部已撤销，不能推荐。",
              "branch_inactive")
    refuse_if(not command.youth.active, "该青年的登记已停用或删除，不能推荐。", "youth_inactive")
    refuse_if(command.member_of != command.branch.branch_id, "只能推荐本支部的团员。", "not_a_member")
    refuse_if(any(e.kind == command.kind for e in state.open()), "该团员已有一项同类推荐尚未办结。",
              "already_open")
    assert command.branch.district is not None
    return [Recommended(command.recommendation_id, command.youth_id, command.branch.branch_id,
                        command.branch.district, command.kind, reason, command.today)]


def _entry(state: RecommendationState, recommendation_id: str) -> Entry:
    entry = state.find(recommendation_id)
    if entry is None:
        raise RuleViolated("未找到该推荐。", rule="recommendation_not_found")
    if entry.status not in OPEN:
        raise RuleViolated("该推荐已办结。", rule="recommendation_closed")
    return entry


def decide(command: RecommendationCommand, state: RecommendationState) -> list[RecommendationEvent]:
    if isinstance(command, Recommend):
        return _recommend(command, state)
    if isinstance(command, EndOpen):
        return [RecommendationEnded(e.recommendation_id, str(command.reason), command.today) for e in state.open()]
    entry = _entry(state, command.recommendation_id)
    if isinstance(command, Withdraw):
        return [Withdrawn(entry.recommendation_id, command.today)]
    if isinstance(command, Review):
        refuse_if(entry.status != Status.RECOMMENDED, "该推荐已审核。", "already_reviewed")
        errors = Collector()
        reason = check_text(errors, "reason", command.reason, REASON_MAX, required=not command.accepted)
        errors.raise_if_any()
        status = Status.ACCEPTED if command.accepted else Status.RETURNED
        return [Reviewed(entry.recommendation_id, str(status), reason, command.today)]
    refuse_if(entry.status != Status.ACCEPTED, "推荐须先经审核同意，才能登记结果。", "not_accepted")
    errors = Collector()
    if not entry.recommended_on <= command.decided_on <= command.today:
        errors.add("decidedOn", "结果日期应在推荐日期与今天之间", "range")
    errors.raise_if_any()
    status = Status.ADOPTED if command.adopted else Status.NOT_ADOPTED
    return [OutcomeRecorded(entry.recommendation_id, str(status), command.decided_on)]


def _set(state: RecommendationState, recommendation_id: str, status: Status, **more: Any) -> RecommendationState:
    return replace(state, entries=tuple(replace(e, status=status, **more) if e.recommendation_id == recommendation_id
                                        else e for e in state.entries))


def evolve(state: RecommendationState, event: RecommendationEvent) -> RecommendationState:
    if isinstance(event, Recommended):
        return replace(state, entries=(*state.entries, Entry(event.recommendation_id, event.kind, event.branch_id,
                                                             event.district, Status.RECOMMENDED,
                                                             event.recommended_on)))
    if isinstance(event, Reviewed):
        return _set(state, event.recommendation_id, Status(event.status), note=event.reason)
    if isinstance(event, OutcomeRecorded):
        return _set(state, event.recommendation_id, Status(event.status), decided_on=event.decided_on)
    if isinstance(event, Withdrawn):
        return _set(state, event.recommendation_id, Status.WITHDRAWN)
    return _set(state, event.recommendation_id, Status.ENDED)


recommendation = Decider(initial=RecommendationState, decide=decide, evolve=evolve)
codec = EventCodec(Recommended, Reviewed, OutcomeRecorded, Withdrawn, RecommendationEnded)
stream_id = stream_naming("recommendation")
