"""`xinqing measures load FILE`: a bad file is refused line by line and nothing is sent; a good one is sent
to the branches service with the league office's token (the service records the changes: tests/integration
/test_joint_meeting.py)."""
from __future__ import annotations

from pathlib import Path

import httpx
from typer.testing import CliRunner

from services.branches.plan import SHIPPED
from xinqing.cli import app


def test_a_bad_file_is_refused_with_its_lines_and_nothing_is_sent(tmp_path: Path, monkeypatch):
    sent = []
    monkeypatch.setattr(httpx, "post", lambda *a, **k: sent.append((a, k)))
    bad = tmp_path / "plan.yaml"
    bad.write_text(SHIPPED.read_text(encoding="utf-8").replace("lead: RSJ  # 市人力社保局", "lead: HRSS", 1),
                   encoding="utf-8")
    result = CliRunner().invoke(app, ["measures", "load", str(bad)])
    line = next(n for n, text in enumerate(bad.read_text(encoding="utf-8").splitlines(), 1) if "lead: HRSS" in text)
    assert result.exit_code == 2 and f"第 {line} 行" in result.output and "HRSS" in result.output, result.output
    assert sent == []


def test_a_good_file_is_checked_then_sent_to_the_branches_service(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("XQ_DATA_DIR", str(tmp_path))
    checked = CliRunner().invoke(app, ["measures", "load", str(SHIPPED), "--check"])
    assert checked.exit_code == 0 and "22 条措施" in checked.output and "示例" in checked.output, checked.output
    sent = []

    def post(url, json, headers, timeout):
        sent.append((url, json, headers))
        return httpx.Response(200, json={"changes": 1, "measuresChanged": ["M15"], "position": "measure-M15@2"})
    monkeypatch.setattr(httpx, "post", post)
    from chassis.keys import ensure_dev_keys
    from chassis.settings import Settings

    ensure_dev_keys(Settings().keys_dir)
    loaded = CliRunner().invoke(app, ["measures", "load", str(SHIPPED)])
    assert loaded.exit_code == 0 and "M15" in loaded.output, loaded.output
    [(url, body, headers)] = sent
    assert url.endswith("/measures/plan") and len(body["measures"]) == 22 and body["examples"] is True
    assert headers["authorization"].startswith("Bearer ")
