"""Cases (求助个案): a youth's need, from the first conversation to a rated outcome.

opened (walk-in at a station, or from a 12345 appeal) → triaged (category and urgency confirmed, assigned:
the first response) → referred to an agency (only with the youth's consent to THAT referral, to an agency
whose agreement takes the category; the contact only with a second consent) → accepted or declined by the
agency → in mediation / aid granted → resolved (an outcome) → rated (1–5). The agency's replies are
`AgencyReply` commands, turned into these same steps by case_replies.py; a resolved case
may be reopened within 30 days. Deadlines for the first response and the resolution depend on category and
urgency (configuration, passed in on the command); the overdue job asks `MarkOverdue(now)` and gets the
reminders as events.

The summary is personal: `personal()` on the event (case_events.py), so the event store seals it with the
case's own key (erasure of the youth shreds it) and it never reaches the published payload.
"""
from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, timedelta

from chassis import checks
from chassis.decider import Decider, State
from chassis.errors import Collector, RuleViolated
from chassis.lifecycle import stream_naming
from contracts.agencies import AGENCIES
from contracts.stations import AgencyStatus, CaseCategory, CaseOutcome, CaseSource, CaseStatus, CaseUrgency

from . import case_replies
from .appeal import Window, deadline
from .case_commands import (
    AgencyReply,
    CaseCommand,
    Deadlines,
    GrantAid,
    MarkOverdue,
    OpenCase,
    RateCase,
    RecordAgencyAnswer,
    ReferCase,
    ReopenCase,
    ResolveCase,
    StartMediation,
    TriageCase,
)
from .case_events import EVENTS as EVENTS  # re-exported: every domain module names its EVENTS
from .case_events import (
    AgencyAccepted,
    AgencyDeclined,
    AgencyReported,
    AidGranted,
    CaseEvent,
    CaseOpened,
    CaseRated,
    CaseReferred,
    CaseReopened,
    CaseResolved,
    CaseTriaged,
    FirstResponseOverdue,
    MediationStarted,
    ResolutionOverdue,
)
from .common import aware

CASE_NAMESPACE = uuid.UUID("5f0c3a1e-8d2b-4c6f-9e7a-1b3d5f7a9c2e")
REOPEN_WITHIN = timedelta(days=30)
SUMMARY_MAX = 2000

DEFAULT_DEADLINES: dict[str, tuple[Window, Window]] = {
    CaseUrgency.NORMAL: (Window(hours=24), Window(days=15)),
    CaseUrgency.URGENT: (Window(hours=4), Window(days=3)),
    CaseUrgency.CRITICAL: (Window(hours=1), Window(hours=24)),
    f"{CaseCategory.LABOUR_DISPUTE}/{CaseUrgency.NORMAL}": (Window(hours=24), Window(days=30)),
    f"{CaseCategory.LEGAL_AID}/{CaseUrgency.NORMAL}": (Window(hours=24), Window(days=30)),
    f"{CaseCategory.WORK_INJURY}/{CaseUrgency.NORMAL}": (Window(hours=24), Window(days=60)),
}
OPEN_STATES = frozenset({CaseStatus.OPEN, CaseStatus.TRIAGED, CaseStatus.REFERRED, CaseStatus.ACCEPTED,
                         CaseStatus.DECLINED, CaseStatus.IN_MEDIATION, CaseStatus.AID_GRANTED})


def windows_for(deadlines: Deadlines, category: str, urgency: str) -> tuple[Window, Window]:
    """The most specific setting: the category's own for this urgency, else the urgency's."""
    return deadlines.get(f"{category}/{urgency}") or deadlines[urgency]


def case_id_for_appeal(appeal_id: str) -> str:
    """One case per 12345 appeal: opening it twice is refused."""
    return str(uuid.uuid5(CASE_NAMESPACE, appeal_id))


class CaseState(State):
    exists: bool = False
    case_id: str = ""
    district: str | None = None
    status: str = CaseStatus.OPEN
    category: str = CaseCategory.OTHER
    urgency: str = CaseUrgency.NORMAL
    youth_id: str | None = None
    appeal_id: str | None = None
    source: str = CaseSource.WALK_IN
    opened_at: datetime | None = None
    first_response_due: datetime | None = None
    resolve_due: datetime | None = None
    responded: bool = False  # triaged: the first response is given
    agency: str | None = None
    agency_status: str | None = None  # AgencyStatus, from the agency's replies
    contact_shared: bool = False  # the youth consented to give the current referral's agency their contact
    resolved_at: datetime | None = None
    outcome: str | None = None
    rating: int | None = None
    first_response_overdue: bool = False
    resolution_overdue: bool = False
    last_step_at: datetime | None = None  # the latest step's time: a step is never dated before it

    def belongs_to(self, youth_id: str) -> bool:
        """Whether the case is this young person's own (the only cases they may see or rate)."""
        return self.exists and self.youth_id is not None and self.youth_id == youth_id


