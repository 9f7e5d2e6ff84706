"""The dashboard's kept counters (issue 21) stay equal to a recount from the rows: the cross-service coverage
of riders and couriers under both interleavings of its two projections' transactions, a mixed workload
applied by three projections concurrently (batches of every size, redelivery, erasure), and a rebuild of
either side of the coverage. Real PostgreSQL, the gateway's real migrations and projections."""
from __future__ import annotations

import asyncio
import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest

from chassis import db
from chassis.envelope import Envelope
from chassis.projection import SET_BASED_FROM, claim_batch, reset_projection
from gateway.projections.branches import BranchesProjection
from gateway.projections.stations import StationsProjection
from gateway.projections.youth import YouthProjection
from gateway.tables import recount

MIGRATIONS = Path(__file__).resolve().parents[2] / "gateway" / "migrations"
SUBTYPES = ("DELIVERY_RIDER", "COURIER", "STREAMER", "DESIGNER")
DISTRICTS = ("110101", "110105", "110108")


@pytest.fixture(scope="module")
async def pool(settings):
    dsn = settings.database_url(settings.database("kept_figures"))
    await db.wait_for_database(dsn, create=True)
    pool = await db.create_pool(dsn, max_size=6)
    await db.migrate(pool, MIGRATIONS)
    yield pool
    await pool.close()


class Events:
    """Events of many streams, each stream's versions counted, in the order made."""

    def __init__(self) -> None:
        self.events: list[Envelope] = []
        self.versions: dict[str, int] = {}

    def __call__(self, type_: str, stream: str, **data) -> Envelope:
        self.versions[stream] = self.versions.get(stream, 0) + 1
        e = Envelope(id=uuid.uuid4(), type=type_, source="/xinqing/test", subject=stream,
                     stream_version=self.versions[stream], time=datetime.now(UTC), data=data)
        self.events.append(e)
        return e

    def registered(self, youth_id: str, district: str, subtype: str) -> Envelope:
        return self("xq.registry.youth.registered.v1", f"youth-{youth_id}", youth_id=youth_id, district=district,
                    youth_type="NEW_BUSINESS", subtype=subtype, is_minor=False, age_band="23-28",
                    registered_on="2026-11-02", consents=["REGISTRATION"], league_age=True)

    def youth(self, kind: str, youth_id: str, **data) -> Envelope:
        return self(f"xq.registry.youth.{kind}.v1", f"youth-{youth_id}", youth_id=youth_id, **data)

    def membership(self, kind: str, youth_id: str, **data) -> Envelope:
        return self(f"xq.branches.membership.{kind}.v1", f"membership-{youth_id}", youth_id=youth_id, **data)

    def joined(self, youth_id: str, branch: str = "b1", district: str = "110105", on: str = "2026-11-03") -> Envelope:
        return self.membership("joined-with-invitation", youth_id, branch_id=branch, district=district, joined_on=on)


async def apply(conn, projection, events: list[Envelope]) -> None:
    """As the runner does: claims first (a redelivered event is skipped), then set-based or one by one."""
    verdicts = await claim_batch(conn, projection.name, events)
    claimed = [e for e, ok in zip(events, verdicts, strict=True) if ok]
    if len(claimed) >= SET_BASED_FROM and hasattr(projection, "apply_batch"):
        await projection.apply_batch(conn, claimed)
    else:
        for e in claimed:
            await projection.apply(conn, e)


async def in_branch(pool, district: str) -> int:
    return await pool.fetchval("SELECT coalesce(sum(n), 0)::int FROM cv_in_branch WHERE district = $1", district)


async def first_then_second(pool, first, first_events, second, second_events) -> bool:
    """`first` applies its events and holds its transaction open while `second` applies its own in another;
    then `first` commits, then `second`. -> whether `second` was kept waiting (the per-youth lock)."""
    async with pool.acquire() as a, pool.acquire() as b:
        tx_a = a.transaction()
        await tx_a.start()
        await apply(a, first, first_events)

        async def other() -> None:
            async with b.transaction():
                await apply(b, second, second_events)
        task = asyncio.ensure_future(other())
        await asyncio.sleep(0.5)
        waited = not task.done()
        await tx_a.commit()
        await task
    return waited


