"""Bulk submission: CSV, JSON and JSON Lines files through POST /api/v1/imports and `catalogue import`.

Each row is validated on its own (the API's rules) and applied in its own
savepoint; re-importing a file changes nothing; a changed row adds a version;
a file that cannot be read is refused whole and stores nothing.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from catalogue import imports, products, registry
from catalogue.models import (
    AuditEntry,
    ChangeLogEntry,
    Classification,
    Evaluation,
    Organisation,
    Product,
    ProductVersion,
)
from catalogue.schemas import ENTRY_FIELDS

URL = "/api/v1/imports"
TEMPLATE_URL = "/api/v1/imports/template.csv"


def count(session: Session, model: Any) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


def as_row(entry: dict[str, Any], ref: str) -> dict[str, str]:
    """An API entry as a CSV row of the import format."""
    row = {"external_ref": ref}
    for name, value in entry.items():
        if name == "answers":
            for question_id, answer in value.items():
                row[f"answer.{question_id}"] = imports.cell(answer)
        else:
            row[name] = imports.cell(value)
    return row


def to_csv(rows: list[dict[str, str]]) -> bytes:
    header: list[str] = []
    for row in rows:
        header += [name for name in row if name not in header]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def post(client, auth, token, body: bytes, content_type: str = "text/csv"):
    return client.post(URL, data=body, content_type=content_type, headers=auth(token))


def upload(client, auth, token, body: bytes, filename: str, mimetype: str = "application/octet-stream"):
    # Encoded here, in memory: the test client would spool a large body to a file it never closes.
    boundary, form = encode_multipart(MultiDict({"file": FileStorage(io.BytesIO(body), filename, content_type=mimetype)}))
    return client.post(URL, data=form, content_type=f'multipart/form-data; boundary="{boundary}"', headers=auth(token))


def variant(entry: dict[str, Any], n: int, **changes: Any) -> dict[str, Any]:
    fresh = copy.deepcopy(entry)
    fresh["name"] = f"{entry['name']} {n}"
    fresh.update(changes)
    return fresh


@pytest.fixture
def supplier_token(make_token):
    return make_token("supplier", org="Acme Learning")


# --- valid files --------------------------------------------------------------------------


def test_a_csv_file_creates_products_with_a_row_by_row_report(client, auth, supplier_token, entry, session):
    rows = [as_row(variant(entry, 1), "ACME-1"), as_row(variant(entry, 2), "ACME-2")]
    response = post(client, auth, supplier_token, to_csv(rows))
    assert response.status_code == 200, response.json
    report = response.json
    assert (report["format"], report["created"], report["updated"], report["unchanged"], report["failed"]) == ("csv", 2, 0, 0, 0)
    assert [(r["row"], r["external_ref"], r["status"], r["errors"]) for r in report["rows"]] == [
        (2, "ACME-1", "created", []),
        (3, "ACME-2", "created", []),
    ]
    product = session.exec(select(Product).where(Product.external_ref == "ACME-1")).one()
    assert product.slug == report["rows"][0]["slug"]
    assert product.supplier.name == "Acme Learning"
    version = product.latest_version
    assert (version.number, version.status) == (1, "submitted")
    assert version.key_stages == ["ks1", "ks2"] and version.age_min == 5
    assert version.answers == {"dp_dpia": "current", "sg_emotion_inference": False}
    # Judged on submission, like an API entry.
    assert session.exec(select(Classification).where(Classification.version_id == version.id)).first() is not None


def test_csv_cells_are_converted_to_the_api_types(client, auth, supplier_token, entry, session):
    row = as_row(entry, "ACME-1") | {
        "intended_users": " teachers ; pupils ;",
        "pupil_interaction": "supervised",
        "ai_models": "",
        "answer.age_terms_min_age": "13",
        "answer.dp_personal_data": "names;emails",
        "answer.sg_logs_available": "YES",
        "answer.dp_subprocessors_listed": "false",
        "answer.dp_retention": "",
    }
    response = post(client, auth, supplier_token, to_csv([row]))
    assert response.json["created"] == 1, response.json
    version = session.exec(select(ProductVersion)).one()
    assert version.intended_users == ["teachers", "pupils"]
    assert version.ai_models == []
    assert version.answers == {
        "dp_dpia": "current",
        "sg_emotion_inference": False,
        "age_terms_min_age": 13,
        "dp_personal_data": ["names", "emails"],
        "sg_logs_available": True,
        "dp_subprocessors_listed": False,
    }


def test_a_json_array_upload_imports(client, auth, supplier_token, entry, session):
    items = [variant(entry, n) | {"external_ref": f"J-{n}"} for n in range(3)]
    items[1]["answers"]["dp_retention"] = None  # null: not answered
    response = upload(client, auth, supplier_token, json.dumps(items, indent=2).encode(), "products.json")
    assert response.status_code == 200, response.json
    assert response.json["format"] == "json"
    assert [(r["row"], r["status"]) for r in response.json["rows"]] == [(1, "created"), (2, "created"), (3, "created")]
    assert count(session, Product) == 3


def test_a_raw_json_body_imports(client, auth, supplier_token, entry):
    items = [variant(entry, n) | {"external_ref": f"J-{n}"} for n in range(2)]
    response = post(client, auth, supplier_token, json.dumps(items).encode(), "application/json")
    assert response.status_code == 200
    assert response.json["created"] == 2


def test_json_lines_import_reports_line_numbers(client, auth, supplier_token, entry, session):
    lines = [json.dumps(variant(entry, n) | {"external_ref": f"L-{n}"}) for n in range(3)]
    body = "\n".join([lines[0], "", lines[1], "{not json", lines[2], '{"deep": ' + "[" * 100_000]).encode()
    response = post(client, auth, supplier_token, body, "application/x-ndjson")
    assert response.status_code == 200, response.json
    report = response.json
    assert report["format"] == "jsonl"
    assert [(r["row"], r["status"]) for r in report["rows"]] == [(1, "created"), (3, "created"), (4, "failed"), (5, "created"), (6, "failed")]
    assert "not valid JSON" in report["rows"][2]["errors"][0]["problem"]
    assert "nested too deeply" in report["rows"][4]["errors"][0]["problem"]
    assert count(session, Product) == 3


def test_application_json_with_one_object_per_line_is_read_as_json_lines(client, auth, supplier_token, entry):
    body = "\n".join(json.dumps(variant(entry, n) | {"external_ref": f"L-{n}"}) for n in range(2)).encode()
    response = post(client, auth, supplier_token, body, "application/json")
    assert response.status_code == 200
    assert (response.json["format"], response.json["created"]) == ("jsonl", 2)


def test_a_large_json_array_is_parsed_item_by_item(client, auth, supplier_token, entry):
    # Items larger than the reader's chunk size, split across chunk boundaries.
    items = [variant(entry, n, description="word " * 2000) | {"external_ref": f"BIG-{n}"} for n in range(40)]
    response = post(client, auth, supplier_token, json.dumps(items).encode(), "application/json")
    assert response.status_code == 200, response.json
    assert response.json["created"] == 40


# --- row reports -----------------------------------------------------------------------------


def test_each_bad_row_is_reported_with_row_field_problem_and_fix(client, auth, supplier_token, entry, session):
    good = as_row(variant(entry, 1), "OK-1")
    bad_age = as_row(variant(entry, 2), "BAD-2") | {"age_max": "eleven"}
    bad_stage = as_row(variant(entry, 3), "BAD-3") | {"key_stages": "ks1;ks9"}
    no_name = as_row(variant(entry, 4), "BAD-4") | {"name": "", "answer.dp_dpia": "maybe"}
    no_ref = as_row(variant(entry, 5), "")
    also_good = as_row(variant(entry, 6), "OK-6")
    response = post(client, auth, supplier_token, to_csv([good, bad_age, bad_stage, no_name, no_ref, also_good]))
    assert response.status_code == 200
    report = response.json
    assert (report["created"], report["failed"]) == (2, 4)
    rows = {r["row"]: r for r in report["rows"]}
    assert [rows[n]["status"] for n in range(2, 8)] == ["created", "failed", "failed", "failed", "failed", "created"]

    def fields(row: int) -> set[str]:
        return {e["field"] for e in rows[row]["errors"]}

    assert fields(3) == {"age_max"}
    assert fields(4) == {"key_stages"}
    assert "'ks9'" in rows[4]["errors"][0]["problem"]
    assert "ks1" in rows[4]["errors"][0]["fix"]
    assert fields(5) == {"name", "answer.dp_dpia"}
    name_error = next(e for e in rows[5]["errors"] if e["field"] == "name")
    assert name_error["problem"] == "This cell is empty."
    assert "current" in next(e for e in rows[5]["errors"] if e["field"] == "answer.dp_dpia")["fix"]
    assert fields(6) == {"external_ref"}
    assert rows[6]["external_ref"] is None
    assert all(e["fix"] for r in report["rows"] for e in r["errors"])
    stored = {p.external_ref for p in session.exec(select(Product)).all()}
    assert stored == {"OK-1", "OK-6"}


def test_json_rows_name_fields_as_the_api_does(client, auth, supplier_token, entry):
    items = [
        variant(entry, 1) | {"external_ref": "J-1", "key_stages": ["ks1", "ks9"], "colour": "blue"},
        ["not", "an", "object"],
        variant(entry, 3) | {"external_ref": 17, "answers": {"sg_emotion_inference": "no"}},
    ]
    report = post(client, auth, supplier_token, json.dumps(items).encode(), "application/json").json
    first, second, third = report["rows"]
    assert {e["field"] for e in first["errors"]} == {"key_stages.1", "colour"}
    assert second["status"] == "failed" and "not an object" in second["errors"][0]["problem"]
    assert third["external_ref"] == "17"
    assert [(e["field"], e["fix"]) for e in third["errors"]] == [("answers.sg_emotion_inference", "Give true or false.")]


def test_a_product_listed_twice_in_one_file_is_refused_the_second_time(client, auth, supplier_token, entry, session):
    rows = [as_row(variant(entry, 1), "SAME"), as_row(variant(entry, 2), "SAME")]
    report = post(client, auth, supplier_token, to_csv(rows)).json
    assert [r["status"] for r in report["rows"]] == ["created", "failed"]
    assert "Row 2" in report["rows"][1]["errors"][0]["problem"]
    assert count(session, ProductVersion) == 1


def test_a_failing_row_leaves_nothing_behind(client, auth, make_token, entry, session, monkeypatch):
    """A row that fails after it started writing (a new member, a product, a version) is rolled back whole."""
    token = make_token("association", org="Edtech Guild")
    judge = products.judge

    def judge_or_fail(db_session, version):
        if version.name.startswith("Explodes"):
            raise products.ProductProblem(422, "Simulated failure after the writes.", {"name": ["Boom."]})
        return judge(db_session, version)

    monkeypatch.setattr(products, "judge", judge_or_fail)
    rows = [
        as_row(variant(entry, 1, supplier="Ghost Ltd", name="Explodes"), "G-1"),
        as_row(variant(entry, 2, supplier="Real Member Ltd"), "R-1"),
    ]
    report = post(client, auth, token, to_csv(rows)).json
    assert [r["status"] for r in report["rows"]] == ["failed", "created"]
    assert report["rows"][0]["errors"][0]["field"] == "name"
    names = set(session.exec(select(Organisation.name)).all())
    assert "Ghost Ltd" not in names and "Real Member Ltd" in names
    assert count(session, Product) == 1 and count(session, ProductVersion) == 1
    assert not any("Ghost" in str(detail) for detail in session.exec(select(AuditEntry.detail)).all())


# --- idempotence and versions ----------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(client, auth, supplier_token, entry, session):
    body = to_csv([as_row(variant(entry, n), f"R-{n}") for n in range(3)])
    assert post(client, auth, supplier_token, body).json["created"] == 3
    before = (count(session, Product), count(session, ProductVersion), count(session, AuditEntry), count(session, ChangeLogEntry))
    again = post(client, auth, supplier_token, body).json
    assert (again["created"], again["updated"], again["unchanged"], again["failed"]) == (0, 0, 3, 0)
    after = (count(session, Product), count(session, ProductVersion), count(session, AuditEntry), count(session, ChangeLogEntry))
    assert after == before


def test_a_changed_row_makes_a_new_version(client, auth, supplier_token, entry, session):
    rows = [as_row(variant(entry, n), f"R-{n}") for n in range(2)]
    first = post(client, auth, supplier_token, to_csv(rows)).json
    rows[1]["summary"] = "A new summary for the second product."
    rows[1]["name"] = "Renamed Product"
    report = post(client, auth, supplier_token, to_csv(rows)).json
    assert [r["status"] for r in report["rows"]] == ["unchanged", "updated"]
    assert report["rows"][1]["slug"] == first["rows"][1]["slug"]  # matched on the reference, not the name
    product = session.exec(select(Product).where(Product.external_ref == "R-1")).one()
    session.refresh(product)
    assert [(v.number, v.status) for v in product.versions] == [(1, "submitted"), (2, "submitted")]
    assert product.latest_version.name == "Renamed Product"
    assert count(session, Product) == 2


def test_an_update_keeps_the_published_version_visible(client, auth, supplier_token, entry, store, session):
    published = store({**entry}, supplier="Acme Learning")
    # The first import adopts the existing product (same supplier and name, no reference yet).
    changed = as_row(entry | {"summary": "Changed by the import."}, "ADOPT-1")
    report = post(client, auth, supplier_token, to_csv([changed])).json
    assert report["rows"][0]["status"] == "updated" and report["rows"][0]["slug"] == published.slug
    assert count(session, Product) == 1
    public = client.get(f"/api/v1/products/{published.slug}").json
    assert public["version"] == 1 and public["summary"] == entry["summary"]
    assert post(client, auth, supplier_token, to_csv([changed])).json["unchanged"] == 1


def test_a_name_taken_by_another_referenced_product_is_a_row_error(client, auth, supplier_token, entry, session):
    post(client, auth, supplier_token, to_csv([as_row(entry, "FIRST")]))
    report = post(client, auth, supplier_token, to_csv([as_row(entry, "SECOND")])).json
    error = report["rows"][0]["errors"][0]
    assert (error["field"], report["failed"]) == ("name", 1)
    assert "FIRST" in error["fix"]
    assert count(session, Product) == 1


# --- who may import for whom --------------------------------------------------------------------


def test_a_supplier_cannot_import_for_another_supplier(client, auth, make_token, entry, session):
    make_token("supplier", org="Brightside Tools")
    token = make_token("supplier", org="Acme Learning")
    rows = [
        as_row(variant(entry, 1, supplier="Brightside Tools"), "X-1"),
        as_row(variant(entry, 2, supplier="Nobody Yet Ltd"), "X-2"),
        as_row(variant(entry, 3, supplier=None), "OWN-3"),
    ]
    rows[2]["supplier"] = ""
    report = post(client, auth, token, to_csv(rows)).json
    assert [r["status"] for r in report["rows"]] == ["failed", "failed", "created"]
    assert {e["field"] for r in report["rows"][:2] for e in r["errors"]} == {"supplier"}
    assert "Acme Learning" in report["rows"][1]["errors"][0]["fix"]
    assert [p.supplier.name for p in session.exec(select(Product)).all()] == ["Acme Learning"]
    assert session.exec(select(Organisation).where(Organisation.name == "Nobody Yet Ltd")).first() is None


def test_an_association_imports_for_its_members_and_new_members(client, auth, make_token, entry, session):
    token = make_token("association", org="Edtech Guild")
    make_token("supplier", org="Member Ltd", member_of="Edtech Guild")
    make_token("supplier", org="Outsider Ltd")
    rows = [
        as_row(variant(entry, 1, supplier="Member Ltd"), "M-1"),
        as_row(variant(entry, 2, supplier="Brand New Ltd"), "N-1"),
        as_row(variant(entry, 3, supplier="Outsider Ltd"), "O-1"),
        as_row(variant(entry, 4), "NONE-1") | {"supplier": ""},
    ]
    report = post(client, auth, token, to_csv(rows)).json
    assert [r["status"] for r in report["rows"]] == ["created", "created", "failed", "failed"]
    assert report["rows"][2]["errors"][0]["field"] == "supplier"
    guild = session.exec(select(Organisation).where(Organisation.name == "Edtech Guild")).one()
    new_member = session.exec(select(Organisation).where(Organisation.name == "Brand New Ltd")).one()
    assert (new_member.kind, new_member.member_of_id) == ("supplier", guild.id)
    assert sorted(p.supplier.name for p in session.exec(select(Product)).all()) == ["Brand New Ltd", "Member Ltd"]


def test_references_are_per_supplier(client, auth, make_token, entry, session):
    token = make_token("association", org="Edtech Guild")
    rows = [as_row(variant(entry, 1, supplier="One Ltd"), "P-1"), as_row(variant(entry, 1, supplier="Two Ltd"), "P-1")]
    assert post(client, auth, token, to_csv(rows)).json["created"] == 2


@pytest.mark.parametrize("role", ["reviewer", "evaluator", "trust"])
def test_other_roles_may_not_import(client, auth, make_token, entry, session, role):
    token = make_token(role, org="Some Trust" if role == "trust" else None)
    response = post(client, auth, token, to_csv([as_row(entry, "R-1")]))
    assert response.status_code == 403
    assert count(session, Product) == 0


def test_an_admin_may_import_for_any_supplier(client, auth, make_token, entry, session):
    token = make_token("admin")
    report = post(client, auth, token, to_csv([as_row(entry | {"supplier": "Anyone Ltd"}, "A-1")])).json
    assert report["created"] == 1


# --- hostile input ---------------------------------------------------------------------------------


def test_no_token_is_401(client, entry, session):
    response = client.post(URL, data=to_csv([as_row(entry, "R-1")]), content_type="text/csv")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert count(session, Product) == 0


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/xml", "application/x-www-form-urlencoded", "image/png", ""]
)
def test_a_wrong_content_type_is_415(client, auth, supplier_token, entry, session, content_type):
    response = post(client, auth, supplier_token, to_csv([as_row(entry, "R-1")]), content_type)
    assert response.status_code == 415
    assert "text/csv" in response.json["message"]
    assert count(session, Product) == 0


def test_an_upload_of_unknown_type_is_415(client, auth, supplier_token, entry, session):
    response = upload(client, auth, supplier_token, b"whatever", "products.xlsx")
    assert response.status_code == 415
    assert count(session, Product) == 0


def test_a_form_without_the_file_field_is_400(client, auth, supplier_token):
    response = client.post(URL, data={"other": "x"}, content_type="multipart/form-data", headers=auth(supplier_token))
    assert response.status_code == 400
    assert "file" in response.json["errors"]


def test_an_upload_over_the_import_limit_is_413_and_stores_nothing(client, auth, supplier_token, entry, session, app):
    assert app.config["IMPORT_MAX_BYTES"] == 20 * 1024 * 1024
    valid = to_csv([as_row(entry, "R-1")])
    body = valid + b"x" * (21 * 1024 * 1024)
    for response in (post(client, auth, supplier_token, body), upload(client, auth, supplier_token, body, "big.csv")):
        assert response.status_code == 413
        assert "import limit" in response.json["message"]
    assert count(session, Product) == 0


def test_the_import_limit_is_separate_from_the_request_limit(client, auth, supplier_token, entry, app):
    app.config["MAX_CONTENT_LENGTH"] = 2000
    body = to_csv([as_row(variant(entry, n), f"R-{n}") for n in range(6)])
    assert len(body) > 2000
    assert post(client, auth, supplier_token, body).json["created"] == 6
    assert upload(client, auth, supplier_token, body, "p.csv").json["unchanged"] == 6
    app.config["IMPORT_MAX_BYTES"] = 1000
    assert post(client, auth, supplier_token, body).status_code == 413


@pytest.mark.parametrize(
    ("bad_row", "row"),
    [
        (b'OK-2,"Lesson "Sketcher" 2",x\r\n', 3),  # a quote inside a quoted cell, not doubled
        (b'OK-2,"never closed\r\nOK-3,x\r\n', 3),  # a quote that never closes
    ],
)
def test_malformed_csv_is_400_and_stores_nothing(client, auth, supplier_token, entry, session, bad_row, row):
    valid = to_csv([as_row(entry, "OK-1")])
    response = post(client, auth, supplier_token, valid + bad_row)
    assert response.status_code == 400, response.json
    assert f"row {row}" in response.json["message"]
    assert "quotes" in " ".join(response.json["errors"]["file"])
    assert count(session, Product) == 0


def test_a_file_in_another_encoding_is_refused_whole(client, auth, supplier_token, entry, session):
    rows = [as_row(variant(entry, 1), "OK-1"), as_row(variant(entry, 2, summary="Café résumé tool."), "LATIN-1")]
    body = to_csv(rows).decode("utf-8").encode("latin-1")
    response = post(client, auth, supplier_token, body)
    assert response.status_code == 400
    assert response.json["message"].startswith("The file is not UTF-8: save it as CSV UTF-8")
    assert "Line 3" in response.json["errors"]["file"][0]
    assert count(session, Product) == 0


def test_a_byte_order_mark_is_accepted(client, auth, supplier_token, entry):
    body = "\ufeff".encode() + to_csv([as_row(entry, "BOM-1")])
    assert post(client, auth, supplier_token, body).json["created"] == 1


def test_null_bytes_fail_their_row_only(client, auth, supplier_token, entry, session):
    rows = [as_row(variant(entry, 1), "OK-1"), as_row(variant(entry, 2, description="Bad\x00byte"), "NUL-2")]
    report = post(client, auth, supplier_token, to_csv(rows)).json
    assert [r["status"] for r in report["rows"]] == ["created", "failed"]
    assert report["rows"][1]["errors"][0]["field"] == "description"
    assert "null bytes" in report["rows"][1]["errors"][0]["problem"]
    lines = [json.dumps(variant(entry, 3) | {"external_ref": "NUL-3"}).replace("Lesson", "Les\\u0000son", 1)]
    assert post(client, auth, supplier_token, "\n".join(lines).encode(), "application/x-ndjson").json["failed"] == 1
    assert count(session, Product) == 1


def test_html_and_formulas_are_stored_as_plain_text(client, auth, supplier_token, entry, session):
    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    formula = '=HYPERLINK("http://evil.example/","Click me")'
    rows = [
        as_row(variant(entry, 1, summary=script, description=formula), "HTML-1"),
        as_row(variant(entry, 2, ai_features="+cmd|' /C calc'!A0", subjects=["@SUM(1+1)", "-2+3"]), "=1+1"),
    ]
    report = post(client, auth, supplier_token, to_csv(rows)).json
    assert report["created"] == 2, report
    first = session.exec(select(Product).where(Product.external_ref == "HTML-1")).one().latest_version
    assert (first.summary, first.description) == (script, formula)
    second = session.exec(select(Product).where(Product.external_ref == "=1+1")).one().latest_version
    assert second.ai_features == "+cmd|' /C calc'!A0"
    assert second.subjects == ["@SUM(1+1)", "-2+3"]
    assert report["rows"][1]["external_ref"] == "=1+1"


def test_a_missing_external_ref_column_is_refused_whole(client, auth, supplier_token, entry, session):
    row = as_row(entry, "R-1")
    del row["external_ref"]
    response = post(client, auth, supplier_token, to_csv([row]))
    assert response.status_code == 422
    assert "external_ref" in response.json["errors"]
    assert count(session, Product) == 0


def test_unknown_and_duplicate_columns_are_refused_whole(client, auth, supplier_token, entry, session):
    body = to_csv([as_row(entry, "R-1") | {"colour": "blue", "answer.no_such_question": "x"}])
    response = post(client, auth, supplier_token, body)
    assert response.status_code == 422
    assert {"colour", "answer.no_such_question"} <= set(response.json["errors"])
    duplicated = body.replace(b"colour", b"name", 1)
    assert "name" in post(client, auth, supplier_token, duplicated).json["errors"]
    assert count(session, Product) == 0


def test_a_semicolon_separated_file_gets_advice(client, auth, supplier_token, entry):
    body = to_csv([as_row(entry, "R-1")]).decode().replace(",", ";").encode()
    response = post(client, auth, supplier_token, body)
    assert response.status_code == 422
    assert "Comma delimited" in response.json["message"]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"", "text/csv"),
        (b"   \r\n", "text/csv"),
        (b"", "application/json"),
        (b'[{"external_ref": "R-1", "name": "x"', "application/json"),
        (b'[{"external_ref": "R-1"},, {}]', "application/json"),
        (b'[{"external_ref": "R-1"},]', "application/json"),
        (b'[{"external_ref": "R-1"}] trailing', "application/json"),
        (b'"just a string"', "application/json"),
        (b'{\n  "external_ref": "R-1"\n}', "application/json"),
        (b"\xff\xfe\x00\x00", "application/x-ndjson"),
        (b"[" * 200_000 + b"]" * 200_000, "application/json"),
    ],
    ids=lambda value: value[:30] if isinstance(value, bytes) else value,
)
def test_unreadable_files_are_400(client, auth, supplier_token, session, body, content_type):
    response = post(client, auth, supplier_token, body, content_type)
    assert response.status_code == 400, response.json
    assert response.json["errors"]["file"]
    assert count(session, Product) == 0


def test_a_broken_json_array_after_valid_items_stores_nothing(client, auth, supplier_token, entry, session):
    items = json.dumps([variant(entry, n) | {"external_ref": f"J-{n}"} for n in range(3)])
    response = post(client, auth, supplier_token, (items[:-1] + ', {"oops": }]').encode(), "application/json")
    assert response.status_code == 400
    assert "line 1" in response.json["message"]
    assert count(session, Product) == 0


def test_a_header_only_file_imports_nothing(client, auth, supplier_token, entry):
    header = to_csv([as_row(entry, "R-1")]).split(b"\r\n")[0] + b"\r\n"
    report = post(client, auth, supplier_token, header).json
    assert (report["created"], report["failed"], report["rows"]) == (0, 0, [])


# --- the template ----------------------------------------------------------------------------------


def test_the_template_header_follows_the_schema_and_installed_questions(client, app):
    response = client.get(TEMPLATE_URL)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    header, example = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    with app.app_context():
        questions = list(registry.current().questions)
    assert header == ["external_ref", *[f for f in ENTRY_FIELDS if f != "answers"], *[f"answer.{q}" for q in questions]]
    assert {"answer.acc_wcag_level", "answer.dp_dpia", "answer.sg_emotion_inference"} <= set(header)
    assert len(example) == len(header)


def test_a_filled_in_template_imports(client, auth, supplier_token, session):
    text = client.get(TEMPLATE_URL).data.decode("utf-8-sig")
    header, example = list(csv.reader(io.StringIO(text)))
    second = dict(zip(header, example)) | {
        "external_ref": "ACME-0002",
        "name": "Quiz Builder",
        "answer.dp_storage_region": "uk",
        "answer.dp_breach_notification_hours": "48",
        "answer.acc_assistive_tech": "screen_reader;magnification",
    }
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows([header, example, [second[name] for name in header]])
    response = post(client, auth, supplier_token, ("\ufeff" + out.getvalue()).encode())
    assert response.status_code == 200, response.json
    assert (response.json["created"], response.json["failed"]) == (2, 0), response.json
    quiz = session.exec(select(Product).where(Product.external_ref == "ACME-0002")).one().latest_version
    assert quiz.answers["dp_breach_notification_hours"] == 48
    assert quiz.answers["acc_assistive_tech"] == ["screen_reader", "magnification"]


def test_the_format_is_documented_column_by_column(app):
    guide = (Path(__file__).parent.parent / "docs" / "import-format.md").read_text(encoding="utf-8")
    for name in ["external_ref", *ENTRY_FIELDS]:
        assert f"`{name}`" in guide, name
    assert "/api/v1/imports/template.csv" in guide
    assert "catalogue import" in guide


def test_the_openapi_document_describes_imports(client):
    spec = client.get("/api/v1/openapi.json").json
    post_doc = spec["paths"]["/api/v1/imports"]["post"]
    assert {"200", "400", "401", "403", "413", "415", "422"} <= set(post_doc["responses"])
    assert {"multipart/form-data", "text/csv", "application/json", "application/x-ndjson"} <= set(post_doc["requestBody"]["content"])
    assert "text/csv" in spec["paths"]["/api/v1/imports/template.csv"]["get"]["responses"]["200"]["content"]


# --- the command line --------------------------------------------------------------------------------


def test_cli_import_shows_progress_problems_and_exit_status(runner, entry, tmp_path, session, visible_progress):
    good = tmp_path / "good.csv"
    good.write_bytes(to_csv([as_row(variant(entry, n), f"C-{n}") for n in range(3)]))
    result = runner.invoke(args=["import", str(good)])
    assert result.exit_code == 0, result.output
    assert "Importing" in result.stderr and "3/3" in result.stderr
    assert "Indexing" in result.stderr  # the index's catch-up after the import shows its progress too
    assert result.stdout.strip().splitlines()[-1] == "Imported good.csv: 3 created, 0 updated, 0 unchanged, 0 failed."
    again = runner.invoke(args=["import", str(good)])
    assert (again.exit_code, "3 unchanged" in again.stdout) == (0, True)

    mixed = tmp_path / "mixed.json"
    mixed.write_text(json.dumps([variant(entry, 9) | {"external_ref": "C-9"}, variant(entry, 10, age_max=99) | {"external_ref": "C-10"}]))
    result = runner.invoke(args=["import", str(mixed)])
    assert result.exit_code == 1
    assert "Row 2 (C-10) age_max:" in result.stdout and " — " in result.stdout
    assert "1 created, 0 updated, 0 unchanged, 1 failed" in result.stdout
    assert count(session, Product) == 4


def test_cli_import_file_errors_and_formats(runner, entry, tmp_path, session):
    broken = tmp_path / "broken.csv"
    broken.write_bytes(to_csv([as_row(entry, "R-1")]).decode().encode("utf-16"))
    result = runner.invoke(args=["import", str(broken)])
    assert result.exit_code == 1
    assert "not UTF-8" in result.output and "Nothing was imported" in result.output
    unnamed = tmp_path / "products.txt"
    unnamed.write_text("\n".join(json.dumps(variant(entry, n) | {"external_ref": f"T-{n}"}) for n in range(2)))
    result = runner.invoke(args=["import", str(unnamed)])
    assert result.exit_code == 1 and "--format" in result.output
    result = runner.invoke(args=["import", "--format", "jsonl", str(unnamed)])
    assert result.exit_code == 0, result.output
    assert count(session, Product) == 2


def test_cli_import_as_an_organisation_has_its_rights(runner, make_token, entry, tmp_path, session):
    make_token("supplier", org="Acme Learning")
    make_token("supplier", org="Brightside Tools")
    path = tmp_path / "p.csv"
    path.write_bytes(to_csv([as_row(variant(entry, 1), "A-1"), as_row(variant(entry, 2, supplier="Brightside Tools"), "B-1")]))
    result = runner.invoke(args=["import", "--as-org", "Acme Learning", str(path)])
    assert result.exit_code == 1
    assert "Row 3 (B-1) supplier:" in result.output
    assert count(session, Product) == 1
    assert runner.invoke(args=["import", "--as-org", "Nobody", str(path)]).exit_code == 1
    # Without --as-org the operator may import for any supplier.
    assert runner.invoke(args=["import", str(path)]).exit_code == 0
    assert count(session, Product) == 2


# --- crash safety ------------------------------------------------------------------------------------


def _running_with(argument: str) -> bool:
    """Whether any process's command line contains ``argument`` (Linux's /proc)."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if argument.encode() in cmdline.read_bytes():
                return True
        except OSError:  # it ended meanwhile
            continue
    return False


