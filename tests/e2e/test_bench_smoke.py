"""The benchmark harness keeps working: a tiny run end to end, checked for well-formed results.

Speed is never asserted here (the numbers of a tiny run on a busy CI machine mean nothing); what is
asserted is that every benchmark ran, every contender produced its rows, and the report states the
machine it ran on.
"""
from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
CONTENDERS = {"pgbench", "chassis EventStore.append", "eventsourcing recorder", "registry POST /youth (HTTP)",
              "gateway registerYouth (GraphQL)"}
PER_PROCESS = ("CPU ms/cmd (registry)", "CPU ms/cmd (gateway)", "CPU ms/cmd (gateway projector)", "CPU ms/cmd (Kafka)")
SERVICE_PATHS = {"registry POST /youth (HTTP)": ("CPU ms/cmd (registry)", "CPU ms/cmd (Kafka)"),  # processes on the path
                 "gateway registerYouth (GraphQL)": PER_PROCESS}


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> tuple[dict, str]:
    out = tmp_path_factory.mktemp("bench") / "tiny.md"
    done = subprocess.run([sys.executable, "-m", "bench", "--scale", "tiny", "--out", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stderr[-3000:]
    return orjson.loads(out.with_suffix(".json").read_bytes()), out.read_text()


def test_the_report_states_the_machine_and_the_commit(results):
    data, markdown = results
    for key in ("CPU", "RAM", "PostgreSQL", "Kafka", "Python", "commit"):
        assert data["machine"][key] and data["machine"][key] != "?", key
    assert "fsync on" in data["machine"]["PostgreSQL"]
    assert "| CPU |" in markdown and "### 1–2. Write path" in markdown


def test_every_write_path_contender_has_a_saturation_row_and_a_fixed_rate_row(results):
    rows = results[0]["tables"]["write_path"]["rows"]
    assert {r["contender"] for r in rows} == CONTENDERS
    for contender in CONTENDERS:
        mine = [r for r in rows if r["contender"] == contender]
        modes = {r["mode"].split(" ")[0] for r in mine}
        assert modes == {"saturation", "fixed"}, (contender, modes)
        for r in mine:
            assert r["errors"] == 0, r
            assert r["achieved /s"] > 0 and r["p50 ms"] <= r["p99 ms"] <= r["max ms"], r
            # CPU is read in 10 ms ticks: at tiny scale a few dozen commands may show 0 on one side
            assert r["CPU ms/cmd (client side)"] >= 0 and r["CPU ms/cmd (PostgreSQL)"] >= 0, r
            assert r["CPU ms/cmd (client side)"] + r["CPU ms/cmd (PostgreSQL)"] > 0, r
            on_path = SERVICE_PATHS.get(contender, ())  # each process on the path has its own column
            assert all(r[c] >= 0 if c in on_path else r[c] is None for c in PER_PROCESS), r
    graphql = [r for r in rows if r["contender"] == "gateway registerYouth (GraphQL)"]
    assert sum(r["CPU ms/cmd (gateway)"] for r in graphql) > 0  # the gateway's reader was on the path
    assert sum(r["CPU ms/cmd (gateway projector)"] for r in graphql) > 0  # and its projector applied the events
    ratios = {r["comparison"]: r["ratio"] for r in results[0]["tables"]["ratios"]["rows"]}
    assert set(ratios) == {"chassis append / pgbench", "registry HTTP / pgbench", "gateway GraphQL / pgbench",
                           "chassis append / eventsourcing", "registry HTTP / eventsourcing"}
    assert all(math.isfinite(v) and v > 0 for v in ratios.values())


def test_freshness_saw_every_acknowledged_command_in_the_read_model(results):
    (row,) = results[0]["tables"]["freshness"]["rows"]
    assert row["commands"] > 0 and row["seen"] == row["commands"] and row["errors"] == 0
    assert 0 <= row["p50 ms"] <= row["p99 ms"] <= row["max ms"]


def test_rebuild_applied_every_event_for_each_pass_and_states_its_limits(results):
    rows = results[0]["tables"]["rebuild"]["rows"]
    assert [r["pass"] for r in rows] == ["first build", "rebuild (truncate + replay)"]
    assert all(r["events"] == 500 and r["events/s"] > 0 for r in rows)  # the harness checks the read model
    cpu = ("CPU µs/event (harness)", "CPU µs/event (postgres)", "CPU µs/event (kafka)")
    assert all(r[c] >= 0 for r in rows for c in cpu)  # the servers' CPU is read in 10 ms ticks: 500 events may show 0
    assert all(r["CPU µs/event (harness)"] > 0 for r in rows)
    limits = results[0]["tables"]["rebuild_limits"]["rows"]
    assert [r["stage"].split(":")[0] for r in limits] == ["Kafka alone", "Kafka + decoding", "PostgreSQL alone"]
    assert all(r["events"] == 500 and r["events/s"] > 0 and r["events/s after the group join"] > 0 for r in limits)
    assert all(r[c] >= 0 for r in limits for c in cpu) and all(r["CPU µs/event (harness)"] > 0 for r in limits)


def test_bulk_import_stored_and_projected_every_person(results):
    (row,) = results[0]["tables"]["bulk_import"]["rows"]
    assert row["people"] == 300 and row["stored s"] <= row["projected s"] and row["end-to-end youth/s"] > 0
    assert row["stored youth/s, first fifth"] > 0 and row["stored youth/s, last fifth"] > 0
    cpu, net = results[0]["tables"]["bulk_import_cpu"]["rows"]
    assert (cpu["measured"], net["measured"]) == ("all", "net of idle") and net["total"] <= cpu["total"]
    assert {"harness", "registry", "gateway", "postgres", "kafka", "total"} <= set(cpu)
    assert cpu["registry"] > 0 and cpu["postgres"] > 0 and cpu["kafka"] > 0
    assert math.isclose(cpu["total"], sum(v for k, v in cpu.items() if k not in ("total", "measured")), abs_tol=0.01)


def test_memory_was_sampled_for_every_process(results):
    processes = {r["process"] for r in results[0]["tables"]["memory"]["rows"]}
    assert {"registry (python)", "gateway (python)", "postgres", "kafka", "harness (python)"} <= processes
    assert all(r["peak MB"] > 0 for r in results[0]["tables"]["memory"]["rows"])


def test_each_target_is_stated_with_what_was_measured(results):
    targets = {t["target"]: t for t in results[0]["targets"]}
    assert {"write path vs pgbench (chassis)", "write path vs eventsourcing (chassis)", "freshness p99", "rebuild",
            "bulk import of 2.2 M", "RSS of each Python service", "registry CPU per registration",
            "gateway CPU per registerYouth"} <= set(targets)
    assert all(t["met"] in ("yes", "no", "n/a") and t["measured"] for t in targets.values())


GATEWAY_QUERIES = {"dashboard, city (the page's query)", "dashboard, city, read model changed before every request",
                   "dashboard, one district (110105)", "stations list, first page", "stations list, deep page (keyset)",
                   "appeals list, first page", "appeals list, deep page (keyset)"}


def test_gateway_queries_measured_every_query_over_data_generated_in_place(results):
    table = results[0]["tables"]["gateway_queries"]
    rows = table["rows"]
    assert {r["query"] for r in rows} == GATEWAY_QUERIES
    measured = [r for r in rows if not r["mode"].startswith("not run")]
    for query in GATEWAY_QUERIES:  # every query has its ceiling measured
        assert any(r["query"] == query and r["mode"].startswith("saturation") for r in measured), query
    for r in measured:
        assert r["errors"] == 0 and r["achieved /s"] > 0 and r["p50 ms"] <= r["p99 ms"] <= r["max ms"], r
        assert r["DB ms/req"] >= 0 and r["statements/req"] > 0 and r["CPU ms/req (gateway)"] >= 0, r
    per_request = {r["query"]: r["statements/req"] for r in measured if r["mode"].startswith("saturation")}
    # unchanged read model: the figures come from memory; changed before every request: computed again
    assert per_request["dashboard, city, read model changed before every request"] > \
        per_request["dashboard, city (the page's query)"] + 5
    assert any("generated in place" in n and "checked against them" in n for n in table["notes"])
    assert results[0]["tables"]["gateway_statements"]["rows"]
    assert "dashboard p99" in {t["target"] for t in results[0]["targets"]}


def test_nearest_stations_answered_anonymous_phones_without_errors_and_the_limit_held(results):
    table = results[0]["tables"]["nearest_stations"]
    assert [r["mode"].split(" ")[0] for r in table["rows"]] == ["saturation", "open"]
    for row in table["rows"]:
        assert row["errors"] == 0 and row["requests"] > 0 and row["achieved /s"] > 0, row
        assert row["p50 ms"] <= row["p95 ms"] <= row["p99 ms"] <= row["max ms"], row
        assert row["stations/answer"] > 0 and row["CPU ms/req (gateway)"] >= 0, row
    assert any("answered 429" in n for n in table["notes"])  # measured with the anonymous limit on
    assert "nearestStations p99" in {t["target"] for t in results[0]["targets"]}


def test_dashboard_with_writes_measured_both_scopes_saw_every_write_and_the_figures_equal_a_recount(results):
    table = results[0]["tables"]["dashboard_writes"]
    rows = {(r["gateway"], r["dashboard"]): r for r in table["rows"]}
    assert set(rows) == {(gateway, scope) for gateway in ("one process", "reader + projector")
                         for scope in ("city", "one district (110105)")}
    for r in rows.values():
        assert r["errors"] == 0 and r["write errors"] == 0 and r["achieved /s"] > 0, r
        assert r["p50 ms"] <= r["p99 ms"] <= r["max ms"], r
        assert r["registrations /s"] > 0 and r["membership changes /s"] > 0 and r["person-time batches /s"] > 0, r
        assert r["writes"] > 0 and r["writes seen"] == r["writes"], r  # every write reached the read model
        assert 0 <= r["freshness p50 ms"] <= r["freshness p99 ms"], r
        assert r["read-model states /s"] > 0, r  # the writes moved the read models while they were watched
        assert r["figures = recount"] is True, r  # the benchmark itself fails otherwise
    targets = {t["target"] for t in results[0]["targets"]}
    assert {f"{target} ({gateway})" for target in ("dashboard p99 with writes", "freshness p99 with dashboard load")
            for gateway in ("one process", "reader + projector")} <= targets
    memory = {r["process"] for r in results[0]["tables"]["memory"]["rows"]}
    assert "gateway projector (python)" in memory  # the projector really ran beside the reader


def test_the_dashboard_with_writes_says_which_processes_kept_the_cores_busy_in_each_step(results):
    rows = {(r["gateway runs as"], r["dashboard"]): r
            for r in results[0]["tables"]["dashboard_writes_cores"]["rows"]}
    assert set(rows) == {(gateway, scope) for gateway in ("one process", "reader + projector")
                         for scope in ("city", "one district (110105)")}
    for (gateway, _), r in rows.items():
        parts = {p: c for p, c in r.items() if p not in ("gateway runs as", "dashboard", "all") and c is not None}
        # CPU is read in 10 ms ticks: a tiny step's quieter services may show 0, never nothing
        assert {"harness", "registry", "branches", "stations", "gateway", "postgres", "kafka"} <= set(parts), r
        assert ("gateway projector" in parts) == (gateway == "reader + projector"), r
        assert min(parts.values()) >= 0 and r["all"] > 0 and abs(r["all"] - sum(parts.values())) < 0.05, r


def test_live_subscribers_stayed_connected_got_coalesced_updates_and_their_staleness_and_memory_are_reported(results):
    (row,) = results[0]["tables"]["dashboard_live"]["rows"]
    assert row["subscribers"] == "3 city + 3 district" and row["connected at the end"] == 6, row
    assert row["updates"] > 0 and row["write errors"] == 0 and row["registrations /s"] > 0, row
    assert row["writes not sent"] >= 0, row
    # coalesced (gateway/live.py: ticks at least a second apart, so at most 11 in any 10 s, whatever the load)
    assert row["most updates in 10 s"] <= 11 and row["shortest gap ms"] > 0, row
    assert 0 <= row["staleness p50 ms"] <= row["staleness p99 ms"], row
    assert 0 < row["gateway RSS start MB"] <= row["gateway RSS peak MB"] and row["gateway RSS end MB"] > 0, row
    notes = results[0]["tables"]["dashboard_live"]["notes"]
    assert not [n for n in notes if "ended:" in n], notes  # no subscriber dropped
    targets = {t["target"] for t in results[0]["targets"]}
    assert {"live subscribers coalesced", "live staleness p99", "live subscribers stay connected"} <= targets


REPLICA_KINDS = ["registrations", "membership changes", "person-time batches"]


def test_one_replica_and_two_took_every_kind_of_write_and_their_cpu_per_process_is_stated(results):
    rows = results[0]["tables"]["replicas"]["rows"]
    assert [(r["replicas"], r["write"]) for r in rows] == [(n, k) for n in (1, 2) for k in REPLICA_KINDS]
    for r in rows:
        assert r["errors"] == 0 and r["workers"] > 0 and r["achieved /s"] > 0, r
        assert 0 < r["p50 ms"] <= r["p99 ms"] <= r["max ms"], r
    cpu = results[0]["tables"]["replicas_cpu"]["rows"]
    assert [r["replicas"] for r in cpu] == [1, 2]
    processes = [c for c in results[0]["tables"]["replicas_cpu"]["columns"] if c.startswith("CPU ms/write (")]
    assert {"CPU ms/write (gateway)", "CPU ms/write (registry)", "CPU ms/write (branches)", "CPU ms/write (stations)",
            "CPU ms/write (postgres)", "CPU ms/write (kafka)", "CPU ms/write (total)"} <= set(processes)
    for r in cpu:
        assert r["writes"] > 0 and r["writes/s"] > 0 and r["cores busy"] > 0, r
        assert all(r[c] >= 0 for c in processes) and r["CPU ms/write (gateway)"] > 0, r  # the gateway was on every path
        assert math.isclose(r["CPU ms/write (total)"], sum(r[c] for c in processes if c != "CPU ms/write (total)"),
                            abs_tol=0.01), r
        assert r["figures = recount"] is True, r  # the benchmark itself fails otherwise
    memory = {r["process"] for r in results[0]["tables"]["memory"]["rows"]}
    assert {f"{app} B (python)" for app in ("registry", "branches", "stations", "gateway")} <= memory  # B really ran
    assert "two replicas" in {t["target"] for t in results[0]["targets"]}
