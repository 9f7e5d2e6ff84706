"""Branch (团支部) decider: found, rename, assign a secretary, invitation codes, dissolve.

A branch hangs under its district committee (the district code); the city committee is the root.
Invitation codes are how riders join a `MOBILE` branch from a WeChat group: short, expiring, with a
limited number of uses; each use is recorded here, so two riders racing for the last use conflict on
this stream's version and only one gets in.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from chassis.codec import EventCodec
from chassis.decider import Command, Decider, State
from chassis.errors import Collector, RuleViolated
from chassis.event import Event, event
from chassis.lifecycle import refuse_if, stream_naming
from contracts.branches import BranchEvents

from .rules import check_name, unit_validation

MAX_INVITATION_HOURS = 7 * 24
MAX_INVITATION_USES = 500


class BranchKind(StrEnum):
    MOBILE = "MOBILE"            # 流动团支部（骑手等，经微信群组建）
    ENTERPRISE = "ENTERPRISE"    # 企业团支部（如在京快递企业）
    PARK = "PARK"                # 园区团支部（文创园区）
    SOCIAL_ORG = "SOCIAL_ORG"    # 社会组织团支部（如北京设计青年汇）
    COMMUNITY = "COMMUNITY"      # 社区团支部


@dataclass(frozen=True)
class Founding:
    """What founding a branch states: asked by `FoundBranch`, recorded as it is by `BranchFounded`."""
    branch_id: str
    name: str
    kind: str
    district: str


validate_founding = unit_validation(BranchKind, "团支部类型")


# ---- commands ----------------------------------------------------------------------------------

class FoundBranch(Founding, Command):
    today: date
    organisation_id: str | None = None


class RenameBranch(Command):
    name: str


class AssignSecretary(Command):
    secretary_id: str  # the youth id of a member of this branch
    is_member: bool    # fact looked up by the caller in the roster


class DissolveBranch(Command):
    open_memberships: int  # members, pending applications and transfers in (from the roster)
    today: date


class IssueInvitation(Command):
    code: str
    now: datetime
    valid_hours: int
    max_uses: int


class RedeemInvitation(Command):
    code: str
    now: datetime


class ExpireInvitations(Command):
    now: datetime


BranchCommand = (FoundBranch | RenameBranch | AssignSecretary | DissolveBranch | IssueInvitation | RedeemInvitation
                 | ExpireInvitations)


# ---- events ------------------------------------------------------------------------------------

@event(BranchEvents.FOUNDED)
class BranchFounded(Founding, Event):
    founded_on: date
    organisation_id: str | None = None


@event(BranchEvents.RENAMED)
class BranchRenamed(Event):
    branch_id: str
    name: str


@event(BranchEvents.SECRETARY_ASSIGNED)
class SecretaryAssigned(Event):
    branch_id: str
    secretary_id: str


@event(BranchEvents.DISSOLVED)
class BranchDissolved(Event):
    branch_id: str
    district: str
    dissolved_on: date


@event(BranchEvents.INVITATION_ISSUED)
class InvitationIssued(Event):
    branch_id: str
    code: str
    expires_at: datetime
    max_uses: int


@event(BranchEvents.INVITATION_REDEEMED)
class InvitationRedeemed(Event):
    branch_id: str
    code: str
    uses: int  # after this one


@event(BranchEvents.INVITATION_EXPIRED)
class InvitationExpired(Event):
    branch_id: str
    code: str


BranchEvent = (BranchFounded | BranchRenamed | SecretaryAssigned | BranchDissolved | InvitationIssued
               | InvitationRedeemed | InvitationExpired)


# ---- state -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Invitation:
    expires_at: datetime
    max_uses: int
    uses: int = 0
    closed: bool = False


class BranchState(State):
    exists: bool = False  # founded: branch_id, name, kind and district are set
    dissolved: bool = False
    branch_id: str | None = None
    name: str | None = None
    kind: str | None = None
    district: str | None = None
    secretary_id: str | None = None
    invitations: dict[str, Invitation] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return self.exists and not self.dissolved


def decide(command: BranchCommand, state: BranchState) -> list[BranchEvent]:
    if isinstance(command, FoundBranch):
        refuse_if(state.exists, "该团支部已成立。", "already_founded")
        validate_founding(command)
        return [BranchFounded(branch_id=command.branch_id, name=command.name.strip(), kind=command.kind,
                              district=command.district, founded_on=command.today,
                              organisation_id=command.organisation_id)]
    if isinstance(command, ExpireInvitations) and state.exists and state.branch_id is not None:
        # also on a dissolved branch: housekeeping
        return [InvitationExpired(branch_id=state.branch_id, code=code)
                for code, inv in sorted(state.invitations.items())
                if not inv.closed and (command.now >= inv.expires_at or inv.uses >= inv.max_uses)]
    if not state.exists or state.branch_id is None or state.district is None:
        raise RuleViolated("未找到该团支部。", rule="branch_not_found")
    if state.dissolved:
        raise RuleViolated("该团支部已撤销，不能再进行此操作。", rule="branch_dissolved")
    if isinstance(command, RenameBranch):
        errors = Collector()
        name = check_name(errors, "name", command.name)
        errors.raise_if_any()
        if name == state.name:
            raise RuleViolated("新名称与当前名称相同。", rule="same_name")
        return [BranchRenamed(branch_id=state.branch_id, name=name)]
    if isinstance(command, AssignSecretary):
        if not command.is_member:
            raise RuleViolated("团支部书记须为本支部团员。", rule="secretary_not_member")
        if command.secretary_id == state.secretary_id:
            raise RuleViolated("此人已是本支部书记。", rule="already_secretary")
        return [SecretaryAssigned(branch_id=state.branch_id, secretary_id=command.secretary_id)]
    if isinstance(command, DissolveBranch):
        if command.open_memberships > 0:
            raise RuleViolated(f"该团支部仍有 {command.open_memberships} 名团员或待办的入团申请、转入申请；"
                               "请先办理转出或退出后再撤销。", rule="members_remain",
                               open_memberships=command.open_memberships)
        return [BranchDissolved(branch_id=state.branch_id, district=state.district, dissolved_on=command.today)]
    if isinstance(command, IssueInvitation):
        if state.kind != BranchKind.MOBILE:
            raise RuleViolated("只有流动团支部（MOBILE）可以发放邀请码。", rule="not_mobile")
        errors = Collector()
        if not 1 <= command.valid_hours <= MAX_INVITATION_HOURS:
            errors.add("validHours", f"有效期应为 1–{MAX_INVITATION_HOURS} 小时", "range")
        if not 1 <= command.max_uses <= MAX_INVITATION_USES:
            errors.add("maxUses", f"可用次数应为 1–{MAX_INVITATION_USES}", "range")
        errors.raise_if_any()
        if command.code in state.invitations:
            raise RuleViolated("邀请码重复。", rule="duplicate_code")
        return [InvitationIssued(branch_id=state.branch_id, code=command.code,
                                 expires_at=command.now + timedelta(hours=command.valid_hours),
                                 max_uses=command.max_uses)]
    if isinstance(command, RedeemInvitation):
        inv = state.invitations.get(command.code)
        if inv is None:
            raise RuleViolated("邀请码无效。", rule="invitation_unknown")
        if inv.closed or command.now >= inv.expires_at:
            raise RuleViolated("邀请码已过期，请向支部书记索取新的邀请码。", rule="invitation_expired")
        if inv.uses >= inv.max_uses:
            raise RuleViolated("邀请码使用次数已满，请向支部书记索取新的邀请码。", rule="invitation_used_up")
        return [InvitationRedeemed(branch_id=state.branch_id, code=command.code, uses=inv.uses + 1)]
    raise TypeError(f"unknown command {type(command).__name__}")


def evolve(state: BranchState, event: BranchEvent) -> BranchState:
    if isinstance(event, BranchFounded):
        return replace(state, exists=True, branch_id=event.branch_id, name=event.name, kind=event.kind,
                       district=event.district)
    if isinstance(event, BranchRenamed):
        return replace(state, name=event.name)
    if isinstance(event, SecretaryAssigned):
        return replace(state, secretary_id=event.secretary_id)
    if isinstance(event, BranchDissolved):
        return replace(state, dissolved=True)
    if isinstance(event, InvitationIssued):
        return replace(state, invitations={**state.invitations,
                                           event.code: Invitation(event.expires_at, event.max_uses)})
    if isinstance(event, InvitationRedeemed):
        inv = state.invitations[event.code]
        return replace(state, invitations={**state.invitations, event.code: replace(inv, uses=event.uses)})
    if isinstance(event, InvitationExpired):
        inv = state.invitations[event.code]
        return replace(state, invitations={**state.invitations, event.code: replace(inv, closed=True)})
    return state


branch = Decider(initial=BranchState, decide=decide, evolve=evolve)
codec = EventCodec(BranchFounded, BranchRenamed, SecretaryAssigned, BranchDissolved, InvitationIssued,
                   InvitationRedeemed, InvitationExpired)
stream_id = stream_naming("branch")
