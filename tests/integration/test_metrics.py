"""Metrics on the real broker: consumer lag and outbox backlog rise while a consumer or the relay is
paused and fall after; command and GraphQL latency and event counts are recorded; all at /metrics."""
from __future__ import annotations

import asyncio
import re
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from chassis.stall import STALL_SECONDS
from tests.support import bearer, eventually

ALERTS = Path(__file__).resolve().parents[2] / "deploy" / "k8s" / "base" / "alerts.yaml"
REGISTER = "mutation Register($input: RegisterYouthInput!) { registerYouth(input: $input) { id position } }"


def youth(mobile: str) -> dict:
    return {"name": "孙悟空", "gender": "MALE", "birthDate": "2000-05-05", "mobile": mobile, "district": "110101",
            "youthType": "ONLINE_CULTURE", "subtype": "STREAMER", "consents": ["REGISTRATION"]}


async def scrape(client) -> dict[str, list[tuple[dict, float]]]:
    response = await client.get("/metrics")
    assert response.status_code == 200
    samples: dict[str, list[tuple[dict, float]]] = {}
    for family in text_string_to_metric_families(response.text):
        for s in family.samples:
            samples.setdefault(s.name, []).append((s.labels, s.value))
    return samples


def total(samples, name: str, **labels) -> float:
    return sum(v for found, v in samples.get(name, []) if all(found.get(k) == w for k, w in labels.items()))


async def register_direct(registry, token, mobile: str) -> str:
    body = {**youth(mobile), "birthDate": "2000-05-05"}
    response = await registry.post("/youth", json=body, headers=bearer(token("registry_operator")))
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def test_consumer_lag_rises_while_the_projection_is_stopped_and_falls_after(gateway, registry, settings, token):
    runner = gateway.app.state.runtime.projections["gateway.youth"]
    group = settings.group("gateway.youth")
    await register_direct(registry, token, "13600000001")
    await eventually(lambda: _lag_is(gateway, group, lambda lag: lag == 0), timeout=60)

    await runner.stop()
    try:
        for i in range(5):
            await register_direct(registry, token, f"1360000001{i}")
        seen: list = []
        await eventually(lambda: _lag_is(gateway, group, lambda lag: lag >= 5, seen), timeout=60)
        partitions = [labels for labels, _ in seen[-1]["xq_consumer_lag"] if labels["group"] == group]
        assert len(partitions) == settings.kafka_partitions  # one series per partition
        assert all(p["topic"] == settings.topic("xq.registry.youth") for p in partitions)
    finally:
        runner.start()
    seen = []
    await eventually(lambda: _lag_is(gateway, group, lambda lag: lag == 0, seen), timeout=60)
    samples = seen[-1]
    assert total(samples, "xq_projection_position", projection="gateway.youth") >= 6
    age = total(samples, "xq_projection_event_age_seconds", projection="gateway.youth")
    assert 0 <= age < 600
    assert total(samples, "xq_projection_applied_total", projection="gateway.youth") >= 6


async def _lag_is(client, group: str, check, seen: list | None = None) -> bool:
    """The group's lag (summed over partitions) passes `check`; the scrape is kept in `seen`. A scrape
    without lag series (Kafka did not answer the sampler in time) does not pass."""
    samples = await scrape(client)
    if seen is not None:
        seen.append(samples)
    series = [v for labels, v in samples.get("xq_consumer_lag", []) if labels.get("group") == group]
    return bool(series) and check(sum(series))


async def test_outbox_backlog_rises_while_the_relay_is_paused_and_drains_after(registry, settings, token):
    relay = registry.app.state.runtime.relay
    before = await scrape(registry)
    appended_before = total(before, "xq_events_appended_total", event_type="xq.registry.youth.registered.v1")
    relay.paused = True
    try:
        for i in range(3):
            await register_direct(registry, token, f"1360000002{i}")
        samples = await scrape(registry)
        assert total(samples, "xq_outbox_backlog", service="registry") >= 3
        assert total(samples, "xq_outbox_oldest_age_seconds", service="registry") > 0
    finally:
        relay.paused = False
    await eventually(lambda: _backlog_is_zero(registry), timeout=60)
    samples = await scrape(registry)
    assert total(samples, "xq_events_appended_total", event_type="xq.registry.youth.registered.v1") \
        == appended_before + 3
    assert total(samples, "xq_events_published_total", service="registry") >= 3
    assert total(samples, "xq_kafka_up", service="registry") == 1
    assert total(samples, "xq_command_duration_seconds_count", service="registry", method="POST", route="/youth") >= 3
    assert_seconds_buckets(samples, "xq_command_duration_seconds_bucket")


