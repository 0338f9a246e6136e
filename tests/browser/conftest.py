"""Real-browser fixtures: the app served on a free local port, Debian's Chromium via Playwright.

Browser tests run on SQLite (their subject is the page, not the engine). Without
/usr/bin/chromium they are skipped with a visible reason (a failure under REQUIRE_FULL_SUITE=1).
"""

import os
import threading
import time
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.support.skips import skip_or_fail

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 740}
ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"


def pytest_report_header(config):
    if not os.path.exists(CHROMIUM):
        return ["Browser tests: SKIPPED (no /usr/bin/chromium; apt-get install chromium)"]
    return [f"Browser tests: ON ({CHROMIUM})"]


@pytest.fixture(scope="session")
def playwright_instance():
    if not os.path.exists(CHROMIUM):
        skip_or_fail("browser tests need Debian's chromium at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def live_app(csrf_app, wipe):
    """The app on SQLite, CSRF on as in production, served in a thread (its data committed)."""
    server = make_server("127.0.0.1", 0, csrf_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    csrf_app.config["LIVE_URL"] = f"http://127.0.0.1:{server.server_port}"
    yield csrf_app
    server.shutdown()
    thread.join(5)


@pytest.fixture
def base_url(live_app):
    return live_app.config["LIVE_URL"]


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True)
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def login(page, base_url, username, password):
    """Sign in through the real login form."""
    page.goto(base_url + "/dang-nhap")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def run_axe(page) -> list[dict]:
    """Inject axe-core and return its serious and critical violations."""
    if not AXE_JS.exists():
        skip_or_fail("axe-core is not installed (npm install axe-core)")
    # Evaluated through DevTools, not added as an inline <script>: the pages' CSP (rightly)
    # refuses inline scripts, and a test must not weaken it to run its checker.
    page.evaluate(AXE_JS.read_text() + "\n;undefined")
    result = page.evaluate("async () => await axe.run(document)")
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def screenshot(page, name: str) -> Path:
    """Save a screenshot under test-artifacts/ (kept out of git) for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def wait_until(page, expression: str, timeout_ms: float = 10_000) -> None:
    """Wait for a JavaScript expression to be true. Not page.wait_for_function: its polling
    evaluates the string inside the page, which the Content-Security-Policy (no unsafe-eval)
    refuses whenever the first check is not already true, as on a slow machine."""
    deadline = time.monotonic() + timeout_ms / 1000
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout_ms:.0f} ms: {expression}")
        page.wait_for_timeout(25)
