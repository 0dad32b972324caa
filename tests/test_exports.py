"""Exports of the current result set: CSV safe from formula injection, JSON, filters recorded."""

from __future__ import annotations

import csv
import io
import json

import pytest

from catalogue.exports import safe_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=HYPERLINK(\"https://evil.example\",\"x\")", "'=HYPERLINK(\"https://evil.example\",\"x\")"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("Plain text", "Plain text"),
        (None, ""),
        (42, "42"),
    ],
)
def test_cells_that_a_spreadsheet_would_run_are_neutralised(value, expected):
    assert safe_cell(value) == expected


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_csv_export_records_the_filters_and_neutralises_formulas(client, store, entry):
    store({**entry, "name": "=HYPERLINK(\"https://evil.example\",\"Click\")", "supplier": "@Evil Ltd"})
    store({**entry, "name": "Secondary Only", "phases": ["secondary"], "key_stages": ["ks3"], "age_min": 11, "age_max": 14})
    response = client.get("/export.csv", query_string={"phase": "primary", "q": "lesson"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0][0].startswith("# AI EdTech Quality Register export") and "1 products" in rows[0][0]
    assert json.loads(rows[1][0].removeprefix("# Filters: ")) == {"phase": ["primary"], "q": "lesson"}
    header, body = rows[2], rows[3:]
    assert header[:3] == ["Product", "Supplier", "Page"]
    assert len(body) == 1
    assert body[0][0].startswith("'=HYPERLINK")
    assert body[0][1] == "'@Evil Ltd"
    assert not any(cell.startswith(("=", "+", "@")) for row in body for cell in row)


def test_json_export_holds_the_results_and_filters(client, store, entry):
    store(entry)
    response = client.get("/export.json", query_string={"min_overall": 0})
    document = json.loads(response.data)
    assert document["filters"]["min_overall"] == 0
    assert document["total"] == 1 and document["items"][0]["name"] == "Lesson Sketcher"
    assert document["items"][0]["url"].endswith("/products/lesson-sketcher")
    assert "due diligence" in document["caveat"]


def test_export_applies_a_profile_and_says_which_requirements_fail(client, store, entry):
    store({**entry, "answers": {"dp_dpia": "none"}})
    token = client.post("/api/v1/profiles", json={"name": "T", "requirements": ["dpia_available"]}).json["token"]
    rows = read_csv(client.get("/export.csv", query_string={"profile": token, "show_failing": "true"}))
    header, body = rows[2], rows[3:]
    assert header[-2:] == ["Meets every requirement", "Requirements not met"]
    assert body[0][-2] == "no" and "No DPIA" in body[0][-1]


def test_the_register_page_links_to_exports_with_its_filters(client, store, entry):
    store(entry)
    page = client.get("/", query_string={"phase": "primary"}).get_data(as_text=True)
    assert "/export.csv?phase=primary" in page and "/export.json?phase=primary" in page


@pytest.mark.parametrize("query", [{"min_overall": "abc"}, {"profile": "nope"}, {"phase": "bogus"}])
def test_an_export_with_a_filter_that_cannot_be_applied_exports_nothing(client, store, entry, query):
    store(entry)
    response = client.get("/export.csv", query_string=query)
    assert response.status_code == 400
    assert "Nothing was exported" in response.get_data(as_text=True)
