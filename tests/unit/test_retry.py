"""chassis.retry: bounded, only the named failures, the last failure raised."""
from __future__ import annotations

import asyncio

import pytest

from chassis.retry import polling, resuming, retrying, retrying_while


class Transient(Exception):
    pass


def flaky(failures: int, error: type[Exception] = Transient):
    calls = {"n": 0}

    async def action() -> str:
        calls["n"] += 1
        if calls["n"] <= failures:
            raise error(calls["n"])
        return "done"
    return action, calls


async def test_tries_again_until_it_succeeds():
    action, calls = flaky(2)
    assert await retrying(action, on=Transient, attempts=3) == "done"
    assert calls["n"] == 3


async def test_raises_the_last_failure_when_attempts_run_out():
    action, calls = flaky(5)
    with pytest.raises(Transient) as failure:
        await retrying(action, on=Transient, attempts=3)
    assert calls["n"] == 3 and failure.value.args == (3,)


async def test_other_failures_are_not_retried():
    action, calls = flaky(1, ValueError)
    with pytest.raises(ValueError):
        await retrying(action, on=Transient, attempts=3)
    assert calls["n"] == 1


async def test_a_timeout_bounds_it():
    action, calls = flaky(1000)
    with pytest.raises(Transient):
        await retrying(action, on=Transient, timeout=0.05, delay=0.01)
    assert 2 <= calls["n"] < 1000


async def test_needs_a_bound():
    action, _ = flaky(0)
    with pytest.raises(ValueError):
        await retrying(action, on=Transient)


async def test_polling_answers_the_first_found_value_or_none():
    answers = iter([None, None, 7])

    async def probe():
        return next(answers)
    assert await polling(probe, timeout=1, interval=0) == 7

    async def never():
        return None
    assert await polling(never, timeout=0.02, interval=0.005) is None


async def test_retrying_while_asks_again_while_the_answer_is_transient_and_returns_the_last():
    answers = iter([409, 409, 200])

    async def post():
        return next(answers)
    assert await retrying_while(post, lambda a: a == 409, attempts=5) == 200
    always = iter([503] * 10)

    async def busy():
        return next(always)
    assert await retrying_while(busy, lambda a: a == 503, attempts=3) == 503
    assert next(always) == 503 and len(list(always)) == 6  # exactly three asked


async def test_resuming_goes_on_after_a_cancellation_that_was_not_its_own_and_stops_on_its_own():
    """aiokafka's getmany raises what its coordination task ended with: a library's internal cancellation
    must not end a projection's loop in silence. Cancelling the loop's own task still ends it."""
    attempts, reported, second = [], [], asyncio.Event()

    async def attempt() -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise asyncio.CancelledError()  # from inside, not a cancel of this task
        second.set()
        await asyncio.Event().wait()

    task = asyncio.create_task(resuming(attempt, pause=0, report=reported.append))
    await asyncio.wait_for(second.wait(), 5)
    assert len(attempts) == 2
    assert [type(e) for e in reported] == [RuntimeError] and "cancelled from inside" in str(reported[0])

    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert len(attempts) == 2
