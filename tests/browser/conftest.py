"""Fixtures for browser tests: one headless Chromium for this package, a fresh context per use.

Playwright cannot download its own browser here, so Debian's Chromium is
launched (override the path with CHROMIUM_PATH). Without it the tests are
skipped, except under CI=true, where a missing browser is a failure.

Screenshots go to a temporary directory unless SCREENSHOTS=1 (``make
screenshots``) asks for the tracked ones in docs/screenshots/ to be rewritten.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
VIEWPORT = {"width": 1280, "height": 900}
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


@pytest.fixture(scope="package")
def allow_async_unsafe() -> Iterator[None]:
    """Let the ORM run while Playwright's event loop runs, for this package's tests only.

    Playwright's sync API keeps an asyncio event loop running in the main
    thread from the moment the browser starts until it closes, and Django
    refuses ORM calls from a thread with a running loop
    (SynchronousOnlyOperation). The browser lives as long as this package's
    tests, so the switch is set for exactly that time and restored after:
    every other test keeps Django's guard.
    """
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    yield
    if previous is None:
        os.environ.pop(ASYNC_UNSAFE, None)
    else:
        os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture(scope="package")
def browser(allow_async_unsafe):
    if not Path(CHROMIUM).exists():
        reason = f"needs Chromium at {CHROMIUM} (set CHROMIUM_PATH)"
        if IN_CI:
            pytest.fail(f"CI=true: {reason}", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser, live_server) -> Iterator[Callable]:
    """Open an isolated browser context (own cookies: one per person) on the live server.

    Every response of 400 or more, every uncaught page error and every
    Content-Security-Policy violation the browser reports is recorded on
    `context.problems`, so a test can assert that nothing broke quietly.
    """
    contexts = []

    def make(**kwargs):
        options = {"viewport": VIEWPORT, "locale": "en-US", **kwargs}  # a phone may ask
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(10_000)
        context.problems = []
        context.on(
            "response",
            lambda r: r.status >= 400 and context.problems.append(f"{r.status} {r.url}"),
        )
        context.on("page", lambda p: _watch(p, context.problems))
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def _watch(page, problems: list) -> None:
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and "Content Security Policy" in message.text
            and problems.append(f"CSP: {message.text}")
        ),
    )


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture
def screenshot_dir(tmp_path) -> Path:
    """docs/screenshots/ when SCREENSHOTS=1 (``make screenshots``), else a temporary directory.

    The pages are rendered and captured either way; only the tracked files
    are left alone on an ordinary test run.
    """
    if os.environ.get("SCREENSHOTS") != "1":
        return tmp_path
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
