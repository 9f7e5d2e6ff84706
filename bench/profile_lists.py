"""`python -m bench.profile_lists [stations|appeals] [queries] [prof]`: the GraphQL part of a list page in
process — the schema as the gateway builds it (limits included) executes benchmark 5's 20-row stations or
appeals query over rows held in memory, so no HTTP, token check, asyncpg or JSON: what strawberry and
graphql-core cost per page. Prints process CPU ms per query; with `prof`, cProfile's top functions."""
from __future__ import annotations

import asyncio
import cProfile
import pstats
import sys
import time
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from chassis.auth import Principal
from chassis.settings import Settings
from gateway.schema import build_schema

from .gateway_queries import APPEALS, STATIONS

T0 = datetime(2026, 1, 1, tzinfo=UTC)
STATION_ROWS = [{
    "station_id": f"st-{i:04d}", "kind": "WARM_HEART", "name": f"站点{i}", "district": "110105", "address": "朝阳路1号",
    "lat": 39.9 + i / 1000, "lon": 116.4, "operator": "团区委", "opening_hours": "9:00-17:00",
    "services": ["HEALTH_CHECK", "HAIRCUT"], "status": "OPEN"} for i in range(21)]
APPEAL_ROWS = [{
    "appeal_id": f"ap-{i:04d}", "service_request_id": f"sr{i}", "service_name": "求助", "tier": "A",
    "district": "110105", "status": "RECEIVED", "received_at": T0 - timedelta(hours=i), "contact_due": T0,
    "resolve_due": T0, "unit": "团区委", "contacted_in_time": None, "contact_overdue": False, "resolved_in_time": None,
    "resolution_overdue": False, "overdue": False, "satisfaction": None, "category": None, "week": None}
    for i in range(21)]


class _Rows:
    """A pool whose connection answers every list statement with 21 rows (a page of 20 and "more")."""

    class _Conn:
        async def fetch(self, sql: str, *_: object) -> list[dict]:
            return STATION_ROWS if "st_stations" in sql else APPEAL_ROWS

    @asynccontextmanager
    async def acquire(self):
        yield self._Conn()


def list_context() -> SimpleNamespace:
    """An admin's context whose pool answers from the rows above."""
    async def await_position(_: str | None) -> None:
        return None
    return SimpleNamespace(runtime=SimpleNamespace(pool=_Rows()), await_position=await_position,
                           principal=Principal("bench", frozenset({"admin"}), None))


async def run(which: str, n: int, profile: bool) -> None:
    schema, query = build_schema(Settings()), STATIONS if which == "stations" else APPEALS
    for _ in range(50):  # warm: the parsed document, validation and the ids check are cached after the first
        result = await schema.execute(query, variable_values={}, context_value=list_context())
        if result.errors:
            raise RuntimeError(result.errors)
    profiler = cProfile.Profile() if profile else None
    started = time.process_time()
    if profiler:
        profiler.enable()
    for _ in range(n):
        await schema.execute(query, variable_values={}, context_value=list_context())
    if profiler:
        profiler.disable()
    print(f"{which}: {(time.process_time() - started) / n * 1000:.3f} ms of CPU per query ({n} queries)")
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)


def main() -> None:
    which = sys.argv[1] if len(sys.argv) > 1 else "stations"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    asyncio.run(run(which, n, len(sys.argv) > 3 and sys.argv[3] == "prof"))


if __name__ == "__main__":
    main()
