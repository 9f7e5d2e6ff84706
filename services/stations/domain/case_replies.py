"""What an agency's reply does to the case referred to it (pure; the case decider calls `translate`).

Each reply is either one of the case's own steps, decided by the same rules as a worker's (accepted →
RecordAgencyAnswer, declined → RecordAgencyAnswer with the reason, mediation started → StartMediation,
aid granted → GrantAid, settled or closed → ResolveCase), or a change of the agency's status alone
(in progress, mediation not settled, aid refused → AgencyReported). A reply about a case that is not
(or no longer) referred to that agency, or one that comes out of order, is refused with the rule: the
consumer puts it on the dead-letter topic and nothing changes.
"""
from __future__ import annotations

from chassis.errors import RuleViolated
from contracts.partners import ReplyMessages as Reply
from contracts.stations import AgencyStatus, CaseOutcome, CaseStatus

from .case_commands import AgencyReply, GrantAid, RecordAgencyAnswer, ResolveCase, StartMediation
from .case_events import AgencyReported

CaseStep = RecordAgencyAnswer | StartMediation | GrantAid | ResolveCase
AT_AGENCY = frozenset({CaseStatus.ACCEPTED, CaseStatus.IN_MEDIATION, CaseStatus.AID_GRANTED})
# The case statuses in which a status-only reply is in order.
STATUS_ONLY: dict[tuple[str, str], tuple[AgencyStatus, frozenset[str]]] = {
    (Reply.IN_PROGRESS, "HANDLING"): (AgencyStatus.IN_PROGRESS, AT_AGENCY),
    (Reply.IN_PROGRESS, "AID_REVIEW"): (AgencyStatus.AID_REVIEW, frozenset({CaseStatus.ACCEPTED})),
    (Reply.MEDIATION_RESULT, "NOT_SETTLED"): (AgencyStatus.NOT_SETTLED, frozenset({CaseStatus.IN_MEDIATION})),
    (Reply.AID_DECISION, "REFUSED"): (AgencyStatus.AID_REFUSED, frozenset({CaseStatus.ACCEPTED})),
}


def out_of_order(message: str, status: str) -> RuleViolated:
    return RuleViolated(message, rule="out_of_order", status=status)


def translate(reply: AgencyReply, case_id: str, agency: str | None, status: str) -> CaseStep | list[AgencyReported]:
    """The case's step for `reply`, or the agency-status event; refused when the case is not referred to the
    replying agency, or when the reply is not in order for the case's status."""
    if agency != reply.agency or status in (CaseStatus.OPEN, CaseStatus.TRIAGED):
        raise RuleViolated("该个案未转介至答复机构。", rule="not_referred_to_agency")
    detail = reply.stage or reply.result
    if (reply.kind, detail) in STATUS_ONLY:
        agency_status, allowed = STATUS_ONLY[(reply.kind, detail)]
        if status not in allowed:
            raise out_of_order("答复与个案当前状态不符。", status)
        return [AgencyReported(case_id=case_id, agency=agency, status=agency_status, at=reply.at)]
    step: CaseStep
    if reply.kind in (Reply.ACCEPTED, Reply.DECLINED):
        step = RecordAgencyAnswer(reply.kind == Reply.ACCEPTED, reply.reason, reply.at)
    elif reply.kind == Reply.IN_PROGRESS and reply.stage == "MEDIATION":
        step = StartMediation(reply.at)
    elif reply.kind == Reply.AID_DECISION and reply.result == "GRANTED":
        step = GrantAid(reply.at)
    elif reply.kind == Reply.MEDIATION_RESULT and reply.result == "SETTLED":
        step = ResolveCase(CaseOutcome.SETTLED, reply.at)
    elif reply.kind == Reply.CLOSED:
        step = ResolveCase(reply.outcome, reply.at)
    else:  # the schema lets nothing else through; a caller that skipped it learns here
        raise RuleViolated("无法识别的答复。", rule="unknown_reply")
    if reply.kind != Reply.ACCEPTED and reply.kind != Reply.DECLINED and status not in AT_AGENCY:
        raise out_of_order("机构受理前不能登记该答复。", status)
    return step