# ---- decide --------------------------------------------------------------------------------------

def _check_class(errors: Collector, category: str, urgency: str) -> None:
    checks.one_of(errors, "category", category, CaseCategory, "类别")
    checks.one_of(errors, "urgency", urgency, CaseUrgency, "紧急程度")


def _moment(errors: Collector, at: datetime, state: CaseState) -> None:
    """A step's time (staff may date a step they took earlier) keeps the case's timeline in order: not before
    the case was opened, nor before its latest step (a case resolved months ago is not reopened "last week")."""
    if not aware(at, "at", errors):
        return
    if state.opened_at and at < state.opened_at:
        errors.add("at", "时间不能早于个案登记时间", "before_opened")
    elif state.last_step_at and at < state.last_step_at:
        errors.add("at", "时间不能早于个案的上一步办理时间", "before_previous_step")


def _require(state: CaseState, allowed: frozenset[str], message: str, rule: str) -> None:
    if state.status not in allowed:
        raise RuleViolated(message, rule=rule, status=state.status)


def _open(command: OpenCase, state: CaseState) -> list[CaseEvent]:
    if state.exists:
        raise RuleViolated("个案已存在（同一 12345 工单只能登记一个个案）。", rule="already_opened")
    errors = Collector()
    checks.one_of(errors, "source", command.source, CaseSource, "来源")
    if command.source == CaseSource.APPEAL and not command.appeal_id:
        errors.add("appealId", "来自 12345 的个案须给出工单编号", "required")
    elif command.source == CaseSource.YOUTH and not command.youth_id:
        errors.add("youthId", "青年本人登记的个案须关联本人的登记记录", "required")
    _check_class(errors, command.category, command.urgency)
    checks.district(errors, command.district)
    checks.text(errors, command.summary, "summary", "诉求摘要", SUMMARY_MAX)
    if command.youth_id is not None:
        checks.text(errors, command.youth_id, "youthId", "青年编号", 64)
    aware(command.at, "at", errors)
    errors.raise_if_any()
    first, resolve = windows_for(command.deadlines, command.category, command.urgency)
    return [CaseOpened(
        case_id=command.case_id, source=command.source, category=command.category, urgency=command.urgency,
        district=command.district, station_id=command.station_id, youth_id=command.youth_id,
        appeal_id=command.appeal_id, opened_at=command.at,
        first_response_due=min(deadline(command.at, first), deadline(command.at, resolve)),
        resolve_due=deadline(command.at, resolve), summary=command.summary.strip())]


def _refer(command: ReferCase, state: CaseState, errors: Collector) -> list[CaseEvent]:
    """Only with the youth's consent to this referral (not a blanket one: each referral asks again), to an
    agency whose agreement takes the case's category; the contact only with a second, separate consent."""
    checks.one_of(errors, "agency", command.agency, AGENCIES, "机构代码")
    if command.share_contact:
        checks.text(errors, command.contact or "", "contact", "同意提供给机构的联系方式", 100)
    elif command.contact:
        errors.add("contact", "青年未同意向机构提供联系方式，不能填写联系方式", "contact_consent_required")
    errors.raise_if_any()
    _require(state, frozenset({CaseStatus.TRIAGED, CaseStatus.DECLINED}),
             "须先分诊，且未在转介中，才能转介。", "not_referable")
    if not command.consent:
        raise RuleViolated(f"转介至{AGENCIES[command.agency]}须经青年本人同意（针对本次转介），"
                           "请先征得同意再转介。", rule="consent_required", field="consent", agency=command.agency)
    if state.category not in command.takes:
        raise RuleViolated(f"{AGENCIES[command.agency]}的数据共享协议不受理该类别的转介。",
                           rule="category_not_taken", field="agency", agency=command.agency)
    return [CaseReferred(case_id=state.case_id, agency=command.agency, referred_at=command.at, consent=True,
                         contact_shared=command.share_contact,
                         contact=command.contact.strip() if command.share_contact and command.contact else None)]


