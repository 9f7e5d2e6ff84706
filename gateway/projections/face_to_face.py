"""面对面 sessions, their issues and the proposals that follow (issue 19), from the branches service's
`xq.branches.face-to-face` and `xq.branches.proposal` topics, moved in the projection's transaction; the
dashboard's figures are counts over these rows (reads: gateway/tables/face_to_face.py). Days arrive as ISO
text and are cast in SQL."""
from __future__ import annotations

from chassis.dispatch import statement
from contracts.branches import FACE_TO_FACE, PROPOSAL, FaceToFaceEvents, ProposalEvents

from .reading import Reading


def _status(status: str, *columns: str):
    """A response: the status, and `columns` (the response text and/or its day) set from the event."""
    sets = ", ".join(f"{c} = ${i}" + ("::text::date" if c.endswith("_on") else "")
                     for i, c in enumerate(columns, start=2))
    return f"UPDATE ff_proposals SET status = '{status}', {sets} WHERE proposal_id = $1"


class FaceToFaceProjection(Reading, name="gateway.face_to_face", reads=(FACE_TO_FACE, PROPOSAL),
                           streams=("face-to-face-", "proposal-"), tables=("ff_sessions", "ff_issues", "ff_proposals")):
    handlers = {
        FaceToFaceEvents.SESSION_HELD: statement(
            "INSERT INTO ff_sessions (session_id, district, held_on, place, deputy_role, deputies, youth_attending) "
            "VALUES ($1, $2, $3::text::date, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
            "session_id", "district", "held_on", "place", "deputy_role", "deputies", "youth_attending"),
        FaceToFaceEvents.ISSUE_RAISED: statement(
            "INSERT INTO ff_issues (issue_id, session_id, district, category, text) VALUES ($1, $2, $3, $4, $5) "
            "ON CONFLICT DO NOTHING", "issue_id", "session_id", "district", "category", "text"),
        ProposalEvents.SUBMITTED: statement(
            "INSERT INTO ff_proposals (proposal_id, session_id, issue_id, district, kind, title, department, "
            "submitted_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text::date) ON CONFLICT DO NOTHING",
            "proposal_id", "session_id", "issue_id", "district", "kind", "title", "department", "submitted_on"),
        ProposalEvents.ACCEPTED: statement(_status("ACCEPTED", "decided_on"), "proposal_id", "accepted_on"),
        ProposalEvents.NOT_ACCEPTED: statement(_status("NOT_ACCEPTED", "response", "decided_on"),
                                               "proposal_id", "reason", "decided_on"),
        ProposalEvents.ANSWERED: statement(_status("ANSWERED", "response", "answered_on"),
                                           "proposal_id", "answer", "answered_on"),
    }
