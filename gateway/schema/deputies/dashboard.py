"""面对面 on the dashboard: sessions, youth attending and proposals by status, in the dashboard's scope."""
from __future__ import annotations

import strawberry

from ...tables import face_to_face as tables
from ..common import read_table
from .types import STATUSES, FaceToFaceFigures, ProposalCount, ProposalStatus


@strawberry.type
class DashboardPart:
    @strawberry.field(description="面对面：活动场次、参加青年人次、建议/提案按状态；看板带日期范围时按活动日期")
    async def face_to_face(self, info: strawberry.Info) -> FaceToFaceFigures:
        sessions, by_status = await read_table(info, tables.figures, self.district, self.date_from, self.date_to)
        counts = {r["status"]: r["count"] for r in by_status}
        return FaceToFaceFigures(
            sessions=sessions["sessions"], youth_attending=sessions["youth_attending"],
            proposals_by_status=[ProposalCount(status=ProposalStatus[s], count=counts.get(s, 0)) for s in STATUSES])
