"""The AsyncAPI document validates with the real AsyncAPI CLI (pinned in deploy/contracts/package-lock.json).

`.ci/run` installs it (`npm ci` in deploy/contracts); elsewhere the test installs it on first use.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest
import yaml

from services.partners import asyncapi

pytestmark = pytest.mark.integration
CLI = asyncapi.CONTRACTS / "node_modules" / ".bin" / "asyncapi"


@pytest.fixture(scope="module")
def asyncapi_cli(tmp_path_factory):
    assert shutil.which("npm"), "the AsyncAPI check needs Node.js and npm (Debian: nodejs npm)"
    if not CLI.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=asyncapi.CONTRACTS,
                       check=True, capture_output=True, timeout=1200)
    home = tmp_path_factory.mktemp("asyncapi-home")
    config = home / "analytics.json"  # no usage metrics leave the machine
    config.write_text(json.dumps({"analyticsEnabled": "false", "infoMessageShown": "true", "userID": "ci"}))

    def validate(document) -> subprocess.CompletedProcess:
        return subprocess.run([str(CLI), "validate", str(document), "--fail-severity=error"], capture_output=True,
                              text=True, timeout=300,
                              env={"PATH": os.environ["PATH"], "HOME": str(home), "ASYNCAPI_METRICS_CONFIG_PATH": str(config),
                                   "CI": "true"})
    return validate


def test_the_asyncapi_document_is_valid(asyncapi_cli):
    done = asyncapi_cli(asyncapi.ASYNCAPI)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "is valid" in done.stdout + done.stderr


def test_the_cli_refuses_a_broken_document(asyncapi_cli, tmp_path):
    """The check can fail: an operation on a channel that does not exist is an error."""
    doc = yaml.safe_load(asyncapi.ASYNCAPI.read_text(encoding="utf-8"))
    next(iter(doc["operations"].values()))["channel"] = {"$ref": "#/channels/nowhere"}
    shutil.copytree(asyncapi.SCHEMAS, tmp_path / "schemas")
    broken = tmp_path / "asyncapi.yaml"
    broken.write_text(yaml.safe_dump(doc, allow_unicode=True))
    done = asyncapi_cli(broken)
    assert done.returncode != 0, done.stdout
