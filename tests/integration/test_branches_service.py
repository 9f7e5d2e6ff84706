"""The branches service on real PostgreSQL and Kafka: membership lifecycles across streams, the
service's own view of registry events, and its scheduled processes."""
from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest

from chassis.clock import Clock
from chassis.db import create_pool
from services.branches import jobs
from services.registry import jobs as registry_jobs
from tests.integration.registry_feed import RegistryFeed
from tests.registry_support import person
from tests.registry_support import published as registry_published
from tests.support import CHAOYANG, HAIDIAN, bearer, eventually, read_topic

ADULT = date(2000, 6, 1)  # 26 today: inside league age


@pytest.fixture(scope="module")
async def feed(settings):
    async with RegistryFeed(settings) as f:
        yield f


@pytest.fixture(scope="module")
async def db(settings, branches):
    pool = await create_pool(settings.database_url(settings.database("branches")), max_size=2)
    yield pool
    await pool.close()


def rt(branches):
    return branches.app.state.runtime


async def post(client, path, body, token, expect=None):
    response = await client.post(path, json=body, headers=bearer(token))
    if expect is not None:
        assert response.status_code == expect, response.text
    return response


async def found(branches, token, kind="MOBILE", district=CHAOYANG, name="朝阳骑手流动团支部") -> str:
    r = await post(branches, "/branches", {"name": name, "kind": kind, "district": district},
                   token("branch_secretary", district), 201)
    return r.json()["id"]


async def member(branches, token, feed, branch_id, district=CHAOYANG, birth=ADULT) -> str:
    youth = await feed.register(birth=birth, district=district)
    await post(branches, f"/memberships/{youth}/apply", {"branchId": branch_id}, token("admin"), 201)
    await post(branches, f"/memberships/{youth}/approve", {"branchId": branch_id}, token("admin"), 200)
    return youth


async def events_of(db, stream: str) -> list[tuple[str, dict]]:
    rows = await db.fetch("SELECT event_type, data FROM events WHERE stream_id = $1 ORDER BY version", stream)
    return [(r["event_type"], r["data"]) for r in rows]


async def transfer_started(branches, token, feed, kind: str, name: str, *, initiated_by: str):
    """A member of a new Chaoyang branch, and its transfer to a new Haidian branch started by the secretary
    of the side that initiates it (FROM: Chaoyang, TO: Haidian)."""
    b1 = await found(branches, token)
    b2 = await found(branches, token, kind=kind, district=HAIDIAN, name=name)
    youth = await member(branches, token, feed, b1)
    initiator = token("branch_secretary", CHAOYANG if initiated_by == "FROM" else HAIDIAN)
    started = await post(branches, f"/memberships/{youth}/transfer", {"toBranchId": b2, "initiatedBy": initiated_by},
                         initiator, 201)
    return b1, b2, youth, started


async def until_membership_ended(db, youth: str) -> None:
    async def ended():
        return await db.fetchval("SELECT status FROM roster WHERE youth_id = $1", youth) == "NONE"
    await eventually(ended)


async def test_two_concurrent_approvals_of_the_same_application_exactly_one_succeeds(branches, feed, db, token):
    branch = await found(branches, token)
    youth = await feed.register(birth=ADULT)
    # registered a moment ago: the view of registry events catches up while the command waits
    await post(branches, f"/memberships/{youth}/apply", {"branchId": branch}, token("branch_secretary", CHAOYANG), 201)
    answers = await asyncio.gather(*[
        post(branches, f"/memberships/{youth}/approve", {"branchId": branch}, token("branch_secretary", CHAOYANG))
        for _ in range(2)])
    assert sorted(a.status_code for a in answers) == [200, 409]
    loser = next(a for a in answers if a.status_code == 409).json()
    assert loser["code"] in ("CONFLICT", "RULE_VIOLATED")
    types = [t for t, _ in await events_of(db, f"membership-{youth}")]
    assert types == ["xq.branches.membership.applied.v1", "xq.branches.membership.approved.v1"]
    # one branch at a time: joining another branch is refused with the rule
    other = await found(branches, token, name="另一支部")
    again = await post(branches, f"/memberships/{youth}/apply", {"branchId": other}, token("admin"), 409)
    assert again.json()["rule"] == "already_member"


async def test_a_youth_unknown_to_the_view_is_told_to_retry(branches, token):
    runtime = rt(branches)
    original = runtime.settings
    runtime.settings = original.model_copy(update={"consistency_wait_seconds": 0.5})
    try:
        branch = await found(branches, token, name="等待支部")
        r = await post(branches, "/memberships/7b1c5a1e-1111-4222-8333-944455556666/apply", {"branchId": branch},
                       token("admin"), 503)
    finally:
        runtime.settings = original
    assert r.headers["retry-after"] and "重试" in r.json()["message"]


