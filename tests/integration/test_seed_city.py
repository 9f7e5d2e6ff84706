"""`xinqing seed --scale city` at a small count: through the registry's API, resumable, idempotent."""
from __future__ import annotations

import httpx

from chassis.reference import DISTRICTS, SUBTYPES
from xinqing.seed_city import Checkpoint, People, mobile, seed_city


async def registered(registry) -> int:
    rt = registry.app.state.runtime
    return await rt.pool.fetchval("SELECT count(*) FROM events WHERE event_type = 'xq.registry.youth.registered.v1'")


def test_synthetic_people_are_valid_recognisable_and_stable():
    from datetime import date

    people = People(date(2026, 11, 29))
    first = [people(i) for i in range(200)]
    assert len({p["mobile"] for p in first}) == 200
    assert all(p["mobile"].startswith("199") and len(p["mobile"]) == 11 for p in first)
    assert all(p["district"] in DISTRICTS and SUBTYPES[p["subtype"]][0] == p["youthType"] for p in first)
    assert all("REGISTRATION" in p["consents"] for p in first)
    again = People(date(2026, 11, 29))
    assert [again(i) for i in range(200)] == first  # a resumed run regenerates the same people, names included
    assert len({p["name"] for p in first}) > 150
    assert mobile(2_199_999) == "19912199999"


async def test_a_city_seed_resumes_after_its_checkpoint_and_a_rerun_registers_nobody_twice(registry, settings,
                                                                                         tmp_path):
    transport = httpx.ASGITransport(app=registry.app)
    mark = tmp_path / "seed.json"
    before = await registered(registry)

    first = await seed_city(settings, count=25, concurrency=2, chunk=10, batch=4, checkpoint=mark, transport=transport)
    assert (first.written, first.created, first.existing) == (25, 25, 0)
    assert Checkpoint(mark).load() == 25

    resumed = await seed_city(settings, count=40, concurrency=2, chunk=10, batch=4, checkpoint=mark, transport=transport)
    assert (resumed.created, resumed.existing) == (15, 0)  # started at 25, not at 0

    mark.unlink()  # the checkpoint lost: everyone is written again, and the blind index refuses them all
    rerun = await seed_city(settings, count=40, concurrency=2, chunk=10, batch=4, checkpoint=mark, transport=transport)
    assert (rerun.created, rerun.existing) == (0, 40)
    assert await registered(registry) - before == 40
