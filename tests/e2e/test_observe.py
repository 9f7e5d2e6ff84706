"""The ops dashboards of `xinqing up --observe` on a running stack: Zipkin holds a registration's whole
trace (gateway, registry, relay, the gateway's projection) and none of its personal data; Prometheus
scrapes every process, loads the alert and recording rules of deploy/k8s/base/alerts.yaml and answers
for the gateway's request rate and the projections' lag; Zipkin's UI shows the trace (screenshot).

Needs Debian's `prometheus` (.ci/run installs it) and Java + Maven for Zipkin's jar, like Kafka's."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.e2e.support import ARTIFACTS, app_processes, chromium, gql
from xinqing.launcher.observe import INSTALL_PROMETHEUS, Observe, with_zipkin
from xinqing.launcher.ports import free_port
from xinqing.launcher.prometheus_files import rule_groups
from xinqing.launcher.stack import APPS

pytestmark = pytest.mark.e2e

NAME, MOBILE, BIRTH = "欧阳观测", "13655554444", "1997-06-18"


@pytest.fixture(scope="module")
def dashboards(settings, infra):
    import shutil

    assert shutil.which("prometheus"), INSTALL_PROMETHEUS  # CI installs it (.ci/run): this test never skips
    s = with_zipkin(settings.model_copy(update={
        "zipkin_port": free_port(), "prometheus_port": free_port(), "data_dir": settings.data_dir / settings.namespace,
        **{app.port_setting: free_port() for app in APPS}}))
    s.data_dir.mkdir(parents=True, exist_ok=True)
    observe = Observe(s, [(a.name, a.port_setting) for a in APPS], scrape_interval="1s")
    log = open(ARTIFACTS / "e2e-observe.log", "a", buffering=1)
    observe.prepare()
    observe.start(lambda name, line: log.write(f"{name} | {line}\n"))
    try:
        # The apps keep the stack's data directory (keys); only Prometheus's files go to the module's own.
        with app_processes(s.model_copy(update={"data_dir": settings.data_dir}), "e2e-observe.log", on_ports=True):
            observe.wait_ready()
            yield s, observe
    finally:
        observe.stop()
        log.close()


def eventually(probe: Callable[[], Any], timeout: float = 60, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:.0f} s: {what}")
        time.sleep(0.5)


# (service, kind, name) of the spans the trace must hold; Zipkin keeps names in lower case
EXPECTED = {("gateway", "SERVER", "post /graphql"), ("gateway", "CLIENT", "post"),  # the call to the registry
            ("registry", "SERVER", "post /youth"), ("gateway", "CONSUMER", "project gateway.youth")}


def shape(spans: list[dict]) -> set[tuple[str, str | None, str]]:
    return {(sp["localEndpoint"]["serviceName"], sp.get("kind"), sp["name"].lower()) for sp in spans}


def trace_of_registration(observe: Observe, youth_id: str, seen: list) -> list[dict]:
    """The trace whose spans carry the youth's stream, once every process has sent its part (each sends
    its spans in batches of its own, so the parts arrive in any order)."""
    r = httpx.get(f"{observe.zipkin_url}/api/v2/traces",
                  params={"annotationQuery": f"xq.stream=youth-{youth_id}", "limit": 10}, timeout=5)
    r.raise_for_status()
    seen[:] = r.json()
    for spans in seen:
        if EXPECTED <= shape(spans) and any(sp.get("kind") == "PRODUCER" for sp in spans):
            return spans
    return []


def test_a_registration_is_one_trace_in_zipkin_from_the_gateway_to_the_projection(dashboards, token):
    s, observe = dashboards
    result = gql(s, f"""mutation {{ registerYouth(input: {{name: "{NAME}", gender: FEMALE, birthDate: "{BIRTH}",
        mobile: "{MOBILE}", district: "110105", youthType: NEW_BUSINESS, subtype: DELIVERY_RIDER,
        consents: [REGISTRATION]}}) {{ id }} }}""", token=token("registry_operator"))
    assert "errors" not in result, result
    youth_id = result["data"]["registerYouth"]["id"]

    seen: list = []
    try:
        spans = eventually(lambda: trace_of_registration(observe, youth_id, seen), what="the registration's trace")
    except AssertionError:
        raise AssertionError(f"traces found: {[sorted(shape(t), key=str) for t in seen]}") from None
    assert len({sp["traceId"] for sp in spans}) == 1
    publish = next(sp for sp in spans if sp.get("kind") == "PRODUCER")  # the relay, in the registry's process
    assert publish["localEndpoint"]["serviceName"] == "registry" and publish["name"].startswith("publish ")
    assert publish["tags"]["messaging.destination.name"].endswith("xq.registry.youth")
    server = next(sp for sp in spans if sp.get("kind") == "SERVER" and sp["name"] == "post /youth")
    assert server["tags"]["http.request.method"] == "POST" and server["tags"]["http.route"] == "/youth"
    assert server["tags"]["http.response.status_code"] in ("200", "201")
    project = next(sp for sp in spans if sp["name"] == "project gateway.youth")
    assert project["tags"]["messaging.system"] == "kafka"
    assert project["tags"]["messaging.operation.type"] == "process"
    assert any(sp.get("tags", {}).get("db.system") == "postgresql" for sp in spans)

    # What Zipkin stores of the last minutes, every trace of every service: no personal data.
    stored = httpx.get(f"{observe.zipkin_url}/api/v2/traces", params={"limit": 1000, "lookback": 600_000},
                       timeout=10).text
    assert youth_id in stored
    for secret in (NAME, MOBILE, "+86" + MOBILE, BIRTH):
        assert secret not in stored, f"{secret!r} in what Zipkin stores"

    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{observe.zipkin_url}/zipkin/traces/{spans[0]['traceId']}")
        page.get_by_text("project gateway.youth").first.wait_for(timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / "zipkin-trace.png"), full_page=True)


def query(observe: Observe, promql: str) -> list[dict]:
    r = httpx.get(f"{observe.prometheus_url}/api/v1/query", params={"query": promql}, timeout=5)
    assert r.status_code == 200, r.text
    return r.json()["data"]["result"]


def test_prometheus_scrapes_every_process_and_answers_for_request_rate_and_lag(dashboards, token):
    s, observe = dashboards
    def ask() -> None:
        assert "errors" not in gql(s, "query { dashboard { youth { total } } }", token=token("department_viewer"))

    # A rate needs the counter to rise between two scrapes: first its series, scraped, then more requests.
    ask()
    eventually(lambda: query(observe, 'xq_graphql_duration_seconds_count{job="gateway", type="query"}'),
               what="the gateway's GraphQL counter scraped")
    for _ in range(3):
        ask()
    ups = eventually(lambda: len(r := query(observe, "up == 1")) >= len(APPS) + 2 and r, what="every target up")
    assert {u["metric"]["job"] for u in ups} >= {a.name for a in APPS} | {"zipkin", "prometheus"}

    rate = eventually(lambda: [r for r in query(observe, "xq:graphql_requests:rate5m") if float(r["value"][1]) > 0],
                      what="the gateway's GraphQL request rate (recording rule)")
    assert {r["metric"]["type"] for r in rate} >= {"query"}
    lag = eventually(lambda: query(observe, 'xq:consumer_lag:sum{group=~".*gateway.youth"}'),
                     what="the gateway's youth projection lag")
    assert float(lag[0]["value"][1]) >= 0

    loaded = httpx.get(f"{observe.prometheus_url}/api/v1/rules", timeout=5).json()["data"]["groups"]
    names = {r["name"] for g in loaded for r in g["rules"]}
    declared = {r.get("alert") or r["record"] for g in rule_groups()["groups"] for r in g["rules"]}
    assert declared <= names
    assert all(r["health"] == "ok" for g in loaded for r in g["rules"]), loaded

    console = httpx.get(f"{observe.prometheus_url}/consoles/xinqing.html", timeout=10)
    assert console.status_code == 200 and "Consumer lag per projection" in console.text
    assert "gateway.youth" in console.text  # filled in from the recording rules
