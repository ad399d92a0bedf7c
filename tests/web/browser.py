"""What every browser test in tests/web shares: Debian's Chromium launched the way this machine allows,
the site served on loopback, and a person's tab that signs in, checks the page with axe-core and takes
screenshots.

One accessibility checker for all pages: axe-core from the locked ``package.json`` (``npm ci`` in
scripts/setup.sh), added to every page of a person's browser context as a DevTools init script, so the
pages' strict Content-Security-Policy stays in force. A :class:`Person` fails its test on any CSP
breach, script error or browser dialog (``alert``/``confirm``/``prompt``) seen in their tab."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("AZS_SCREENSHOTS_DIR", ROOT / "test-artifacts" / "screenshots"))
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "пароль-для-теста-2026"
# a phone as Chromium emulates it (touch, a 2x screen) and a desktop window
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
# never `playwright install` (it downloads browsers): Debian's chromium, without the sandbox and the
# background services that would reach for the network
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


def launch(playwright: Any) -> Any:
    """Chromium with axe-core at hand; the test fails (not skips) when either is missing."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.fail("chromium is required (scripts/setup.sh installs it)")
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: scripts/setup.sh installs it with `npm ci` (package-lock.json)")
    return playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)


@contextmanager
def served(svc: Any) -> Iterator[str]:
    """The whole app (API and pages) of ``svc`` on a free loopback port; yields its base URL."""
    from azs_assistant.api.app import create_app
    from tests.loopback import serve

    server, thread, port = serve(create_app(svc, background=False))
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


class Person:
    """One person's browser tab (a context of its own): signs in when given a user, remembers CSP
    breaches, script errors and dialogs, checks the page with axe-core, takes screenshots."""

    def __init__(self, browser: Any, base: str, user: str | None = None, device: dict[str, Any] | None = None,
                 locale: str = "ru-RU", timeout_s: float = 15) -> None:
        self.base = base
        self.context = browser.new_context(locale=locale, accept_downloads=True, **(device or DESKTOP))
        self.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
        self.context.add_init_script(path=str(AXE))  # a DevTools script: the page's CSP stays strict
        self.page = self.context.new_page()
        self.page.set_default_timeout(timeout_s * 1000)
        self.problems: list[str] = []
        self.page.on("console", lambda m: "Content Security Policy" in m.text
                     and self.problems.append(f"{self.page.url}: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))
        self.page.on("dialog", lambda d: (self.problems.append(f"browser dialog: {d.message}"), d.dismiss()))
        if user is not None:
            self.sign_in(user)

    def sign_in(self, user: str) -> None:
        """The home page sends a stranger to the sign-in form; after it, the person is back home."""
        self.page.goto(f"{self.base}/")
        assert "/login" in self.page.url
        self.page.fill("input[name=username]", user)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("#login")
        self.page.wait_for_url(f"{self.base}/")

    def axe(self) -> None:
        """No serious or critical axe-core violation on the page as it stands."""
        found = self.page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
            .violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => v.id + ': ' + v.help + ' @ ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))""")
        assert found == [], f"{self.page.url}: {found}"

    def shot(self, name: str, full: bool = True) -> None:
        """The whole page, or (``full=False``) what the screen shows: a phone's fixed ask bar and an open
        dialog are drawn where the person sees them."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full)

    def close(self) -> None:
        self.context.close()
        assert self.problems == []


def ask(page: Any, question: str) -> Any:
    """Ask in the chat and wait for the answer's rendering (the end of the stream); the new answer box."""
    count = page.locator(".msg.bot .actions").count()
    page.fill("#question", question)
    page.click("#send")
    page.locator(".msg.bot .actions").nth(count).wait_for()
    return page.locator(".msg.bot").last


def page_width(page: Any) -> int:
    """How wide the page's content is: wider than the viewport means the person scrolls sideways."""
    return int(page.evaluate("() => document.scrollingElement.scrollWidth"))