@pytest.mark.parametrize("youth_first", [True, False], ids=["youth-first", "branches-first"])
async def test_a_rider_who_joins_is_counted_once_whichever_projection_commits_first(pool, settings, youth_first):
    youth, branches = YouthProjection(settings), BranchesProjection(settings)
    district = "110106" if youth_first else "110107"  # a district of each test's own
    e, rider = Events(), str(uuid.uuid4())
    registered, joined = [e.registered(rider, district, "DELIVERY_RIDER")], [e.joined(rider)]
    if youth_first:
        waited = await first_then_second(pool, youth, registered, branches, joined)
    else:
        waited = await first_then_second(pool, branches, joined, youth, registered)
    assert await in_branch(pool, district) == 1
    assert await recount.differences(pool) == {}
    assert waited  # the second side read the first's row only after its commit

    # and back out, the two sides again concurrently: she leaves the branch and withdraws her consent
    deactivated = [e.youth("deactivated", rider, reason="REGISTRATION consent withdrawn")]
    ended = [e.membership("ended", rider, ended_on="2026-11-04")]
    if youth_first:
        await first_then_second(pool, youth, deactivated, branches, ended)
    else:
        await first_then_second(pool, branches, ended, youth, deactivated)
    assert await in_branch(pool, district) == 0
    assert await recount.differences(pool) == {}


def mixed_workload(rng: random.Random) -> tuple[list[Envelope], list[Envelope], list[Envelope]]:
    """Youth, membership and stations events about the same people, each stream in order."""
    e = Events()
    youth_events: list[Envelope] = []
    member_events: list[Envelope] = []
    station_events: list[Envelope] = []
    people = [str(uuid.uuid4()) for _ in range(60)]
    for i, y in enumerate(people):
        youth_events.append(e.registered(y, rng.choice(DISTRICTS), rng.choice(SUBTYPES)))
        if i % 3:
            member_events.append(e.membership("applied", y, branch_id="b2", district="110108", applied_on="2026-11-01"))
            if i % 5:  # the others stay pending
                member_events.append(e.membership("approved", y, branch_id="b2", district="110108",
                                                  joined_on="2026-11-02")
                                     if i % 2 else e.membership("rejected", y, rejected_on="2026-11-02"))
        if i % 4 == 0:
            member_events.append(e.joined(y, on=f"2026-11-{1 + i % 9:02d}"))
    for y in rng.sample(people, 40):
        kind = rng.choice(("district", "subtype", "deactivate", "erase", "end", "transfer"))
        if kind == "district":
            youth_events.append(e.youth("profile-updated", y, changed=["district"], district=rng.choice(DISTRICTS)))
        elif kind == "subtype":
            youth_events.append(e.youth("profile-updated", y, changed=["subtype"], subtype=rng.choice(SUBTYPES)))
        elif kind == "deactivate":
            youth_events.append(e.youth("deactivated", y, reason="REGISTRATION consent withdrawn"))
            if rng.random() < 0.5:
                youth_events.append(e.youth("consent-given", y, purpose="REGISTRATION", notice_version="v1",
                                            channel="APP", given_on="2026-11-05"))
        elif kind == "erase":
            youth_events.append(e.youth("erased", y, erased_on="2026-11-06"))
        elif kind == "end":
            member_events.append(e.membership("ended", y, ended_on="2026-11-07"))
        else:
            t = str(uuid.uuid4())
            member_events.append(e.membership("transfer-requested", y, transfer_id=t, from_branch_id="b1",
                                              from_district="110105", to_branch_id="b3", to_district="110101",
                                              initiated_by="MEMBER", requested_on="2026-11-05", expires_on="2026-12-05"))
            outcome = rng.choice(("approved", "rejected", "expired", "pending", "ended"))
            if outcome == "approved":
                member_events.append(e.membership("transfer-approved", y, transfer_id=t, to_branch_id="b3",
                                                  to_district="110101", approved_on="2026-11-08"))
            elif outcome in ("rejected", "expired"):
                member_events.append(e.membership(f"transfer-{outcome}", y, transfer_id=t,
                                                  **{f"{outcome}_on": "2026-11-08"}))
            elif outcome == "ended":  # leaving cancels the pending transfer
                member_events.append(e.membership("ended", y, ended_on="2026-11-08"))
    for n, y in enumerate(people[:24]):  # enrolments: some projected before their programme, exams, scholarships
        p = f"p{n % 3}"
        station_events.append(e("xq.stations.programme.enrolled.v1", f"enrolment-{p}-{y}", programme_id=p,
                                youth_id=y, district=DISTRICTS[n % 3], enrolled_on="2026-11-02"))
        if n == 4:
            for k in range(3):
                station_events.append(e("xq.stations.programme.created.v1", f"programme-p{k}", programme_id=f"p{k}",
                                        name="技能培训", kind="SKILLS", district=DISTRICTS[k], starts_on="2026-11-10"))
        if n % 2:
            station_events.append(e("xq.stations.programme.exam-result-recorded.v1", f"enrolment-{p}-{y}",
                                    programme_id=p, youth_id=y, result=("PASSED", "FAILED")[n % 4 == 1]))
        if n % 3 == 0:
            station_events.append(e("xq.stations.programme.scholarship-paid.v1", f"enrolment-{p}-{y}",
                                    programme_id=p, youth_id=y, amount="500.50", paid_on="2026-12-01"))
    start = datetime(2026, 10, 30, 15, 30, tzinfo=UTC)  # around a Beijing midnight and a month's end
    for n in range(40):
        station_events.append(e("xq.stations.service.delivered.v1", f"visits-s{n % 3}", station_id=f"s{n % 3}",
                                service_type=rng.choice(("REST", "LEGAL")), district=DISTRICTS[n % 3],
                                delivered_on=f"2026-{10 + n % 2}-{1 + n % 28:02d}", station_kind="RIDER_REFUEL",
                                registered=rng.random() < 0.5))
        a, at = f"a{n}-{uuid.uuid4().hex[:6]}", start + timedelta(hours=n)
        station_events.append(e("xq.stations.appeal.imported.v1", f"appeal-{a}", appeal_id=a, service_request_id=a,
                                service_name="x", tier="GENERAL", district=DISTRICTS[n % 3],
                                received_at=at.isoformat(), contact_due=(at + timedelta(days=1)).isoformat(),
                                resolve_due=(at + timedelta(days=7)).isoformat()))
        if n % 5 == 0:
            continue
        station_events.append(e("xq.stations.appeal.dispatched.v1", f"appeal-{a}", appeal_id=a, unit=f"u{n % 2}",
                                dispatched_at=at.isoformat(), month=f"2026-{10 + n % 2}"))
        if n % 7 == 0:
            station_events.append(e("xq.stations.appeal.contact-overdue.v1", f"appeal-{a}", appeal_id=a))
        if n % 3:
            station_events.append(e("xq.stations.appeal.contacted.v1", f"appeal-{a}", appeal_id=a, in_time=n % 2 == 0))
            station_events.append(e("xq.stations.appeal.resolved.v1", f"appeal-{a}", appeal_id=a, in_time=n % 4 == 1))
            station_events.append(e("xq.stations.appeal.rated.v1", f"appeal-{a}", appeal_id=a,
                                    satisfaction=("SATISFIED", "UNSATISFIED", "BASICALLY_SATISFIED")[n % 3]))
    return youth_events, member_events, station_events


