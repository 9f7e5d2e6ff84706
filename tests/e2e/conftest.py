"""What the page tests share: one headless browser per module (tests/e2e/support.py: chromium)."""
from __future__ import annotations

import pytest

from tests.e2e.support import chromium


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b