def _overdue(command: MarkOverdue, state: CaseState) -> list[CaseEvent]:
    events: list[CaseEvent] = []
    open_ = state.status in OPEN_STATES
    if (open_ and not state.responded and not state.first_response_overdue and state.first_response_due
            and command.now > state.first_response_due):
        events.append(FirstResponseOverdue(case_id=state.case_id, due=state.first_response_due,
                                           marked_at=command.now))
    if open_ and not state.resolution_overdue and state.resolve_due and command.now > state.resolve_due:
        events.append(ResolutionOverdue(case_id=state.case_id, due=state.resolve_due, marked_at=command.now))
    return events  # nothing due: nothing to say (the job may ask again)


def _step(command: CaseCommand, state: CaseState, errors: Collector) -> list[CaseEvent]:
    cid = state.case_id
    if isinstance(command, TriageCase):
        _check_class(errors, command.category, command.urgency)
        checks.text(errors, command.assignee, "assignee", "承办人或单位", 100)
        errors.raise_if_any()
        _require(state, frozenset({CaseStatus.OPEN}), "个案已分诊。", "already_triaged")
        assert state.opened_at is not None and state.first_response_due is not None
        _, resolve = windows_for(command.deadlines, command.category, command.urgency)
        return [CaseTriaged(case_id=cid, category=command.category, urgency=command.urgency,
                            assignee=command.assignee.strip(), triaged_at=command.at,
                            in_time=command.at <= state.first_response_due,
                            resolve_due=deadline(state.opened_at, resolve))]
    if isinstance(command, ReferCase):
        return _refer(command, state, errors)
    if isinstance(command, AgencyReply):
        step = case_replies.translate(command, cid, state.agency, state.status)
        if isinstance(step, list):
            return list[CaseEvent](step)
        return _step(step, state, errors)
    if isinstance(command, RecordAgencyAnswer):
        if not command.accepted:
            checks.text(errors, command.reason, "reason", "不予受理的理由", 200)
        errors.raise_if_any()
        _require(state, frozenset({CaseStatus.REFERRED}), "个案未在转介中，无法登记机构答复。", "not_referred")
        assert state.agency is not None
        if command.accepted:
            return [AgencyAccepted(case_id=cid, agency=state.agency, at=command.at)]
        return [AgencyDeclined(case_id=cid, agency=state.agency, reason=command.reason.strip(), at=command.at)]
    if isinstance(command, StartMediation | GrantAid):
        errors.raise_if_any()
        _require(state, frozenset({CaseStatus.ACCEPTED, CaseStatus.IN_MEDIATION}),
                 "机构受理后才能登记调解或援助。", "not_accepted")
        if isinstance(command, StartMediation):
            if state.status == CaseStatus.IN_MEDIATION:
                raise RuleViolated("个案已在调解中。", rule="already_in_mediation")
            return [MediationStarted(case_id=cid, at=command.at)]
        return [AidGranted(case_id=cid, at=command.at)]
    if isinstance(command, ResolveCase):
        checks.one_of(errors, "outcome", command.outcome, CaseOutcome, "办结结果")
        errors.raise_if_any()
        _require(state, OPEN_STATES, "个案已办结。", "already_resolved")
        assert state.resolve_due is not None
        return [CaseResolved(case_id=cid, outcome=command.outcome, resolved_at=command.at,
                             in_time=command.at <= state.resolve_due)]
    if isinstance(command, RateCase):
        if not 1 <= command.rating <= 5:
            errors.add("rating", "评分应为 1–5", "range")
        errors.raise_if_any()
        _require(state, frozenset({CaseStatus.RESOLVED}),
                 "该个案已评价。" if state.status == CaseStatus.RATED else "个案办结后才能评价。",
                 "already_rated" if state.status == CaseStatus.RATED else "not_resolved")
        return [CaseRated(case_id=cid, rating=command.rating, rated_at=command.at)]
    if isinstance(command, ReopenCase):
        checks.text(errors, command.reason, "reason", "重新办理的理由", 200)
        errors.raise_if_any()
        _require(state, frozenset({CaseStatus.RESOLVED, CaseStatus.RATED}), "个案尚未办结。", "not_resolved")
        assert state.resolved_at is not None
        if command.at > state.resolved_at + REOPEN_WITHIN:
            raise RuleViolated("办结已超过 30 天，不能重新办理；请登记新个案。", rule="reopen_window_passed")
        _, resolve = windows_for(command.deadlines, state.category, state.urgency)  # a fresh window
        return [CaseReopened(case_id=cid, reason=command.reason.strip(), reopened_at=command.at,
                             resolve_due=deadline(command.at, resolve))]
    raise TypeError(f"unknown command {type(command).__name__}")


