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
steady stream of changes it degrades to computing every time (never to stale figures).
"""
from __future__ import annotations

import asyncio
from collections import OrderedDict
from inspect import isawaitable
from typing import Any

import orjson
from graphql import FieldNode, NullValueNode, OperationDefinitionNode, OperationType, VariableNode
from strawberry.extensions import SchemaExtension

from chassis.errors import AppError
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


class DashboardResults(SchemaExtension):
    """A whole dashboard answer served again while the read models are unchanged: a department's page
    sends the same query over and over, and executing it (≈ 300 values through graphql-core) was most of
    the gateway's CPU per request once the figures came from memory (docs/BENCHMARKS.md, benchmark 5).

    Only for a query whose every root field is `dashboard` without a `minPosition` value (read-your-writes
    waits first, so it takes the figure path), only for answers without errors, and keyed by everything the
    answer depends on: the query text, operation and variables, the caller's roles and district (the
    token is verified before the cache is consulted), the day, and the read models' generation."""

    async def on_execute(self):
        ec = self.execution_context
        key = generation = None
        if _whole_dashboard(ec):
            try:
                principal = ec.context.principal  # verified here: a refused token never reaches the cache
            except AppError:
                principal = None  # answered by the resolvers, with its code
            if principal is not None:
                runtime: Runtime = ec.context.runtime
                key = ("result", ec.query, ec.operation_name, orjson.dumps(ec.variables or {}, option=orjson.OPT_SORT_KEYS),
                       tuple(sorted(principal.roles)), principal.district, runtime.deps.clock.today())
                try:
                    generation = await _read_generation(runtime)
                except Exception:  # the database is down: execute, so the resolvers answer UNAVAILABLE typed
                    key = None
                else:
                    hit, result = figure_cache(runtime).get(generation, key)
                    if hit:
                        ec.result = result
                        key = None
        yield
        if key is not None and ec.result is not None and not ec.result.errors:
            figure_cache(ec.context.runtime).put(generation, key, ec.result)


def _whole_dashboard(ec) -> bool:
    document = ec.graphql_document
    if document is None or ec.pre_execution_errors:
        return False
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    named = [o for o in operations if ec.operation_name is None or (o.name and o.name.value == ec.operation_name)]
    if len(named) != 1 or named[0].operation != OperationType.QUERY:
        return False
    fields = named[0].selection_set.selections or ()
    return all(isinstance(f, FieldNode) and f.name.value == "dashboard"
               and not any(a.name.value == "minPosition" and _given(a.value, ec.variables) for a in f.arguments or ())
               for f in fields)


def _given(value, variables: dict | None) -> bool:
    if isinstance(value, VariableNode):
        return (variables or {}).get(value.name.value) is not None
    return not isinstance(value, NullValueNode)


async def _generation_of(root: Any, runtime: Runtime) -> Any:
    """Read once per Dashboard object, shared by its figures: one per query, one per subscription update."""
    pending = getattr(root, "_figures_generation", None)
    if pending is None:
        pending = asyncio.ensure_future(_read_generation(runtime))
        root._figures_generation = pending
    return await pending


async def _read_generation(runtime: Runtime) -> Any:
    async with runtime.pool.acquire() as conn:
        return tuple(await conn.fetchrow(GENERATION))
