"""Rate limits on sign-in and on API writes (an app with limits switched on)."""

from __future__ import annotations

import pytest

from catalogue import accounts
from catalogue.security import limiter

PASSWORD = "correct horse battery staple"


@pytest.fixture
def app_overrides():
    return {"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute", "WRITE_RATE_LIMIT": "2 per minute"}


@pytest.fixture(autouse=True)
def fresh_counts(app):
    limiter.reset()
    yield
    limiter.reset()


@pytest.fixture
def supplier_user(app, session):
    with app.app_context():
        organisation = accounts.create_organisation(session, name="Acme Learning", kind="supplier", actor="test")
        accounts.create_user(session, email="owner@acme.example", role="supplier", organisation=organisation, password=PASSWORD, actor="test")
        session.commit()


def test_sign_in_is_throttled(app, client, supplier_user):
    statuses = [client.post("/login", data={"email": "owner@acme.example", "password": "guess"}).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]


def test_api_writes_are_rate_limited(app, client, make_token, entry, auth):
    token = make_token("supplier", org="Acme Learning")
    statuses = [client.post("/api/v1/products", json={**entry, "name": f"Tool {n}"}, headers=auth(token)).status_code for n in range(3)]
    assert statuses == [201, 201, 429]
    refused = client.post("/api/v1/products", json={**entry, "name": "Tool 9"}, headers=auth(token))
    assert refused.json["status"] == 429 and "wait a minute" in refused.json["message"]
    assert client.get("/api/v1/products").status_code == 200  # reads are not limited


