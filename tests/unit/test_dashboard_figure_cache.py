"""The dashboard's figure cache: each figure kept with the generation of the projections it reads, bounded."""
from __future__ import annotations

from types import SimpleNamespace

from gateway.schema.dashboard_cache import MAX_ENTRIES, FigureCache, Generations, writers_of


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
