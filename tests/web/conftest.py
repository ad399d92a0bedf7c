"""The one Chromium that the browser tests of tests/web share (see tests/web/browser.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    from tests.web.browser import launch

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()
