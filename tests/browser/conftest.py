"""Headless Chromium for the browser tests: Debian's ``chromium`` (``make browser`` installs it), driven by
Playwright's Python client, which only drives a browser it is given and downloads none.

Every test here is marked ``browser``; ``-m "not browser"`` leaves them out. A missing chromium fails the tests with
the command that installs it (they never skip: CI must see them run).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

# This machine's network is closed: without these, Chromium's own background connections fail many at a time.
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests may run as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium() -> str:
    path = shutil.which(os.environ.get("CHROMIUM", "chromium"))
    if path is None:
        pytest.fail("chromium is missing: run `make browser` (it installs Debian's chromium package) and test again")
    return path


# One browser per test module, never per session: while Playwright's sync API is open, the main thread has a running
# event loop (its greenlets), which every later test (asyncio.run, the SDK's "am I in a program?") would see.
@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page in its own context (no cookies or storage shared between tests), A4-ish so prints compare."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()
