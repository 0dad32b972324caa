"""Trust assurance: authorisations and the policy table, change alerts, verified evidence, comparison."""

from __future__ import annotations

import csv
import io

import pytest

from catalogue import accounts

URL = "/api/v1/products"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def published(client, auth, make_token, entry):
    """A published product, its supplier's and a reviewer's tokens, and a helper to publish a change."""
    supplier, reviewer = make_token("supplier", org="Acme Learning"), make_token("reviewer")
    slug = client.post(URL, json={**entry, "answers": {"dp_dpia": "current", "sg_emotion_inference": False}}, headers=auth(supplier)).json["slug"]
    client.post(f"{URL}/{slug}/versions/1/decision", json={"decision": "publish"}, headers=auth(reviewer))

    def publish_change(**changes):
        body = client.patch(f"{URL}/{slug}", json=changes, headers=auth(supplier)).json
        response = client.post(f"{URL}/{slug}/versions/{body['version']}/decision", json={"decision": "publish"}, headers=auth(reviewer))
        assert response.status_code == 200, response.json
        return body["version"]

    return slug, publish_change


def authorise(client, auth, token, slug, **extra):
    body = {"product": slug, "purposes": ["lesson_planning", "Marking homework"], "users": ["staff"], "dpia_status": "in_progress", **extra}
    return client.post("/api/v1/authorisations", json=body, headers=auth(token))


def test_a_trust_authorises_a_tool_and_lists_it(client, auth, make_token, published):
    slug, _ = published
    trust = make_token("trust", org="Riverside Trust")
    created = authorise(client, auth, trust, slug)
    assert created.status_code == 201, created.json
    assert created.json["seen"]["version"] == 1 and created.json["seen"]["overall"] is not None
    listed = client.get("/api/v1/authorisations", headers=auth(trust)).json["items"]
    assert [(i["product"], i["purposes"], i["users"]) for i in listed] == [(slug, ["lesson_planning", "Marking homework"], ["staff"])]
    other_trust = make_token("trust", org="Hilltop Trust")
    assert client.get("/api/v1/authorisations", headers=auth(other_trust)).json["items"] == []
    assert authorise(client, auth, make_token("supplier", org="Acme Learning"), slug).status_code == 403
    assert authorise(client, auth, trust, "no-such-product").status_code == 404
    assert authorise(client, auth, trust, slug, purposes=[]).status_code == 422
    removed = client.delete(f"/api/v1/authorisations/{listed[0]['id']}", headers=auth(trust))
    assert removed.status_code == 200
    assert client.get("/api/v1/authorisations", headers=auth(trust)).json["items"] == []


def test_a_change_that_matters_raises_an_alert_until_acknowledged(client, auth, make_token, published):
    slug, publish_change = published
    trust = make_token("trust", org="Riverside Trust")
    authorise(client, auth, trust, slug)
    publish_change(summary="Only the words changed.")
    assert client.get("/api/v1/alerts", headers=auth(trust)).json["items"] == []

    publish_change(ai_features="Pupils now chat directly with a new AI tutor.", answers={"sg_emotion_inference": True})
    alerts = client.get("/api/v1/alerts", headers=auth(trust)).json["items"]
    assert len(alerts) == 1
    kinds = {change["kind"] for change in alerts[0]["changes"]}
    assert {"ai_features", "red_line"} <= kinds
    features = next(c for c in alerts[0]["changes"] if c["kind"] == "ai_features")
    assert features["after"] == "Pupils now chat directly with a new AI tutor." and features["before"] != features["after"]
    assert (alerts[0]["from_version"], alerts[0]["to_version"]) == (1, 3)

    acknowledged = client.post(f"/api/v1/alerts/{alerts[0]['id']}/acknowledgement", headers=auth(trust))
    assert acknowledged.status_code == 200 and acknowledged.json["items"] == []


def test_re_authorising_settles_the_alerts(client, auth, make_token, published):
    slug, publish_change = published
    trust = make_token("trust", org="Riverside Trust")
    authorise(client, auth, trust, slug)
    publish_change(ai_features="A different AI feature.")
    assert len(client.get("/api/v1/alerts", headers=auth(trust)).json["items"]) == 1
    again = authorise(client, auth, trust, slug)
    assert again.json["seen"]["version"] == 2
    assert client.get("/api/v1/alerts", headers=auth(trust)).json["items"] == []
    assert len(client.get("/api/v1/authorisations", headers=auth(trust)).json["items"]) == 1


