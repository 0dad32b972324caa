"""A real browser (Debian's chromium driven by Playwright) against the real app on a local port."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
# CI sets this so a missing browser fails the run instead of skipping the journeys.
REQUIRED = os.environ.get("CATALOGUE_REQUIRE_BROWSER") == "1"
SCREENSHOTS = Path(os.environ.get("CATALOGUE_SCREENSHOT_DIR", "screenshots"))


@pytest.fixture
def live_server(app) -> Iterator[str]:
    app.config["WTF_CSRF_ENABLED"] = True  # a real browser sends the forms' tokens
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture
def page(live_server) -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if REQUIRED:
            pytest.fail(f"No chromium at {CHROMIUM}: install Debian's chromium package.")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium); .ci/run installs it.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        # bypass_csp lets the tests inject axe-core; the app itself allows no inline scripts.
        context = browser.new_context(base_url=live_server, accept_downloads=True, bypass_csp=True)
        page = context.new_page()
        yield page
        context.close()
        browser.close()


@pytest.fixture
def screenshot():
    """``screenshot(page, name)`` keeps a picture of the page in the artifacts folder."""

    def take(page, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return take


AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture
def check_accessibility(screenshot):
    """``check_accessibility(page, name)``: zero axe-core WCAG 2.2 A/AA violations, and a screenshot."""
    if not AXE.exists():
        if REQUIRED:
            pytest.fail(f"axe-core is missing: run `npm install` in {AXE.parents[2]}.")
        pytest.skip("axe-core is not installed (npm install in tests/browser); .ci/run installs it.")

    def check(page, name: str) -> None:
        screenshot(page, name)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
        problems = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in result["violations"]
        ]
        assert not problems, f"{name}: " + "; ".join(problems)

    return check


@pytest.fixture
def user_with(app, session):
    """Create a user who can sign in: ``user_with("trust", "Riverside Trust")`` returns the email."""
    from catalogue import accounts

    def make(role: str, org: str | None = None) -> str:
        email = f"{role}@journey.example"
        with app.app_context():
            organisation = None
            if org:
                kind = "supplier" if role == "supplier" else role
                organisation = accounts.organisation_by_name(session, org) or accounts.create_organisation(session, name=org, kind=kind, actor="test")
            accounts.create_user(session, email=email, role=role, organisation=organisation, password=PASSWORD, actor="test")
            session.commit()
        return email

    return make


PASSWORD = "correct horse battery staple"


def sign_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def demo_register(app, session):
    """The fictional demo data, loaded and indexed as `catalogue seed` does."""
    from catalogue import search, seeding
    from catalogue.resources import SEED_DIR

    with app.app_context():
        seeding.load(session, SEED_DIR)
        session.commit()
        search.current().catch_up(session)