def assert_seconds_buckets(samples, name: str) -> None:
    """Bucket bounds in seconds (not the SDK's default, meant for milliseconds, under which any p95 read
    about 4.9 s and the latency alerts fired on nothing)."""
    from chassis.metrics import SECONDS_BUCKETS

    bounds = {labels["le"] for labels, _ in samples[name]}
    assert bounds == {str(float(b)) for b in SECONDS_BUCKETS} | {"+Inf"}, sorted(bounds)


async def _backlog_is_zero(client) -> bool:
    samples = await scrape(client)
    return total(samples, "xq_outbox_backlog", service="registry") == 0


async def test_graphql_latency_per_operation_and_error_codes_are_counted(gateway, token):
    before = await scrape(gateway)
    ok = await gateway.post("/graphql", json={"query": REGISTER, "variables": {"input": youth("13600000031")}},
                            headers=bearer(token("registry_operator")))
    assert "errors" not in ok.json()
    bad = await gateway.post("/graphql", json={"query": REGISTER, "variables": {"input": youth("123")}},
                             headers=bearer(token("registry_operator")))
    assert bad.json()["errors"][0]["extensions"]["code"] == "VALIDATION"
    after = await scrape(gateway)
    name = "xq_graphql_duration_seconds_count"
    for outcome in ("ok", "error"):  # "Register" is no client's operation name: counted as `other`
        assert total(after, name, operation="other", type="mutation", outcome=outcome) \
            == total(before, name, operation="other", type="mutation", outcome=outcome) + 1
    assert total(after, "xq_command_duration_seconds_count", service="gateway") == 0  # GraphQL is not a command
    assert_seconds_buckets(after, "xq_graphql_duration_seconds_bucket")
    errors = "xq_errors_total"
    assert total(after, errors, component="graphql", kind="VALIDATION") \
        == total(before, errors, component="graphql", kind="VALIDATION") + 1


async def test_health_says_what_it_checked(gateway, registry):
    for client in (gateway, registry):
        assert (await client.get("/health/live")).json() == {"status": "ok"}
        ready = await client.get("/health/ready")
        assert ready.status_code == 200
        assert ready.json() == {"status": "ok", "checks": {"database": "ok", "kafka": "ok"}}


async def test_operation_names_outside_the_allow_list_do_not_grow_metrics(gateway, token):
    """1,000 made-up operation names add no series: they are all `other`; a known name keeps its own."""
    headers = bearer(token("department_viewer"))
    await gateway.post("/graphql", json={"query": "query Dashboard { __typename }"}, headers=headers)
    await gateway.post("/graphql", json={"query": "query Warmup { __typename }"}, headers=headers)
    def graphql_series(samples) -> set:
        return {tuple(sorted(labels.items())) for name, found in samples.items() if name.startswith("xq_graphql")
                for labels, _ in found}

    before = graphql_series(await scrape(gateway))
    for i in range(1000):
        answer = await gateway.post("/graphql", json={"query": f"query Probe{i}WangXiaoming {{ __typename }}"}, headers=headers)
        assert answer.status_code == 200
    text = (await gateway.get("/metrics")).text
    assert "Probe" not in text and "WangXiaoming" not in text
    after = graphql_series(await scrape(gateway))
    assert after == before
    operations = {dict(labels)["operation"] for labels in after}
    assert "Dashboard" in operations and "other" in operations and "Warmup" not in operations


async def test_a_bulk_read_is_counted(registry, token):
    """Over the hourly allowance of people listed (here none), a registry search is counted as a bulk read."""
    rt = registry.app.state.runtime
    allowance = rt.settings
    rt.settings = allowance.model_copy(update={"registry_bulk_read_per_hour": 0})
    try:
        await register_direct(registry, token, "13900000777")
        response = await registry.post("/youth:search", json={"first": 1}, headers=bearer(token("registry_operator")))
        assert response.status_code == 200 and response.json()["items"]
    finally:
        rt.settings = allowance
    assert total(await scrape(registry), "xq_registry_bulk_reads_total") >= 1


