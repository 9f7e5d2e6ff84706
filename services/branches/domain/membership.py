"""Membership decider: one stream per person (`membership-<youth_id>`), so "one branch at a time"
holds on a single stream and two concurrent approvals conflict on its version.

    NONE ──apply──▶ APPLIED ──approve──▶ MEMBER ──leave / retire / registry end──▶ NONE
      │               └──reject / withdrawn──▶ NONE        │
      └──join with invitation code──────────────▶ MEMBER   └─transfer requested─▶ (pending) ─approve─▶ MEMBER
                                                                                 ─reject / expire─▶ MEMBER
The facts a command needs about the person and the branch are looked up by the caller and passed in
(facts.py, with the league-age rule); transfers have their own module (transfer.py) on this stream.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from chassis.codec import EventCodec
from chassis.decider import Command, Decider, State
from chassis.errors import RuleViolated
from chassis.event import Event, event
from chassis.lifecycle import stream_naming
from contracts.branches import MembershipEvents

from . import transfer
from .facts import BranchFacts, YouthFacts, check_league_age
from .transfer import Transfer, TransferApproved, TransferExpired, TransferRejected, TransferRequested


class Status(StrEnum):
    NONE = "NONE"
    APPLIED = "APPLIED"
    MEMBER = "MEMBER"


class LeaveReason(StrEnum):
    MOVED = "MOVED"            # 迁出（离京、不再从业等）
    OVER_AGE = "OVER_AGE"      # 超龄离团
    EXPELLED = "EXPELLED"      # 开除团籍
    BY_REQUEST = "BY_REQUEST"  # 本人申请


class RegistryEnd(StrEnum):
    ERASED = "ERASED"            # 登记信息已删除（个人信息保护法第 47 条）
    DEACTIVATED = "DEACTIVATED"  # 撤回登记同意
    MERGED = "MERGED"            # 重复登记已合并


class RejectReason(StrEnum):
    NOT_ELIGIBLE = "NOT_ELIGIBLE"
    WRONG_BRANCH = "WRONG_BRANCH"
    INCOMPLETE = "INCOMPLETE"
    OTHER = "OTHER"


# ---- commands ----------------------------------------------------------------------------------

class Apply(Command):
    youth_id: str
    branch: BranchFacts
    youth: YouthFacts
    today: date


class Approve(Command):
    branch_id: str
    today: date
    youth: YouthFacts | None = None  # when given, still within league age and active on the day of approval


class Reject(Command):
    branch_id: str
    reason: RejectReason
    today: date


class JoinWithInvitation(Command):
    youth_id: str
    branch: BranchFacts
    youth: YouthFacts
    code: str
    today: date


class Leave(Command):
    reason: LeaveReason
    today: date


class EndForRegistry(Command):
    """A reaction to the registry: the person withdrew, was merged or erased (a RegistryEnd), or left
    league age (RetireOverAge)."""
    reason: RegistryEnd | LeaveReason
    today: date


class RetireOverAge(EndForRegistry, Command):
    """The reaction to the registry's `league-age-ended.v1`: the end for the registry whose reason is
    OVER_AGE."""

    def __init__(self, today: date) -> None:
        super().__init__(LeaveReason.OVER_AGE, today)


MembershipCommand = (Apply | Approve | Reject | JoinWithInvitation | Leave | RetireOverAge | EndForRegistry
                     | transfer.TransferCommand)


# ---- events ------------------------------------------------------------------------------------

@event(MembershipEvents.APPLIED)
class MembershipApplied(Event):
    youth_id: str
    branch_id: str
    district: str
    applied_on: date


@event(MembershipEvents.APPROVED)
class MembershipApproved(Event):
    youth_id: str
    branch_id: str
    district: str
    joined_on: date


@event(MembershipEvents.REJECTED)
class MembershipRejected(Event):
    youth_id: str
    branch_id: str
    district: str
    reason: str
    rejected_on: date


@event(MembershipEvents.JOINED_WITH_INVITATION)
class JoinedWithInvitation(Event):
    youth_id: str
    branch_id: str
    district: str
    code: str
    joined_on: date


@event(MembershipEvents.APPLICATION_WITHDRAWN)
class ApplicationWithdrawn(Event):
    youth_id: str
    branch_id: str
    district: str
    reason: str
    withdrawn_on: date


@event(MembershipEvents.ENDED)
class MembershipEnded(Event):
    youth_id: str
    branch_id: str
    district: str
    reason: str  # a LeaveReason or a RegistryEnd
    ended_on: date


MembershipEvent = (MembershipApplied | MembershipApproved | MembershipRejected | JoinedWithInvitation
                   | ApplicationWithdrawn | MembershipEnded | transfer.TransferEvent)


# ---- state -------------------------------------------------------------------------------------

class MembershipState(State):
    status: Status = Status.NONE
    youth_id: str | None = None
    branch_id: str | None = None
    district: str | None = None
    transfer: Transfer | None = None


@dataclass(frozen=True)
class Placement:
    """Who applied to or belongs to which branch: what a membership state holds unless its status is NONE."""
    youth_id: str
    branch_id: str
    district: str


def _placement(state: MembershipState) -> Placement | None:
    if state.status == Status.NONE or state.youth_id is None or state.branch_id is None or state.district is None:
        return None
    return Placement(state.youth_id, state.branch_id, state.district)


def _facts(placement: Placement) -> dict[str, str]:
    """The placement's fields, which every membership event starts with."""
    return {"youth_id": placement.youth_id, "branch_id": placement.branch_id, "district": placement.district}


