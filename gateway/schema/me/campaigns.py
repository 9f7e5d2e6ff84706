"""What `me` shows of a young person's own campaign entries, from the stations service (which opens their sealed
titles and links and asks the registry whose record the token's account is linked to)."""
from __future__ import annotations

import strawberry

from ..campaigns.types import CampaignEntry
from ..common import STATIONS, forward


async def my_campaign_entries(info: strawberry.Info) -> list[CampaignEntry]:
    answer = await forward(info, STATIONS, "/me/campaign-entries", method="GET")
    return [CampaignEntry.of(r) for r in answer["entries"]]
