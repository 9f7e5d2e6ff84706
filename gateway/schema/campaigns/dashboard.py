"""Media campaigns on the dashboard, from the counters the campaigns projection keeps."""
from __future__ import annotations

import strawberry

from ...tables import campaigns as tables
from ..common import read_this_year
from .types import CampaignFigures


@strawberry.type
class DashboardPart:
    @strawberry.field(description="媒体征集：进行中的征集活动与本年作品、入选作品（区级看板为本区的征集，"
                                  "全市看板含全市征集；不随看板日期范围变化）")
    async def media_campaigns(self, info: strawberry.Info) -> CampaignFigures:
        r = await read_this_year(info, tables.figures, self.district)
        return CampaignFigures(open_campaigns=r["open"], entries_this_year=r["entries"],
                               selected_this_year=r["selected"])