async def committed(pool, projection, batch: list[Envelope]) -> None:
    """One batch in one transaction; a deadlock between the two sides' per-youth locks rolls it back and it
    is applied again, as the projection runner does with any failed batch."""
    while True:
        try:
            async with pool.acquire() as conn, conn.transaction():
                await apply(conn, projection, batch)
            return
        except asyncpg.DeadlockDetectedError:
            continue


async def run(pool, projection, events: list[Envelope], rng: random.Random) -> None:
    """In batches of random sizes (1 to 20: one by one and set-based), a few batches delivered twice."""
    start = 0
    while start < len(events):
        size = rng.randint(1, 20)
        batch = events[start:start + size]
        await committed(pool, projection, batch)
        if rng.random() < 0.2:  # redelivered: the claims skip every event
            await committed(pool, projection, batch)
        start += size
        await asyncio.sleep(0)


async def test_the_kept_figures_equal_a_recount_after_a_concurrent_mixed_workload_and_a_rebuild(pool, settings):
    rng = random.Random(21)
    youth_events, member_events, station_events = mixed_workload(rng)
    youth, branches, stations = YouthProjection(settings), BranchesProjection(settings), StationsProjection(settings)
    await asyncio.gather(run(pool, youth, youth_events, rng), run(pool, branches, member_events, rng),
                         run(pool, stations, station_events, rng))
    assert await recount.differences(pool) == {}
    # not vacuous: every kept figure has something in it
    for k in recount.KEPT:
        assert await pool.fetchval(f"SELECT count(*) FROM ({k.recount}) r") > 0, k.table

    # a rebuild of either side of the coverage empties the shared counter and counts again against the other
    for projection, events in ((youth, youth_events), (branches, member_events)):
        await reset_projection(pool, projection)
        await run(pool, projection, events, rng)
        assert await recount.differences(pool) == {}, projection.name