async def test_an_invitation_code_admits_riders_until_it_expires_or_is_used_up(branches, feed, db, token):
    branch = await found(branches, token)
    secretary = token("branch_secretary", CHAOYANG)
    issued = (await post(branches, f"/branches/{branch}/invitations", {"validHours": 1, "maxUses": 2}, secretary,
                         201)).json()
    code = issued["code"]
    assert len(code) == 6
    riders = [await feed.register(birth=ADULT) for _ in range(3)]
    # two riders race for the code; both get in (the loser of the branch-stream race retries)
    joined = await asyncio.gather(*[post(branches, f"/memberships/{y}/join", {"code": code.lower()}, secretary)
                                    for y in riders[:2]])
    assert [j.status_code for j in joined] == [201, 201], [j.text for j in joined]
    used_up = await post(branches, f"/memberships/{riders[2]}/join", {"code": code}, secretary, 409)
    assert used_up.json()["rule"] == "invitation_used_up"

    fresh = (await post(branches, f"/branches/{branch}/invitations", {"validHours": 1, "maxUses": 10}, secretary,
                        201)).json()["code"]
    runtime = rt(branches)
    runtime.deps.clock = Clock.shifted(timedelta(hours=1, seconds=1))
    try:
        expired = await post(branches, f"/memberships/{riders[2]}/join", {"code": fresh}, secretary, 409)
        assert expired.json()["rule"] == "invitation_expired"
        assert "过期" in expired.json()["message"]
        # the scheduled process closes it with an event on the branch stream
        assert await jobs.expire_invitations(runtime.pool, runtime.deps.stores, runtime.deps.clock.now()) == 1
    finally:
        runtime.deps.clock = Clock()
    types = [t for t, _ in await events_of(db, f"branch-{branch}")]
    assert types.count("xq.branches.branch.invitation-redeemed.v1") == 2
    assert types[-1] == "xq.branches.branch.invitation-expired.v1"
    assert await db.fetchval("SELECT count(*) FROM roster WHERE youth_id = $1 AND status = 'NONE'", riders[2]) == 0
    unknown = await post(branches, f"/memberships/{riders[2]}/join", {"code": "ZZZZZZ"}, secretary, 409)
    assert unknown.json()["rule"] == "invitation_unknown"


async def test_a_transfer_unanswered_for_three_months_expires_and_is_refused(branches, feed, db, token):
    b1, b2, youth, started = await transfer_started(branches, token, feed, "ENTERPRISE", "海淀快递企业团支部",
                                                    initiated_by="TO")
    assert started.json()["version"] == 3
    transfer_id = started.json()["id"]
    # the sending district cannot answer for the receiving branch
    forbidden = await post(branches, f"/memberships/{youth}/transfer/approve", {"transferId": transfer_id},
                           token("branch_secretary", CHAOYANG), 403)
    assert forbidden.json()["code"] == "FORBIDDEN"
    runtime = rt(branches)
    later = datetime.now(UTC) + timedelta(days=100)
    runtime.deps.clock = Clock.fixed(later)
    try:
        late = await post(branches, f"/memberships/{youth}/transfer/approve", {"transferId": transfer_id},
                          token("branch_secretary", HAIDIAN), 409)
        assert late.json()["rule"] == "transfer_expired"
    finally:
        runtime.deps.clock = Clock()
    assert await jobs.expire_transfers(runtime.pool, runtime.deps.stores, later.date()) == 1
    after = await post(branches, f"/memberships/{youth}/transfer/approve", {"transferId": transfer_id},
                       token("branch_secretary", HAIDIAN), 409)
    assert after.json()["rule"] == "no_pending_transfer"
    assert (await events_of(db, f"membership-{youth}"))[-1][0] == "xq.branches.membership.transfer-expired.v1"
    assert await db.fetchval("SELECT branch_id FROM roster WHERE youth_id = $1", youth) == b1


async def test_an_approved_transfer_moves_the_member(branches, feed, db, token):
    b1, b2, youth, started = await transfer_started(branches, token, feed, "COMMUNITY", "海淀社区团支部",
                                                    initiated_by="FROM")
    transfer_id = started.json()["id"]
    await post(branches, f"/memberships/{youth}/transfer/approve", {"transferId": transfer_id},
               token("branch_secretary", HAIDIAN), 200)
    assert await db.fetchval("SELECT branch_id FROM roster WHERE youth_id = $1", youth) == b2


