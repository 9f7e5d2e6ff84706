"""The gateway's youth projection written set-based (`apply_batch`), to measure what batching buys
on rebuild. A proposal for gateway/views/youth.py, kept here until its owner adopts it: registrations
of a batch go in with one INSERT … unnest and one aggregated counter upsert; every other event type
falls back to the projection's own `apply`, so the read model ends up the same."""
from __future__ import annotations

import asyncpg

from chassis.envelope import Envelope
from gateway.views.youth import YouthProjection

REGISTERED = "xq.registry.youth.registered.v1"
FIELDS = ("youth_id", "district", "youth_type", "subtype", "is_minor", "age_band", "registered_on")


class BatchedYouthProjection(YouthProjection):
    async def apply_batch(self, conn: asyncpg.Connection, events: list[Envelope]) -> None:
        registered = [e.data for e in events if e.type == REGISTERED]
        if registered:
            cols = [[d[f] for d in registered] for f in FIELDS]
            await conn.execute(
                """INSERT INTO youth (youth_id, district, youth_type, subtype, is_minor, age_band, registered_on)
                   SELECT i, d, t, s, m, a, r::date
                     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bool[], $6::text[], $7::text[])
                          AS x(i, d, t, s, m, a, r)""", *cols)
            await conn.execute(
                """INSERT INTO youth_counts (district, youth_type, subtype, count)
                   SELECT d, t, s, count(*) FROM unnest($1::text[], $2::text[], $3::text[]) AS x(d, t, s)
                    GROUP BY d, t, s
                   ON CONFLICT (district, youth_type, subtype) DO UPDATE SET count = youth_counts.count + EXCLUDED.count""",
                cols[1], cols[2], cols[3])
        for e in events:  # a registration is version 1, so it precedes its stream's other events anyway
            if e.type != REGISTERED:
                await self.apply(conn, e)
