"""What the local Prometheus reads (`xinqing up --observe`): its configuration, the rule file and a console.

One source of truth for the rules: `deploy/k8s/base/alerts.yaml` (a PrometheusRule for the cluster's
Prometheus Operator). Its `spec.groups` is exactly Prometheus's own rule-file format, so the local rule
file is that part, written out unchanged; `promtool check rules` checks it in tests/unit/test_observe.py.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import yaml

from chassis.settings import PROJECT_ROOT, Settings

ALERTS = PROJECT_ROOT / "deploy" / "k8s" / "base" / "alerts.yaml"
CONSOLES = PROJECT_ROOT / "deploy" / "prometheus" / "consoles"

# The questions ops ask, as saved graphs of the Prometheus UI (the recording rules of alerts.yaml).
GRAPHS = {
    "GraphQL requests per second, per operation": "xq:graphql_requests:rate5m",
    "GraphQL p99 seconds, per operation": "xq:graphql_duration_seconds:p99_5m",
    "commands p99 seconds, per service and route": "xq:command_duration_seconds:p99_5m",
    "errors per second, per service, component and code": "xq:errors:rate5m",
    "consumer lag, per projection's group": "xq:consumer_lag:sum",
    "outbox backlog, per service": "xq:outbox_backlog:max",
    "freshness: age of the newest event applied, per projection": "xq:projection_event_age_seconds:min",
}


def rule_groups(alerts: Path = ALERTS) -> dict[str, Any]:
    """The `groups` of the PrometheusRule, as a Prometheus rule file."""
    rule = yaml.safe_load(alerts.read_text(encoding="utf-8"))
    return {"groups": rule["spec"]["groups"]}


def targets(settings: Settings, apps: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """One scrape job per app (`/metrics`), and Zipkin's own figures (`/prometheus`)."""
    jobs: list[dict[str, Any]] = [
        {"job_name": name, "static_configs": [{"targets": [f"{settings.host}:{getattr(settings, port_setting)}"]}]}
        for name, port_setting in apps]
    jobs.append({"job_name": "zipkin", "metrics_path": "/prometheus",
                 "static_configs": [{"targets": [f"{settings.host}:{settings.zipkin_port}"]}]})
    jobs.append({"job_name": "prometheus",
                 "static_configs": [{"targets": [f"{settings.host}:{settings.prometheus_port}"]}]})
    return jobs


def write_config(settings: Settings, apps: list[tuple[str, str]], into: Path, *,
                 scrape_interval: str = "15s") -> Path:
    """prometheus.yml and xinqing-rules.yml in `into`; returns the configuration's path. PostgreSQL and
    Kafka expose no Prometheus endpoint of their own here: their figures that matter (outbox backlog,
    consumer lag, `xq_kafka_up`, readiness) come from the services' `/metrics`."""
    into.mkdir(parents=True, exist_ok=True)
    rules = into / "xinqing-rules.yml"
    rules.write_text(yaml.safe_dump(rule_groups(), sort_keys=False, allow_unicode=True), encoding="utf-8")
    config = {
        "global": {"scrape_interval": scrape_interval, "evaluation_interval": scrape_interval,
                   "external_labels": {"stack": "local"}},
        "rule_files": [str(rules)],
        "scrape_configs": targets(settings, apps),
    }
    path = into / "prometheus.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def saved_graphs_url(settings: Settings) -> str:
    """One page of the Prometheus UI with a graph per question (the banner and docs/RUNBOOK.md link it)."""
    params: dict[str, str] = {}
    for i, expr in enumerate(GRAPHS.values()):
        params.update({f"g{i}.expr": expr, f"g{i}.tab": "0", f"g{i}.range_input": "1h"})
    return f"http://{settings.host}:{settings.prometheus_port}/graph?{urlencode(params)}"