async def test_erasure_of_a_youth_ends_the_membership_and_keeps_nothing_personal(branches, feed, db, token, settings):
    branch = await found(branches, token)
    youth = await member(branches, token, feed, branch)
    await feed.erase(youth)

    await until_membership_ended(db, youth)
    last_type, last = (await events_of(db, f"membership-{youth}"))[-1]
    assert last_type == "xq.branches.membership.ended.v1" and last["reason"] == "ERASED"
    facts = await db.fetchrow("SELECT * FROM youth_facts WHERE youth_id = $1", youth)
    assert facts["status"] == "ERASED" and facts["league_age"] is None and facts["district"] is None
    published = await read_topic(settings, settings.topic("xq.branches.membership"), expect=1)
    assert any(e.subject == f"membership-{youth}" and e.data.get("reason") == "ERASED" for e in published)
    # an erased person cannot join again
    refused = await post(branches, f"/memberships/{youth}/apply", {"branchId": branch}, token("admin"), 409)
    assert refused.json()["rule"] == "youth_inactive"


async def test_the_registry_records_the_end_of_league_age_once_and_the_member_retires(branches, registry, db, token,
                                                                                      settings):
    """The registry's monthly sweep publishes `league-age-ended.v1` (no date of the person's), exactly once;
    the branches view reacts by ending the membership with OVER_AGE."""
    branch = await found(branches, token)
    today = Clock().today()
    turning_29 = date(today.year - 29, today.month, 1) + timedelta(days=40)  # 29th birthday in ~5-6 weeks
    op = bearer(token("registry_operator"))
    old = (await registry.post("/youth", json=person(birthDate=turning_29.isoformat()), headers=op)).json()["id"]
    young = (await registry.post("/youth", json=person(), headers=op)).json()["id"]
    for youth in (old, young):
        await post(branches, f"/memberships/{youth}/apply", {"branchId": branch}, token("admin"), 201)
        await post(branches, f"/memberships/{youth}/approve", {"branchId": branch}, token("admin"), 200)
    facts = await db.fetchrow("SELECT * FROM youth_facts WHERE youth_id = $1", old)
    assert facts["league_age"] is True and facts["league_age_ended"] is False
    assert "league_age_until" not in dict(facts) and "league_age_from" not in dict(facts)

    runtime = registry.app.state.runtime
    store, vault = runtime.deps.store, runtime.deps.vault
    assert await registry_jobs.end_league_age(runtime.pool, store, vault, today) == 0  # still within league age
    later = today + timedelta(days=100)  # a month after the league age ended
    runtime.deps.clock = Clock.fixed(datetime(later.year, later.month, later.day, 4, tzinfo=UTC))
    try:  # through the scheduler's wiring, with the injected clock; twice: the second run records nothing
        job = next(j for j in runtime.scheduler.jobs if j.name == "end_league_age")
        assert await runtime.scheduler.run_once(job) and await runtime.scheduler.run_once(job)
    finally:
        runtime.deps.clock = Clock()
    assert await registry_jobs.end_league_age(runtime.pool, store, vault, later) == 0
    async with runtime.pool.acquire() as conn:
        ended = await conn.fetch("SELECT stream_id, data FROM events WHERE event_type = $1",
                                 "xq.registry.youth.league-age-ended.v1")
    assert [(r["stream_id"], r["data"]) for r in ended] == [
        (f"youth-{old}", {"youth_id": old, "ended_on": later.isoformat()})]
    published = await registry_published(settings, f"youth-{old}", 2)
    assert published.type == "xq.registry.youth.league-age-ended.v1" and published.data["ended_on"] == later.isoformat()

    await until_membership_ended(db, old)
    last_type, last = (await events_of(db, f"membership-{old}"))[-1]
    assert last_type == "xq.branches.membership.ended.v1" and last["reason"] == "OVER_AGE"
    assert [t for t, _ in await events_of(db, f"membership-{old}")].count("xq.branches.membership.ended.v1") == 1
    assert await db.fetchval("SELECT status FROM roster WHERE youth_id = $1", young) == "MEMBER"
    # and they cannot join again
    refused = await post(branches, f"/memberships/{old}/apply", {"branchId": branch}, token("admin"), 409)
    assert refused.json()["rule"] == "over_league_age"


