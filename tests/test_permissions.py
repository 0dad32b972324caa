"""The permission matrix, cell by cell, through the API: who may read unpublished entries, edit,
publish, override a classification, see the review queue and withdraw a product."""

from __future__ import annotations

import pytest

URL = "/api/v1/products"
ROLES = (
    "anonymous", "owner", "other_supplier", "owners_association", "other_association",
    "evaluator", "reviewer", "trust", "admin",
)


@pytest.fixture
def world(client, make_token, entry, auth):
    """A submitted product owned by Acme Learning (a member of Edtech Guild), and a token per role."""
    tokens = {
        "owners_association": make_token("association", org="Edtech Guild"),
        "other_association": make_token("association", org="Other Guild"),
    }
    tokens["owner"] = make_token("supplier", org="Acme Learning", member_of="Edtech Guild")
    tokens["other_supplier"] = make_token("supplier", org="Brightside Tools")
    tokens["evaluator"] = make_token("evaluator")
    tokens["reviewer"] = make_token("reviewer")
    tokens["trust"] = make_token("trust", org="Riverside Trust")
    tokens["admin"] = make_token("admin")
    slug = client.post(URL, json=entry, headers=auth(tokens["owner"])).json["slug"]
    return slug, tokens


def headers(world, role, auth):
    _, tokens = world
    return auth(tokens[role]) if role != "anonymous" else {}


def check(response, expected):
    assert response.status_code == expected, (response.status_code, response.json)


READ_UNPUBLISHED = dict(zip(ROLES, (404, 200, 404, 200, 404, 200, 200, 404, 200)))
EDIT = dict(zip(ROLES, (401, 200, 404, 200, 404, 403, 403, 404, 200)))
PUBLISH = dict(zip(ROLES, (401, 403, 403, 403, 403, 403, 200, 403, 200)))
OVERRIDE = dict(zip(ROLES, (401, 403, 403, 403, 403, 403, 200, 403, 200)))
QUEUE = dict(zip(ROLES, (401, 403, 403, 403, 403, 403, 200, 403, 200)))
WITHDRAW = dict(zip(ROLES, (401, 200, 404, 200, 404, 403, 200, 404, 200)))


@pytest.mark.parametrize(("role", "expected"), READ_UNPUBLISHED.items())
def test_read_an_unpublished_entry(client, world, auth, role, expected):
    check(client.get(f"{URL}/{world[0]}", headers=headers(world, role, auth)), expected)


@pytest.mark.parametrize(("role", "expected"), EDIT.items())
def test_edit_an_entry(client, world, auth, role, expected):
    check(client.patch(f"{URL}/{world[0]}", json={"summary": "Changed."}, headers=headers(world, role, auth)), expected)


@pytest.mark.parametrize(("role", "expected"), PUBLISH.items())
def test_publish_a_version(client, world, auth, role, expected):
    response = client.post(f"{URL}/{world[0]}/versions/1/decision", json={"decision": "publish"}, headers=headers(world, role, auth))
    check(response, expected)


@pytest.mark.parametrize(("role", "expected"), OVERRIDE.items())
def test_override_a_classification(client, world, auth, role, expected):
    body = {"category": "both", "reason": "Checked the pupil-facing features."}
    check(client.put(f"{URL}/{world[0]}/classification", json=body, headers=headers(world, role, auth)), expected)


@pytest.mark.parametrize(("role", "expected"), QUEUE.items())
def test_see_the_review_queue(client, world, auth, role, expected):
    check(client.get("/api/v1/review/queue", headers=headers(world, role, auth)), expected)


@pytest.mark.parametrize(("role", "expected"), WITHDRAW.items())
def test_withdraw_a_product(client, world, auth, role, expected):
    # Withdrawal of an unpublished entry: those who cannot see it get 404, like every other write.
    response = client.post(f"{URL}/{world[0]}/withdrawal", json={"reason": "Discontinued."}, headers=headers(world, role, auth))
    check(response, expected)


VERIFY = dict(zip(ROLES, (401, 403, 404, 403, 404, 201, 403, 404, 201)))
MANAGE_USERS = dict(zip(ROLES, (401, 403, 403, 403, 403, 403, 403, 403, 201)))


