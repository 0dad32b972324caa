"""Trust profiles: each requirement met and failed, with reasons; saving, sharing, export and import."""

from __future__ import annotations

import io
import json

import pytest

URL = "/api/v1/products"


@pytest.fixture
def two_products(store, entry):
    """A careful product and a careless one, differing in every requirement a profile can set."""
    careful = store(
        {
            **entry,
            "name": "Careful Tool",
            "intended_users": ["teachers", "pupils"],
            "pupil_interaction": "supervised",
            "answers": {"dp_storage_region": "uk", "dp_trains_on_pupil_data": "never", "dp_dpia": "current", "sg_emotion_inference": False},
        }
    )
    careless = store(
        {
            **entry,
            "name": "Careless Tool",
            "phases": ["secondary"],
            "key_stages": ["ks3"],
            "age_min": 11,
            "age_max": 14,
            "intended_users": ["pupils"],
            "pupil_interaction": "direct",
            "answers": {"dp_storage_region": "us", "dp_trains_on_pupil_data": "yes_by_default", "dp_dpia": "none", "sg_emotion_inference": True},
        }
    )
    return careful, careless


def save(client, **settings):
    response = client.post("/api/v1/profiles", json={"name": "Test Trust", **settings})
    assert response.status_code == 201, response.json
    return response.json["token"]


@pytest.mark.parametrize(
    ("settings", "requirement", "careless_reason"),
    [
        ({"requirements": ["no_red_lines"]}, "No red lines", "Crosses:"),
        ({"requirements": ["data_in_uk_eea"]}, "Data stored in the UK or EEA", "Data stored: United States"),
        ({"requirements": ["never_trains_on_pupil_data"]}, "Never trains AI on pupils' data", "Trains on pupils' data by default"),
        ({"requirements": ["dpia_available"]}, "Current DPIA available", "No DPIA"),
        ({"phases": ["primary"]}, "Phases", "Does not serve Primary"),
        ({"age_min": 4, "age_max": 9}, "Ages", "For ages 11–14; you serve 4–9"),
        ({"users": ["teachers", "pupils"]}, "Users", "Not intended for teachers"),
        ({"pupil_interaction": ["none", "supervised"]}, "Pupil use", "you allow none, supervised"),
        ({"min_scores": {"data_protection": 20}}, "Data protection score", "Data protection: 0; you need 20"),
    ],
)
def test_each_requirement_is_met_or_failed_with_a_reason(client, two_products, settings, requirement, careless_reason):
    token = save(client, **settings)
    applied = client.get(URL, query_string={"profile": token}).json
    assert [item["name"] for item in applied["items"]] == ["Careful Tool"]
    assert applied["items"][0]["requirements"][0] == {"requirement": requirement, "met": True, "reason": applied["items"][0]["requirements"][0]["reason"]}
    assert applied["profile"]["name"] == "Test Trust"

    everything = client.get(URL, query_string={"profile": token, "show_failing": "true"}).json
    findings = {item["name"]: item["requirements"][0] for item in everything["items"]}
    assert findings["Careless Tool"]["met"] is False
    assert careless_reason in findings["Careless Tool"]["reason"]
    assert findings["Careful Tool"]["met"] is True


def test_profile_facets_and_user_filters_combine(client, two_products):
    token = save(client, requirements=["no_red_lines"])
    # The user's own facet selection narrows further within the profile.
    body = client.get(URL, query_string={"profile": token, "phase": "secondary"}).json
    assert body["total"] == 0


def test_an_unknown_profile_is_a_clear_error(client):
    response = client.get(URL, query_string={"profile": "not-a-real-token"})
    assert response.status_code == 404 and "profile" in response.json["errors"]
    page = client.get("/", query_string={"profile": "not-a-real-token"}).get_data(as_text=True)
    assert "No saved trust profile" in page


def test_profile_api_validates_every_field(client):
    response = client.post(
        "/api/v1/profiles",
        json={"name": "", "phases": ["college"], "age_min": 12, "age_max": 5, "min_scores": {"astrology": 20}, "requirements": ["vegan"]},
    )
    assert response.status_code == 422
    assert {"name", "phases.0", "age_max", "requirements.0"} <= set(response.json["errors"])
    unknown = client.post("/api/v1/profiles", json={"name": "X", "min_scores": {"astrology": 20}})
    assert unknown.status_code == 422 and "min_scores.astrology" in unknown.json["errors"]


# --- pages: save, share, export, import -------------------------------------------------


def test_a_trust_saves_a_profile_through_the_form_and_applies_it(client, two_products):
    response = client.post(
        "/profiles",
        data={"name": "Oakfield Primary Trust", "phases": ["primary"], "age_min": "4", "age_max": "11",
              "requirements": ["dpia_available", "no_red_lines"], "min_overall": ""},
    )
    assert response.status_code == 303
    profile_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Oakfield Primary Trust" in profile_page and "Current DPIA available" in profile_page
    token = response.headers["Location"].rsplit("/", 1)[-1]
    register = client.get("/", query_string={"profile": token}).get_data(as_text=True)
    assert "Applying the trust profile" in register
    assert "Careful Tool" in register and "Careless Tool" not in register
    assert "Meets" in register
    failing = client.get("/", query_string={"profile": token, "show_failing": "true"}).get_data(as_text=True)
    assert "Careless Tool" in failing and "Fails" in failing


def test_form_errors_are_shown_inline_and_nothing_is_saved(client, session):
    from sqlmodel import select

    from catalogue.models import TrustProfile

    response = client.post("/profiles", data={"name": "", "age_min": "twelve", "age_max": "3", "min_score.safeguarding": "200"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert 'id="name-error"' in page and 'id="age_min-error"' in page
    assert "min_scores.safeguarding" in page
    assert session.exec(select(TrustProfile)).first() is None


def test_export_and_import_round_trip(client):
    token = save(client, phases=["secondary"], min_overall=60, requirements=["no_red_lines"], users=["teachers"])
    exported = client.get(f"/profiles/{token}.json")
    assert exported.status_code == 200
    assert "attachment" in exported.headers["Content-Disposition"]
    settings = json.loads(exported.data)
    imported = client.post("/profiles/import", data={"profile_file": (io.BytesIO(exported.data), "profile.json")})
    assert imported.status_code == 303
    new_token = imported.headers["Location"].rsplit("/", 1)[-1]
    assert new_token != token
    assert {k: v for k, v in client.get(f"/api/v1/profiles/{new_token}").json.items() if k in settings} == settings


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"\xff\xfe not json", "not JSON"), (b"[1, 2]", "not a profile"), (b'{"name": "X", "phases": ["nursery"]}', "Choose one of")],
)
def test_importing_a_bad_file_says_what_is_wrong(client, content, message):
    response = client.post("/profiles/import", data={"profile_file": (io.BytesIO(content), "p.json")})
    assert response.status_code in (400, 422)
    assert message in response.get_data(as_text=True)


def test_copying_a_profile_prefills_the_form(client):
    token = save(client, phases=["special"])
    page = client.get(f"/profiles/new?from={token}").get_data(as_text=True)
    assert "Test Trust (copy)" in page
    assert 'value="special" checked' in page


def test_profile_tokens_are_unguessable(client):
    tokens = {save(client) for _ in range(3)}
    assert len(tokens) == 3 and all(len(token) >= 16 for token in tokens)
