"""The supplier API: create, read, update, list — and every way a request can be refused."""

from __future__ import annotations

import json

import pytest
from sqlmodel import func, select

from catalogue import products
from catalogue.models import AuditEntry, Product, ProductVersion

URL = "/api/v1/products"


def create(client, token, entry, auth):
    return client.post(URL, json=entry, headers=auth(token))


def count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


# --- creating ---------------------------------------------------------------


def test_supplier_creates_a_product_and_gets_its_slug(client, make_token, entry, auth):
    token = make_token("supplier", org="Acme Learning")
    response = create(client, token, entry, auth)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["slug"] == "lesson-sketcher"
    assert response.headers["Location"].endswith("/api/v1/products/lesson-sketcher")
    assert body["version"] == 1
    assert body["status"] == "submitted"
    assert body["supplier"] == "Acme Learning"
    assert body["key_stages"] == ["ks1", "ks2"]
    assert body["answers"] == entry["answers"]
    assert [v["number"] for v in body["versions"]] == [1]


def test_supplier_may_leave_out_its_own_name(client, make_token, entry, auth):
    token = make_token("supplier", org="Acme Learning")
    del entry["supplier"]
    response = create(client, token, entry, auth)
    assert response.status_code == 201
    assert response.json["supplier"] == "Acme Learning"


def test_creation_is_audited(client, make_token, entry, auth, session):
    token = make_token("supplier", org="Acme Learning")
    create(client, token, entry, auth)
    actions = session.exec(select(AuditEntry.action, AuditEntry.actor).order_by(AuditEntry.id)).all()
    assert ("product.created", "api.supplier.acme-learning@tokens.invalid") in actions
    assert ("product.version_added", "api.supplier.acme-learning@tokens.invalid") in actions


def test_same_name_twice_for_one_supplier_is_a_conflict(client, make_token, entry, auth, session):
    token = make_token("supplier", org="Acme Learning")
    assert create(client, token, entry, auth).status_code == 201
    entry["name"] = entry["name"].upper()
    response = create(client, token, entry, auth)
    assert response.status_code == 409
    assert "name" in response.json["errors"]
    assert "PATCH /api/v1/products/lesson-sketcher" in response.json["message"]
    assert count(session, Product) == 1


def test_two_suppliers_may_use_one_name_with_distinct_slugs(client, make_token, entry, auth):
    first = create(client, make_token("supplier", org="Acme Learning"), entry, auth)
    entry["supplier"] = "Brightside Tools"
    second = create(client, make_token("supplier", org="Brightside Tools"), entry, auth)
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json["slug"] != second.json["slug"]
    assert second.json["slug"] == "lesson-sketcher-brightside-tools"


def test_association_submits_for_a_new_member(client, make_token, entry, auth, session):
    token = make_token("association", org="Edtech Guild")
    entry["supplier"] = "New Member Ltd"
    response = create(client, token, entry, auth)
    assert response.status_code == 201, response.json
    assert response.json["supplier"] == "New Member Ltd"


def test_association_cannot_submit_for_a_supplier_outside_it(client, make_token, entry, auth, session):
    make_token("supplier", org="Acme Learning")
    token = make_token("association", org="Edtech Guild")
    response = create(client, token, entry, auth)
    assert response.status_code == 403
    assert "supplier" in response.json["errors"]
    assert count(session, Product) == 0


# --- authentication -----------------------------------------------------------


def test_no_token_is_401_with_a_challenge(client, entry, session):
    response = client.post(URL, json=entry)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Bearer" in response.json["message"]
    assert count(session, Product) == 0


