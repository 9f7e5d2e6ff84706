"""推优's dashboard counters (rc_year_counts) from xq.branches.recommendation, moved in the projection's
transaction: a recommendation made counts in its district, year and kind; an ADOPTED outcome counts there too
(rc_recommendations remembers where each one counts). Reads: gateway/tables/recommendations.py."""
from __future__ import annotations

import asyncpg

from chassis.envelope import Envelope
from contracts.branches import RECOMMENDATION, RecommendationEvents

from .reading import Reading


async def _recommended(conn: asyncpg.Connection, e: Envelope) -> None:
    d = e.data
    await conn.execute(
        """WITH placed AS (
               INSERT INTO rc_recommendations (recommendation_id, district, year, kind)
               VALUES ($1, $2, extract(year FROM $3::text::date)::int, $4)
               ON CONFLICT (recommendation_id) DO NOTHING RETURNING district, year, kind)
           INSERT INTO rc_year_counts (district, year, kind, recommended) SELECT district, year, kind, 1 FROM placed
           ON CONFLICT (district, year, kind) DO UPDATE SET recommended = rc_year_counts.recommended + 1""",
        d["recommendation_id"], d["district"], d["recommended_on"], d["kind"])


async def _outcome(conn: asyncpg.Connection, e: Envelope) -> None:
    if e.data["status"] != "ADOPTED":
        return
    await conn.execute(
        """UPDATE rc_year_counts c SET adopted = c.adopted + 1 FROM rc_recommendations r
            WHERE r.recommendation_id = $1 AND (c.district, c.year, c.kind) = (r.district, r.year, r.kind)""",
        e.data["recommendation_id"])


class RecommendationsProjection(Reading, name="gateway.recommendations", reads=(RECOMMENDATION,),
                                streams=("recommendation-",), tables=("rc_year_counts", "rc_recommendations")):
    handlers = {
        RecommendationEvents.RECOMMENDED: _recommended,
        RecommendationEvents.OUTCOME_RECORDED: _outcome,
    }
