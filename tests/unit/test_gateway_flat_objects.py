"""gateway/execution.py: objects made of plain leaves are completed in one step (docs/BENCHMARKS.md, "List pages:
profiled"). Counted, not timed: a 20-row page runs 3 field executions instead of 165. And the answer — data,
errors, their paths, null propagation — is strawberry's own executor's, whatever the values are."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from datetime import UTC, datetime
from enum import Enum
from typing import Any

import pytest
import strawberry
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from bench.profile_lists import APPEALS, STATIONS, list_context
from chassis.settings import Settings
from gateway.execution import FlatObjects
from gateway.schema import GatewaySchema, build_schema


class Counting(FlatObjects):
    """Counts graphql-core's field executions, and keeps each request's executor for its plan count."""

    fields = 0
    executors: list[FlatObjects] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        Counting.executors.append(self)

    def execute_field(self, *args: Any, **kwargs: Any) -> Any:
        Counting.fields += 1
        return super().execute_field(*args, **kwargs)

    @classmethod
    def reset(cls) -> None:
        cls.fields = 0
        cls.executors = []

    @classmethod
    def flat(cls) -> int:
        """Objects completed by a plan."""
        return sum(e.flat_completions for e in cls.executors)


@pytest.mark.parametrize("query", [STATIONS, APPEALS], ids=["stations", "appeals"])
async def test_a_list_page_executes_three_fields_and_completes_its_rows_by_plan(query):
    schema = build_schema(Settings())
    assert issubclass(schema.execution_context_class, FlatObjects)  # the gateway runs with it
    schema.execution_context_class = Counting
    Counting.reset()
    result = await schema.execute(query, variable_values={}, context_value=list_context())
    assert result.errors is None and len(next(iter(result.data.values()))["nodes"]) == 20
    # the list field, its nodes and its pageInfo; without plans 3 + 20 rows × 8 or 9 fields + 2
    assert Counting.fields == 3
    assert Counting.flat() == 21  # 20 rows and the pageInfo


class Kind(Enum):
    OPEN = "OPEN"
    CLOSED = "CLOSED"


@strawberry.type
class Item:
    name: str
    note: str | None
    kind: Kind
    kinds: list[Kind]
    loose: list[Kind | None] | None
    tags: list[str]
    score: float
    at: datetime

    @strawberry.field
    def shout(self) -> str:
        return self.name.upper()


class Later:
    """An awaitable attribute (graphql-core awaits it; not a coroutine, so one never selected warns of nothing)."""

    def __init__(self, value: Any):
        self.value = value

    def __await__(self):
        yield from asyncio.sleep(0).__await__()
        return self.value


T0 = datetime(2026, 1, 1, tzinfo=UTC)


def item(**changes: Any) -> Item:
    values = {"name": "a", "note": None, "kind": Kind.OPEN, "kinds": [Kind.OPEN, Kind.CLOSED], "loose": None, "tags": ["t"],
              "score": 1.5, "at": T0}
    return Item(**{**values, **changes})


def without(row: Item, attribute: str) -> Item:
    delattr(row, attribute)
    return row


CASES = {  # each: rows, one of which breaks a rule in its own way (or none does); made afresh for each request
    "plain": lambda: [item(), item(name="b", note="n", loose=[None, Kind.CLOSED])],
    "null in a non-null field": lambda: [item(), item(name=None)],
    "a value the enum refuses": lambda: [item(kind="OPEN"), item(kind="NOPE")],
    "null inside a list of non-null": lambda: [item(kinds=[Kind.OPEN, None])],
    "a float the scalar refuses": lambda: [item(score="x")],
    "a tuple and a generator as lists": lambda: [item(kinds=(Kind.CLOSED,)), item(kinds=(k for k in [Kind.OPEN]))],
    "an awaitable attribute": lambda: [item(note=Later("later")), item(kind=Later(Kind.CLOSED))],
    "an exception as value": lambda: [item(note=ValueError("bad"))],
    "a text where a list belongs": lambda: [item(tags="ab")],
    "an attribute missing": lambda: [item(), without(item(), "note")],
}


@strawberry.type
class Query:
    @strawberry.field
    def items(self, case: str) -> list[Item]:
        return CASES[case]()

    @strawberry.field
    def loose_items(self, case: str) -> list[Item | None] | None:
        return CASES[case]()


DOCUMENTS = [
    "query($c: String!) { items(case: $c) { name note kind kinds loose tags score at } }",
    "query($c: String!) { looseItems(case: $c) { name note kind kinds loose tags score at } }",
    "query($c: String!) { items(case: $c) { n: name k: kind __typename shout } }",
    "query($c: String!, $s: Boolean!) { looseItems(case: $c) { ...F note @skip(if: $s) } } "
    "fragment F on Item { name kinds }",
]


def _answer(result) -> tuple:
    errors = sorted((e.message, tuple(e.path or ()), tuple((loc.line, loc.column) for loc in e.locations or ()))
                    for e in result.errors or ())
    return result.data, errors


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("document", DOCUMENTS)
async def test_the_answer_is_strawberrys_own_whatever_the_values(case, document):
    variables = {"c": case, "s": True}
    planned = strawberry.Schema(query=Query, execution_context_class=FlatObjects)
    usual = strawberry.Schema(query=Query, execution_context_class=StrawberryGraphQLCoreExecutionContext)
    assert _answer(await planned.execute(document, variable_values=variables)) == \
        _answer(await usual.execute(document, variable_values=variables))


async def test_objects_with_a_resolver_or_typename_are_completed_as_usual():
    schema = GatewaySchema(query=Query, execution_context_class=Counting)
    Counting.reset()
    await schema.execute('{ items(case: "plain") { name shout } }')
    await schema.execute('{ items(case: "plain") { name __typename } }')
    assert Counting.flat() == 0
    await schema.execute('{ items(case: "plain") { name kind } }')
    assert Counting.flat() == 2


async def test_each_subscription_event_has_plans_of_its_own():
    @strawberry.type
    class Events:
        @strawberry.subscription
        async def items(self) -> AsyncGenerator[list[Item], None]:
            for _ in range(3):
                yield CASES["plain"]()

    schema = strawberry.Schema(query=Query, subscription=Events, execution_context_class=Counting)
    Counting.reset()
    answers = [r async for r in await schema.subscribe("subscription { items { name kind } }")]
    assert [a.data for a in answers] == [{"items": [{"name": "a", "kind": "OPEN"}, {"name": "b", "kind": "OPEN"}]}] * 3
    [subscription] = Counting.executors
    assert subscription._flat_plans == {}  # each event planned in its own copy
    assert subscription._relevant_sub_fields == {}  # and graphql-core's memo of subfields: nothing piles up
