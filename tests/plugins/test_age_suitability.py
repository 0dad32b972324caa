"""The age suitability evaluator: each criterion's outcomes, the AS2 red line, provider data and declarations."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from catalogue.contract import CriterionResult, ProductSnapshot
from plugins import age_suitability

EVALUATOR = age_suitability.catalogue_evaluators()[0]
CRITERIA = {criterion.id: criterion for criterion in EVALUATOR.criteria}

BASE: dict[str, Any] = {
    "name": "Test Science Coach",
    "supplier": "Test Supplier Ltd",
    "website": "https://coach.example/",
    "summary": "A fictional AI science coach.",
    "description": "A fictional product used to test the age suitability evaluator.",
    "ai_features": "Pupils ask an AI coach questions about science topics.",
    "ai_models": ["GPT-4o via Azure OpenAI"],
    "intended_users": ["teachers", "pupils"],
    "pupil_interaction": "direct",
    "phases": ["secondary"],
    "key_stages": ["ks3", "ks4"],
    "age_min": 11,
    "age_max": 16,
    "subjects": ["Science"],
    "pricing": "subscription",
    "answers": {},
}
STAFF = {"pupil_interaction": "none", "intended_users": ["teachers"]}
SUPERVISED = {"pupil_interaction": "supervised"}
PRIMARY = {"age_min": 8, "age_max": 11, "phases": ["primary"], "key_stages": ["ks2"]}
TEENS = {"age_min": 14, "age_max": 18, "phases": ["secondary", "sixth_form"], "key_stages": ["ks4", "ks5"]}

GOOD: dict[str, Any] = {
    "age_ai_provider": "azure_openai",
    "age_terms_min_age": 11,
    "age_consent_basis": "school_contract",
    "age_assurance": "school_provisioned_accounts",
    "age_high_privacy_default": True,
    "age_geolocation_off": True,
    "age_profiling_off": True,
    "age_no_nudges": True,
    "age_child_friendly_notices": True,
    "age_child_told_when_monitored": True,
    "age_reporting_tools": True,
    "age_content_thresholds_by_stage": True,
    "age_high_risk_uses": ["none"],
    "age_best_interests": True,
}


def evaluate(answers: dict[str, Any], **entry: Any) -> dict[str, CriterionResult]:
    product = ProductSnapshot.from_entry({**BASE, **entry, "answers": answers})
    return {result.criterion: result for result in EVALUATOR.evaluate(product)}


def case(criterion: str, expected: str, name: str, entry: dict[str, Any] | None = None, **answers: Any) -> Any:
    """One row: ``answers`` change GOOD (None leaves a question unanswered), ``entry`` changes BASE."""
    return pytest.param(criterion, answers, entry or {}, expected, id=f"{criterion}-{name}")


def yes_no_cases(criterion: str, question: str) -> list[Any]:
    """A Children's Code check decided by one yes/no answer, for pupils' use only."""
    return [
        case(criterion, "met", "yes", **{question: True}),
        case(criterion, "not_met", "no", **{question: False}),
        case(criterion, "not_applicable", "staff-tool", STAFF, **{question: False}),
    ]


CASES = [
    # AS1 reads only the entry.
    case("AS1", "met", "consistent"),
    case("AS1", "met", "consistent-staff-tool", STAFF),
    case(
        "AS1",
        "met",
        "special-school-to-25",
        {"age_max": 25, "phases": ["secondary", "special"], "key_stages": ["ks3", "ks4", "ks5"]},
    ),
    case(
        "AS1",
        "partial",
        "ages-between-key-stages",
        {"age_min": 10, "phases": ["primary", "secondary"], "key_stages": ["ks2", "ks4"]},
    ),
    case("AS1", "not_met", "key-stage-outside-ages", {"key_stages": ["ks1", "ks3"], "phases": ["primary", "secondary"]}),
    case(
        "AS1",
        "not_met",
        "key-stage-not-in-phase",
        {"phases": ["sixth_form"], "key_stages": ["ks4", "ks5"], "age_min": 14, "age_max": 18},
    ),
    case("AS1", "not_met", "phase-without-key-stage", {"phases": ["primary", "secondary"]}),
    case("AS1", "not_met", "ages-reversed", {"age_min": 16, "age_max": 11}),
    case("AS1", "not_met", "pupil-facing-without-pupils", {"intended_users": ["teachers"]}),
    case("AS1", "not_met", "staff-tool-listing-pupils", {"pupil_interaction": "none"}),
    # AS2, the red line: the youngest users against the provider's and the product's own minimum ages.
    case("AS2", "met", "no-provider-minimum"),
    case("AS2", "met", "old-enough", TEENS, age_ai_provider="openai_chatgpt_consumer", age_terms_min_age=13),
    case("AS2", "met", "gemini-education-all-ages", PRIMARY, age_ai_provider="google_gemini_education", age_terms_min_age=5),
    case("AS2", "met", "anthropic-under-school-contract", PRIMARY, age_ai_provider="anthropic_api", age_terms_min_age=8),
    case("AS2", "not_met", "chatgpt-consumer-age-8", PRIMARY, age_ai_provider="openai_chatgpt_consumer", age_terms_min_age=8),
    case("AS2", "not_met", "openai-api-under-13-school-contract", age_ai_provider="openai_api"),
    case("AS2", "not_met", "copilot-under-13", age_ai_provider="microsoft_365_copilot_education"),
    case(
        "AS2",
        "not_met",
        "anthropic-without-school-contract",
        PRIMARY,
        age_ai_provider="anthropic_api",
        age_terms_min_age=8,
        age_consent_basis="parental_consent_verified",
    ),
    case("AS2", "not_met", "own-terms-13", age_ai_provider="own_model", age_terms_min_age=13),
    case("AS2", "not_met", "own-terms-conflict-provider-unanswered", age_ai_provider=None, age_terms_min_age=13),
    case(
        "AS2", "not_met", "provider-conflict-terms-unanswered", age_ai_provider="openai_chatgpt_consumer", age_terms_min_age=None
    ),
    case(
        "AS2",
        "partial",
        "supervised-below-minimum",
        {**PRIMARY, **SUPERVISED},
        age_ai_provider="openai_chatgpt_consumer",
        age_terms_min_age=8,
    ),
    case("AS2", "unknown", "provider-unanswered", age_ai_provider=None),
    case("AS2", "unknown", "terms-unanswered", age_terms_min_age=None),
    case(
        "AS2",
        "unknown",
        "anthropic-basis-unanswered",
        PRIMARY,
        age_ai_provider="anthropic_api",
        age_terms_min_age=8,
        age_consent_basis=None,
    ),
    case("AS2", "not_applicable", "staff-tool", STAFF, age_ai_provider="openai_chatgpt_consumer"),
    # AS3: consent for children under the age of digital consent.
    case("AS3", "met", "parent-verified", PRIMARY, age_consent_basis="parental_consent_verified"),
    case("AS3", "partial", "parent-unverified", PRIMARY, age_consent_basis="parental_consent_unverified"),
    case("AS3", "not_met", "child-consents", PRIMARY, age_consent_basis="child_consent"),
    case("AS3", "not_applicable", "school-contract", PRIMARY),
    case("AS3", "not_applicable", "all-over-13", TEENS, age_consent_basis="child_consent"),
    case("AS3", "not_applicable", "staff-tool", STAFF, age_consent_basis="child_consent"),
    case("AS3", "unknown", "basis-unanswered", PRIMARY, age_consent_basis=None),
    case("AS4", "met", "school-accounts"),
    case("AS4", "met", "verified", age_assurance="verified"),
    case("AS4", "partial", "self-declared", age_assurance="self_declaration"),
    case("AS4", "not_met", "no-age-assurance", age_assurance="none"),
    case("AS4", "not_applicable", "staff-tool", STAFF, age_assurance="none"),
    *yes_no_cases("AS5", "age_high_privacy_default"),
    *yes_no_cases("AS6", "age_geolocation_off"),
    case("AS7", "met", "profiling-off"),
    case("AS7", "not_met", "profiling-on", age_profiling_off=False),
    case("AS7", "partial", "profiling-on-staff-tool", STAFF, age_profiling_off=False),
    case("AS7", "met", "profiling-off-staff-tool", STAFF),
    *yes_no_cases("AS8", "age_no_nudges"),
    *yes_no_cases("AS9", "age_child_friendly_notices"),
    *yes_no_cases("AS10", "age_child_told_when_monitored"),
    *yes_no_cases("AS11", "age_reporting_tools"),
    *yes_no_cases("AS12", "age_best_interests"),
    case("AS13", "met", "tuned"),
    case("AS13", "partial", "untuned-secondary", age_content_thresholds_by_stage=False),
    case("AS13", "not_met", "untuned-primary", PRIMARY, age_content_thresholds_by_stage=False),
    case("AS13", "not_applicable", "staff-tool", STAFF, age_content_thresholds_by_stage=False),
    case("AS14", "met", "no-high-risk-use"),
    case("AS14", "partial", "grading", age_high_risk_uses=["grading_learning_outcomes"]),
    case("AS14", "partial", "proctoring-and-admissions", age_high_risk_uses=["proctoring", "admissions"]),
    case("AS14", "partial", "assessing-level-staff-tool", STAFF, age_high_risk_uses=["assessing_level"]),
    case("AS14", "unknown", "empty-list", age_high_risk_uses=[]),
]


@pytest.mark.parametrize(("criterion", "answers", "entry", "expected"), CASES)
def test_criterion_outcome(criterion: str, answers: dict[str, Any], entry: dict[str, Any], expected: str) -> None:
    result = evaluate({**GOOD, **answers}, **entry)[criterion]
    assert result.outcome == expected, result.explanation
    assert result.evidence, "every finding names the answers or entry fields it rests on"
    if expected == "unknown":
        assert "has not answered" in result.explanation and "missing evidence" in result.explanation
    if expected == "not_met" and CRITERIA[criterion].red_line:
        assert "crosses a red line" in result.explanation


@pytest.mark.parametrize("criterion", [c for c in EVALUATOR.criteria if c.questions], ids=lambda c: c.id)
def test_omitted_answers_are_unknown(criterion: Any) -> None:
    answers = {qid: value for qid, value in GOOD.items() if qid not in criterion.questions}
    result = evaluate(answers)[criterion.id]
    assert result.outcome == "unknown"
    assert "missing evidence" in result.explanation


def test_good_answers_meet_every_criterion_that_applies() -> None:
    outcomes = {cid: r.outcome for cid, r in evaluate(GOOD).items()}
    # Pupils use it under the school's contract, so parental consent is not the basis.
    assert outcomes == {**dict.fromkeys(CRITERIA, "met"), "AS3": "not_applicable"}


def test_chatgpt_for_eight_year_olds_crosses_the_red_line() -> None:
    answers = {**GOOD, "age_ai_provider": "openai_chatgpt_consumer", "age_terms_min_age": 8}
    result = evaluate(answers, **PRIMARY)["AS2"]
    assert result.outcome == "not_met"
    assert "ChatGPT" in result.explanation
    assert "minimum age of 13" in result.explanation
    assert "as young as 8" in result.explanation
    assert "pupil_interaction: direct" in result.evidence and "age_ai_provider: openai_chatgpt_consumer" in result.evidence


def test_met_explanation_names_provider_and_youngest_users() -> None:
    result = evaluate({**GOOD, "age_ai_provider": "anthropic_api"})["AS2"]
    assert result.outcome == "met"
    assert "Anthropic" in result.explanation and "18" in result.explanation and "as young as 11" in result.explanation


@pytest.mark.parametrize("entry", [{}, STAFF], ids=["pupil-facing", "staff-tool"])
def test_no_answers_at_all_is_unknown_or_not_applicable_except_entry_consistency(entry: dict[str, Any]) -> None:
    results = evaluate({}, **entry)
    assert results.pop("AS1").outcome == "met"
    assert {r.outcome for r in results.values()} <= {"unknown", "not_applicable"}


def test_staff_tools_skip_childrens_code_design_checks() -> None:
    results = evaluate(GOOD, **STAFF)
    applicable = {cid for cid, r in results.items() if r.outcome != "not_applicable"}
    assert applicable == {"AS1", "AS7", "AS14"}


# --- Provider minimum ages (provider_ages.json) -------------------------------------------------------


def test_provider_data_covers_every_provider_option() -> None:
    options = next(q.options for q in EVALUATOR.questions if q.id == "age_ai_provider")
    assert set(age_suitability.PROVIDERS) == set(options)


def test_provider_data_is_well_formed() -> None:
    raw = json.loads(age_suitability.PROVIDER_AGES_PATH.read_text(encoding="utf-8"))
    for key, terms in raw.items():
        assert set(terms) == {"name", "minimum_age", "education_use_below_minimum", "note", "source", "checked"}, key
        assert terms["minimum_age"] is None or (isinstance(terms["minimum_age"], int) and 0 <= terms["minimum_age"] <= 21), key
        assert isinstance(terms["education_use_below_minimum"], bool), key
        assert terms["name"] and terms["note"] and terms["source"], key
        assert re.fullmatch(r"\d{4}-\d{2}", terms["checked"]), key


@pytest.mark.parametrize(
    ("provider", "minimum_age", "education_exception"),
    [
        ("openai_chatgpt_consumer", 13, False),
        ("openai_api", 13, False),
        ("microsoft_365_copilot_education", 13, False),
        ("google_gemini_education", None, True),
        ("google_gemini_consumer", 13, False),
        ("anthropic_api", 18, True),
        ("azure_openai", None, False),
    ],
)
def test_known_provider_minimum_ages(provider: str, minimum_age: int | None, education_exception: bool) -> None:
    terms = age_suitability.PROVIDERS[provider]
    assert (terms.minimum_age, terms.education_use_below_minimum) == (minimum_age, education_exception)


def test_provider_ages_update_without_code_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = json.loads(age_suitability.PROVIDER_AGES_PATH.read_text(encoding="utf-8"))
    raw["azure_openai"]["minimum_age"] = 13
    path = tmp_path / "provider_ages.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    monkeypatch.setattr(age_suitability, "PROVIDERS", age_suitability.load_providers(path))
    assert evaluate(GOOD, **PRIMARY)["AS2"].outcome == "not_met"


# --- Declarations --------------------------------------------------------------------------------

# The question ids, types and options of notes/questions.md, which the demo data already uses.
QUESTIONS_SPEC: dict[str, tuple[str, tuple[str, ...]]] = {
    "age_ai_provider": (
        "choice",
        (
            "openai_api",
            "openai_chatgpt_consumer",
            "azure_openai",
            "microsoft_365_copilot_education",
            "google_gemini_education",
            "google_gemini_consumer",
            "anthropic_api",
            "open_weights_self_hosted",
            "own_model",
            "none",
        ),
    ),
    "age_terms_min_age": ("number", ()),
    "age_consent_basis": (
        "choice",
        ("school_contract", "parental_consent_verified", "parental_consent_unverified", "child_consent"),
    ),
    "age_assurance": ("choice", ("none", "self_declaration", "school_provisioned_accounts", "verified")),
    "age_high_privacy_default": ("yes_no", ()),
    "age_geolocation_off": ("yes_no", ()),
    "age_profiling_off": ("yes_no", ()),
    "age_no_nudges": ("yes_no", ()),
    "age_child_friendly_notices": ("yes_no", ()),
    "age_child_told_when_monitored": ("yes_no", ()),
    "age_reporting_tools": ("yes_no", ()),
    "age_content_thresholds_by_stage": ("yes_no", ()),
    "age_high_risk_uses": ("multi", ("admissions", "grading_learning_outcomes", "assessing_level", "proctoring", "none")),
}
# Questions this evaluator adds beyond questions.md, each for a criterion no listed question covers.
ADDED_QUESTIONS = {"age_best_interests": ("yes_no", ())}


def test_declares_every_question_with_its_type_and_options() -> None:
    declared = {q.id: (q.type, q.options) for q in EVALUATOR.questions}
    assert declared == {**QUESTIONS_SPEC, **ADDED_QUESTIONS}
    assert all(q.text and q.help for q in EVALUATOR.questions)


def test_criteria_read_only_declared_questions_and_every_question_is_used() -> None:
    declared = {q.id for q in EVALUATOR.questions}
    assert {qid for c in EVALUATOR.criteria for qid in c.questions} == declared
    assert CRITERIA["AS1"].questions == ()
