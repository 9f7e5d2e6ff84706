"""Subscription events executed once for every subscriber that asks the same thing.

A live dashboard tick reaches every subscriber at once. Those who selected the same fields of the same
scope would each execute the same ≈ 300 values through graphql-core: 39 % of the gateway's CPU under
benchmark 5c's 100 subscribers (docs/BENCHMARKS_HISTORY.md, *Session 8 run*), and, before the figures were shared
while being computed, each of them computed the figures too.

A subscription's event payload may carry `shared(answers, audience)`: `answers` is one `SharedAnswers`
per tick (gateway/live.py), `audience` is everything besides the request that the answer depends on (for
the dashboard: the caller's roles, district and scope). Such an event is executed once per audience and
request — the operation, its fragments and its variables — and every other subscriber of that tick gets the
same result. The answers of a tick are dropped with the tick's payloads, so nothing accumulates.
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from graphql import ExecutionResult, Executor, print_ast

SHARED = "_shared_answer"  # the payload's attribute: (SharedAnswers, audience)


class SharedAnswers:
    """The executed answers of one tick, by audience and request."""

    def __init__(self) -> None:
        self._answers: dict[Hashable, asyncio.Future[Any]] = {}

    def answer(self, key: Hashable, execute: Callable[[], Any]) -> Awaitable[Any]:
        """The answer for `key`: executed by the first subscriber that asks, awaited by the others. A
        subscriber that goes away meanwhile leaves the execution to the rest."""
        pending = self._answers.get(key)
        if pending is None:
            pending = self._answers[key] = asyncio.ensure_future(_awaited(execute()))
        return asyncio.shield(pending)

    def __len__(self) -> int:
        return len(self._answers)


async def _awaited(result: Any) -> Any:
    return await result if isinstance(result, Awaitable) else result


def shared(payload: Any, answers: SharedAnswers | None, audience: Hashable) -> Any:
    """Mark a subscription event's payload as answered once per audience and request within `answers`."""
    if answers is not None:
        setattr(payload, SHARED, (answers, audience))
    return payload


class SharedEvents(Executor):
    """An executor that answers a marked subscription event from its tick's shared answers."""

    _request: tuple[str, ...] | None = None  # the subscription's operation, fragments and variables

    def build_per_event_executor(self, payload: Any) -> Any:
        if self._request is None:  # once per subscription: every event's executor is a copy of this one
            fragments = (print_ast(f) for _, f in sorted(self.fragment_definitions.items()))
            variables = repr(sorted(self.variable_values.coerced.items()))
            self._request = (print_ast(self.operation), *fragments, variables)
        return super().build_per_event_executor(payload)

    def execute_operation(self, serially: bool | None = None) -> Any:
        marked = getattr(self.root_value, SHARED, None)
        if marked is None or self._request is None:
            return super().execute_operation(serially)
        answers, audience = marked

        def execute() -> Awaitable[ExecutionResult] | ExecutionResult:
            return super(SharedEvents, self).execute_operation(serially)

        return answers.answer((audience, self._request), execute)