async def test_every_series_the_alerts_query_is_served(gateway, registry):
    """deploy/k8s/base/alerts.yaml only names series that /metrics really has (run after the tests above,
    which made every kind of measurement)."""
    wanted = set(re.findall(r"\bxq_[a-z_]+", ALERTS.read_text()))  # noqa: ASYNC240 (a small local file)
    served = set(await scrape(gateway)) | set(await scrape(registry))
    assert wanted and wanted <= served, sorted(wanted - served)


async def test_a_projection_that_stalls_is_started_afresh_and_applies_what_waited(gateway, registry, token):
    """A consumer that stops handing out records without failing (the gateway's projections stayed behind
    after a broker outage in CI until the process was restarted) is started afresh by the sampler once
    events have waited behind an unmoved checkpoint for `watch.seconds` (chassis/stall.py)."""
    rt = gateway.app.state.runtime
    runner = rt.projections["gateway.youth"]
    restarts_before = total(await scrape(gateway), "xq_projection_restarts_total",
                            projection="gateway.youth", reason="stalled")
    fetch, stuck = runner._fetch, []

    async def hanging_in_its_first_session(consumer, **options):
        stuck[:] = stuck or [consumer]
        if consumer is stuck[0]:
            await asyncio.Event().wait()  # no records, no error: until the session is cancelled
        return await fetch(consumer, **options)

    runner._fetch, runner.watch.seconds = hanging_in_its_first_session, 1.0
    try:
        await eventually(lambda: _true(stuck), timeout=10)
        ids = [await register_direct(registry, token, f"1360000004{i}") for i in range(3)]

        async def applied() -> bool:
            await rt.sampler.refresh()
            await rt.sampler.mend()
            shown = await rt.pool.fetchval("SELECT count(*) FROM youth WHERE youth_id::text = ANY($1::text[])", ids)
            return shown == 3
        await eventually(applied, timeout=60, interval=0.5)
    finally:
        del runner._fetch  # the method again
        runner.watch.seconds = STALL_SECONDS
    assert runner.applies_here
    assert total(await scrape(gateway), "xq_projection_restarts_total",
                 projection="gateway.youth", reason="stalled") == restarts_before + 1


async def test_a_relay_that_stalls_is_started_afresh_and_publishes_what_waited(gateway, registry, token):
    """A relay whose producer stops acknowledging without failing (a hung connection fails no call) is started
    afresh by the sampler once the oldest outbox row has stayed in place for `watch.seconds` while the relay
    leads and reaches Kafka; what waited in the outbox is then published and reaches the read models."""
    rt = registry.app.state.runtime
    relay = rt.relay
    restarts_before = total(await scrape(registry), "xq_relay_restarts_total", service="registry", reason="stalled")
    send, stuck = relay._send, []

    async def hanging_in_its_first_session(producer, topic, envelope):
        stuck[:] = stuck or [producer]
        if producer is stuck[0]:
            await asyncio.Event().wait()  # no acknowledgement, no error: until the session is cancelled
        return await send(producer, topic, envelope)

    relay._send, relay.watch.seconds = hanging_in_its_first_session, 1.0
    try:
        ids = [await register_direct(registry, token, f"1360000005{i}") for i in range(3)]
        await eventually(lambda: _true(stuck), timeout=10)

        async def published() -> bool:
            await rt.sampler.refresh()
            await rt.sampler.mend()
            shown = await gateway.app.state.runtime.pool.fetchval(
                "SELECT count(*) FROM youth WHERE youth_id::text = ANY($1::text[])", ids)
            return shown == 3
        await eventually(published, timeout=60, interval=0.5)
    finally:
        del relay._send  # the method again
        relay.watch.seconds = STALL_SECONDS
    assert relay.running and relay.leading
    assert total(await scrape(registry), "xq_relay_restarts_total",
                 service="registry", reason="stalled") == restarts_before + 1


async def test_a_projection_that_died_is_started_again_and_one_stopped_on_purpose_is_left_stopped(gateway):
    rt = gateway.app.state.runtime
    runner = rt.projections["gateway.youth"]
    await runner.stop()
    try:
        await rt.sampler.mend()
        assert not runner.applies_here, "stopped on purpose (a rebuild, a test): the sampler leaves it"
    finally:
        runner.start()
    for task in runner._background._tasks:
        task.cancel()  # its loop ended without a stop (what a cancellation from inside did before)
    await eventually(lambda: _true(not runner.applies_here), timeout=10)
    await rt.sampler.mend()
    assert runner.applies_here
    assert total(await scrape(gateway), "xq_projection_restarts_total", projection="gateway.youth", reason="died") >= 1


async def _true(value: object) -> bool:
    return bool(value)
