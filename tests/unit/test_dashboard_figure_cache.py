"""The dashboard's figure cache: one generation at a time, bounded."""
from __future__ import annotations

from gateway.schema.dashboard_cache import MAX_ENTRIES, FigureCache


def test_a_figure_is_served_only_for_the_generation_it_was_computed_at():
    cache = FigureCache()
    cache.put((1, 10), ("youth", None), "figures at 10")
    assert cache.get((1, 10), ("youth", None)) == (True, "figures at 10")
    assert cache.get((1, 11), ("youth", None)) == (False, None)
    assert cache.get((1, 10), ("youth", "110105")) == (False, None)  # another scope


def test_a_new_generation_drops_every_figure_of_the_old_one():
    cache = FigureCache()
    cache.put((1, 10), ("youth", None), "old")
    cache.put((1, 11), ("stations", None), "new")
    assert cache.get((1, 10), ("youth", None)) == (False, None)
    assert cache.get((1, 11), ("youth", None)) == (False, None)
    assert cache.get((1, 11), ("stations", None)) == (True, "new")


def test_the_cache_is_bounded_and_drops_the_least_recently_used():
    cache = FigureCache()
    for i in range(MAX_ENTRIES):
        cache.put("g", ("youth", i), i)
    assert cache.get("g", ("youth", 0)) == (True, 0)  # used: now the most recent
    cache.put("g", ("youth", "one more"), "x")
    assert len(cache.entries) == MAX_ENTRIES
    assert cache.get("g", ("youth", 1)) == (False, None)
    assert cache.get("g", ("youth", 0)) == (True, 0)
