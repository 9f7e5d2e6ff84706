"""Running the apps as processes for end-to-end tests (as `xinqing up` does, on free ports)."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from playwright.sync_api import Browser, sync_playwright

from chassis.settings import Settings
from xinqing.launcher.ports import free_port
from xinqing.launcher.processes import ManagedProcess
from xinqing.launcher.stack import APPS, start_app

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / ".test-logs"  # screenshots a person can look at after the run
# Debian's chromium (never a browser Playwright downloads), started as the machine's notes say: without the
# background networking a closed network refuses its connections many at a time.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def env_of(settings: Settings) -> dict[str, str]:
    out = {}
    for name in Settings.model_fields:
        value = getattr(settings, name)
        if value is not None:
            out[f"XQ_{name.upper()}"] = str(value)
    return out


@contextmanager
def app_processes(settings: Settings, log_name: str, *, on_ports: bool = False
                  ) -> Iterator[tuple[Settings, list[ManagedProcess]]]:
    """Every app of the stack (services, then the gateway) as a process on a free port (`on_ports`: on the
    ports `settings` name, chosen by the caller); stopped after."""
    s = settings if on_ports else settings.model_copy(update={app.port_setting: free_port() for app in APPS})
    log = open(ROOT / ".test-logs" / log_name, "a", buffering=1)
    procs: list[ManagedProcess] = []
    try:
        for app in APPS:
            start_app(app, s, lambda name, line: log.write(f"{name} | {line}\n"), into=procs, env=env_of(s), timeout=60)
        yield s, procs
    finally:
        for proc in reversed(procs):
            proc.stop()
        log.close()


def gql(s: Settings, query: str, variables: dict | None = None, token: str | None = None) -> dict:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    r = httpx.post(f"http://{s.host}:{s.gateway_port}/graphql", json={"query": query, "variables": variables or {}},
                   headers=headers, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Debian chromium driven by Playwright, closed afterwards."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