def decide(command: CaseCommand, state: CaseState) -> list[CaseEvent]:
    if isinstance(command, OpenCase):
        return _open(command, state)
    if not state.exists:
        raise RuleViolated("个案不存在。", rule="not_found")
    if isinstance(command, MarkOverdue):
        return _overdue(command, state)
    errors = Collector()
    _moment(errors, command.at, state)
    return _step(command, state, errors)


def evolve(state: CaseState, event: CaseEvent) -> CaseState:
    after = _evolve(state, event)
    at = _step_time(event)
    return after if at is None or (state.last_step_at and state.last_step_at >= at) else replace(after, last_step_at=at)


def _step_time(event: CaseEvent) -> datetime | None:
    """When a step happened; None for the opening (it has its own time) and an overdue mark (the job's
    observation, not a step)."""
    match event:
        case CaseTriaged(triaged_at=at) | CaseReferred(referred_at=at) | CaseResolved(resolved_at=at) | \
                CaseRated(rated_at=at) | CaseReopened(reopened_at=at) | AgencyAccepted(at=at) | \
                AgencyDeclined(at=at) | AgencyReported(at=at) | MediationStarted(at=at) | AidGranted(at=at):
            return at
    return None


def _evolve(state: CaseState, event: CaseEvent) -> CaseState:
    if isinstance(event, CaseOpened):
        return CaseState(exists=True, case_id=event.case_id, district=event.district, category=event.category,
                         urgency=event.urgency, youth_id=event.youth_id, appeal_id=event.appeal_id,
                         source=event.source,
                         opened_at=event.opened_at,
                         first_response_due=event.first_response_due, resolve_due=event.resolve_due)
    if isinstance(event, CaseTriaged):
        # A later deadline is a fresh window: a reminder for the earlier one no longer holds (the job reminds again
        # if the new one passes too)
        later = state.resolve_due is not None and event.resolve_due > state.resolve_due
        return replace(state, status=CaseStatus.TRIAGED, category=event.category, urgency=event.urgency,
                       responded=True, resolve_due=event.resolve_due,
                       resolution_overdue=state.resolution_overdue and not later)
    if isinstance(event, CaseReferred):
        return replace(state, status=CaseStatus.REFERRED, agency=event.agency, agency_status=AgencyStatus.REFERRED,
                       contact_shared=event.contact_shared)
    if isinstance(event, AgencyAccepted):
        return replace(state, status=CaseStatus.ACCEPTED, agency_status=AgencyStatus.ACCEPTED)
    if isinstance(event, AgencyDeclined):
        return replace(state, status=CaseStatus.DECLINED, agency_status=AgencyStatus.DECLINED)
    if isinstance(event, AgencyReported):
        return replace(state, agency_status=event.status)
    if isinstance(event, MediationStarted):
        return replace(state, status=CaseStatus.IN_MEDIATION, agency_status=AgencyStatus.IN_MEDIATION)
    if isinstance(event, AidGranted):
        return replace(state, status=CaseStatus.AID_GRANTED, agency_status=AgencyStatus.AID_GRANTED)
    if isinstance(event, CaseResolved):
        closed = AgencyStatus.CLOSED if state.agency_status not in (None, AgencyStatus.DECLINED) else state.agency_status
        return replace(state, status=CaseStatus.RESOLVED, resolved_at=event.resolved_at, outcome=event.outcome,
                       agency_status=closed)
    if isinstance(event, CaseRated):
        return replace(state, status=CaseStatus.RATED, rating=event.rating)
    if isinstance(event, CaseReopened):
        return replace(state, status=CaseStatus.TRIAGED, resolved_at=None, outcome=None, rating=None,
                       resolve_due=event.resolve_due, resolution_overdue=False)
    if isinstance(event, FirstResponseOverdue):
        return replace(state, first_response_overdue=True)
    return replace(state, resolution_overdue=True)  # ResolutionOverdue, the last kind


case: Decider[CaseCommand, CaseState, CaseEvent] = Decider(initial=CaseState, decide=decide, evolve=evolve)
stream_id = stream_naming("case")