async def test_a_bulk_imported_person_reaches_the_end_of_league_age_too(branches, registry, db, token, settings):
    """Issue 14: the bulk path wrote the index row without the league-age end, so the sweep never chose
    bulk-imported people. Both paths share one row writer now."""
    branch = await found(branches, token)
    today = Clock().today()
    turning_29 = date(today.year - 29, today.month, 1) + timedelta(days=40)  # 29th birthday in ~5-6 weeks
    op = bearer(token("registry_operator"))
    batch = await registry.post("/youth:batch", headers=op, json={
        "rows": [{"line": 2, "data": person(birthDate=turning_29.isoformat())}]})
    [row] = batch.json()["results"]
    assert row["status"] == "CREATED", batch.text
    imported = row["id"]
    await post(branches, f"/memberships/{imported}/apply", {"branchId": branch}, token("admin"), 201)
    await post(branches, f"/memberships/{imported}/approve", {"branchId": branch}, token("admin"), 200)

    runtime = registry.app.state.runtime
    later = today + timedelta(days=100)  # the league age ended a month or two before
    runtime.deps.clock = Clock.fixed(datetime(later.year, later.month, later.day, 4, tzinfo=UTC))
    try:
        job = next(j for j in runtime.scheduler.jobs if j.name == "end_league_age")
        assert await runtime.scheduler.run_once(job)
    finally:
        runtime.deps.clock = Clock()
    async with runtime.pool.acquire() as conn:
        ended = await conn.fetch("SELECT data FROM events WHERE stream_id = $1 AND event_type = $2",
                                 f"youth-{imported}", "xq.registry.youth.league-age-ended.v1")
    assert [r["data"] for r in ended] == [{"youth_id": imported, "ended_on": later.isoformat()}]
    published = await registry_published(settings, f"youth-{imported}", 2)
    assert published.type == "xq.registry.youth.league-age-ended.v1"

    await until_membership_ended(db, imported)
    last_type, last = (await events_of(db, f"membership-{imported}"))[-1]
    assert last_type == "xq.branches.membership.ended.v1" and last["reason"] == "OVER_AGE"


async def test_a_branch_is_dissolved_only_after_its_members_left(branches, feed, db, token):
    branch = await found(branches, token, kind="PARK", name="751 园区团支部")
    youth = await member(branches, token, feed, branch)
    refused = await post(branches, f"/branches/{branch}/dissolve", {}, token("branch_secretary", CHAOYANG), 409)
    assert refused.json()["rule"] == "members_remain" and refused.json()["open_memberships"] == 1
    await post(branches, f"/memberships/{youth}/leave", {"reason": "MOVED"}, token("admin"), 200)
    await post(branches, f"/branches/{branch}/dissolve", {}, token("branch_secretary", CHAOYANG), 200)
    gone = await post(branches, f"/memberships/{youth}/apply", {"branchId": branch}, token("admin"), 409)
    assert gone.json()["rule"] == "branch_inactive"


async def test_bad_input_and_wrong_district_store_nothing(branches, db, token):
    before = await db.fetchval("SELECT count(*) FROM events")
    blank = await post(branches, "/branches", {"name": "", "kind": "MOBILE", "district": CHAOYANG}, token("admin"), 422)
    assert [(e["field"], e["rule"]) for e in blank.json()["errors"]] == [("name", "blank")]  # the chassis text rule
    bad = await post(branches, "/branches", {"name": "x", "kind": "CLUB", "district": "310101"}, token("admin"), 422)
    assert {e["field"] for e in bad.json()["errors"]} == {"kind", "district"}
    elsewhere = await post(branches, "/branches", {"name": "海淀支部", "kind": "MOBILE", "district": HAIDIAN},
                           token("branch_secretary", CHAOYANG), 403)
    assert elsewhere.json()["code"] == "FORBIDDEN"
    viewer = await post(branches, "/organisations", {"name": "某园区", "kind": "PARK", "district": CHAOYANG},
                        token("department_viewer"), 403)
    assert viewer.json()["code"] == "FORBIDDEN"
    progress = await post(branches, "/measures/M09/progress", {"percent": 120}, token("admin"), 422)
    assert progress.json()["errors"][0]["field"] == "percent"
    assert await db.fetchval("SELECT count(*) FROM events") == before


async def test_the_22_measures_are_defined_once_and_published(branches, db, settings):
    assert await db.fetchval("SELECT count(*) FROM events WHERE event_type = 'xq.branches.measure.defined.v1'") == 22
    published = await read_topic(settings, settings.topic("xq.branches.measure"), expect=22)
    assert len({e.subject for e in published if e.type == "xq.branches.measure.defined.v1"}) == 22


async def test_deactivation_ends_the_membership_and_a_bad_path_id_names_its_field(branches, feed, db, token):
    branch = await found(branches, token)
    youth = await member(branches, token, feed, branch)
    await feed.deactivate(youth)

    await until_membership_ended(db, youth)
    assert (await events_of(db, f"membership-{youth}"))[-1][1]["reason"] == "DEACTIVATED"
    bad = await post(branches, "/memberships/not-a-uuid/apply", {"branchId": branch}, token("admin"), 422)
    assert bad.json()["errors"][0]["field"] == "youthId"
    unknown = await post(branches, "/measures/X1/progress", {"percent": 10}, token("admin"), 422)
    assert unknown.json()["errors"][0]["field"] == "measureId"
