"""A suggestion (建议, an 人大代表's) or proposal (提案, a 政协委员's) that follows an issue raised at a
面对面 session: submitted to a responding department, then ACCEPTED (立案) or NOT_ACCEPTED, and an accepted
one ANSWERED by the department — by its own staff, or by league staff on its behalf (the department
replied on paper). SUBMITTED → ACCEPTED → ANSWERED, or SUBMITTED → NOT_ACCEPTED.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from chassis import checks
from chassis.codec import EventCodec
from chassis.decider import Command, Decider, State
from chassis.errors import Collector, Forbidden, RuleViolated
from chassis.event import Event, event
from chassis.lifecycle import Steps, refuse_if, stepped, stream_naming
from contracts.branches import ProposalEvents

from .face_to_face import Recorder, require_scope
from .rules import check_department, check_text

TITLE_MAX = 100


class ProposalKind(StrEnum):
    SUGGESTION = "SUGGESTION"  # 建议
    PROPOSAL = "PROPOSAL"      # 提案


class ProposalStatus(StrEnum):
    SUBMITTED = "SUBMITTED"
    ACCEPTED = "ACCEPTED"
    NOT_ACCEPTED = "NOT_ACCEPTED"
    ANSWERED = "ANSWERED"


@dataclass(frozen=True)
class Responder:
    """Who records a department's word: its own staff (department set) or league staff on its behalf."""
    department: str | None = None
    league: Recorder | None = None


class SubmitProposal(Command):
    proposal_id: str
    recorder: Recorder
    session_id: str
    session_district: str
    issue_id: str
    kind: str
    title: str
    department: str
    today: date


class Respond(Command):
    responder: Responder
    today: date
    text: str = ""


class AcceptProposal(Respond):
    """The department takes it up (立案); no text needed."""


class DeclineProposal(Respond):
    """Not accepted: the reason is required."""


class AnswerProposal(Respond):
    """The department's answer to an accepted proposal: required."""


@event(ProposalEvents.SUBMITTED)
class ProposalSubmitted(Event):
    proposal_id: str
    session_id: str
    issue_id: str
    district: str
    kind: str
    title: str
    department: str
    submitted_on: date


@event(ProposalEvents.ACCEPTED)
class ProposalAccepted(Event):
    proposal_id: str
    accepted_on: date


@event(ProposalEvents.NOT_ACCEPTED)
class ProposalNotAccepted(Event):
    proposal_id: str
    reason: str
    decided_on: date


@event(ProposalEvents.ANSWERED)
class ProposalAnswered(Event):
    proposal_id: str
    answer: str
    answered_on: date


ProposalCommand = SubmitProposal | AcceptProposal | DeclineProposal | AnswerProposal
ProposalEvent = ProposalSubmitted | ProposalAccepted | ProposalNotAccepted | ProposalAnswered


class ProposalState(State):
    exists: bool = False
    proposal_id: str = ""
    district: str = ""
    department: str = ""
    status: ProposalStatus = ProposalStatus.SUBMITTED


def require_responder(state: ProposalState, responder: Responder) -> None:
    """The addressed department's staff, or league staff of the proposal's district (or the city's)."""
    if responder.league is not None:
        require_scope(responder.league, state.district)
        return
    if responder.department != state.department:
        raise Forbidden("该建议/提案不由您所在的单位答复。", rule="department")


def _submit(command: SubmitProposal) -> ProposalSubmitted:
    require_scope(command.recorder, command.session_district)
    errors = Collector()
    checks.one_of(errors, "kind", command.kind, ProposalKind, "类型")
    checks.text(errors, command.title, "title", "标题", TITLE_MAX)
    check_department(errors, "department", command.department)
    errors.raise_if_any()
    return ProposalSubmitted(command.proposal_id, command.session_id, command.issue_id, command.session_district,
                             command.kind, command.title.strip(), command.department, command.today)


# The life cycle as two tables: the status each response needs (refused with the message otherwise),
# and the status its event leads to.
_STEPS: dict[type, tuple[ProposalStatus, str]] = {
    AcceptProposal: (ProposalStatus.SUBMITTED, "只有已提交的建议/提案可以立案。"),
    DeclineProposal: (ProposalStatus.SUBMITTED, "只有已提交的建议/提案可以不予立案。"),
    AnswerProposal: (ProposalStatus.ACCEPTED, "只有已立案的建议/提案可以答复。"),
}
_STATUS_AFTER: Steps = {
    ProposalAccepted: {"status": ProposalStatus.ACCEPTED},
    ProposalNotAccepted: {"status": ProposalStatus.NOT_ACCEPTED},
    ProposalAnswered: {"status": ProposalStatus.ANSWERED},
}


def decide(command: ProposalCommand, state: ProposalState) -> list[ProposalEvent]:
    if isinstance(command, SubmitProposal):
        refuse_if(state.exists, "该建议/提案已提交。", "already_submitted")
        return [_submit(command)]
    if not state.exists:
        raise RuleViolated("未找到该建议/提案。", rule="proposal_not_found")
    require_responder(state, command.responder)
    needed, message = _STEPS[type(command)]
    refuse_if(state.status != needed, message, "status")
    if isinstance(command, AcceptProposal):
        return [ProposalAccepted(state.proposal_id, command.today)]
    errors = Collector()
    text = check_text(errors, "reason" if isinstance(command, DeclineProposal) else "answer", command.text)
    errors.raise_if_any()
    if isinstance(command, DeclineProposal):
        return [ProposalNotAccepted(state.proposal_id, text, command.today)]
    return [ProposalAnswered(state.proposal_id, text, command.today)]


def evolve(state: ProposalState, event: ProposalEvent) -> ProposalState:
    if isinstance(event, ProposalSubmitted):
        return ProposalState(True, event.proposal_id, event.district, event.department)
    return stepped(state, event, _STATUS_AFTER)


proposal = Decider(initial=ProposalState, decide=decide, evolve=evolve)
codec = EventCodec(ProposalSubmitted, ProposalAccepted, ProposalNotAccepted, ProposalAnswered)
stream_id = stream_naming("proposal")
