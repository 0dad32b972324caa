"""The supplier's form (with the evaluators' questionnaire, drafts and preview) and the reviewer's queue page."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from catalogue import accounts
from catalogue.models import Draft, Product, ProductVersion

PASSWORD = "correct horse battery staple"


@pytest.fixture
def sign_in(app, client, session):
    def sign_in(role: str, org: str | None = None) -> None:
        with app.app_context():
            organisation = None
            if org:
                organisation = accounts.organisation_by_name(session, org) or accounts.create_organisation(
                    session, name=org, kind="supplier" if role == "supplier" else role, actor="test")
            email = f"{role}@register.example"
            if accounts.user_by_email(session, email) is None:
                accounts.create_user(session, email=email, role=role, organisation=organisation, password=PASSWORD, actor="test")
            session.commit()
        response = client.post("/login", data={"email": email, "password": PASSWORD})
        assert response.status_code == 303

    return sign_in


def form_data(entry: dict, **answers) -> dict:
    data = {key: value for key, value in entry.items() if key not in ("answers", "ai_models", "subjects", "supplier")}
    data["ai_models"] = "\n".join(entry["ai_models"])
    data["subjects"] = "\n".join(entry["subjects"])
    data["age_min"], data["age_max"] = str(entry["age_min"]), str(entry["age_max"])
    data.update({f"answer.{key}": value for key, value in answers.items()})
    return data


def count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_the_supplier_pages_need_a_supplier(client, sign_in):
    assert client.get("/supplier").status_code == 302  # to the sign-in page
    sign_in("trust", "Riverside Trust")
    assert client.get("/supplier/products/new").status_code == 403


def test_the_form_asks_every_installed_evaluators_questions(app, client, sign_in):
    sign_in("supplier", "Acme Learning")
    page = client.get("/supplier/products/new").get_data(as_text=True)
    for evaluator in app.extensions["catalogue.registry"].evaluators.values():
        assert f"<legend>{evaluator.name}</legend>" in page
        for question in evaluator.questions:
            assert f'name="answer.{question.id}"' in page


def test_a_supplier_corrects_an_error_and_submits(client, sign_in, entry, session):
    sign_in("supplier", "Acme Learning")
    data = form_data(entry, dp_dpia="current", sg_emotion_inference="no", dp_personal_data=["names", "pupil_work"])
    broken = client.post("/supplier/products", data={**data, "website": "not a web address", "action": "submit"})
    assert broken.status_code == 422
    page = broken.get_data(as_text=True)
    assert "There is a problem" in page and 'id="website-error"' in page
    assert 'href="#website">Website: Enter a full web address' in page
    assert 'value="not a web address"' in page  # what was typed is kept
    assert count(session, Product) == 0

    submitted = client.post("/supplier/products", data={**data, "action": "submit"})
    assert submitted.status_code == 303
    product = session.exec(select(Product)).one()
    version = session.exec(select(ProductVersion)).one()
    assert (version.status, version.answers["sg_emotion_inference"], version.answers["dp_personal_data"]) == ("submitted", False, ["names", "pupil_work"])
    owner_page = client.get(submitted.headers["Location"]).get_data(as_text=True)
    assert "Submitted for review" in owner_page and "not public" in owner_page
    assert product.supplier.name == "Acme Learning"


def test_a_wrong_answer_is_reported_next_to_its_question(client, sign_in, entry, session):
    sign_in("supplier", "Acme Learning")
    response = client.post("/supplier/products", data={**form_data(entry, dp_breach_notification_hours="soon"), "action": "submit"})
    assert response.status_code == 422
    assert 'id="answers-dp_breach_notification_hours-error"' in response.get_data(as_text=True)
    assert count(session, Product) == 0


def test_an_incomplete_draft_is_saved_and_reopened(client, sign_in, session):
    sign_in("supplier", "Acme Learning")
    saved = client.post("/supplier/products", data={"name": "Half-written Tool", "action": "save_draft"})
    assert saved.status_code == 303
    draft = session.exec(select(Draft)).one()
    assert draft.data["name"] == "Half-written Tool"
    assert "Half-written Tool" in client.get("/supplier").get_data(as_text=True)
    reopened = client.get(f"/supplier/products/new?draft={draft.id}").get_data(as_text=True)
    assert 'value="Half-written Tool"' in reopened
    assert count(session, Product) == 0


def test_submitting_a_draft_removes_it(client, sign_in, entry, session):
    sign_in("supplier", "Acme Learning")
    client.post("/supplier/products", data={**form_data(entry), "action": "save_draft"})
    draft = session.exec(select(Draft)).one()
    assert client.post("/supplier/products", data={**form_data(entry), "draft": draft.id, "action": "submit"}).status_code == 303
    session.expire_all()
    assert count(session, Draft) == 0 and count(session, Product) == 1


def test_preview_shows_category_and_scores_and_stores_nothing(client, sign_in, entry, session):
    sign_in("supplier", "Acme Learning")
    page = client.post("/supplier/products", data={**form_data(entry, sg_emotion_inference="yes"), "action": "preview"}).get_data(as_text=True)
    assert "Preview: how the register would judge this entry" in page
    assert "Workflow:" in page and "Safeguarding:" in page and "SG17" in page
    assert count(session, Product) == 0 and count(session, Draft) == 0


def test_editing_makes_a_new_version(client, sign_in, entry, session):
    sign_in("supplier", "Acme Learning")
    client.post("/supplier/products", data={**form_data(entry), "action": "submit"})
    product = session.exec(select(Product)).one()
    form = client.get(f"/supplier/products/{product.slug}/edit").get_data(as_text=True)
    assert f'value="{entry["name"]}"' in form
    changed = client.post("/supplier/products", data={**form_data({**entry, "summary": "A sharper summary."}), "product": product.slug, "action": "submit"})
    assert changed.status_code == 303
    assert [v.summary for v in session.exec(select(ProductVersion).order_by(ProductVersion.number))][-1] == "A sharper summary."


def test_another_suppliers_product_cannot_be_edited(client, sign_in, store, entry):
    product = store({**entry, "supplier": "Brightside Tools"}, supplier="Brightside Tools")
    sign_in("supplier", "Acme Learning")
    assert client.get(f"/supplier/products/{product.slug}/edit").status_code == 404
    response = client.post("/supplier/products", data={**form_data(entry), "product": product.slug, "action": "submit"})
    assert response.status_code == 404


def test_a_reviewer_publishes_from_the_queue_page(client, sign_in, make_token, auth, entry, session):
    client.post("/api/v1/products", json=entry, headers=auth(make_token("supplier", org="Acme Learning")))
    sign_in("reviewer")
    queue = client.get("/review").get_data(as_text=True)
    assert entry["name"] in queue and "Publish version 1" in queue
    rejected = client.post("/review/lesson-sketcher/1", data={"decision": "reject", "reason": ""})
    assert rejected.status_code == 422 and "Say why" in rejected.get_data(as_text=True)
    published = client.post("/review/lesson-sketcher/1", data={"decision": "publish"})
    assert published.status_code == 303
    assert "published" in client.get("/review").get_data(as_text=True)
    assert client.get("/api/v1/products").json["total"] == 1


def test_a_supplier_uploads_a_csv_through_the_page_and_sees_the_report(client, sign_in, session):
    import io

    sign_in("supplier", "Acme Learning")
    assert "Download the CSV template" in client.get("/supplier/import").get_data(as_text=True)
    header, example = client.get("/api/v1/imports/template.csv").get_data(as_text=True).lstrip("\ufeff").splitlines()
    broken = example.replace("ACME-0001", "ACME-0002").replace("https://lesson-sketcher.example/", "not-a-url").replace("Lesson Sketcher", "Broken Tool")
    upload = "\n".join([header, example, broken]).encode("utf-8")
    response = client.post("/supplier/import", data={"file": (io.BytesIO(upload), "products.csv")}, content_type="multipart/form-data")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "1 created, 0 updated, 0 unchanged, 1 failed" in text
    assert "<th scope=\"row\">3</th>" in text and "<code>website</code>" in text
    assert count(session, Product) == 1
    again = client.post("/supplier/import", data={"file": (io.BytesIO(upload), "products.csv")}, content_type="multipart/form-data")
    assert "0 created, 0 updated, 1 unchanged, 1 failed" in again.get_data(as_text=True)
    wrong_type = client.post("/supplier/import", data={"file": (io.BytesIO(b"MZ"), "tool.exe")}, content_type="multipart/form-data")
    assert wrong_type.status_code == 415 and "Upload a .csv" in wrong_type.get_data(as_text=True)


def test_a_supplier_withdraws_and_discards_from_its_page(client, sign_in, entry, session):
    sign_in("supplier", "Acme Learning")
    client.post("/supplier/products", data={**form_data(entry), "action": "submit"})
    client.post("/supplier/products", data={"name": "Scrap", "action": "save_draft"})
    product, draft = session.exec(select(Product)).one(), session.exec(select(Draft)).one()
    refused = client.post(f"/supplier/products/{product.slug}/withdraw", data={"reason": ""}, follow_redirects=True)
    assert "say why" in refused.get_data(as_text=True)
    done = client.post(f"/supplier/products/{product.slug}/withdraw", data={"reason": "Discontinued."}, follow_redirects=True)
    assert "was withdrawn" in done.get_data(as_text=True)
    session.expire_all()
    assert session.get(Product, product.id).withdrawn_at is not None
    client.post(f"/supplier/drafts/{draft.id}/discard")
    session.expire_all()
    assert count(session, Draft) == 0
