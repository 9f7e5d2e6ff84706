"""The branches service's published contract: a topic per aggregate and the event types on each."""
from __future__ import annotations

from enum import StrEnum

from .topic import published


class BranchEvents:
    DISSOLVED = "xq.branches.branch.dissolved.v1"
    FOUNDED = "xq.branches.branch.founded.v1"
    INVITATION_EXPIRED = "xq.branches.branch.invitation-expired.v1"
    INVITATION_ISSUED = "xq.branches.branch.invitation-issued.v1"
    INVITATION_REDEEMED = "xq.branches.branch.invitation-redeemed.v1"
    RENAMED = "xq.branches.branch.renamed.v1"
    SECRETARY_ASSIGNED = "xq.branches.branch.secretary-assigned.v1"


class MembershipEvents:
    APPLICATION_WITHDRAWN = "xq.branches.membership.application-withdrawn.v1"
    APPLIED = "xq.branches.membership.applied.v1"
    APPROVED = "xq.branches.membership.approved.v1"
    ENDED = "xq.branches.membership.ended.v1"
    JOINED_WITH_INVITATION = "xq.branches.membership.joined-with-invitation.v1"
    REJECTED = "xq.branches.membership.rejected.v1"
    TRANSFER_APPROVED = "xq.branches.membership.transfer-approved.v1"
    TRANSFER_EXPIRED = "xq.branches.membership.transfer-expired.v1"
    TRANSFER_REJECTED = "xq.branches.membership.transfer-rejected.v1"
    TRANSFER_REQUESTED = "xq.branches.membership.transfer-requested.v1"


class OrganisationEvents:
    BRANCH_FOUNDED = "xq.branches.organisation.branch-founded.v1"
    CONTACTED = "xq.branches.organisation.contacted.v1"
    RELATIONSHIP_ESTABLISHED = "xq.branches.organisation.relationship-established.v1"


class MeetingEvents:
    ATTENDANCE_RECORDED = "xq.branches.meeting.attendance-recorded.v1"
    HELD = "xq.branches.meeting.held.v1"


class MeasureEvents:
    CONTRIBUTION_ADDED = "xq.branches.measure.contribution-added.v1"
    DEFINED = "xq.branches.measure.defined.v1"
    LEAD_CHANGED = "xq.branches.measure.lead-changed.v1"
    MILESTONE_ADDED = "xq.branches.measure.milestone-added.v1"
    MILESTONE_COMPLETED = "xq.branches.measure.milestone-completed.v1"
    MILESTONE_DROPPED = "xq.branches.measure.milestone-dropped.v1"
    MILESTONE_REVISED = "xq.branches.measure.milestone-revised.v1"
    PROGRESS_REPORTED = "xq.branches.measure.progress-reported.v1"
    REVISED = "xq.branches.measure.revised.v1"


class JointMeetingEvents:
    HELD = "xq.branches.joint-meeting.held.v1"


class ActionItemEvents:
    ASSIGNED = "xq.branches.action-item.assigned.v1"
    DONE = "xq.branches.action-item.done.v1"
    OVERDUE = "xq.branches.action-item.overdue.v1"
    PROGRESS_NOTED = "xq.branches.action-item.progress-noted.v1"


class FaceToFaceEvents:
    ISSUE_RAISED = "xq.branches.face-to-face.issue-raised.v1"
    SESSION_HELD = "xq.branches.face-to-face.session-held.v1"


class ProposalEvents:
    ACCEPTED = "xq.branches.proposal.accepted.v1"
    ANSWERED = "xq.branches.proposal.answered.v1"
    NOT_ACCEPTED = "xq.branches.proposal.not-accepted.v1"
    SUBMITTED = "xq.branches.proposal.submitted.v1"


class RecommendationKind(StrEnum):  # what 推优 recommends for; the gateway's enum is this one
    PARTY = "PARTY"    # 推荐入党（推优入党）
    HONOUR = "HONOUR"  # 评优（优秀团员等荣誉）


class RecommendationEvents:
    ENDED = "xq.branches.recommendation.ended.v1"
    OUTCOME_RECORDED = "xq.branches.recommendation.outcome-recorded.v1"
    RECOMMENDED = "xq.branches.recommendation.recommended.v1"
    REVIEWED = "xq.branches.recommendation.reviewed.v1"
    WITHDRAWN = "xq.branches.recommendation.withdrawn.v1"


READERS = frozenset({"gateway"})  # the dashboard's read models
TOPICS = published("branches", READERS, BranchEvents, MembershipEvents, OrganisationEvents, MeetingEvents,
                   MeasureEvents, JointMeetingEvents, ActionItemEvents, FaceToFaceEvents, ProposalEvents,
                   RecommendationEvents)
(BRANCH, MEMBERSHIP, ORGANISATION, MEETING, MEASURE, JOINT_MEETING, ACTION_ITEM, FACE_TO_FACE,
 PROPOSAL, RECOMMENDATION) = TOPICS
