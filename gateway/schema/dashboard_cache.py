"""The dashboard's figures, computed once per state of the read models they read.

Every figure of the dashboard is a function of the read models and of its scope (district, dates,
arguments). The read models change only when a projection commits a batch, and each batch moves that
projection's rows of `projection_checkpoints` in the same transaction — so, per projection, (rows, sum of
offsets, newest update) is a generation that changes with every committed change, in every gateway process
(replicas share the consumer groups, so a process cannot rely on its own runners' counters), and with a
rebuild (checkpoints deleted, then rewritten) as well.

A figure's generation is that of the projections that write the tables it reads (FIGURE_TABLES, checked
against the statements each figure runs by tests/integration/test_figure_tables.py; a figure not listed
there depends on every projection). So registrations flowing in recompute the youth figures, not the
joint meeting's or the cases'. A figure computed after reading generation G reflects at least G; it is
served to requests that read the same G, so nobody gets figures older than the read model they observed —
read-your-writes holds: `minPosition` is awaited before any figure is resolved, so the generation read
includes it. At 20+ departments reading one dashboard, each change is computed once instead of once per
reader — also while it is computed: readers of a generation whose figure is being computed wait for that
computation (benchmark 5b's eight requests in flight each computed the same figures again before). Under a
steady stream of changes to its tables a figure degrades to computing once per generation (never to stale
figures).

Whole answers (DashboardResults) may be allowed an age (`dashboard_answer_max_age_seconds`, 0 by default): an
answer then also serves its query for that long after the read models moved on, so that under a steady
stream of writes the page's query is executed about once per that age instead of once per generation, each
time waiting for its figures' statements on a busy database (benchmark 5b, docs/BENCHMARKS.md, sessions 12–13). A
query with `minPosition`, a live update and any other query keep the exact rule above.
"""
from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable
from inspect import isawaitable
from typing import Any

import orjson
from graphql import FieldNode, NullValueNode, OperationDefinitionNode, OperationType, VariableNode
from strawberry.extensions import SchemaExtension

from chassis.errors import AppError
from chassis.service import Runtime

PARENT = "Dashboard"
MAX_ENTRIES = 512  # scopes × figures; arbitrary date ranges must not grow it without bound
GENERATIONS = """SELECT projection, count(*), coalesce(sum(next_offset), 0), max(updated_at)
                   FROM projection_checkpoints GROUP BY projection"""

# The gateway tables each figure reads (a field of Dashboard, by its GraphQL name).
FIGURE_TABLES: dict[str, frozenset[str]] = {name: frozenset(tables) for name, tables in {
    "youth": ("youth_counts", "youth_daily"),
    "registrationsPerWeek": ("youth_daily",),
    "branches": ("br_application_counts", "br_branches", "br_measures", "br_meetings", "br_member_days",
                 "br_milestones", "br_organisations", "br_transfer_counts", "br_transfers", "cv_in_branch",
                 "youth_counts"),
    "stations": ("st_pt_district", "st_pt_station", "st_service_daily", "st_stations"),
    "programmes": ("st_programme_counts", "st_programmes"),
    "events": ("st_events",),
    "appeals": ("ap_day_counts", "ap_month_counts"),
    "cases": ("cf_case_counts", "cf_referral_counts", "gv_counts", "st_pt_district", "st_service_daily"),
    "jointMeeting": ("br_contributions", "br_measures", "br_milestones", "jm_items"),
    "volunteering": ("vo_day_counts",),
    "faceToFace": ("ff_proposals", "ff_sessions"),
    "recommendations": ("rc_year_counts",),
    "dreamSpace": ("ds_internship_counts", "ds_internships", "ds_project_counts"),
    "roleModels": ("rm_talk_counts", "rm_year_counts"),
    "mediaCampaigns": ("mc_campaign_counts", "mc_entry_counts"),
}.items()}


class Generations:
    """The read models' state as one query read it: each projection's generation."""

    def __init__(self, rows: dict[str, tuple]):
        self.rows = rows
        self.whole = tuple(sorted(rows.items()))  # every projection: a whole answer, an unlisted figure

    def __eq__(self, other: object) -> bool:  # the same state of every projection (a live tick's poll)
        return isinstance(other, Generations) and self.whole == other.whole

    __hash__ = None  # type: ignore[assignment]

    def of(self, projections: frozenset[str] | None) -> Any:
        if projections is None:
            return self.whole
        return tuple(self.rows.get(p) for p in sorted(projections))