def test_the_trust_dashboard_and_its_policy_table_exports(app, client, auth, make_token, published, session):
    slug, publish_change = published
    trust = make_token("trust", org="Riverside Trust")
    authorise(client, auth, trust, slug, purposes=["=HYPERLINK(\"https://evil.example\")"])
    publish_change(ai_features="New AI feature for pupils.")
    with app.app_context():
        organisation = accounts.organisation_by_name(session, "Riverside Trust")
        accounts.create_user(session, email="dpo@riverside.example", role="trust", organisation=organisation, password=PASSWORD, actor="test")
        session.commit()
    client.post("/login", data={"email": "dpo@riverside.example", "password": PASSWORD})
    page = client.get("/trust").get_data(as_text=True)
    assert "change needs your attention" in page and "New AI feature for pupils." in page
    assert "Acme Learning — Lesson Sketcher" in page
    rows = list(csv.reader(io.StringIO(client.get("/trust/authorised.csv").get_data(as_text=True))))
    assert rows[0][:3] == ["Supplier/system", "Authorised purpose", "Authorised users"]
    assert rows[1][1].startswith("'=HYPERLINK")
    markdown = client.get("/trust/authorised.md").get_data(as_text=True)
    assert "| Supplier/system | Authorised purpose | Authorised users | DPIA |" in markdown
    assert "Riverside Trust" in client.get("/trust/authorised/print").get_data(as_text=True)
    alert_id = client.get("/api/v1/alerts", headers=auth(trust)).json["items"][0]["id"]
    assert client.post(f"/trust/alerts/{alert_id}/acknowledge").status_code == 303
    assert "needs your attention" not in client.get("/trust").get_data(as_text=True)


def test_an_evaluator_verifies_evidence_and_assurance_becomes_verified(client, auth, make_token, published, runner):
    slug, _ = published
    evaluator = make_token("evaluator")
    body = client.get(f"{URL}/{slug}").json
    important = [(e["evaluator"], c["id"]) for e in body["evaluations"] if e["status"] == "complete"
                 for c in e["criteria"] if c["red_line"] or c["weight"] >= 4]
    assert important
    forbidden = client.post(f"{URL}/{slug}/verifications", json={"evaluator": important[0][0], "criterion": important[0][1],
                            "note": "Checked.", "evidence_url": "https://evidence.example/x"}, headers=auth(make_token("trust", org="T")))
    assert forbidden.status_code == 403
    bad = client.post(f"{URL}/{slug}/verifications", json={"evaluator": "safeguarding", "criterion": "SG99", "note": "x",
                      "evidence_url": "https://evidence.example/x"}, headers=auth(evaluator))
    assert bad.status_code == 422 and "criterion" in bad.json["errors"]
    for evaluator_id, criterion_id in important:
        response = client.post(f"{URL}/{slug}/verifications", json={"evaluator": evaluator_id, "criterion": criterion_id,
                               "note": "Checked the supplier's policy.", "evidence_url": "https://evidence.example/policy"}, headers=auth(evaluator))
        assert response.status_code == 201, response.json
    assert client.get(URL, query_string={"assurance": "verified"}).json["total"] == 1
    # Re-evaluating keeps what was verified.
    runner.invoke(args=["evaluate", "--all"])
    criteria = [c for e in client.get(f"{URL}/{slug}").json["evaluations"] for c in e["criteria"]]
    verified = {c["id"] for c in criteria if c["assurance"] == "verified"}
    assert {criterion for _, criterion in important} <= verified


def test_comparing_two_to_four_products(client, store, entry):
    first = store(entry)
    second = store({**entry, "name": "Other Tool", "answers": {"sg_emotion_inference": True, "dp_storage_region": "us"}})
    page = client.get("/compare", query_string=[("product", first.slug), ("product", second.slug)])
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Lesson Sketcher" in text and "Other Tool" in text
    assert "Criteria that differ" in text and "SG17" in text and "United States" in text
    alone = client.get("/compare", query_string={"product": first.slug})
    assert alone.status_code == 400 and "between 2 and 4" in alone.get_data(as_text=True)


def test_a_change_to_where_data_is_stored_alerts_the_trust(client, auth, make_token, published):
    slug, publish_change = published
    trust = make_token("trust", org="Riverside Trust")
    authorise(client, auth, trust, slug)
    publish_change(answers={"dp_storage_region": "us"})
    [alert] = client.get("/api/v1/alerts", headers=auth(trust)).json["items"]
    [change] = [c for c in alert["changes"] if c["kind"] == "data_protection"]
    assert (change["label"], change["before"], change["after"]) == ("Where data is stored changed", "not stated", "us")


def test_a_trust_stops_authorising_from_its_page(app, client, auth, make_token, published, session):
    slug, _ = published
    trust = make_token("trust", org="Riverside Trust")
    record = authorise(client, auth, trust, slug).json
    with app.app_context():
        organisation = accounts.organisation_by_name(session, "Riverside Trust")
        accounts.create_user(session, email="dpo@riverside.example", role="trust", organisation=organisation, password=PASSWORD, actor="test")
        session.commit()
    client.post("/login", data={"email": "dpo@riverside.example", "password": PASSWORD})
    response = client.post(f"/trust/authorisations/{record['id']}/revoke", follow_redirects=True)
    assert "no longer authorised" in response.get_data(as_text=True)
    assert client.get("/api/v1/authorisations", headers=auth(trust)).json["items"] == []
