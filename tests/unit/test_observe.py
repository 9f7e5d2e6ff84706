"""The local ops dashboards' pieces that need no running stack: spans in Zipkin's JSON, the sampler's
ratio, Prometheus's files from deploy/k8s/base/alerts.yaml (checked by `promtool`), the launcher's words."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, Status, StatusCode

from chassis.settings import Settings
from chassis.tracing import NoOrphanQueries
from chassis.zipkin import zipkin_span
from xinqing.launcher import observe
from xinqing.launcher.errors import LaunchError
from xinqing.launcher.ports import free_port
from xinqing.launcher.prometheus_files import ALERTS, rule_groups, saved_graphs_url, write_config
from xinqing.launcher.stack import APPS, banner

APP_PORTS = [(a.name, a.port_setting) for a in APPS]


def promtool() -> str:
    found = shutil.which("promtool")
    assert found, "promtool not found: install Debian's prometheus package (`apt-get install prometheus`; .ci/run does)"
    return found


def finished(provider: TracerProvider) -> InMemorySpanExporter:
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return exporter


def test_a_span_in_zipkin_json_keeps_ids_parent_kind_times_tags_and_error():
    provider = TracerProvider(resource=Resource.create({"service.name": "registry"}))
    spans = finished(provider)
    tracer = provider.get_tracer("test")
    with tracer.start_as_current_span("POST /youth", kind=SpanKind.SERVER) as server:
        with tracer.start_as_current_span("publish xq.registry.youth", kind=SpanKind.PRODUCER,
                                          attributes={"messaging.system": "kafka", "xq.events": 2,
                                                      "ok": True, "codes": ["A", "B"]}) as publish:
            publish.add_event("retry")
            publish.set_status(Status(StatusCode.ERROR, "KafkaTimeoutError"))
    out = {s.name: zipkin_span(s) for s in spans.get_finished_spans()}
    root, child = out["POST /youth"], out["publish xq.registry.youth"]
    ctx = server.get_span_context()
    assert root["traceId"] == f"{ctx.trace_id:032x}" and root["id"] == f"{ctx.span_id:016x}"
    assert "parentId" not in root and root["kind"] == "SERVER"
    assert child["parentId"] == root["id"] and child["traceId"] == root["traceId"] and child["kind"] == "PRODUCER"
    assert child["localEndpoint"] == {"serviceName": "registry"}
    assert child["tags"] == {"messaging.system": "kafka", "xq.events": "2", "ok": "true", "codes": "A,B",
                             "otel.status_code": "ERROR", "error": "KafkaTimeoutError"}
    assert child["annotations"][0]["value"] == "retry"
    assert root["timestamp"] <= child["timestamp"] and root["duration"] >= child["duration"] >= 1
    assert len(str(root["timestamp"])) == 16  # microseconds since the epoch


def test_a_sample_ratio_drops_new_traces_but_follows_a_sampled_parent():
    provider = TracerProvider(sampler=NoOrphanQueries(0.0))
    tracer = provider.get_tracer("test")
    with tracer.start_as_current_span("POST /graphql", kind=SpanKind.SERVER) as root:
        assert not root.is_recording()
    kept = TracerProvider(sampler=NoOrphanQueries(1.0)).get_tracer("test")
    with kept.start_as_current_span("POST /graphql", kind=SpanKind.SERVER) as sampled:
        # the registry, sampling nothing of its own, continues a trace its caller decided to keep
        with tracer.start_as_current_span("POST /youth", kind=SpanKind.SERVER) as child:
            assert sampled.is_recording() and child.is_recording()
    with pytest.raises(ValueError):
        Settings(trace_sample_ratio=1.5)


def test_the_rule_file_is_the_alerts_of_the_cluster_and_promtool_accepts_it(tmp_path):
    config = write_config(Settings(), APP_PORTS, tmp_path)
    written = yaml.safe_load((tmp_path / "xinqing-rules.yml").read_text(encoding="utf-8"))
    assert written == {"groups": yaml.safe_load(ALERTS.read_text(encoding="utf-8"))["spec"]["groups"]}
    alerts = {r["alert"] for g in written["groups"] for r in g["rules"] if "alert" in r}
    assert {"XinqingConsumerLag", "XinqingProjectionStuck", "XinqingOutboxBacklog"} <= alerts
    rules = subprocess.run([promtool(), "check", "rules", str(tmp_path / "xinqing-rules.yml")],
                           capture_output=True, text=True)
    assert rules.returncode == 0, rules.stdout + rules.stderr
    checked = subprocess.run([promtool(), "check", "config", str(config)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_prometheus_scrapes_every_app_and_zipkin_on_loopback(tmp_path):
    s = Settings(gateway_port=18000, prometheus_port=19090, zipkin_port=19411)
    config = yaml.safe_load(write_config(s, APP_PORTS, tmp_path, scrape_interval="1s").read_text())
    jobs = {j["job_name"]: j for j in config["scrape_configs"]}
    assert set(jobs) == {a.name for a in APPS} | {"zipkin", "prometheus"}
    assert jobs["gateway"]["static_configs"][0]["targets"] == ["127.0.0.1:18000"]
    assert jobs["zipkin"]["metrics_path"] == "/prometheus"
    assert config["global"]["scrape_interval"] == "1s"
    assert config["rule_files"] == [str(tmp_path / "xinqing-rules.yml")]


def test_the_saved_graphs_are_the_recording_rules():
    recorded = {r["record"] for g in rule_groups()["groups"] for r in g["rules"] if "record" in r}
    url = saved_graphs_url(Settings())
    assert url.startswith("http://127.0.0.1:9090/graph?")
    from urllib.parse import parse_qs, urlsplit

    exprs = {v[0] for k, v in parse_qs(urlsplit(url).query).items() if k.endswith(".expr")}
    assert exprs and exprs <= recorded
    console = (Path(observe.prometheus_files.CONSOLES) / "xinqing.html").read_text(encoding="utf-8")
    assert all(expr in console for expr in exprs)


def test_without_prometheus_the_launcher_says_how_to_install_it_in_one_sentence(monkeypatch):
    monkeypatch.setattr(observe.shutil, "which", lambda _: None)
    with pytest.raises(LaunchError) as refused:
        observe.require_prometheus()
    message = str(refused.value)
    assert "apt-get install prometheus" in message and message.count(". ") == 0 and "\n" not in message


def test_the_banner_names_the_dashboards_or_how_to_get_them(tmp_path):
    s = observe.with_zipkin(Settings(data_dir=tmp_path, zipkin_port=19411))
    assert s.zipkin_endpoint == "http://127.0.0.1:19411"
    assert observe.with_zipkin(s.model_copy(update={"zipkin_endpoint": "http://zipkin:9411"})).zipkin_endpoint \
        == "http://zipkin:9411"  # spans already going somewhere keep going there
    lines = observe.Observe(s, APP_PORTS).banner_lines()
    shown = banner(s, "admin-token", "youth-token", lines)
    assert "http://127.0.0.1:19411/zipkin/" in shown and "http://127.0.0.1:9090/consoles/xinqing.html" in shown
    assert "xinqing up --observe" in banner(Settings(), "admin-token", "youth-token")


def test_without_prometheus_the_banner_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(observe.shutil, "which", lambda _: None)
    assert "apt-get install prometheus" in banner(Settings(), "admin-token", "youth-token")


def test_with_zipkin_down_an_export_fails_quietly():
    from opentelemetry.sdk.trace.export import SpanExportResult

    from chassis.zipkin import ZipkinExporter
    provider = TracerProvider()
    spans = finished(provider)
    with provider.get_tracer("test").start_as_current_span("POST /graphql"):
        pass
    exporter = ZipkinExporter(f"http://127.0.0.1:{free_port()}", timeout=2)
    assert exporter.export(spans.get_finished_spans()) == SpanExportResult.FAILURE


def test_a_taken_prometheus_port_names_the_debian_service_and_the_setting(tmp_path, monkeypatch):
    import socket

    monkeypatch.setattr(observe, "zipkin_jar", lambda s: tmp_path / "zipkin.jar")  # no Maven here
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        s = Settings(data_dir=tmp_path, prometheus_port=taken.getsockname()[1], zipkin_port=free_port())
        with pytest.raises(LaunchError) as refused:
            observe.Observe(s, APP_PORTS).prepare()
    message = str(refused.value)
    assert "systemctl disable --now prometheus" in message and "XQ_PROMETHEUS_PORT" in message
