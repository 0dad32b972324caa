"""Security: headers, CSRF on forms, sign-in with throttling and safe cookies, tokens, rate limits, no stack traces."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from catalogue import accounts
from catalogue.models import ApiToken

PASSWORD = "correct horse battery staple"


@pytest.fixture
def supplier_user(app, session):
    with app.app_context():
        organisation = accounts.create_organisation(session, name="Acme Learning", kind="supplier", actor="test")
        user = accounts.create_user(session, email="owner@acme.example", role="supplier", organisation=organisation, password=PASSWORD, actor="test")
        session.commit()
        return user


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


@pytest.mark.parametrize("url", ["/", "/evaluators", "/login", "/api/v1/products", "/api/v1/openapi.json", "/no-such-page"])
def test_every_response_carries_the_security_headers(client, url):
    response = client.get(url)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_have_no_inline_scripts_or_styles(client, store, entry):
    product = store(entry)
    for url in ("/", f"/products/{product.slug}", "/evaluators", "/profiles/new", "/login"):
        page = client.get(url).get_data(as_text=True)
        assert "<script" not in page and "style=" not in page and "<style" not in page, url


def test_forms_refuse_posts_without_a_csrf_token(app, client, session):
    app.config["WTF_CSRF_ENABLED"] = True
    refused = client.post("/profiles", data={"name": "Forged"})
    assert refused.status_code == 400
    assert "expired or was sent from another site" in refused.get_data(as_text=True)
    token = csrf_token(client.get("/profiles/new").get_data(as_text=True))
    accepted = client.post("/profiles", data={"name": "Genuine", "csrf_token": token})
    assert accepted.status_code == 303


def test_the_api_needs_no_csrf_token_because_it_uses_bearer_tokens(app, client, make_token, entry, auth):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/api/v1/products", json=entry, headers=auth(make_token("supplier", org="Acme Learning")))
    assert response.status_code == 201


def test_sign_in_and_out(app, client, supplier_user):
    wrong = client.post("/login", data={"email": "owner@acme.example", "password": "nope"})
    assert wrong.status_code == 401 and "not right" in wrong.get_data(as_text=True)
    unknown = client.post("/login", data={"email": "nobody@acme.example", "password": "nope"})
    assert unknown.get_data(as_text=True).count("not right") == 1  # the same message: no account enumeration
    signed_in = client.post("/login", data={"email": "Owner@Acme.example", "password": PASSWORD, "next": "https://evil.example/"})
    assert signed_in.status_code == 303 and signed_in.headers["Location"] == "/supplier"  # the role's own page, never another site
    assert "Sign out (owner@acme.example)" in client.get("/").get_data(as_text=True)
    client.post("/logout")
    assert "Sign in" in client.get("/").get_data(as_text=True)


def test_the_session_cookie_is_http_only_and_secure(app, client, supplier_user):
    app.config["SESSION_COOKIE_SECURE"] = True
    response = client.post("/login", data={"email": "owner@acme.example", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie


def test_a_supplier_signed_in_sees_its_unpublished_entry(app, client, supplier_user, make_token, entry, auth):
    token = make_token("supplier", org="Acme Learning")
    slug = client.post("/api/v1/products", json=entry, headers=auth(token)).json["slug"]
    assert client.get(f"/products/{slug}").status_code == 404
    client.post("/login", data={"email": "owner@acme.example", "password": PASSWORD})
    page = client.get(f"/products/{slug}").get_data(as_text=True)
    assert "not public" in page


def test_tokens_can_be_listed_created_and_revoked(client, make_token, auth, session):
    first = make_token("supplier", org="Acme Learning")
    created = client.post("/api/v1/tokens", json={"label": "CI"}, headers=auth(first))
    assert created.status_code == 201 and created.json["token"].startswith("cat_")
    second = created.json["token"]
    listed = client.get("/api/v1/tokens", headers=auth(second)).json["items"]
    assert [t["label"] for t in listed] == ["", "CI"]
    assert all("token" not in t for t in listed)
    assert all(second not in row.token_hash for row in session.exec(select(ApiToken)))
    revoked = client.delete(f"/api/v1/tokens/{listed[0]['id']}", headers=auth(second))
    assert revoked.status_code == 200 and revoked.json["revoked_at"]
    assert client.get("/api/v1/tokens", headers=auth(first)).status_code == 401
    other = make_token("supplier", org="Brightside Tools")
    assert client.delete(f"/api/v1/tokens/{listed[1]['id']}", headers=auth(other)).status_code == 404


def test_errors_never_show_a_stack_trace(app, client):
    @app.get("/api/v1/explode")
    def explode_api():
        raise RuntimeError("secret internals")

    @app.get("/explode")
    def explode_page():
        raise RuntimeError("secret internals")

    api = client.get("/api/v1/explode")
    assert api.status_code == 500 and api.json["status"] == 500
    page = client.get("/explode")
    assert page.status_code == 500
    for body in (api.get_data(as_text=True), page.get_data(as_text=True)):
        assert "secret internals" not in body and "Traceback" not in body
