"""Whole dashboard answers served again, and refreshed in the background while they are in demand.

A department's page sends the same dashboard query over and over; executing it (≈ 300 values through
graphql-core) was most of the gateway's CPU per request once the figures came from memory, so a repeated
query is answered from memory while the read models have not moved (their generation, dashboard_cache.py).

Under a steady stream of writes the generation moves with every projection commit, tens of times a second,
and every request computed the whole dashboard again: 38 ms of CPU (gateway and PostgreSQL) each, which on
2 cores left benchmark 5b's dashboard at p50 9 s and the writes' freshness at p99 9 s (docs/BENCHMARKS.md).
So an answer **in demand** (asked for at least `HOT_RATE` times in the last second) is served for up to
`MAX_STALE` seconds after the read models moved on; once it is `REFRESH_AFTER` old, one background execution
computes the next. No request waits for it. An answer not in demand is computed for its caller, as before: a page opened
once, a test, a department looking now and then always see the read models as they are.

What this gives up, and what it keeps: an answer in demand may be up to a second behind the read models
(the live subscription coalesces to one update a second as well). Read-your-writes is untouched: a query
with `minPosition` never comes here (it waits for its position, then computes). Keys are as before: the
query text, operation and variables, the caller's roles and district (the token is verified before the
cache is consulted), and the day; answers with errors are never kept.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any

import orjson
from graphql import FieldNode, NullValueNode, OperationDefinitionNode, OperationType, VariableNode
from strawberry.extensions import SchemaExtension

from chassis.errors import AppError
from chassis.service import Runtime

from .dashboard_cache import MAX_ENTRIES, read_generation

log = logging.getLogger(__name__)

HOT_RATE = 20  # requests a second for one answer that make it "in demand"
MAX_STALE = 1.0  # seconds an answer in demand may be served after the read models moved on
# An answer in demand is refreshed once it is this old, not at every move of the read models: under steady
# writes back-to-back refreshes took a quarter of the gateway's CPU in benchmark 5b (py-spy), beside its
# projections, and the requests waited for the event loop.
REFRESH_AFTER = 0.5


@dataclass(eq=False)
class Answer:
    generation: Any  # of the read models, read before the answer was computed
    result: Any  # strawberry's ExecutionResult, shared read-only by everyone it is served to
    at: float  # time.monotonic() when that generation was read
    asked: deque[float] = field(default_factory=lambda: deque(maxlen=HOT_RATE))  # the latest requests' times
    refreshing: bool = False

    def in_demand(self, now: float) -> bool:
        return len(self.asked) == HOT_RATE and now - self.asked[0] <= 1.0


class Answers:
    """Whole answers by key, least recently used dropped first; the policy above, as pure bookkeeping."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self.entries: OrderedDict[tuple, Answer] = OrderedDict()

    def lookup(self, key: tuple, generation: Any, now: float) -> tuple[Any, bool]:
        """-> (the answer to serve, or None to compute it for this caller; whether to start a refresh)."""
        answer = self.entries.get(key)
        if answer is None:
            return None, False
        self.entries.move_to_end(key)
        answer.asked.append(now)
        if answer.generation == generation:
            return answer.result, False
        if now - answer.at <= MAX_STALE and answer.in_demand(now):
            start = not answer.refreshing and now - answer.at >= REFRESH_AFTER
            answer.refreshing = answer.refreshing or start
            return answer.result, start
        return None, False

    def keep(self, key: tuple, generation: Any, result: Any, at: float) -> None:
        """An answer computed from `generation` (read at `at`); a newer one already kept stays."""
        old = self.entries.get(key)
        if old is not None and old.at > at:
            return
        answer = Answer(generation, result, at)
        if old is not None:
            answer.asked = old.asked  # the demand goes on
        self.entries[key] = answer
        self.entries.move_to_end(key)
        if len(self.entries) > self.max_entries:
            self.entries.popitem(last=False)

    def refreshed(self, key: tuple) -> None:
        """The refresh ended (kept or failed): the next request past the window may start another."""
        answer = self.entries.get(key)
        if answer is not None:
            answer.refreshing = False


class DashboardResults(SchemaExtension):
    """Serves a whole dashboard query from `Answers` (the policy in the module's docstring)."""

    async def on_execute(self):
        ec = self.execution_context
        keep = None
        if not getattr(ec.context, "refreshing_dashboard", False) and _whole_dashboard(ec):
            keep = await self._serve(ec)
        yield
        if keep is not None and ec.result is not None and not ec.result.errors:
            key, generation, at = keep
            answers_of(ec.context.runtime).keep(key, generation, ec.result, at)

    async def _serve(self, ec) -> tuple | None:
        """Sets `ec.result` from memory when it may; -> (key, generation, time) to keep what is computed."""
        try:
            principal = ec.context.principal  # verified here: a refused token never reaches the cache
        except AppError:
            return None  # answered by the resolvers, with its code
        runtime: Runtime = ec.context.runtime
        key = ("result", ec.query, ec.operation_name, orjson.dumps(ec.variables or {}, option=orjson.OPT_SORT_KEYS),
               tuple(sorted(principal.roles)), principal.district, runtime.deps.clock.today())
        at = time.monotonic()
        try:
            generation = await read_generation(runtime)
        except Exception:  # the database is down: execute, so the resolvers answer UNAVAILABLE typed
            return None
        answers = answers_of(runtime)
        served, refresh = answers.lookup(key, generation, at)
        if served is None:
            return key, generation, at
        ec.result = served
        if refresh:
            _background(refresh_answer(ec.schema, type(ec.context), runtime, principal, key,
                                       (ec.query, ec.variables, ec.operation_name)))
        return None


async def refresh_answer(schema, context_type, runtime: Runtime, principal, key: tuple, request: tuple) -> None:
    """Execute the query again as its caller (their verified principal), and keep the answer."""
    query, variables, operation_name = request
    answers = answers_of(runtime)
    try:
        at = time.monotonic()
        generation = await read_generation(runtime)
        context = context_type(runtime)
        context.__dict__["principal"] = principal  # Context.principal is a cached_property: already verified
        context.refreshing_dashboard = True
        result = await schema.execute(query, variable_values=variables, context_value=context,
                                      operation_name=operation_name)
        if not result.errors:
            answers.keep(key, generation, result, at)
    except Exception as exc:  # noqa: BLE001 — the callers are served the kept answer, or compute their own
        log.warning("dashboard refresh failed", extra={"error": type(exc).__name__})
    finally:
        answers.refreshed(key)


_RUNNING: set[asyncio.Task] = set()  # held until done: the event loop keeps only weak references to tasks


def _background(work) -> None:
    task = asyncio.ensure_future(work)
    _RUNNING.add(task)
    task.add_done_callback(_RUNNING.discard)


def answers_of(runtime: Runtime) -> Answers:
    return runtime.deps.answers


def _whole_dashboard(ec) -> bool:
    """A query whose every root field is `dashboard` without a `minPosition` value."""
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
