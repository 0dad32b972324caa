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
        context = browser.new_context(base_url=live_server, accept_downloads=True)
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


@pytest.fixture
def demo_register(app, session):
    """The fictional demo data, loaded and indexed as `catalogue seed` does."""
    from catalogue import search, seeding
    from catalogue.resources import SEED_DIR

    with app.app_context():
        seeding.load(session, SEED_DIR)
        session.commit()
        search.current().catch_up(session)
