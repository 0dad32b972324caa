"""The DPIA repository: starters built from the register, suppliers' documents, trusts' own versions."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlmodel import select

from catalogue import accounts, dpia
from catalogue.models import AuditEntry, SupplierDocument, TrustDpia

PASSWORD = "correct horse battery staple"


@pytest.fixture
def sign_in(app, client, session):
    def sign_in(role: str, org: str | None = None, email: str | None = None) -> None:
        with app.app_context():
            organisation = None
            if org:
                organisation = accounts.organisation_by_name(session, org) or accounts.create_organisation(
                    session, name=org, kind="supplier" if role == "supplier" else role, actor="test")
            email = email or f"{role}@register.example"
            if accounts.user_by_email(session, email) is None:
                accounts.create_user(session, email=email, role=role, organisation=organisation, password=PASSWORD, actor="test")
            session.commit()
        client.post("/logout")
        response = client.post("/login", data={"email": email, "password": PASSWORD})
        assert response.status_code == 303

    return sign_in


def build(app, session, product):
    with app.app_context():
        return dpia.starter(session, product, product.published_version)


def test_the_starter_has_the_seven_steps_and_every_policy_topic(app, session, store, entry):
    document = build(app, session, store(entry))
    assert [step.number for step in document.steps] == [1, 2, 3, 4, 5, 6, 7]
    titles = [step.title for step in document.steps]
    assert titles[0].startswith("Identify the need") and titles[-1].startswith("Sign off")
    covered = document.topic_parts()
    assert set(covered) == set(dpia.POLICY_TOPICS)
    assert all(covered[topic] for topic in dpia.POLICY_TOPICS), [t for t, places in covered.items() if not places]
    statements = list(document.statements())
    assert statements and all(s.source in dpia.SOURCES and s.text for s in statements)
    assert any(s.source == "supplier-declared" for s in statements)
    assert not any(s.source == "trust-entered" for s in statements)
    # The supplier's entry is quoted, with its source.
    assert any(entry["ai_features"] in s.text and s.source == "supplier-declared" for s in document.part("nature").statements)
    for step in document.steps:
        assert all(part.statements for part in step.parts), step.title


def test_only_verified_criteria_are_labelled_evaluator_verified(app, session, store, entry):
    from catalogue.models import Evaluation

    product = store(entry)
    evaluation = session.exec(select(Evaluation).where(Evaluation.evaluator_id == "data_protection")).one()
    criteria = [dict(c, assurance="verified") if c["id"] == "DP1" else c for c in evaluation.criteria]
    evaluation.criteria = criteria
    session.add(evaluation)
    session.commit()
    document = build(app, session, product)
    verified = [s for s in document.statements() if s.source == "evaluator-verified"]
    assert verified and all(s.text.startswith("DP1 ") for s in verified)


def test_a_red_line_is_a_high_risk_that_names_it(app, session, store, entry):
    entry["answers"]["dp_trains_on_pupil_data"] = "yes_by_default"
    document = build(app, session, store(entry))
    red = [r for r in document.risks if r.kind == "red_line"]
    assert [r.ref for r in red] == ["DP9"]
    assert red[0].level == "high" and (red[0].likelihood, red[0].severity) == ("probable", "severe")
    assert "No training on pupils' data" in red[0].title and "Red line" in red[0].finding.text
    assert "opt-in" in red[0].mitigation.text.lower() or "training" in red[0].mitigation.text.lower()
    assert document.risks[0].kind == "red_line"  # highest first
    assert any("Red lines crossed: DP9" in s.text for s in document.part("proportionality").statements)


def test_unanswered_questions_are_missing_evidence_risks(app, session, store, entry):
    document = build(app, session, store(entry))
    missing = {r.ref: r for r in document.risks if r.kind == "missing_evidence"}
    assert "DP3" in missing and "DP10" in missing
    assert missing["DP3"].title.startswith("Missing evidence")
    assert "Art. 28 data processing agreement available?" in missing["DP3"].mitigation.text
    # An unanswered red-line question weighs most.
    assert missing["DP10"].severity == "severe" and missing["DP10"].level == "high"
    assert "DP1" not in {r.ref for r in document.risks}  # met: no risk


def test_anyone_reads_the_starter_with_source_labels_and_downloads_markdown(client, store, entry):
    product = store(entry)
    page = client.get(f"/products/{product.slug}")
    assert f'href="/products/{product.slug}/dpia"' in page.get_data(as_text=True)
    response = client.get(f"/products/{product.slug}/dpia")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for number in range(1, 8):
        assert f'id="step-{number}"' in html
    assert '<span class="source source-supplier-declared"' in html and '<span class="source source-register"' in html
    assert f'/products/{product.slug}/dpia.md' in html
    for label in dpia.POLICY_TOPICS.values():
        assert label in html

    markdown = client.get(f"/products/{product.slug}/dpia.md")
    assert markdown.status_code == 200 and markdown.mimetype == "text/markdown"
    assert "attachment" in markdown.headers["Content-Disposition"]
    text = markdown.get_data(as_text=True)
    assert text.startswith("# DPIA starter: Lesson Sketcher")
    for title in ("Step 1: Identify the need", "Step 5: Identify and assess risks", "Step 7: Sign off"):
        assert title in text
    assert "[supplier-declared]" in text and "| Ref | Risk | Source | Likelihood | Severity | Overall risk |" in text


def test_an_unpublished_product_has_no_public_starter(client, store, entry):
    product = store(entry, publish=False)
    assert client.get(f"/products/{product.slug}/dpia").status_code == 404
    assert client.get(f"/products/{product.slug}/dpia.md").status_code == 404
    assert client.get("/products/no-such-thing/dpia").status_code == 404


PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(client, slug, content, filename, kind="dpia"):
    # The body is built here, not by the test client, which spools large bodies to a file it never closes.
    boundary = "dpia-test-boundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\n{kind}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return client.post(f"/products/{slug}/documents", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_a_supplier_attaches_a_dpia_and_anyone_downloads_it(client, session, store, entry, sign_in):
    product = store(entry)
    sign_in("supplier", "Acme Learning")
    page = client.get(f"/products/{product.slug}/dpia").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'name="csrf_token"' in page
    response = upload(client, product.slug, PDF, "Our DPIA.pdf")
    assert response.status_code == 303
    stored = session.exec(select(SupplierDocument)).one()
    assert (stored.kind, stored.filename, stored.content_type, stored.content) == ("dpia", "Our_DPIA.pdf", "application/pdf", PDF)
    audit = session.exec(select(AuditEntry).where(AuditEntry.action == "supplier_document.uploaded")).one()
    assert audit.detail["product"] == product.slug
    assert upload(client, product.slug, docx_bytes(), "agreement.docx", kind="dpa").status_code == 303
    assert upload(client, product.slug, b"# Our DPIA\n\nText.", "dpia.md").status_code == 303

    client.post("/logout")
    html = client.get(f"/products/{product.slug}/dpia").get_data(as_text=True)
    assert "Data processing agreement: agreement.docx" in html and "DPIA: dpia.md" in html
    assert 'action="/products/' not in html.split('id="documents"')[1].split("</section>")[0]  # no upload form for the public
    download = client.get(f"/products/{product.slug}/documents/{stored.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment") and "Our_DPIA.pdf" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    other = store({**entry, "name": "Other Tool"}, supplier="Other Co")
    assert client.get(f"/products/{other.slug}/documents/{stored.id}").status_code == 404


def test_uploads_are_checked_by_extension_and_content(client, session, store, entry, sign_in):
    product = store(entry)
    sign_in("supplier", "Acme Learning")
    renamed = upload(client, product.slug, b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "setup.pdf")
    assert renamed.status_code == 415
    page = renamed.get_data(as_text=True)
    assert "There is a problem" in page and 'id="file-error"' in page
    assert upload(client, product.slug, PDF, "tool.exe").status_code == 415
    assert upload(client, product.slug, b"PK\x03\x04not really a zip", "fake.docx").status_code == 415
    assert upload(client, product.slug, b"\x00\x01binary", "notes.txt").status_code == 415
    bad_kind = upload(client, product.slug, PDF, "ok.pdf", kind="contract")
    assert bad_kind.status_code == 400 and 'id="kind-error"' in bad_kind.get_data(as_text=True)

    oversize = upload(client, product.slug, PDF + b"0" * (10 * 1024 * 1024), "big.pdf")
    assert oversize.status_code == 413
    assert "larger than 10 MB" in oversize.get_data(as_text=True) and 'id="file-error"' in oversize.get_data(as_text=True)
    assert session.exec(select(SupplierDocument)).all() == []


def test_only_the_products_supplier_may_upload(client, session, store, entry, sign_in):
    product = store(entry)
    assert upload(client, product.slug, PDF, "dpia.pdf").status_code == 302  # to the sign-in page
    sign_in("supplier", "Other Co", email="other@register.example")
    assert upload(client, product.slug, PDF, "dpia.pdf").status_code in (403, 404)
    sign_in("trust", "Riverside Trust")
    assert upload(client, product.slug, PDF, "dpia.pdf").status_code == 403
    assert session.exec(select(SupplierDocument)).all() == []


def trust_form(**overrides):
    data = {
        "purpose": "Lesson planning for KS2 teachers.",
        "schools": "Riverside Primary\nHill Top Primary",
        "pupils": "None directly; teachers in Years 3 to 6.",
        "alternatives": "Planning by hand; Oak National Academy resources.",
        "consultation": "Staff survey in June; DPO consulted.",
        "risks.0.text": "Teachers paste pupil names into prompts.",
        "risks.0.likelihood": "possible",
        "risks.0.severity": "significant",
        "risks.0.mitigation": "Training and a no-names rule.",
        "risks.1.text": "",
        "dpo_name": "Jo Bloggs",
        "dpo_advice": "Proceed with training.",
        "decision": "approved_with_conditions",
        "decision_date": "2026-09-01",
        "review_date": "2027-09-01",
    }
    data.update(overrides)
    return data


def test_a_trust_saves_its_context_as_versions_and_downloads_them(client, session, store, entry, sign_in):
    product = store(entry)
    sign_in("trust", "Riverside Trust")
    form = client.get(f"/products/{product.slug}/dpia/trust")
    assert form.status_code == 200 and 'name="csrf_token"' in form.get_data(as_text=True)

    first = client.post(f"/products/{product.slug}/dpia/trust", data=trust_form())
    assert first.status_code == 303 and first.headers["Location"].endswith(f"/products/{product.slug}/dpia/trust/1")
    second = client.post(f"/products/{product.slug}/dpia/trust", data=trust_form(dpo_name="Sam Smith"))
    assert second.headers["Location"].endswith("/dpia/trust/2")
    saved = session.exec(select(TrustDpia).order_by(TrustDpia.number)).all()
    assert [(s.number, s.product_version) for s in saved] == [(1, 1), (2, 1)]
    assert saved[0].context["dpo_name"] == "Jo Bloggs" and saved[1].context["dpo_name"] == "Sam Smith"
    assert saved[0].context["risks"] == [{"text": "Teachers paste pupil names into prompts.", "likelihood": "possible",
                                          "severity": "significant", "mitigation": "Training and a no-names rule."}]
    assert len(session.exec(select(AuditEntry).where(AuditEntry.action == "trust_dpia.saved")).all()) == 2

    html = client.get(f"/products/{product.slug}/dpia/trust/1").get_data(as_text=True)
    assert "Riverside Primary; Hill Top Primary" in html and "Jo Bloggs" in html
    assert '<span class="source source-trust-entered"' in html
    assert "Teachers paste pupil names into prompts." in html
    # The form is prefilled from the latest version, and lists both.
    form_html = client.get(f"/products/{product.slug}/dpia/trust").get_data(as_text=True)
    assert 'value="Sam Smith"' in form_html and "Version 1" in form_html and "Version 2" in form_html

    markdown = client.get(f"/products/{product.slug}/dpia/trust/2.md")
    assert markdown.status_code == 200 and "attachment" in markdown.headers["Content-Disposition"]
    text = markdown.get_data(as_text=True)
    assert "Data Protection Officer: Sam Smith [trust-entered]" in text
    assert "Schools covered: Riverside Primary; Hill Top Primary [trust-entered]" in text
    assert "| T1 | Local risk: Teachers paste pupil names into prompts. | trust-entered | possible | significant | medium |" in text


def test_the_merged_document_puts_trust_statements_in_the_right_steps(app, session, store, entry):
    product = store(entry)
    with app.app_context():
        form = {k: v for k, v in trust_form().items() if not k.startswith("risks.")}
        context = dpia.load_context(form | {"risks": [{"text": "Local risk", "likelihood": "probable", "severity": "severe"}]})
        document = dpia.starter(session, product, product.published_version, context)
    trust = {part.key for step in document.steps for part in step.parts if any(s.source == "trust-entered" for s in part.statements)}
    assert trust == {"need", "scope", "alternatives", "consultation", "sign_off"}
    local = [r for r in document.risks if r.kind == "local"]
    assert local[0].finding.source == "trust-entered" and local[0].level == "high"
    sign_off = " ".join(s.text for s in document.part("sign_off").statements)
    assert "Approved with conditions on 2026-09-01" in sign_off


def test_a_trust_form_with_errors_is_shown_again(client, session, store, entry, sign_in):
    product = store(entry)
    sign_in("trust", "Riverside Trust")
    response = client.post(f"/products/{product.slug}/dpia/trust",
                           data=trust_form(dpo_name="", decision_date="tomorrow", **{"risks.0.likelihood": ""}))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert 'id="dpo_name-error"' in page and 'id="decision_date-error"' in page and 'id="risks.0.likelihood-error"' in page
    assert "Teachers paste pupil names into prompts." in page  # what was typed is kept
    assert session.exec(select(TrustDpia)).all() == []


def test_other_trusts_and_suppliers_cannot_see_or_post_a_trusts_dpia(client, session, store, entry, sign_in):
    product = store(entry)
    sign_in("trust", "Riverside Trust")
    assert client.post(f"/products/{product.slug}/dpia/trust", data=trust_form()).status_code == 303

    sign_in("trust", "Hillside Trust", email="hillside@register.example")
    assert client.get(f"/products/{product.slug}/dpia/trust/1").status_code == 404
    assert client.get(f"/products/{product.slug}/dpia/trust/1.md").status_code == 404
    assert "Jo Bloggs" not in client.get(f"/products/{product.slug}/dpia/trust").get_data(as_text=True)

    sign_in("supplier", "Acme Learning")
    assert client.post(f"/products/{product.slug}/dpia/trust", data=trust_form()).status_code == 403
    assert client.get(f"/products/{product.slug}/dpia/trust/1").status_code == 403
    client.post("/logout")
    assert client.get(f"/products/{product.slug}/dpia/trust/1").status_code == 302
    assert len(session.exec(select(TrustDpia)).all()) == 1


def test_html_in_trust_fields_is_escaped(client, store, entry, sign_in):
    product = store(entry)
    sign_in("trust", "Riverside Trust")
    script = "<script>alert('x')</script>"
    response = client.post(f"/products/{product.slug}/dpia/trust",
                           data=trust_form(schools=script, **{"risks.0.text": f"<b>{script}</b>"}))
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert script not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    text = client.get(response.headers["Location"] + ".md").get_data(as_text=True)
    assert "<script>" not in text
