"""The dashboard's figure cache: each figure kept with the generation of the projections it reads, bounded."""
from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest

from gateway.schema.dashboard_cache import (
    MAX_ENTRIES,
    DashboardFigures,
    FigureCache,
    Generations,
    pin,
    writers_of,
)


def test_a_figure_is_served_only_for_the_generation_it_was_computed_at():
    cache = FigureCache()
    cache.put((1, 10), ("youth", None), "figures at 10")
    assert cache.get((1, 10), ("youth", None)) == (True, "figures at 10")
    assert cache.get((1, 11), ("youth", None)) == (False, None)
    assert cache.get((1, 10), ("youth", "110105")) == (False, None)  # another scope


def test_a_figure_computed_again_replaces_its_old_generation_and_leaves_the_others():
    cache = FigureCache()
    cache.put((1, 10), ("youth", None), "old")
    cache.put(("s", 3), ("stations", None), "stations")
    cache.put((1, 11), ("youth", None), "new")
    assert cache.get((1, 10), ("youth", None)) == (False, None)
    assert cache.get((1, 11), ("youth", None)) == (True, "new")
    assert cache.get(("s", 3), ("stations", None)) == (True, "stations")  # its projections did not move
    assert len(cache.entries) == 2


def test_the_cache_is_bounded_and_drops_the_least_recently_used():
    cache = FigureCache()
    for i in range(MAX_ENTRIES):
        cache.put("g", ("youth", i), i)
    assert cache.get("g", ("youth", 0)) == (True, 0)  # used: now the most recent
    cache.put("g", ("youth", "one more"), "x")
    assert len(cache.entries) == MAX_ENTRIES
    assert cache.get("g", ("youth", 1)) == (False, None)
    assert cache.get("g", ("youth", 0)) == (True, 0)


def runtime(**tables: tuple[str, ...]) -> SimpleNamespace:
    runners = {name: SimpleNamespace(projection=SimpleNamespace(tables=t)) for name, t in tables.items()}
    return SimpleNamespace(projections=runners, deps=SimpleNamespace(figures=FigureCache()))


def test_a_figure_depends_on_the_projections_writing_its_tables_and_an_unlisted_one_on_all():
    rt = runtime(youth=("youth", "youth_counts", "cv_in_branch"), youth_daily=("youth_daily",),
                 branches=("br_branches", "cv_in_branch"), stations=("st_pt_district",))
    assert writers_of("registrationsPerWeek", rt) == {"youth_daily"}
    assert writers_of("youth", rt) == {"youth", "youth_daily"}
    assert writers_of("branches", rt) == {"branches", "youth"}  # cv_in_branch and youth_counts: both sides
    assert writers_of("no such figure", rt) is None


def test_a_generation_moves_only_with_the_projections_given():
    before = Generations({"gateway.youth": (6, 100, "t1"), "gateway.stations": (6, 50, "t1")})
    after = Generations({"gateway.youth": (6, 101, "t2"), "gateway.stations": (6, 50, "t1")})
    stations = frozenset({"gateway.stations"})
    assert before.of(stations) == after.of(stations)
    assert before.of(frozenset({"gateway.youth"})) != after.of(frozenset({"gateway.youth"}))
    assert before.of(None) != after.of(None)  # an unlisted figure, or a whole answer: every projection


class Clock:
    def today(self):
        return "2026-12-03"


def dashboard_runtime() -> SimpleNamespace:
    return SimpleNamespace(projections={}, deps=SimpleNamespace(figures=FigureCache(), clock=Clock()))


def dashboard(generation: tuple) -> SimpleNamespace:
    pinned = asyncio.get_running_loop().create_future()
    pinned.set_result(Generations(dict([generation])))
    return pin(SimpleNamespace(scope=SimpleNamespace(district=None, date_from=None, date_to=None)), pinned)


def read(rt: SimpleNamespace, figure: str = "youth") -> SimpleNamespace:
    return SimpleNamespace(context=SimpleNamespace(runtime=rt), parent_type=SimpleNamespace(name="Dashboard"),
                           field_name=figure)


async def test_readers_arriving_while_a_figure_is_computed_wait_for_that_one_computation():
    rt, computed, release = dashboard_runtime(), [], asyncio.Event()

    async def compute(root, info):
        computed.append(info.field_name)
        await release.wait()
        return {"total": len(computed)}

    figures = DashboardFigures(execution_context=None)
    root = dashboard(("gateway.youth", (6, 100, "t1")))
    readers = [asyncio.create_task(figures.resolve(compute, root, read(rt))) for _ in range(8)]
    await asyncio.sleep(0.01)
    readers[0].cancel()  # a reader that leaves does not take the computation with it
    release.set()
    answers = await asyncio.gather(*readers[1:])
    assert computed == ["youth"]
    assert answers == [{"total": 1}] * 7
    assert await figures.resolve(compute, root, read(rt)) == {"total": 1}  # done: served from memory


async def test_a_failed_computation_is_answered_to_its_readers_and_not_kept():
    rt, calls = dashboard_runtime(), []

    async def compute(root, info):
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError("database down")
        return "figures"

    figures = DashboardFigures(execution_context=None)
    root = dashboard(("gateway.youth", (6, 100, "t1")))
    with pytest.raises(ConnectionError):
        await figures.resolve(compute, root, read(rt))
    await asyncio.sleep(0)  # the done callback
    assert await figures.resolve(compute, root, read(rt)) == "figures"
    assert len(calls) == 2


def test_with_an_age_allowed_an_answer_serves_later_generations_until_it_is_that_old():
    now = [100.0]
    cache = FigureCache(answer_max_age=1.0, clock=lambda: now[0])
    key = ("result", "the page's query")
    cache.put((1, 10), key, "answer at 10")
    assert cache.get((1, 11), key) == (False, None)  # a reader who allows no age: not for its generation
    assert cache.get((1, 11), key, 1.0) == (True, "answer at 10")
    now[0] = 100.99
    assert cache.get((1, 12), key, 1.0) == (True, "answer at 10")
    now[0] = 101.0
    assert cache.get((1, 12), key, 1.0) == (False, None)  # that old: computed again
    assert cache.get((1, 10), key, 1.0) == (True, "answer at 10")  # its own generation: whatever its age
    cache.put((1, 12), key, "answer at 12")
    assert cache.get((1, 13), key, 1.0) == (True, "answer at 12")  # the age counts from the new computation


def test_the_answer_age_comes_from_the_settings_and_is_none_unless_asked():
    from chassis.settings import Settings
    from gateway.deps import gateway_deps

    assert gateway_deps(Settings(dashboard_answer_max_age_seconds=1.5)).figures.answer_max_age == 1.5
    assert gateway_deps(Settings()).figures.answer_max_age == 0.0
