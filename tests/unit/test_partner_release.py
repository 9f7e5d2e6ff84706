"""The partner release's pure parts (services/partners/release.py): coarse ce_time and the shuffled order."""
from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime

from chassis.clock import BEIJING
from contracts.partners import PartnerYouthMessages as Msg
from services.partners.release import Releases, coarse_time, interleaving


def test_ce_time_is_the_minute_and_an_erasure_the_day_in_beijing():
    at = datetime(2026, 12, 2, 16, 27, 41, 123456, tzinfo=UTC)  # 00:27 on 3 December in Beijing
    assert coarse_time(Msg.REGISTERED, at) == datetime(2026, 12, 2, 16, 27, tzinfo=UTC)
    assert coarse_time(Msg.ERASED, at) == datetime(2026, 12, 3, tzinfo=BEIJING)


def test_the_order_is_random_but_each_persons_messages_keep_theirs():
    rows = [{"subject": "a", "n": 1}, {"subject": "b", "n": 1}, {"subject": "a", "n": 2}]
    rng = random.Random(7)
    seen = Counter()
    for _ in range(3000):
        order = interleaving(rows, rng)
        assert [r["n"] for r in order if r["subject"] == "a"] == [1, 2]
        seen[tuple(r["subject"] for r in order)] += 1
    # The three interleavings of a,a with b, about equally often.
    assert set(seen) == {("a", "a", "b"), ("a", "b", "a"), ("b", "a", "a")}
    assert all(800 < n < 1200 for n in seen.values()), seen


def test_each_release_is_drawn_anew_so_two_agencies_schedules_part():
    releases = Releases(pool=None, stores={}, clock=None, every=60.0, jitter=30.0)  # type: ignore[arg-type]
    hrss = [releases.next_release(1000.0) for _ in range(200)]
    justice = [releases.next_release(1000.0) for _ in range(200)]
    assert all(1060.0 <= t <= 1090.0 for t in hrss + justice)  # the period, late by the jitter at most
    assert len(set(hrss)) == 200  # never the same instant twice: the next release cannot be foretold
    apart = [abs(a - b) for a, b in zip(hrss, justice)]
    assert sum(d > 5.0 for d in apart) > 100  # two agencies' releases from the same moment mostly part (p ≈ 0.7 each)
