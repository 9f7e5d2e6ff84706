"""The stack as a newcomer runs it: real processes on loopback, real HTTP, a real Kafka client."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from chassis.kafka_login import admin_login
from chassis.settings import Settings
from tests.e2e.support import ROOT, app_processes, env_of, gql
from tests.support import librdkafka_env
from xinqing.launcher.kafka import resolve_jars
from xinqing.launcher.ports import free_port
from xinqing.launcher.stack import APPS, start_app

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stack(settings, infra):
    with app_processes(settings, "e2e-stack.log") as running:
        yield running


def read_with_kafka_client(s: Settings, topic: str, tmp: Path) -> str:
    """kcat when installed (CI installs it), else Kafka's own console consumer from the same jars; as `admin`,
    the one principal an operator reads internal topics with (docs/RUNBOOK.md): anonymous clients are refused."""
    admin = admin_login(s)
    if shutil.which("kcat") and os.environ.get("XQ_TEST_KAFKA_CLIENT") != "java":
        cmd = ["kcat", "-C", "-b", s.kafka_bootstrap, "-X", "security.protocol=SASL_PLAINTEXT",
               "-X", "sasl.mechanisms=SCRAM-SHA-512", "-X", f"sasl.username={admin.user}",
               "-X", f"sasl.password={admin.password}", "-t", topic, "-o", "beginning", "-e", "-q",
               "-f", "%k %h %s\n"]
        env = {**os.environ, **librdkafka_env(tmp)}
    else:
        config = tmp / "admin.properties"
        config.write_text("security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\nsasl.jaas.config="
                          "org.apache.kafka.common.security.scram.ScramLoginModule required "
                          f'username="{admin.user}" password="{admin.password}";\n')
        cmd = ["java", "-cp", f"{resolve_jars(s)}/*", "org.apache.kafka.tools.consumer.ConsoleConsumer",
               "--bootstrap-server", s.kafka_bootstrap, "--consumer.config", str(config), "--topic", topic,
               "--from-beginning", "--timeout-ms", "10000", "--property", "print.key=true",
               "--property", "print.headers=true"]
        env = None
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env).stdout


def test_a_newcomer_registers_a_youth_and_sees_it_counted_and_published(stack, token, tmp_path):
    s, _ = stack
    result = gql(s, """mutation { registerYouth(input: {name: "王小明", gender: MALE, birthDate: "2001-03-04",
        mobile: "+8613800138000", district: "110105", youthType: NEW_BUSINESS, subtype: DELIVERY_RIDER,
        consents: [REGISTRATION]}) { id position } }""", token=token("registry_operator"))
    assert "errors" not in result, result
    registered = result["data"]["registerYouth"]
    dash = gql(s, "query($p: String) { dashboard(minPosition: $p) { youth { total byDistrict { district count } } } }",
               {"p": registered["position"]}, token=token("department_viewer"))
    assert dash["data"]["dashboard"]["youth"]["total"] == 1
    assert dash["data"]["dashboard"]["youth"]["byDistrict"] == [{"district": "110105", "count": 1}]

    out = read_with_kafka_client(s, s.topic("xq.registry.youth"), tmp_path)
    assert f"youth-{registered['id']}" in out
    assert "xq.registry.youth.registered.v1" in out
    assert "王小明" not in out and "13800138000" not in out


def test_a_branch_founded_through_the_gateway_reaches_the_dashboard(stack, token):
    s, _ = stack
    result = gql(s, """mutation { foundBranch(input: {name: "朝阳骑手流动团支部", kind: MOBILE, district: "110105"})
        { id position } }""", token=token("branch_secretary", "110105"))
    assert "errors" not in result, result
    dash = gql(s, "query($p: String) { dashboard(minPosition: $p) { branches { total byKind { kind count } } } }",
               {"p": result["data"]["foundBranch"]["position"]}, token=token("department_viewer"))
    branches = dash["data"]["dashboard"]["branches"]
    assert branches["total"] == 1 and branches["byKind"] == [{"kind": "MOBILE", "count": 1}]


def test_without_a_token_nothing_is_stored(stack):
    s, _ = stack
    result = gql(s, """mutation { registerYouth(input: {name: "张三", gender: MALE, birthDate: "2001-03-04",
        mobile: "13800138001", district: "110105", youthType: NEW_BUSINESS, subtype: COURIER,
        consents: [REGISTRATION]}) { id } }""")
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_health_endpoints_answer(stack):
    s, _ = stack
    ready = httpx.get(f"http://{s.host}:{s.registry_port}/health/ready", timeout=5).json()
    assert ready["checks"]["database"] == "ok"


def test_services_stop_cleanly_on_sigterm(settings, infra):
    s = settings.model_copy(update={"registry_port": free_port()})
    proc = start_app(APPS[0], s, lambda *_: None, env=env_of(s), timeout=60)
    code = proc.stop()
    assert code in (0, -15)  # uvicorn re-raises the signal after its graceful shutdown
    assert any("stopped cleanly" in line for line in proc.recent), proc.tail()


def test_launcher_names_a_taken_port_in_one_sentence(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        # Every other app on a free port: on a shared machine a default port may be taken by someone else.
        others = {f"XQ_{app.port_setting.upper()}": str(free_port()) for app in APPS if app.name != "gateway"}
        env = {**os.environ, **others, "XQ_GATEWAY_PORT": str(port), "XQ_DATA_DIR": str(tmp_path)}
        done = subprocess.run([sys.executable, "-m", "xinqing.cli", "up"], capture_output=True, text=True,
                              env=env, timeout=60, cwd=ROOT)
    output = done.stdout + done.stderr
    assert done.returncode == 1
    assert f"Port {port}" in output and "XQ_GATEWAY_PORT" in output
    assert "Traceback" not in output


def test_launcher_names_missing_postgres_binaries(tmp_path, monkeypatch):
    from xinqing.launcher import postgres
    from xinqing.launcher.errors import LaunchError

    monkeypatch.setattr(postgres.shutil, "which", lambda _: None)
    monkeypatch.setattr(postgres, "Path", lambda p: tmp_path / "nothing" if p == "/usr/lib/postgresql" else Path(p))
    with pytest.raises(LaunchError, match="XQ_PG_BIN_DIR"):
        postgres.find_bin_dir(Settings(pg_bin_dir=tmp_path / "missing"))


def test_launcher_names_missing_jars_and_maven(tmp_path, monkeypatch):
    from xinqing.launcher import kafka
    from xinqing.launcher.errors import LaunchError

    with pytest.raises(LaunchError, match="XQ_KAFKA_LIBS"):
        kafka.resolve_jars(Settings(kafka_libs=tmp_path))
    monkeypatch.setattr(kafka.shutil, "which", lambda _: None)
    with pytest.raises(LaunchError, match="apt-get install maven"):
        kafka.resolve_jars(Settings(cache_dir=tmp_path, kafka_version="9.9.9"))


def test_an_operator_imports_a_survey_sheet_with_the_cli(stack, tmp_path):
    s, _ = stack
    sheet = tmp_path / "survey.csv"
    sheet.write_text("姓名,性别,出生日期,手机号,区县,细分类型,同意\n"
                     "陈一,女,1998-05-05,13500000001,海淀区,设计师,是\n"
                     "陈二,男,2015-05-05,13500000002,海淀区,设计师,是\n", encoding="utf-8")
    run = lambda: subprocess.run([sys.executable, "-m", "xinqing.cli", "import", "youth", str(sheet)],  # noqa: E731
                                 capture_output=True, text=True, env={**os.environ, **env_of(s)}, timeout=120, cwd=ROOT)
    first = run()
    assert first.returncode == 2, first.stdout + first.stderr  # 2: some rows were refused
    assert "新登记 1" in first.stdout and "有误 1" in first.stdout
    errors = (tmp_path / "survey.csv.errors.csv").read_text(encoding="utf-8-sig")
    assert "3,birthDate,age_range" in errors
    again = run()
    assert "新登记 0" in again.stdout and "已登记（跳过）1" in again.stdout, again.stdout
