"""Browser journeys: Playwright drives Debian's headless Chromium against a live server.

No browser is downloaded: the executable is /usr/bin/chromium (installed by `make browser`).
axe-core comes from npm (node_modules) and is injected into every page we visit.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls our tests make
# around it are still plain synchronous code, so Django's async guard is a false alarm here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        pytest.fail(f"Chromium not found at {CHROMIUM}; run `make browser` (Debian package chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^a-z0-9_-]+', '-', name.lower())}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core in the page; return serious and critical violations."""
    if not AXE_JS.exists():
        pytest.fail("axe-core missing: run `npm ci` (make browser does).")
    # Evaluated through the DevTools protocol, so our strict CSP (no inline scripts) stays on.
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result: dict[str, Any] = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    return [v for v in result["violations"] if v.get("impact") in {"serious", "critical"}]


def assert_accessible(page: Any, name: str) -> None:
    violations = axe_violations(page)
    summary = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in violations
    ]
    assert not violations, f"axe found serious/critical violations on {name}:\n" + "\n".join(summary)


# --- shared steps of the journeys ------------------------------------------------------------------


@pytest.fixture(autouse=True)
def english(db: None) -> None:
    """The journeys' people speak English. Languages come from a data migration, and the flush
    between browser tests does not reliably bring them back when other tests ran first in the
    same process (the serialized copy is missing from the connection), so make sure it exists."""
    from tandem.people.models import Language

    Language.objects.get_or_create(code="en", defaults={"name": "English"})


def sign_in(page: Any, email: str) -> None:
    from tests.factories import TEST_PASSWORD

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def sign_out(page: Any) -> None:
    page.locator("details.account-menu > summary").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def visit(page: Any, name: str) -> None:
    """Every page of a journey: no serious accessibility problem, and a screenshot."""
    page.wait_for_load_state()
    assert_accessible(page, name)
    screenshot(page, name)