@pytest.mark.parametrize(("role", "expected"), VERIFY.items())
def test_verify_evidence(client, world, auth, role, expected):
    body = {"evaluator": "safeguarding", "criterion": "SG17", "note": "Checked.", "evidence_url": "https://evidence.example/sg17"}
    check(client.post(f"{URL}/{world[0]}/verifications", json=body, headers=headers(world, role, auth)), expected)


@pytest.mark.parametrize(("role", "expected"), MANAGE_USERS.items())
def test_manage_users(client, world, auth, role, expected):
    body = {"email": f"new-{role}@register.example", "role": "reviewer"}
    check(client.post("/api/v1/users", json=body, headers=headers(world, role, auth)), expected)


@pytest.mark.parametrize("role", ROLES[1:])
def test_refused_writes_change_nothing(client, world, auth, role):
    slug, tokens = world
    before = client.get(f"{URL}/{slug}", headers=auth(tokens["admin"])).json
    if EDIT[role] != 200:
        client.patch(f"{URL}/{slug}", json={"summary": "Hijack"}, headers=headers(world, role, auth))
    if PUBLISH[role] != 200:
        client.post(f"{URL}/{slug}/versions/1/decision", json={"decision": "publish"}, headers=headers(world, role, auth))
    after = client.get(f"{URL}/{slug}", headers=auth(tokens["admin"])).json
    if EDIT[role] != 200 and PUBLISH[role] != 200:
        assert after == before


# --- pages -----------------------------------------------------------------------

PAGE_ROLES = ("anonymous", "supplier", "association", "evaluator", "reviewer", "trust", "admin")
# Signed-out visitors are sent to sign in (302); signed-in users without the role get 403.
PAGES = {
    "/supplier": dict(zip(PAGE_ROLES, (302, 200, 200, 403, 403, 403, 200))),
    "/supplier/products/new": dict(zip(PAGE_ROLES, (302, 200, 200, 403, 403, 403, 200))),
    "/supplier/import": dict(zip(PAGE_ROLES, (302, 200, 200, 403, 403, 403, 200))),
    "/review": dict(zip(PAGE_ROLES, (302, 403, 403, 403, 200, 403, 200))),
    "/trust": dict(zip(PAGE_ROLES, (302, 403, 403, 403, 403, 200, 403))),
    "/": dict(zip(PAGE_ROLES, (200,) * 7)),
}


@pytest.mark.parametrize(("path", "role"), [(path, role) for path in PAGES for role in PAGE_ROLES])
def test_page_permissions(app, client, session, path, role):
    from catalogue import accounts

    if role != "anonymous":
        with app.app_context():
            kind = {"supplier": "supplier", "association": "association", "trust": "trust"}.get(role)
            organisation = accounts.create_organisation(session, name=f"{role} org", kind=kind, actor="test") if kind else None
            accounts.create_user(session, email=f"{role}@pages.example", role=role, organisation=organisation,
                                 password="correct horse battery staple", actor="test")
            session.commit()
        assert client.post("/login", data={"email": f"{role}@pages.example", "password": "correct horse battery staple"}).status_code == 303
    assert client.get(path).status_code == PAGES[path][role]


def test_an_administrator_creates_accounts_with_clear_errors(client, world, auth):
    admin = auth(world[1]["admin"])
    created = client.post("/api/v1/users", json={"email": "dpo@riverside.example", "role": "trust", "organisation": "Riverside Trust",
                                                  "password": "correct horse battery staple"}, headers=admin)
    assert created.status_code == 201 and created.json["organisation"] == "Riverside Trust" and "password" not in created.json
    again = client.post("/api/v1/users", json={"email": "dpo@riverside.example", "role": "trust", "organisation": "Riverside Trust"}, headers=admin)
    assert again.status_code == 409
    no_org = client.post("/api/v1/users", json={"email": "x@y.example", "role": "supplier"}, headers=admin)
    assert no_org.status_code == 422 and "organisation" in no_org.json["errors"]
    unknown_org = client.post("/api/v1/users", json={"email": "x@y.example", "role": "trust", "organisation": "Nowhere"}, headers=admin)
    assert unknown_org.status_code == 422