class FigureCache:
    """Figures (or whole answers), each with the generation it was computed at; least recently used dropped
    first. An entry whose generation has moved on is not served (unless the reader allows it an age), and is
    replaced by the next computation. A figure's value is its computation (a future), shared by every reader
    of its generation. `answer_max_age`: the age DashboardResults allows whole answers (seconds)."""

    def __init__(self, answer_max_age: float = 0.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.entries: OrderedDict[tuple, tuple[Any, Any, float]] = OrderedDict()  # key -> (generation, value, put at)
        self.writers: dict[str, frozenset[str] | None] | None = None  # figure -> projections (writers_of)
        self.answer_max_age = answer_max_age
        self.clock = clock

    def get(self, generation: Any, key: tuple, max_age: float = 0.0) -> tuple[bool, Any]:
        """The entry of `generation`, or with `max_age`, of any generation if its computation began less than
        `max_age` seconds ago (it reflects the read models as they were then)."""
        entry = self.entries.get(key)
        if entry is None or (entry[0] != generation and not self.clock() - entry[2] < max_age):
            return False, None
        self.entries.move_to_end(key)
        return True, entry[1]

    def drop(self, key: tuple, value: Any) -> None:
        """Forget `value` (a computation that failed: the next reader tries again), unless replaced since."""
        entry = self.entries.get(key)
        if entry is not None and entry[1] is value:
            del self.entries[key]

    def drop_failed(self, key: tuple, computation: asyncio.Future[Any]) -> None:
        if computation.cancelled() or computation.exception() is not None:
            self.drop(key, computation)

    def put(self, generation: Any, key: tuple, value: Any) -> None:
        self.entries[key] = (generation, value, self.clock())
        self.entries.move_to_end(key)
        if len(self.entries) > MAX_ENTRIES:
            self.entries.popitem(last=False)


def writers_of(figure: str, runtime: Runtime) -> frozenset[str] | None:
    """The projections whose commits can change `figure`: those writing a table it reads (a table two
    projections keep, such as cv_in_branch, names both); None: not listed, every projection."""
    cache = figure_cache(runtime)
    if cache.writers is None:
        tables = {name: set(runner.projection.tables) for name, runner in runtime.projections.items()}
        cache.writers = {f: frozenset(p for p, written in tables.items() if written & read)
                         for f, read in FIGURE_TABLES.items()}
    return cache.writers.get(figure)


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
        generation = (await _generations_of(root, runtime)).of(writers_of(info.field_name, runtime))
        scope = root.scope
        # today: a default like "the current quarter" must not outlive its day
        key = (info.field_name, scope.district, scope.date_from, scope.date_to, runtime.deps.clock.today(),
               tuple(sorted((k, repr(v)) for k, v in kwargs.items())))
        cache = figure_cache(runtime)
        hit, pending = cache.get(generation, key)
        if not hit:  # the first reader of this generation computes; readers arriving meanwhile wait for it
            pending = asyncio.ensure_future(_resolved(_next, root, info, args, kwargs))
            cache.put(generation, key, pending)
            pending.add_done_callback(lambda done: cache.drop_failed(key, done))
        if pending.done():
            return pending.result()
        return await asyncio.shield(pending)  # a reader that goes away leaves the computation to the others


async def _resolved(_next, root, info, args, kwargs) -> Any:
    result = _next(root, info, *args, **kwargs)
    return await result if isawaitable(result) else result


class DashboardResults(SchemaExtension):
    """A whole dashboard answer served again while the read models are unchanged: a department's page
    sends the same query over and over, and executing it (≈ 300 values through graphql-core) was most of
    the gateway's CPU per request once the figures came from memory (docs/BENCHMARKS.md, benchmark 5).

    Only for a query whose every root field is `dashboard` without a `minPosition` value (read-your-writes
    waits first, so it takes the figure path), only for answers without errors, and keyed by everything the
    answer depends on: the query text, operation and variables, the caller's roles and district (the
    token is verified before the cache is consulted), the day, and the read models' generation.

    Requests arriving while the answer of their generation is being executed wait for that execution: while
    writes flow, the generation moves many times a second and each of them is executed once, not once per
    request in flight; with an answer age allowed (FigureCache.answer_max_age), once per that age."""

    async def on_execute(self):
        ec = self.execution_context
        key = generation = answer = None
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
                    generation = (await read_generations(runtime)).whole
                except Exception:  # the database is down: execute, so the resolvers answer UNAVAILABLE typed
                    key = None
        if key is not None:
            cache = figure_cache(ec.context.runtime)
            hit, shared = cache.get(generation, key, cache.answer_max_age)
            if hit:  # answered, or being answered for another request of this generation: wait for it
                ec.result = shared.result() if shared.done() else await asyncio.shield(shared)
                # None: that execution failed or was cancelled; this request executes on its own
            else:
                answer = asyncio.get_running_loop().create_future()
                cache.put(generation, key, answer)
        try:
            yield
        finally:
            if answer is not None:  # this request executed for its generation: the others get its answer
                result = ec.result
                good = result is not None and not result.errors
                answer.set_result(result if good else None)
                if not good:
                    cache.drop(key, answer)


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


def pin(root: Any, generations: asyncio.Future[Generations] | None) -> Any:
    """Have a Dashboard object's figures use `generations` (read once for many: gateway/live.py's ticks)."""
    if generations is not None:
        root._figures_generations = generations
    return root


async def _generations_of(root: Any, runtime: Runtime) -> Generations:
    """Read once per Dashboard object, shared by its figures: one per query, one per subscription update."""
    pending = getattr(root, "_figures_generations", None)
    if pending is None:
        pending = asyncio.ensure_future(read_generations(runtime))
        root._figures_generations = pending
    return await pending


async def read_generations(runtime: Runtime) -> Generations:
    async with runtime.pool.acquire() as conn:
        return Generations({r[0]: tuple(r[1:]) for r in await conn.fetch(GENERATIONS)})
