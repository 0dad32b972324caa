"""The example evaluator's own tests, written with the register's test helpers (catalogue.testing)."""

from __future__ import annotations

import pytest

import accessibility_evaluator
from catalogue.testing import assert_well_formed, score_of

EVALUATOR = accessibility_evaluator.catalogue_evaluators()[0]
GOOD = {"acc_wcag_level": "aa_audited", "acc_assistive_tech": ["screen_reader", "switch_access"], "acc_reading_age_control": True}


def outcomes(product) -> list[str]:
    return [result.outcome for result in assert_well_formed(EVALUATOR, product)]


def test_a_well_documented_product_meets_every_criterion(product_factory):
    product = product_factory(answers=GOOD)
    assert outcomes(product) == ["met", "met", "met"]
    assert score_of(EVALUATOR, product) == (100, ())


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({**GOOD, "acc_wcag_level": "aa_self_assessed"}, "partial"),
        ({**GOOD, "acc_wcag_level": "partial"}, "not_met"),
        ({k: v for k, v in GOOD.items() if k != "acc_wcag_level"}, "unknown"),
    ],
)
def test_wcag_outcomes(product_factory, answers, expected):
    assert outcomes(product_factory(answers=answers))[0] == expected


def test_missing_answers_count_against_the_score(product_factory):
    assert outcomes(product_factory(answers={})) == ["unknown", "unknown", "unknown"]
    assert score_of(EVALUATOR, product_factory(answers={}))[0] == 0


def test_staff_only_products_are_not_applicable(product_factory):
    product = product_factory(intended_users=["teachers"], pupil_interaction="none")
    assert set(outcomes(product)) == {"not_applicable"}


def test_the_register_finds_the_installed_plugin_and_scores_through_the_api(catalogue_app, catalogue_client, catalogue_token):
    assert "accessibility" in catalogue_app.extensions["catalogue.registry"].evaluators
    listed = catalogue_client.get("/api/v1/evaluators").json["items"]
    assert "accessibility" in [e["id"] for e in listed]

    from catalogue.testing import EXAMPLE_ENTRY

    token = catalogue_token("supplier", org="Example Supplier Ltd")
    response = catalogue_client.post(
        "/api/v1/products", json={**EXAMPLE_ENTRY, "answers": GOOD}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 201, response.json
    evaluation = next(e for e in response.json["evaluations"] if e["evaluator"] == "accessibility")
    assert (evaluation["status"], evaluation["score"], evaluation["version"]) == ("complete", 100, "1.0.0")