@pytest.mark.parametrize(
    "header",
    [
        "Bearer cat_forged-token-that-was-never-issued",
        "Bearer " + "x" * 5000,
        "Basic dXNlcjpwYXNz",
        "Bearer",
        "cat_token-without-scheme",
    ],
)
def test_forged_or_malformed_tokens_are_401(client, entry, header, session):
    response = client.post(URL, json=entry, headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json["status"] == 401
    assert count(session, Product) == 0


def test_a_forged_token_is_refused_even_for_public_reads(client):
    response = client.get(URL, headers={"Authorization": "Bearer cat_nope"})
    assert response.status_code == 401


def test_revoked_token_is_401(client, make_token, entry, auth, session):
    from catalogue.models import ApiToken, utcnow

    token = make_token("supplier", org="Acme Learning")
    record = session.exec(select(ApiToken)).one()
    record.revoked_at = utcnow()
    session.add(record)
    session.commit()
    assert create(client, token, entry, auth).status_code == 401


@pytest.mark.parametrize("role", ["trust", "reviewer", "evaluator"])
def test_roles_that_do_not_supply_cannot_create(client, make_token, entry, auth, role, session):
    token = make_token(role, org="Some Trust" if role == "trust" else None)
    response = create(client, token, entry, auth)
    assert response.status_code == 403
    assert count(session, Product) == 0


def test_supplier_cannot_submit_in_another_suppliers_name(client, make_token, entry, auth, session):
    make_token("supplier", org="Brightside Tools")
    token = make_token("supplier", org="Acme Learning")
    entry["supplier"] = "Brightside Tools"
    response = create(client, token, entry, auth)
    assert response.status_code == 403
    assert "supplier" in response.json["errors"]
    assert count(session, Product) == 0


# --- updating -------------------------------------------------------------------


@pytest.fixture
def created(client, make_token, entry, auth):
    token = make_token("supplier", org="Acme Learning")
    response = create(client, token, entry, auth)
    assert response.status_code == 201
    return token, response.json["slug"]


def test_patch_makes_a_new_version_and_keeps_the_old(client, created, auth, session):
    token, slug = created
    response = client.patch(f"{URL}/{slug}", json={"summary": "A better summary."}, headers=auth(token))
    assert response.status_code == 200, response.json
    assert response.json["version"] == 2
    assert response.json["summary"] == "A better summary."
    assert response.json["name"] == "Lesson Sketcher"  # untouched fields carry over
    versions = session.exec(select(ProductVersion).order_by(ProductVersion.number)).all()
    assert [(v.number, v.summary) for v in versions] == [
        (1, "Drafts lesson plans from a topic and year group for the teacher to edit. (Test entry.)"),
        (2, "A better summary."),
    ]
    audit = session.exec(select(AuditEntry).where(AuditEntry.action == "product.version_added")).all()
    assert audit[-1].detail["changed"] == ["summary"]


def test_patch_with_no_change_adds_no_version(client, created, auth, session):
    token, slug = created
    response = client.patch(f"{URL}/{slug}", json={"pricing": "subscription"}, headers=auth(token))
    assert response.status_code == 200
    assert response.json["version"] == 1
    assert count(session, ProductVersion) == 1


def test_patch_is_validated_with_the_rest_of_the_entry(client, created, auth, session):
    token, slug = created
    # ks4 alone is fine as a value, but not for a primary product aged 5–11.
    response = client.patch(f"{URL}/{slug}", json={"key_stages": ["ks4"]}, headers=auth(token))
    assert response.status_code == 422
    assert "key_stages" in response.json["errors"]
    assert count(session, ProductVersion) == 1


def test_another_suppliers_product_is_403_and_unchanged(client, created, make_token, auth, session):
    _, slug = created
    intruder = make_token("supplier", org="Brightside Tools")
    before = products.entry_of(session.exec(select(ProductVersion)).one())
    response = client.patch(f"{URL}/{slug}", json={"summary": "Hijacked"}, headers=auth(intruder))
    # The entry is unpublished, so to an outsider it does not exist at all.
    assert response.status_code == 404
    session.expire_all()
    assert products.entry_of(session.exec(select(ProductVersion)).one()) == before


def test_another_suppliers_published_product_is_403(client, created, make_token, auth, session):
    _, slug = created
    product = products.get_by_slug(session, slug)
    products.publish(session, actor="test", product=product, version=product.latest_version)
    session.commit()
    intruder = make_token("supplier", org="Brightside Tools")
    response = client.patch(f"{URL}/{slug}", json={"summary": "Hijacked"}, headers=auth(intruder))
    assert response.status_code == 403
    assert count(session, ProductVersion) == 1


def test_patch_cannot_move_a_product_to_another_supplier(client, created, auth):
    token, slug = created
    response = client.patch(f"{URL}/{slug}", json={"supplier": "Someone Else"}, headers=auth(token))
    assert response.status_code == 422
    assert "supplier" in response.json["errors"]


def test_patch_without_token_is_401(client, created):
    _, slug = created
    assert client.patch(f"{URL}/{slug}", json={"summary": "x"}).status_code == 401


def test_patch_unknown_slug_is_404(client, make_token, auth):
    token = make_token("supplier", org="Acme Learning")
    response = client.patch(f"{URL}/no-such-product", json={"summary": "x"}, headers=auth(token))
    assert response.status_code == 404
    assert response.json["status"] == 404


# --- reading ----------------------------------------------------------------------


def test_unpublished_entries_are_hidden_from_the_public(client, created, auth, make_token):
    token, slug = created
    assert client.get(f"{URL}/{slug}").status_code == 404
    assert client.get(URL).json["total"] == 0
    assert client.get(f"{URL}/{slug}", headers=auth(token)).status_code == 200
    assert client.get(f"{URL}/{slug}", headers=auth(make_token("reviewer"))).status_code == 200
    assert client.get(f"{URL}/{slug}", headers=auth(make_token("trust", org="A Trust"))).status_code == 404


def test_public_sees_the_published_version_while_a_new_one_waits(client, created, auth, session):
    token, slug = created
    product = products.get_by_slug(session, slug)
    products.publish(session, actor="test", product=product, version=product.latest_version)
    session.commit()
    client.patch(f"{URL}/{slug}", json={"summary": "Pending change."}, headers=auth(token))

    public = client.get(f"{URL}/{slug}").json
    assert public["version"] == 1
    assert public["latest_version"] == 2
    assert [v["number"] for v in public["versions"]] == [1]
    owner = client.get(f"{URL}/{slug}", headers=auth(token)).json
    assert owner["version"] == 2
    assert owner["summary"] == "Pending change."


def test_listing_is_paginated(client, store, entry):
    for n in range(5):
        store({**entry, "name": f"Tool {n}"})
    first = client.get(URL, query_string={"per_page": 2, "sort": "name"}).json
    assert (first["total"], first["pages"], first["page"]) == (5, 3, 1)
    assert [i["name"] for i in first["items"]] == ["Tool 0", "Tool 1"]
    last = client.get(URL, query_string={"per_page": 2, "page": 3, "sort": "name"}).json
    assert [i["name"] for i in last["items"]] == ["Tool 4"]
    assert client.get(URL, query_string={"per_page": 0}).status_code == 422
    assert client.get(URL, query_string={"page": "two"}).status_code == 422
    assert "page" in client.get(URL, query_string={"page": "two"}).json["errors"]


# --- hostile input --------------------------------------------------------------


def test_malformed_json_is_400_and_stores_nothing(client, make_token, auth, session):
    token = make_token("supplier", org="Acme Learning")
    response = client.post(
        URL, data='{"name": "Broken", ', headers={**auth(token), "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json["status"] == 400
    assert "JSON" in response.json["message"]
    assert count(session, Product) == 0


@pytest.mark.parametrize("body", ["[1, 2, 3]", '"a string"', "42", "null"])
def test_json_that_is_not_an_object_is_refused(client, make_token, auth, body, session):
    token = make_token("supplier", org="Acme Learning")
    response = client.post(URL, data=body, headers={**auth(token), "Content-Type": "application/json"})
    assert response.status_code in (400, 422)
    assert response.json["errors"]
    assert count(session, Product) == 0


def test_every_problem_is_reported_at_once_by_field(client, make_token, auth, session):
    token = make_token("supplier", org="Acme Learning")
    response = create(
        client,
        token,
        {"name": 42, "website": "javascript:alert(1)", "age_min": "five", "phases": ["university"], "colour": "red"},
        auth,
    )
    assert response.status_code == 422
    errors = response.json["errors"]
    for field in ("name", "website", "age_min", "phases.0", "colour", "summary", "pricing", "intended_users"):
        assert field in errors, field
    assert count(session, Product) == 0


def test_body_over_the_size_limit_is_413(client, make_token, entry, auth, session):
    token = make_token("supplier", org="Acme Learning")
    entry["description"] = "x" * 2_000_000
    response = create(client, token, entry, auth)
    assert response.status_code == 413
    assert response.json["status"] == 413
    assert count(session, Product) == 0


def test_html_is_stored_as_text_and_returned_verbatim(client, make_token, entry, auth):
    token = make_token("supplier", org="Acme Learning")
    entry["summary"] = "<script>alert('x')</script> Great tool"
    response = create(client, token, entry, auth)
    assert response.status_code == 201
    assert response.json["summary"] == "<script>alert('x')</script> Great tool"
    assert response.content_type == "application/json"


def test_errors_are_json_with_the_same_shape_everywhere(client):
    for response in (client.get(f"{URL}/missing"), client.delete(URL), client.get("/api/v1/nowhere")):
        body = json.loads(response.data)
        assert set(body) == {"status", "error", "message", "errors"}
        assert body["status"] == response.status_code


def test_method_not_allowed_keeps_the_allow_header(client):
    response = client.delete(URL)
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]


def test_a_body_that_is_not_json_is_415_with_what_to_do(client, make_token, auth, entry, session):
    token = make_token("supplier", org="Acme Learning")
    response = client.post(URL, data="name=Form+Tool", headers={**auth(token), "Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 415
    assert "Content-Type: application/json" in response.json["message"]
    assert count(session, Product) == 0
