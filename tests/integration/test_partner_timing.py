"""Issue 15: two agencies cannot line up their pseudonyms by the timing or the order of their topics.

Thirty people who share with both HRSS and JUSTICE are registered in one burst (one of them then erased), on
the real broker, through the real partner publisher. On each agency's topic (one partition, so the offset order
is the order an agency reads), the people come in an order drawn for that agency alone, and `ce_time` says the
minute (an erasure: the day), never the instant.

The burst is held whole before the first release: the releases are an hour apart, and once every message is
held, the test makes both agencies' releases due. With releases a second apart, a loaded machine projected the
burst across two releases, and people held by the same release for both agencies line up by that alone
(rank correlation 0.65 in one CI run): what the test measures is the order within a release. The schedules'
independence is services/partners/release.py's `next_release`, tested in tests/unit."""
from __future__ import annotations

import asyncio
import secrets
from datetime import date, datetime, time

import pytest

from chassis.clock import BEIJING
from chassis.keys import partner_key
from contracts.partners import PartnerYouthMessages as Msg
from services.partners import domain as d
from services.partners.app import create_app as create_partners
from tests.integration import registry_contract as rc
from tests.support import raw_records, running, service_db

PEOPLE = 30
PERSONAL = {"name": "王小明", "mobile": "+8613800138000", "id_number": "11010520010304002X"}


@pytest.fixture(scope="module")
def settings(settings):
    return settings.model_copy(update={"kafka_partitions": 1, "partners_release_seconds": 3600.0,
                                       "partners_release_jitter_seconds": 1.0})


async def release_when_all_held(settings, held: int, timeout: float = 60) -> None:
    """Wait until `held` messages wait in partner_pending, then make every agency's release due now."""
    async with service_db(settings, "partners") as conn:
        deadline = asyncio.get_running_loop().time() + timeout
        while (waiting := await conn.fetchval("SELECT count(*) FROM partner_pending")) < held:
            assert asyncio.get_running_loop().time() < deadline, f"{waiting} of {held} messages held"
            await asyncio.sleep(0.2)
        await conn.execute("INSERT INTO partner_release (agency, next_at) SELECT DISTINCT agency, now() "
                           "FROM partner_pending ON CONFLICT (agency) DO UPDATE SET next_at = now()")


@pytest.fixture(scope="module")
async def registry_pool(settings):
    async with rc.registry_database(settings) as pool:
        yield pool


def rank_correlation(a: list[str], b: list[str]) -> float:
    """Spearman's rho of the positions of the same people in two orders (1: the same order)."""
    n = len(a)
    where = {x: i for i, x in enumerate(b)}
    return 1 - 6 * sum((i - where[x]) ** 2 for i, x in enumerate(a)) / (n * (n * n - 1))


async def test_two_agencies_topics_do_not_line_people_up(settings, registry_pool):
    ids = [f"0c1e5a00-1111-4222-8333-{secrets.token_hex(6)}" for _ in range(PEOPLE)]
    async with running(create_partners(settings)):
        store = rc.store(settings)
        async with registry_pool.acquire() as conn, conn.transaction():
            for youth_id in ids:  # one burst, in this order
                await store.append(conn, f"youth-{youth_id}", 0, [rc.Registered(
                    youth_id, "110105", "NEW_BUSINESS", "DELIVERY_RIDER", False, "23-28", "2026-11-01",
                    ["REGISTRATION", "SHARE_WITH_AGENCY:HRSS", "SHARE_WITH_AGENCY:JUSTICE"], True, **PERSONAL)])
            await store.append(conn, f"youth-{ids[0]}", 1, [rc.YouthErased(ids[0], date(2026, 11, 28))])
        await release_when_all_held(settings, 2 * (PEOPLE + 1))
        topics = {a: await raw_records(settings, settings.topic(f"partner.{a}.youth"),
                                       expect=PEOPLE + 1, timeout=60) for a in ("hrss", "justice")}
    pseudonyms = d.Pseudonymiser(partner_key(settings))
    orders = {}
    for agency, records in topics.items():
        assert len(records) == PEOPLE + 1, agency
        person = {pseudonyms.subject(agency.upper(), y): y for y in ids}
        headers = [dict(r.headers) for r in records]
        registered = [h for h in headers if h["ce_type"] == Msg.REGISTERED.encode()]
        orders[agency] = [person[h["ce_subject"].decode()] for h in registered]
        assert sorted(orders[agency]) == sorted(ids)
        for h in headers:
            at = datetime.fromisoformat(h["ce_time"].decode())
            if h["ce_type"] == Msg.ERASED.encode():
                assert at == datetime.combine(at.astimezone(BEIJING).date(), time(), BEIJING), at  # the day
            else:
                assert (at.second, at.microsecond) == (0, 0), at  # the minute
        # Each person's own messages stay in order: registered before erased.
        subject = pseudonyms.subject(agency.upper(), ids[0])
        assert [h["ce_type"] for h in headers if h["ce_subject"].decode() == subject] == [
            Msg.REGISTERED.encode(), Msg.ERASED.encode()]
    # Neither agency reads the people in the order they were registered, nor in the other's order.
    for order in orders.values():
        assert abs(rank_correlation(order, ids)) < 0.6, order
    assert abs(rank_correlation(orders["hrss"], orders["justice"])) < 0.6
