"""Docker Compose, Kubernetes and the collector config agree with the code: every XQ_* variable they
set is a setting (and its value parses), every port is the setting's default, every app the launcher
runs is deployed with the same factory, the Strimzi topics are the ones the services declare, and the
Kubernetes overlays build."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from chassis.keys import ensure_dev_keys
from chassis.settings import Settings
from xinqing.kafka_users import strimzi_users
from xinqing.launcher.stack import APPS
from xinqing.topics import declared_topics, strimzi

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
DEFAULTS = Settings.model_construct()  # field defaults only, not this shell's XQ_* variables
# Services announced but built on other branches: deployed already, with the agreed factory.
ANNOUNCED = {"branches": "services.branches.app:create_app", "stations": "services.stations.app:create_app"}
FACTORIES = {**ANNOUNCED, **{a.name: a.factory for a in APPS}}
# The gateway runs as a reader (its own name, XQ_RUN_PROJECTIONS=false) beside a projector of the same app.
PROJECTORS = {"gateway-projector": "gateway"}


def port_of(app: str) -> int:
    return Settings.model_fields[f"{app}_port"].default  # the code's default, whatever this shell exports


def assert_settings(env: dict[str, str], where: str) -> None:
    unknown = [k for k in env if k.startswith("XQ_") and k[3:].lower() not in Settings.model_fields]
    assert not unknown, f"{where}: {unknown} are not settings (chassis/settings.py)"
    values = {k[3:].lower(): v for k, v in env.items() if k.startswith("XQ_") and isinstance(v, str)}
    Settings(_env_file=None, **values)  # every value parses as its setting's type


def uvicorn_target(command: list[str]) -> tuple[str, int]:
    assert command[0] == "uvicorn" and "--factory" in command, command
    return command[1], int(command[command.index("--port") + 1])


def assert_service_urls(env: dict[str, str], hosts: dict[str, int], where: str) -> None:
    for app in FACTORIES:
        key = f"XQ_{app.upper()}_URL"
        if key in env:
            url = urlsplit(env[key])
            assert url.hostname in hosts, f"{where}: {key} points at {url.hostname}, which is not deployed"
            assert url.port == port_of(app) == hosts[url.hostname], f"{where}: {key} port"


# --- Docker Compose ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def compose_apps(compose) -> dict[str, dict]:
    """The services running an app, projectors left out (test_the_gateway_runs_as_a_reader_beside_a_projector)."""
    return {n: s for n, s in compose["services"].items()
            if (s.get("command") or [None])[0] == "uvicorn" and n not in PROJECTORS}


def test_compose_sets_only_settings_with_valid_values(compose):
    for name, service in compose["services"].items():
        env = service.get("environment") or {}
        if any(k.startswith("XQ_") for k in env):
            assert_settings(env, f"docker-compose.yml service {name}")


def test_compose_runs_every_app_with_its_factory_on_its_port(compose):
    apps = compose_apps(compose)
    assert set(apps) == set(FACTORIES), "compose must run exactly the launcher's apps (and the announced ones)"
    for name, service in apps.items():
        factory, port = uvicorn_target(service["command"])
        assert factory == FACTORIES[name], name
        assert port == port_of(name), f"{name} listens on {port}, XQ_{name.upper()}_PORT defaults to {port_of(name)}"
        assert service["ports"] == [f"{port}:{port}"], name
        assert f"127.0.0.1:{port}/health/live" in " ".join(service["healthcheck"]["test"]), name
        assert service["image"] == "xinqing:local" and service["build"] == "."


def test_the_gateway_runs_as_a_reader_beside_a_projector_in_compose_and_kubernetes(compose, base):
    deployments = of_kind(base, "Deployment")
    for projector, app in PROJECTORS.items():
        reader, applier = compose["services"][app], compose["services"][projector]
        assert applier["command"] == reader["command"] and "ports" not in applier  # the same app, asked nothing
        assert reader["environment"]["XQ_RUN_PROJECTIONS"] == "false"
        assert applier["environment"].get("XQ_RUN_PROJECTIONS", "true") == "true"
        assert {k: v for k, v in reader["environment"].items() if k != "XQ_RUN_PROJECTIONS"} == applier["environment"]
        containers = {name: deployments[name]["spec"]["template"]["spec"]["containers"][0] for name in (app, projector)}
        assert containers[app]["command"] == containers[projector]["command"]
        env = {name: {e["name"]: e for e in c["env"]} for name, c in containers.items()}
        assert env[app]["XQ_RUN_PROJECTIONS"]["value"] == "false" and env[projector]["XQ_RUN_PROJECTIONS"]["value"] == "true"
        assert {k: v for k, v in env[app].items() if k != "XQ_RUN_PROJECTIONS"} == \
            {k: v for k, v in env[projector].items() if k != "XQ_RUN_PROJECTIONS"}  # its principal, its database
        assert projector not in of_kind(base, "Service")
        assert of_kind(base, "PodDisruptionBudget")[projector]["spec"]["selector"]["matchLabels"] == \
            {"app.kubernetes.io/name": projector}


def test_compose_points_every_process_at_the_servers_it_defines(compose):
    services = compose["services"]
    env = services["registry"]["environment"]
    assert_service_urls(env, {n: port_of(n) for n in compose_apps(compose)}, "docker-compose.yml")
    assert env["XQ_PG_HOST"] in services and env["XQ_PG_PORT"] == "5432"
    kafka = services["kafka"]["environment"]
    assert f"CLIENTS://{env['XQ_KAFKA_BOOTSTRAP']}" in kafka["KAFKA_ADVERTISED_LISTENERS"].split(",")
    # No listener takes an anonymous client, and nobody but `broker` and `admin` is a super user.
    assert set(kafka["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(",")) == {
        f"{name}:SASL_PLAINTEXT" for name in ("CLIENTS", "CONTROLLER", "HOST")}
    assert kafka["KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND"] == "false"
    assert kafka["KAFKA_SUPER_USERS"] == "User:broker;User:admin"
    assert "kafka-users" in services["topics"]["depends_on"]  # the users exist before the ACLs are granted
    assert urlsplit(env["XQ_OTLP_ENDPOINT"]).hostname in services
    collector = yaml.safe_load((ROOT / "deploy/otel/collector.yaml").read_text())
    http = collector["receivers"]["otlp"]["protocols"]["http"]["endpoint"]
    assert http.endswith(f":{urlsplit(env['XQ_OTLP_ENDPOINT']).port}")
    assert services["otel-collector"]["environment"]["TRACES_ENDPOINT"].split(":")[0] in services  # jaeger
    # the init script creates every app's database, named as the settings name it
    init = (ROOT / "deploy/compose/postgres-init.sql").read_text()
    for app in compose_apps(compose):
        assert f"CREATE DATABASE {DEFAULTS.database(app)};" in init, app
    for job in ("keys", "topics"):
        assert services[job]["command"][0] == "xinqing"
    assert services["topics"]["command"] == ["xinqing", "topics", "--create"]


def test_dockerfile_is_multi_stage_non_root_and_starts_a_launcher_app():
    text = (ROOT / "Dockerfile").read_text()
    assert len(re.findall(r"^FROM ", text, re.M)) >= 2 and "COPY --from=build" in text
    user = re.findall(r"^USER (\S+)", text, re.M)
    assert user and user[-1].split(":")[0] not in ("0", "root")
    cmd = yaml.safe_load(re.findall(r"^CMD (.+)$", text, re.M)[-1])
    factory, port = uvicorn_target(cmd)
    assert factory == FACTORIES["gateway"] and port == port_of("gateway")


# --- Kubernetes ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def base() -> list[dict]:
    docs = []
    for path in sorted((K8S / "base").glob("*.yaml")):
        docs += [d for d in yaml.safe_load_all(path.read_text()) if d]
    return docs


def of_kind(docs, kind: str) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def test_kubernetes_sets_only_settings_with_valid_values(base):
    config = of_kind(base, "ConfigMap")["xinqing-config"]["data"]
    assert_settings(config, "deploy/k8s/base/config.yaml")
    for name, deployment in of_kind(base, "Deployment").items():
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            names = {e["name"]: e.get("value", "") for e in container.get("env", [])}
            if any(k.startswith("XQ_") for k in names):
                assert_settings({k: v for k, v in names.items() if v}, f"deployment {name}")
                unknown = [k for k in names if k[3:].lower() not in Settings.model_fields]
                assert not unknown, f"deployment {name}: {unknown}"
            for e in container.get("env", []):  # secrets only by reference, never inline
                if any(word in e["name"] for word in ("KEY", "PASSWORD")):
                    assert "secretKeyRef" in e.get("valueFrom", {}), e
    assert not of_kind(base, "Secret"), "secrets are referenced, never checked in"


def test_kubernetes_deploys_every_app_with_probes_resources_autoscaling_and_disruption_budget(base):
    deployments, services = of_kind(base, "Deployment"), of_kind(base, "Service")
    hpas, pdbs = of_kind(base, "HorizontalPodAutoscaler"), of_kind(base, "PodDisruptionBudget")
    for app, factory in FACTORIES.items():
        port = port_of(app)
        spec = deployments[app]["spec"]["template"]["spec"]
        container = spec["containers"][0]
        assert uvicorn_target(container["command"]) == (factory, port), app
        assert container["ports"] == [{"name": "http", "containerPort": port, "protocol": "TCP"}], app
        assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
        assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
        assert container["resources"]["requests"] and container["resources"]["limits"]["memory"]
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        assert container["envFrom"] == [{"configMapRef": {"name": "xinqing-config"}}]
        annotations = deployments[app]["spec"]["template"]["metadata"]["annotations"]
        assert annotations["prometheus.io/port"] == str(port) and annotations["prometheus.io/path"] == "/metrics"
        assert services[app]["spec"]["ports"][0]["port"] == port
        assert hpas[app]["spec"]["scaleTargetRef"]["name"] == app
        assert hpas[app]["spec"]["maxReplicas"] <= DEFAULTS.kafka_partitions
        assert pdbs[app]["spec"]["selector"]["matchLabels"] == {"app.kubernetes.io/name": app}
    config = of_kind(base, "ConfigMap")["xinqing-config"]["data"]
    assert_service_urls(config, {n: s["spec"]["ports"][0]["port"] for n, s in services.items()}, "config.yaml")
    assert urlsplit(config["XQ_OTLP_ENDPOINT"]).hostname == "otel-collector"


def test_the_apps_serve_the_paths_the_probes_and_scrapers_use(tmp_path):
    ensure_dev_keys(tmp_path / "keys")
    settings = Settings(_env_file=None, data_dir=tmp_path)
    for app in APPS:
        module, _, attr = app.factory.partition(":")
        built = getattr(__import__(module, fromlist=[attr]), attr)(settings)
        paths = {getattr(r, "path", None) for r in built.routes}
        assert {"/health/live", "/health/ready", "/metrics"} <= paths, app.name


def test_strimzi_topics_are_the_ones_the_services_declare(tmp_path):
    ensure_dev_keys(tmp_path / "keys")
    expected = strimzi(declared_topics(Settings(_env_file=None, data_dir=tmp_path)))
    checked_in = (K8S / "base" / "kafka-topics.yaml").read_text()
    assert checked_in == expected, ("deploy/k8s/base/kafka-topics.yaml is out of date: run "
                                    "`xinqing topics --strimzi > deploy/k8s/base/kafka-topics.yaml`")
    assert "xq.registry.youth" in checked_in


def test_strimzi_users_carry_the_acls_of_the_contracts(tmp_path):
    expected = strimzi_users(Settings(_env_file=None, data_dir=tmp_path))
    checked_in = (K8S / "base" / "kafka-users.yaml").read_text()
    assert checked_in == expected, ("deploy/k8s/base/kafka-users.yaml is out of date: run "
                                    "`xinqing topics --strimzi-users > deploy/k8s/base/kafka-users.yaml`")


def kustomize(overlay: str) -> list[dict]:
    tool = shutil.which("kustomize")
    command = [tool, "build"] if tool else [shutil.which("kubectl") or "kubectl", "kustomize"]
    if not tool and not shutil.which("kubectl"):
        pytest.fail("needs kubectl or kustomize (.ci/run installs kustomize with `go install` when neither is there)")
    done = subprocess.run([*command, str(K8S / "overlays" / overlay)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return [d for d in yaml.safe_load_all(done.stdout) if d]


@pytest.mark.parametrize("overlay", ["dev", "production"])
def test_overlays_build_into_a_complete_namespace(overlay):
    docs = kustomize(overlay)
    namespaces = {d["metadata"].get("namespace") for d in docs}
    assert len(namespaces) == 1 and None not in namespaces
    deployments = of_kind(docs, "Deployment")
    assert set(FACTORIES) | set(PROJECTORS) | {"otel-collector"} == set(deployments)
    assert of_kind(docs, "KafkaTopic") and of_kind(docs, "PrometheusRule")
    users = of_kind(docs, "KafkaUser")
    for app, deployment in deployments.items():  # each app logs in to Kafka as its own principal
        if app == "otel-collector":
            continue
        env = {e["name"]: e for e in deployment["spec"]["template"]["spec"]["containers"][0]["env"]}
        principal = f"svc-{PROJECTORS.get(app, app)}"  # a projector is its app's principal
        assert env["XQ_KAFKA_USER"]["value"] == principal in users, app
        assert env["XQ_KAFKA_PASSWORD"]["valueFrom"]["secretKeyRef"] == {"name": principal, "key": "password"}
    assert "authorization" not in users["admin"]["spec"]  # the cluster's super user, for set-up only
    collector_config = next(d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"].startswith("otel-"))
    volume = deployments["otel-collector"]["spec"]["template"]["spec"]["volumes"][0]
    assert volume["configMap"]["name"] == collector_config["metadata"]["name"]  # the hashed name is wired
    config = of_kind(docs, "ConfigMap")["xinqing-config"]["data"]
    assert_settings(config, f"overlay {overlay}")
    if overlay == "dev":
        assert all(t["spec"]["replicas"] == 1 for t in of_kind(docs, "KafkaTopic").values())
        assert all(d["spec"]["replicas"] == 1 for d in deployments.values())


# --- Runbook -------------------------------------------------------------------------------------

def test_every_alert_has_a_runbook_section_and_the_readme_links_the_runbook(base):
    runbook = (ROOT / "docs" / "RUNBOOK.md").read_text()
    headings = set(re.findall(r"^#+ (\S+)", runbook, re.M))
    rules = [r for g in of_kind(base, "PrometheusRule")["xinqing"]["spec"]["groups"] for r in g["rules"]
             if "record" not in r]  # recording rules (the dashboards' series) alert nobody
    assert rules
    for rule in rules:
        assert rule["alert"] in headings, f"docs/RUNBOOK.md has no section {rule['alert']}"
        assert rule["annotations"]["runbook"] == f"docs/RUNBOOK.md#{rule['alert'].lower()}"
    assert "docs/RUNBOOK.md" in (ROOT / "README.md").read_text()



def pins(lock: Path) -> dict[str, str]:
    return dict(re.findall(r"^([A-Za-z0-9_.\-\[\]]+)==(\S+)", lock.read_text(), re.M))


def test_the_image_installs_what_ci_tested_and_every_package_of_the_project():
    """The image takes the runtime lock (a subset of CI's lock, at the same versions) with hashes, and copies
    every top-level package the project installs (a package left out breaks imports only in the image)."""
    text = (ROOT / "Dockerfile").read_text()
    assert "--require-hashes -r requirements-runtime.lock" in text
    runtime, tested = pins(ROOT / "requirements-runtime.lock"), pins(ROOT / "requirements.lock")
    assert runtime and {name: version for name, version in runtime.items() if tested.get(name) != version} == {}
    packages = re.search(r'include = \[(.*?)\]', (ROOT / "pyproject.toml").read_text()).group(1)
    for package in re.findall(r'"(\w+)\*"', packages):
        if package != "bench":  # benchmarks are not shipped
            assert re.search(rf"^COPY {package} {package}$", text, re.M), package


def test_postgres_wal_settings_are_the_launchers_in_compose_and_kubernetes():
    """The WAL of a bulk import (docs/RUNBOOK.md: 59 GB for 1.7 M people at PostgreSQL's defaults) is bounded
    the same way wherever the cluster runs."""
    from xinqing.launcher.postgres import WAL_VOLUME
    launcher = dict(WAL_VOLUME[i + 1].split("=", 1) for i in range(0, len(WAL_VOLUME), 2))
    assert set(launcher) == {"max_wal_size", "wal_compression"}
    command = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["postgres"]["command"]
    compose = dict(command[i + 1].split("=", 1) for i in range(1, len(command), 2) if command[i] == "-c")
    patch = yaml.safe_load((K8S / "backups" / "cluster-backup-patch.yaml").read_text())
    kubernetes = patch["spec"]["postgresql"]["parameters"]
    assert compose == launcher
    assert {k: kubernetes[k] for k in launcher} == launcher
