"""The review workflow: submitted → published or rejected (with a reason) → withdrawn."""

from __future__ import annotations

from sqlmodel import select

from catalogue.models import AuditEntry

URL = "/api/v1/products"


def submit(client, auth, token, entry):
    response = client.post(URL, json=entry, headers=auth(token))
    assert response.status_code == 201, response.json
    return response.json["slug"]


def decide(client, auth, token, slug, number, decision, reason=""):
    return client.post(f"{URL}/{slug}/versions/{number}/decision", json={"decision": decision, "reason": reason}, headers=auth(token))


def test_the_register_shows_a_version_only_once_a_reviewer_publishes_it(client, auth, make_token, entry, session):
    supplier, reviewer = make_token("supplier", org="Acme Learning"), make_token("reviewer")
    slug = submit(client, auth, supplier, entry)
    assert client.get(f"{URL}/{slug}").status_code == 404
    queue = client.get("/api/v1/review/queue", headers=auth(reviewer)).json["items"]
    assert [(item["slug"], item["version"]) for item in queue] == [(slug, 1)]

    published = decide(client, auth, reviewer, slug, 1, "publish")
    assert published.status_code == 200 and published.json["status"] == "published"
    assert client.get(URL, query_string={"q": "Sketcher"}).json["total"] == 1

    # A change waits for review; the public keeps seeing version 1.
    client.patch(f"{URL}/{slug}", json={"summary": "A rewritten summary."}, headers=auth(supplier))
    assert client.get(f"{URL}/{slug}").json["version"] == 1
    assert client.get(URL, query_string={"q": "rewritten"}).json["total"] == 0

    rejected = decide(client, auth, reviewer, slug, 2, "reject", "The summary overstates the evidence.")
    assert rejected.status_code == 200
    owner_view = client.get(f"{URL}/{slug}", headers=auth(supplier)).json
    assert owner_view["versions"][-1] | {"created_at": None} == {
        "number": 2, "status": "rejected", "review_note": "The summary overstates the evidence.", "created_at": None,
    }
    assert client.get(f"{URL}/{slug}").json["version"] == 1

    client.patch(f"{URL}/{slug}", json={"summary": "A careful summary."}, headers=auth(supplier))
    assert decide(client, auth, reviewer, slug, 3, "publish").status_code == 200
    assert client.get(f"{URL}/{slug}").json["summary"] == "A careful summary."
    assert client.get(URL, query_string={"q": "careful"}).json["total"] == 1

    actions = [row.action for row in session.exec(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions.count("product.published") == 2 and "product.rejected" in actions


def test_decisions_are_checked(client, auth, make_token, entry):
    supplier, reviewer = make_token("supplier", org="Acme Learning"), make_token("reviewer")
    slug = submit(client, auth, supplier, entry)
    assert decide(client, auth, supplier, slug, 1, "publish").status_code == 403
    assert decide(client, auth, make_token("trust", org="A Trust"), slug, 1, "publish").status_code == 403
    no_reason = decide(client, auth, reviewer, slug, 1, "reject")
    assert no_reason.status_code == 422 and "reason" in no_reason.json["errors"]
    assert decide(client, auth, reviewer, slug, 1, "shrug").status_code == 422
    assert decide(client, auth, reviewer, slug, 9, "publish").status_code == 404
    assert decide(client, auth, reviewer, slug, 1, "publish").status_code == 200
    again = decide(client, auth, reviewer, slug, 1, "publish")
    assert again.status_code == 409 and "not waiting for review" in again.json["message"]
    assert client.get("/api/v1/review/queue", headers=auth(supplier)).status_code == 403


def test_publishing_a_newer_version_supersedes_older_submissions(client, auth, make_token, entry):
    supplier, reviewer = make_token("supplier", org="Acme Learning"), make_token("reviewer")
    slug = submit(client, auth, supplier, entry)
    client.patch(f"{URL}/{slug}", json={"summary": "Second."}, headers=auth(supplier))
    decide(client, auth, reviewer, slug, 2, "publish")
    versions = client.get(f"{URL}/{slug}", headers=auth(supplier)).json["versions"]
    assert [v["status"] for v in versions] == ["superseded", "published"]
    assert decide(client, auth, reviewer, slug, 1, "publish").status_code == 409


def test_a_supplier_withdraws_its_product(client, auth, make_token, entry):
    supplier, reviewer = make_token("supplier", org="Acme Learning"), make_token("reviewer")
    slug = submit(client, auth, supplier, entry)
    decide(client, auth, reviewer, slug, 1, "publish")
    intruder = make_token("supplier", org="Brightside Tools")
    assert client.post(f"{URL}/{slug}/withdrawal", json={"reason": "Mine now"}, headers=auth(intruder)).status_code == 403
    assert client.post(f"{URL}/{slug}/withdrawal", json={}, headers=auth(supplier)).status_code == 422
    withdrawn = client.post(f"{URL}/{slug}/withdrawal", json={"reason": "Product discontinued."}, headers=auth(supplier))
    assert withdrawn.status_code == 200 and withdrawn.json["status"] == "withdrawn"
    assert client.get(f"{URL}/{slug}").status_code == 404
    assert client.get(f"/products/{slug}").status_code == 404
    assert client.get(URL).json["total"] == 0
    assert client.post(f"{URL}/{slug}/withdrawal", json={"reason": "Again"}, headers=auth(supplier)).status_code == 409


def test_the_queue_puts_new_red_lines_first(client, auth, make_token, entry):
    supplier, reviewer = make_token("supplier", org="Acme Learning"), make_token("reviewer")
    calm = submit(client, auth, supplier, {**entry, "name": "Calm Tool"})
    risky = submit(client, auth, supplier, {**entry, "name": "Risky Tool", "answers": {"sg_emotion_inference": True}})
    queue = client.get("/api/v1/review/queue", headers=auth(reviewer)).json["items"]
    assert [item["slug"] for item in queue] == [risky, calm]
    assert any("SG17" in line for line in queue[0]["new_red_lines"])
