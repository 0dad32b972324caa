"""Concurrent writers: 8 clients against 2 gunicorn workers submit, then publish, 1,000 entries.

Afterwards the database holds exactly those entries, each once, and the search
index holds exactly the published ones: nothing lost, duplicated or locked up.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import func, select

from catalogue import search
from catalogue.models import Product, ProductVersion
from catalogue.search import SearchParams
from catalogue.testing import EXAMPLE_ENTRY

pytestmark = pytest.mark.slow
CLIENTS, ENTRIES = 8, 1000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def gunicorn(app, database_url, tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "CATALOGUE_DATABASE_URL": database_url,
        "CATALOGUE_INDEX_DIR": app.config["INDEX_DIR"],
        "CATALOGUE_SECRET_KEY": "test",
        "CATALOGUE_WRITE_RATE_LIMIT": "1000000 per minute",
    }
    command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}", "--timeout", "120",
               "--log-level", "warning", "catalogue:create_app()"]
    server = subprocess.Popen(command, env=env, cwd=tmp_path, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.2)
    yield port
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(30)


def request(port: int, method: str, path: str, token: str, body: dict | None = None) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        payload = json.dumps(body) if body is not None else None
        connection.request(method, path, body=payload, headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        connection.close()


def test_eight_clients_and_two_workers_lose_and_duplicate_nothing(app, session, make_token, gunicorn):
    suppliers = [make_token("supplier", org=f"Concurrent Supplier {n}") for n in range(CLIENTS)]
    reviewer = make_token("reviewer")
    per_client = ENTRIES // CLIENTS

    def submit(client: int) -> list[str]:
        slugs = []
        for n in range(per_client):
            entry = {**EXAMPLE_ENTRY, "name": f"Concurrent Tool {client}-{n}", "supplier": f"Concurrent Supplier {client}"}
            status, body = request(gunicorn, "POST", "/api/v1/products", suppliers[client], entry)
            assert status == 201, body
            slugs.append(body["slug"])
        return slugs

    def publish(slugs: list[str]) -> None:
        for slug in slugs:
            status, body = request(gunicorn, "POST", f"/api/v1/products/{slug}/versions/1/decision", reviewer, {"decision": "publish"})
            assert status == 200, body

    with ThreadPoolExecutor(CLIENTS) as pool:
        batches = list(pool.map(submit, range(CLIENTS)))
        list(pool.map(publish, batches))

    slugs = [slug for batch in batches for slug in batch]
    assert len(set(slugs)) == ENTRIES
    assert session.exec(select(func.count()).select_from(Product)).one() == ENTRIES
    assert session.exec(select(func.count()).select_from(ProductVersion)).one() == ENTRIES
    published = session.exec(select(func.count()).select_from(Product).where(Product.published_version_number == 1)).one()
    assert published == ENTRIES
    with app.app_context():
        service = search.current()
        service.catch_up(session, wait=30)  # whatever the last lock holder left behind, if anything
        assert service.search(SearchParams(per_page=1)).total == ENTRIES
        assert service.check(session, repair=False, progress=lambda items, total: items).ok
