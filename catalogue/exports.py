"""Exports of the current result set: CSV (safe to open in a spreadsheet) and JSON, filters recorded."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from datetime import datetime, timezone
from typing import Any

from catalogue import vocab
from catalogue.listing import Answer

# Spreadsheets run a cell that starts with one of these as a formula
# (=HYPERLINK(...) exfiltration, DDE); such cells are prefixed with a quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXPORT_LIMIT = 10_000


def safe_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def describe_filters(args: Mapping[str, Any]) -> dict[str, Any]:
    """The filters that produced the export, as recorded in the file."""
    recorded = {
        key: value
        for key, value in args.items()
        if value is not False and value not in (None, "", [], {}) and key not in ("page", "per_page")
    }
    if recorded.get("min_scores"):
        recorded["min_scores"] = dict(recorded["min_scores"])
    return recorded


def rows(answer: Answer, evaluator_ids: list[str], base_url: str) -> Iterator[list[str]]:
    header = ["Product", "Supplier", "Page", "Category", "Use cases", "Phases", "Key stages", "Ages", "Pupils use the AI",
              "Pricing", "Overall score", "Band", *[f"{e} score" for e in evaluator_ids], "Red lines", "Assurance",
              "Data stored", "DPIA", "Training on pupils' data"]
    if answer.profile is not None:
        header += ["Meets every requirement", "Requirements not met"]
    yield header
    for card in answer.results.items:
        row = [
            card["name"], card["supplier"], f"{base_url}/products/{card['slug']}",
            "; ".join(vocab.CATEGORIES.label(c) for c in card["category"]),
            "; ".join(vocab.USE_CASES.label(u) for u in card["use_case"]),
            "; ".join(vocab.PHASES.label(p) for p in card["phase"]),
            "; ".join(card["key_stage"]),
            f"{card['age_min']}-{card['age_max']}",
            "; ".join(card["pupil_interaction"]),
            "; ".join(card["pricing"]),
            card["overall"]["score"], card["overall"]["band"],
            *[card["evaluations"].get(e, {}).get("score") for e in evaluator_ids],
            "; ".join(card["overall"]["red_lines"]),
            "; ".join(card["assurance"]),
            "; ".join(card["storage_region"]),
            "; ".join(card["dpia"]),
            "; ".join(card["training"]),
        ]
        if answer.profile is not None:
            findings = answer.findings.get(card["slug"], [])
            failed = [f"{f.requirement}: {f.reason}" for f in findings if not f.met]
            row += ["yes" if not failed else "no", " | ".join(failed)]
        yield [safe_cell(value) for value in row]


def to_csv(answer: Answer, filters: Mapping[str, Any], evaluator_ids: list[str], base_url: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # Two lines of provenance before the table: what this is and which filters made it.
    writer.writerow([safe_cell(f"# AI EdTech Quality Register export, {_now()}, {answer.results.total} products"
                               + (f" (first {EXPORT_LIMIT})" if answer.results.total > EXPORT_LIMIT else ""))])
    writer.writerow([safe_cell("# Filters: " + (json.dumps(filters, ensure_ascii=False, sort_keys=True) if filters else "none"))])
    writer.writerows(rows(answer, evaluator_ids, base_url))
    return buffer.getvalue()


def to_json(answer: Answer, filters: Mapping[str, Any], base_url: str) -> str:
    items = [
        card | {"url": f"{base_url}/products/{card['slug']}", "requirements": [vars(f) for f in answer.findings.get(card["slug"], [])]}
        for card in answer.results.items
    ]
    document = {
        "source": "AI EdTech Quality Register",
        "exported_at": _now(),
        "filters": filters,
        "profile": {"name": answer.profile.name, **answer.profile.settings} if answer.profile else None,
        "total": answer.results.total,
        "items": items,
        "caveat": "Scores rest on suppliers' declarations unless marked verified; a trust must still do its own due diligence.",
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