@pytest.mark.slow
def test_killing_the_importer_leaves_whole_rows_and_a_repairable_index(app, runner, session, database_url, entry, tmp_path, store):
    """kill -9 in the middle of a large import: each row is fully there or absent; the index is repaired by one command."""
    store(variant(entry, 0), supplier="Published Ltd")  # something in the index before the crash
    rows = [as_row(variant(entry, n, supplier="Crash Test Ltd"), f"CRASH-{n:05d}") for n in range(2000)]
    path = tmp_path / "large.csv"
    path.write_bytes(to_csv(rows))
    executable = Path(sys.executable).with_name("catalogue")
    env = os.environ | {
        "CATALOGUE_DATABASE_URL": database_url,
        "CATALOGUE_INDEX_DIR": app.config["INDEX_DIR"],
        "CATALOGUE_SECRET_KEY": "test",
    }
    with open(tmp_path / "stderr.txt", "wb") as stderr:
        process = subprocess.Popen([str(executable), "import", str(path)], env=env, stdout=subprocess.DEVNULL, stderr=stderr, cwd=tmp_path)
        try:
            deadline = time.monotonic() + 120
            while count(session, Product) <= 1:
                assert process.poll() is None, (tmp_path / "stderr.txt").read_text()
                assert time.monotonic() < deadline, "the import committed nothing within 120 s"
                time.sleep(0.05)
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(30)
    assert process.returncode == -signal.SIGKILL
    # Nothing it forked lives on: a child holds the importer's database connections open, so the
    # server would keep the killed importer's transaction, and its locks, while the child lived.
    deadline = time.monotonic() + 3
    while _running_with(str(path)):
        assert time.monotonic() < deadline, "a process of the killed import is still running"
        time.sleep(0.05)

    crashed = session.exec(select(Product).where(Product.external_ref.is_not(None))).all()
    assert 0 < len(crashed) < 2000
    assert len(crashed) % imports.BATCH_SIZE == 0  # whole batches of whole rows
    expected = {f"CRASH-{n:05d}": variant(entry, n, supplier="Crash Test Ltd") for n in range(2000)}
    for product in crashed:
        versions = session.exec(select(ProductVersion).where(ProductVersion.product_id == product.id)).all()
        assert len(versions) == 1, product.external_ref
        version = versions[0]
        want = products.validate_entry(expected[product.external_ref])
        assert products.entry_of(version) == want | {"supplier": "Crash Test Ltd"}
        assert session.exec(select(Classification).where(Classification.version_id == version.id)).first() is not None
        assert len(session.exec(select(Evaluation).where(Evaluation.version_id == version.id)).all()) >= 3
        assert session.exec(select(ChangeLogEntry).where(ChangeLogEntry.product_id == product.id)).first() is not None

    repaired = runner.invoke(args=["reindex", "--check"])
    assert repaired.exit_code == 0, repaired.output
    checked = runner.invoke(args=["reindex", "--check", "--dry-run"])
    assert checked.exit_code == 0, checked.output
    assert "The search index matches the database." in checked.output

    # Importing the file again finishes the job: the stored rows are unchanged, the rest created.
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    assert f"{2000 - len(crashed)} created, 0 updated, {len(crashed)} unchanged, 0 failed" in result.output
