"""A live tick's event is executed once for every subscriber asking the same thing of the same audience."""
from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncGenerator

import strawberry

from gateway.schema import GatewayExecutor
from gateway.shared_events import SharedAnswers, shared

EXECUTED: Counter[str] = Counter()  # field resolver runs, by the audience's district
TICK: dict[str, SharedAnswers | asyncio.Event] = {}


@strawberry.type
class Figures:
    district: str

    @strawberry.field
    def total(self) -> int:
        EXECUTED[self.district] += 1
        return 42

    @strawberry.field
    def label(self) -> str:
        return f"figures of {self.district}"


@strawberry.type
class Query:
    ping: str = "pong"


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def figures(self, district: str) -> AsyncGenerator[Figures, None]:
        yield Figures(district=district)  # the first answer: each subscriber's own
        await TICK["event"].wait()  # type: ignore[union-attr]
        yield shared(Figures(district=district), TICK["answers"], audience=district)  # type: ignore[arg-type]


schema = strawberry.Schema(query=Query, subscription=Subscription, execution_context_class=GatewayExecutor)
BOTH = "subscription($d: String!) { figures(district: $d) { total label } }"
TOTAL_ONLY = "subscription($d: String!) { figures(district: $d) { total } }"


async def second_answer(query: str, district: str) -> dict:
    stream = await schema.subscribe(query, variable_values={"d": district})
    try:
        await stream.__anext__()
        result = await stream.__anext__()
        assert result.errors is None
        return result.data
    finally:
        await stream.aclose()


async def test_subscribers_asking_the_same_of_the_same_audience_share_one_execution_per_tick():
    EXECUTED.clear()
    TICK.update(event=asyncio.Event(), answers=SharedAnswers())
    asked = [(BOTH, "city")] * 5 + [(BOTH, "110105")] * 3 + [(TOTAL_ONLY, "city")] * 2
    subscribers = [asyncio.create_task(second_answer(q, d)) for q, d in asked]
    await asyncio.sleep(0.05)
    assert EXECUTED == {"city": 7, "110105": 3}  # the first answers: one execution each
    TICK["event"].set()  # type: ignore[union-attr]
    answers = await asyncio.gather(*subscribers)
    # the tick: one execution per (audience, request) — city with both fields, city total only, 110105
    assert EXECUTED == {"city": 7 + 2, "110105": 3 + 1}
    assert len(TICK["answers"]) == 3  # type: ignore[arg-type]
    assert answers[:5] == [{"figures": {"total": 42, "label": "figures of city"}}] * 5
    assert answers[5:8] == [{"figures": {"total": 42, "label": "figures of 110105"}}] * 3
    assert answers[8:] == [{"figures": {"total": 42}}] * 2


async def test_an_event_without_shared_answers_is_executed_for_each_subscriber():
    EXECUTED.clear()
    TICK.update(event=asyncio.Event(), answers=None)
    subscribers = [asyncio.create_task(second_answer(BOTH, "city")) for _ in range(3)]
    await asyncio.sleep(0.05)
    TICK["event"].set()  # type: ignore[union-attr]
    await asyncio.gather(*subscribers)
    assert EXECUTED == {"city": 6}
