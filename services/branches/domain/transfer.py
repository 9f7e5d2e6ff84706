"""Transfers (组织关系转接): a member moves to another branch on the same membership stream.

Either branch may start it; the receiving branch approves or rejects it; unanswered for 3 months it
expires and the member stays where they were. The membership decider (membership.py) checks that the
person is a member and hands the transfer commands to `decide` here with what the stream holds.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from chassis.decider import Command
from chassis.errors import RuleViolated
from chassis.event import Event, event
from chassis.lifecycle import OnDay
from contracts.branches import MembershipEvents

from .facts import BranchFacts, YouthFacts, check_league_age
from .rules import add_months

TRANSFER_MONTHS = 3


class Side(StrEnum):
    FROM = "FROM"  # the current branch starts the transfer
    TO = "TO"      # the receiving branch starts it


@dataclass(frozen=True)
class Transfer:
    """A pending transfer, as the membership state keeps it."""
    transfer_id: str
    to_branch_id: str
    to_district: str
    expires_on: date


# ---- commands ----------------------------------------------------------------------------------

class RequestTransfer(Command):
    transfer_id: str
    to_branch: BranchFacts
    initiated_by: Side
    youth: YouthFacts
    today: date


class ApproveTransfer(Command):
    transfer_id: str
    to_branch_active: bool
    today: date


class RejectTransfer(Command):
    transfer_id: str
    today: date


class ExpireTransfer(OnDay):
    """The transfer job's: a request still unanswered past its expiry date expires on `today`."""


COMMANDS = (RequestTransfer, ApproveTransfer, RejectTransfer, ExpireTransfer)
TransferCommand = RequestTransfer | ApproveTransfer | RejectTransfer | ExpireTransfer


# ---- events ------------------------------------------------------------------------------------

@event(MembershipEvents.TRANSFER_REQUESTED)
class TransferRequested(Event):
    youth_id: str
    transfer_id: str
    from_branch_id: str
    from_district: str
    to_branch_id: str
    to_district: str
    initiated_by: str
    requested_on: date
    expires_on: date  # unanswered after this day, it expires


@event(MembershipEvents.TRANSFER_APPROVED)
class TransferApproved(Event):
    youth_id: str
    transfer_id: str
    from_branch_id: str
    to_branch_id: str
    to_district: str
    approved_on: date


@event(MembershipEvents.TRANSFER_REJECTED)
class TransferRejected(Event):
    youth_id: str
    transfer_id: str
    rejected_on: date


@event(MembershipEvents.TRANSFER_EXPIRED)
class TransferExpired(Event):
    youth_id: str
    transfer_id: str
    expired_on: date


TransferEvent = TransferRequested | TransferApproved | TransferRejected | TransferExpired


# ---- rules -------------------------------------------------------------------------------------

def _require_pending(pending: Transfer | None, transfer_id: str | None = None) -> Transfer:
    if pending is None or (transfer_id is not None and pending.transfer_id != transfer_id):
        raise RuleViolated("没有待处理的组织关系转接。", rule="no_pending_transfer")
    return pending


def decide(command: TransferCommand, *, youth_id: str, branch_id: str, district: str,
           pending: Transfer | None) -> list[TransferEvent]:
    """A transfer command for a member of `branch_id` (in `district`) with `pending` as their open transfer."""
    if isinstance(command, RequestTransfer):
        if pending is not None:
            raise RuleViolated("已有一项待处理的组织关系转接。", rule="transfer_pending")
        to = command.to_branch
        if not to.active or to.district is None:  # an active branch has a district
            raise RuleViolated("接收团支部不存在或已撤销。", rule="branch_inactive")
        if to.branch_id == branch_id:
            raise RuleViolated("接收团支部与当前团支部相同。", rule="same_branch")
        check_league_age(command.youth)
        return [TransferRequested(youth_id=youth_id, transfer_id=command.transfer_id,
                                  from_branch_id=branch_id, from_district=district,
                                  to_branch_id=to.branch_id, to_district=to.district,
                                  initiated_by=str(command.initiated_by), requested_on=command.today,
                                  expires_on=add_months(command.today, TRANSFER_MONTHS))]
    if isinstance(command, ApproveTransfer):
        t = _require_pending(pending, command.transfer_id)
        if command.today > t.expires_on:
            raise RuleViolated("该转接申请已超过 3 个月未处理，已失效；请重新发起。", rule="transfer_expired")
        if not command.to_branch_active:
            raise RuleViolated("接收团支部已撤销。", rule="branch_inactive")
        return [TransferApproved(youth_id=youth_id, transfer_id=t.transfer_id, from_branch_id=branch_id,
                                 to_branch_id=t.to_branch_id, to_district=t.to_district, approved_on=command.today)]
    if isinstance(command, RejectTransfer):
        t = _require_pending(pending, command.transfer_id)
        return [TransferRejected(youth_id=youth_id, transfer_id=t.transfer_id, rejected_on=command.today)]
    if isinstance(command, ExpireTransfer):
        t = _require_pending(pending)
        if command.today <= t.expires_on:
            raise RuleViolated(f"该转接申请在 {t.expires_on.isoformat()} 之后才失效。", rule="transfer_not_expired")
        return [TransferExpired(youth_id=youth_id, transfer_id=t.transfer_id, expired_on=command.today)]
    raise TypeError(f"unknown transfer command {type(command).__name__}")
