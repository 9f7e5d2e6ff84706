"""The dashboard's figures, computed once per state of the read models.

Every figure of the dashboard is a function of the read models and of its scope (district, dates,
arguments). The read models change only when a projection commits a batch, and each batch moves
`projection_checkpoints` in the same transaction — so (rows, sum of offsets, newest update) of that
small table is a generation that changes with every committed change, in every gateway process
(replicas share the consumer groups, so a process cannot rely on its own runners' counters), and a
rebuild (checkpoints deleted, then rewritten) as well.

A figure computed after reading generation G reflects at least G; it is served to requests that read
the same G, so nobody gets figures older than the read model they observed — read-your-writes holds:
`minPosition` is awaited before any figure is resolved, so the generation read includes it. At 20+
departments reading one dashboard, each change is computed once instead of once per reader. Under a
steady stream of changes it degrades to computing every time (never to stale figures); whole answers in
demand are then refreshed in the background instead (dashboard_answers.py).
"""
from __future__ import annotations

import asyncio
from collections import OrderedDict
from inspect import isawaitable
from typing import Any

from strawberry.extensions import SchemaExtension

from chassis.service import Runtime

PARENT = "Dashboard"
MAX_ENTRIES = 512  # scopes × figures; arbitrary date ranges must not grow it without bound
GENERATION = "SELECT count(*), coalesce(sum(next_offset), 0), max(updated_at) FROM projection_checkpoints"


class FigureCache:
    """Figures of one generation, least recently used dropped first."""

    def __init__(self) -> None:
        self.generation: Any = None
        self.entries: OrderedDict[tuple, Any] = OrderedDict()

    def get(self, generation: Any, key: tuple) -> tuple[bool, Any]:
        if generation != self.generation or key not in self.entries:
            return False, None
        self.entries.move_to_end(key)
        return True, self.entries[key]

    def put(self, generation: Any, key: tuple, value: Any) -> None:
        if generation != self.generation:
            self.generation, self.entries = generation, OrderedDict()
        self.entries[key] = value
        if len(self.entries) > MAX_ENTRIES:
            self.entries.popitem(last=False)


def figure_cache(runtime: Runtime) -> FigureCache:
    return runtime.deps.figures


class DashboardFigures(SchemaExtension):
    """Serves the Dashboard's database-backed fields from the cache of the current generation."""

    def resolve(self, _next, root, info, *args, **kwargs):
        if info.parent_type.name != PARENT or not hasattr(root, "scope"):
            return _next(root, info, *args, **kwargs)  # every other field untouched (no extra await)
        return self._figure(_next, root, info, *args, **kwargs)

    async def _figure(self, _next, root, info, *args, **kwargs):
        runtime: Runtime = info.context.runtime
        generation = await _generation_of(root, runtime)
        scope = root.scope
        # today: a default like "the current quarter" must not outlive its day
        key = (info.field_name, scope.district, scope.date_from, scope.date_to, runtime.deps.clock.today(),
               tuple(sorted((k, repr(v)) for k, v in kwargs.items())))
        cache = figure_cache(runtime)
        hit, value = cache.get(generation, key)
        if hit:
            return value
        result = _next(root, info, *args, **kwargs)
        value = await result if isawaitable(result) else result
        cache.put(generation, key, value)
        return value


async def _generation_of(root: Any, runtime: Runtime) -> Any:
    """Read once per Dashboard object, shared by its figures: one per query, one per subscription update."""
    pending = getattr(root, "_figures_generation", None)
    if pending is None:
        pending = asyncio.ensure_future(read_generation(runtime))
        root._figures_generation = pending
    return await pending


async def read_generation(runtime: Runtime) -> Any:
    async with runtime.pool.acquire() as conn:
        return tuple(await conn.fetchrow(GENERATION))