def _require_joinable(state: MembershipState, branch: BranchFacts) -> str:
    """The district of the branch to join, when the person may join it."""
    if state.status == Status.MEMBER:
        raise RuleViolated("该青年已是另一团支部的团员；一人同一时间只能属于一个团支部，请办理组织关系转接。",
                           rule="already_member", branch_id=state.branch_id)
    if state.status == Status.APPLIED:
        raise RuleViolated("该青年已有一份待审批的入团申请。", rule="application_pending", branch_id=state.branch_id)
    if not branch.active or branch.district is None:  # an active branch has a district
        raise RuleViolated("该团支部不存在或已撤销。", rule="branch_inactive")
    return branch.district


def _require_member(state: MembershipState) -> Placement:
    placement = _placement(state)
    if state.status != Status.MEMBER or placement is None:
        raise RuleViolated("该青年目前不是团员。", rule="not_member")
    return placement


def decide(command: MembershipCommand, state: MembershipState) -> list[MembershipEvent]:
    if isinstance(command, Apply):
        district = _require_joinable(state, command.branch)
        check_league_age(command.youth)
        return [MembershipApplied(youth_id=command.youth_id, branch_id=command.branch.branch_id,
                                  district=district, applied_on=command.today)]
    if isinstance(command, JoinWithInvitation):
        district = _require_joinable(state, command.branch)
        check_league_age(command.youth)
        return [JoinedWithInvitation(youth_id=command.youth_id, branch_id=command.branch.branch_id,
                                     district=district, code=command.code, joined_on=command.today)]
    if isinstance(command, (Approve, Reject)):
        applied = _placement(state)
        if state.status != Status.APPLIED or applied is None or applied.branch_id != command.branch_id:
            raise RuleViolated("没有向该团支部提出的待审批入团申请（可能已被审批）。", rule="no_pending_application")
        if isinstance(command, Approve):
            if command.youth is not None:
                check_league_age(command.youth)
            return [MembershipApproved(**_facts(applied), joined_on=command.today)]
        return [MembershipRejected(**_facts(applied), reason=str(command.reason), rejected_on=command.today)]
    if isinstance(command, transfer.COMMANDS):
        member = _require_member(state)
        # list() re-types the transfer events as membership events (a list's item type is fixed).
        return list(transfer.decide(command, youth_id=member.youth_id, branch_id=member.branch_id,
                                    district=member.district, pending=state.transfer))
    if isinstance(command, Leave):
        member = _require_member(state)
        return [MembershipEnded(**_facts(member), reason=str(command.reason), ended_on=command.today)]
    if isinstance(command, EndForRegistry):  # RetireOverAge too
        return _end_for_registry(state, command.reason, command.today)
    raise TypeError(f"unknown command {type(command).__name__}")


def _end_for_registry(state: MembershipState, reason: LeaveReason | RegistryEnd, today: date) -> list[MembershipEvent]:
    """A reaction to the registry (the person left league age, withdrew, was merged or erased): a
    membership ends, a pending application is withdrawn (it could no longer be approved), and nothing to
    end is not an error (the person may never have joined)."""
    placement = _placement(state)
    if state.status == Status.MEMBER and placement is not None:
        return [MembershipEnded(**_facts(placement), reason=str(reason), ended_on=today)]
    if state.status == Status.APPLIED and placement is not None:
        return [ApplicationWithdrawn(**_facts(placement), reason=str(reason), withdrawn_on=today)]
    return []


def evolve(state: MembershipState, event: MembershipEvent) -> MembershipState:
    if isinstance(event, MembershipApplied):
        return MembershipState(Status.APPLIED, event.youth_id, event.branch_id, event.district)
    if isinstance(event, MembershipApproved):
        return replace(state, status=Status.MEMBER)
    if isinstance(event, JoinedWithInvitation):
        return MembershipState(Status.MEMBER, event.youth_id, event.branch_id, event.district)
    if isinstance(event, (MembershipRejected, ApplicationWithdrawn, MembershipEnded)):
        return MembershipState(Status.NONE, state.youth_id)
    if isinstance(event, TransferRequested):
        return replace(state, transfer=Transfer(event.transfer_id, event.to_branch_id, event.to_district,
                                                event.expires_on))
    if isinstance(event, TransferApproved):
        return replace(state, branch_id=event.to_branch_id, district=event.to_district, transfer=None)
    if isinstance(event, (TransferRejected, TransferExpired)):
        return replace(state, transfer=None)
    return state


membership = Decider(initial=MembershipState, decide=decide, evolve=evolve)
codec = EventCodec(MembershipApplied, MembershipApproved, MembershipRejected, JoinedWithInvitation,
                   ApplicationWithdrawn, TransferRequested, TransferApproved, TransferRejected, TransferExpired,
                   MembershipEnded)
stream_id = stream_naming("membership")
