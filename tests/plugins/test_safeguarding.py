"""The safeguarding evaluator: each criterion's outcomes, its red lines, and its declarations."""

from __future__ import annotations

from typing import Any

import pytest

from catalogue.contract import CriterionResult, ProductSnapshot
from plugins import safeguarding

EVALUATOR = safeguarding.catalogue_evaluators()[0]
CRITERIA = {criterion.id: criterion for criterion in EVALUATOR.criteria}

BASE: dict[str, Any] = {
    "name": "Test Maths Tutor",
    "supplier": "Test Supplier Ltd",
    "website": "https://tutor.example/",
    "summary": "A fictional AI maths tutor.",
    "description": "A fictional product used to test the safeguarding evaluator.",
    "ai_features": "Pupils ask an AI tutor for hints on maths problems.",
    "ai_models": ["GPT-4o via Azure OpenAI"],
    "intended_users": ["teachers", "pupils"],
    "pupil_interaction": "direct",
    "phases": ["secondary"],
    "key_stages": ["ks3", "ks4"],
    "age_min": 11,
    "age_max": 16,
    "subjects": ["Mathematics"],
    "pricing": "subscription",
    "answers": {},
}
STAFF = {"pupil_interaction": "none", "intended_users": ["teachers"]}
SUPERVISED = {"pupil_interaction": "supervised"}
PRIMARY = {"age_min": 8, "age_max": 11, "phases": ["primary"], "key_stages": ["ks2"]}

# Answers that meet every criterion; each case below changes a few of them.
GOOD: dict[str, Any] = {
    "sg_content_filtering": "layered_tested",
    "sg_filter_adjustable": True,
    "sg_filter_scope": ["text", "images", "other_languages", "misspellings"],
    "sg_logs_available": True,
    "sg_dsl_alerts": True,
    "sg_blocked_explanation": True,
    "sg_adversarial_testing": True,
    "sg_adversarial_evidence_url": "https://tutor.example/safety/adversarial-testing",
    "sg_user_testing": True,
    "sg_impact_claims": "no_claims",
    "sg_risk_assessment": True,
    "sg_complaints_route": True,
    "sg_presents_as_human": False,
    "sg_labels_ai_content": True,
    "sg_grounding": "vetted_content",
    "sg_learning_design": "hints_first",
    "sg_engagement_features": False,
    "sg_usage_limits": True,
    "sg_self_harm_handling": True,
    "sg_deepfake_prevention": True,
    "sg_school_filtering_compatible": True,
    "sg_emotion_inference": False,
}


def evaluate(answers: dict[str, Any], **entry: Any) -> dict[str, CriterionResult]:
    product = ProductSnapshot.from_entry({**BASE, **entry, "answers": answers})
    return {result.criterion: result for result in EVALUATOR.evaluate(product)}


def case(criterion: str, expected: str, name: str, entry: dict[str, Any] | None = None, **answers: Any) -> Any:
    """One row: ``answers`` change GOOD (None leaves a question unanswered), ``entry`` changes BASE."""
    return pytest.param(criterion, answers, entry or {}, expected, id=f"{criterion}-{name}")


CASES = [
    case("SG1", "met", "layered-tested", sg_content_filtering="layered_tested"),
    case("SG1", "met", "not-generative", sg_content_filtering="not_generative"),
    case("SG1", "met", "not-generative-staff-tool", STAFF, sg_content_filtering="not_generative"),
    case("SG1", "partial", "keyword-list", sg_content_filtering="basic_keyword"),
    case("SG1", "not_met", "no-filtering-direct", sg_content_filtering="none"),
    case("SG1", "not_met", "no-filtering-supervised", SUPERVISED, sg_content_filtering="none"),
    case("SG1", "partial", "no-filtering-staff-tool", STAFF, sg_content_filtering="none"),
    case("SG2", "met", "adjustable-and-broad"),
    case("SG2", "met", "broad-without-images", sg_filter_scope=["text", "other_languages", "misspellings"]),
    case("SG2", "partial", "adjustable-text-only", sg_filter_scope=["text"]),
    case("SG2", "partial", "broad-not-adjustable", sg_filter_adjustable=False),
    case("SG2", "not_met", "fixed-text-only", sg_filter_adjustable=False, sg_filter_scope=["text"]),
    case("SG2", "not_met", "fixed-nothing-covered", sg_filter_adjustable=False, sg_filter_scope=[]),
    case("SG2", "unknown", "scope-unanswered", sg_filter_scope=None),
    case("SG2", "not_applicable", "staff-tool", STAFF),
    case("SG2", "not_applicable", "not-generative", sg_content_filtering="not_generative"),
    case("SG3", "met", "logged"),
    case("SG3", "not_met", "not-logged", sg_logs_available=False),
    case("SG3", "not_met", "not-logged-staff-tool", STAFF, sg_logs_available=False),
    case("SG4", "met", "alerts"),
    case("SG4", "not_met", "no-alerts", sg_dsl_alerts=False),
    case("SG4", "not_applicable", "staff-tool", STAFF, sg_dsl_alerts=False),
    case("SG5", "met", "explained"),
    case("SG5", "not_met", "not-explained", sg_blocked_explanation=False),
    case("SG5", "not_applicable", "staff-tool", STAFF),
    case("SG6", "met", "tested-with-evidence"),
    case("SG6", "partial", "tested-no-evidence", sg_adversarial_evidence_url=None),
    case("SG6", "not_met", "untested", sg_adversarial_testing=False),
    case("SG6", "met", "staff-tool", STAFF),
    case("SG7", "met", "tested"),
    case("SG7", "not_met", "untested", sg_user_testing=False),
    case("SG8", "met", "no-claims"),
    case("SG8", "met", "claims-with-evidence", sg_impact_claims="claims_with_evidence"),
    case("SG8", "not_met", "claims-without-evidence", sg_impact_claims="claims_without_evidence"),
    case("SG9", "met", "both"),
    case("SG9", "partial", "risk-assessment-only", sg_complaints_route=False),
    case("SG9", "partial", "complaints-route-only", sg_risk_assessment=False),
    case("SG9", "not_met", "neither", sg_risk_assessment=False, sg_complaints_route=False),
    case("SG9", "unknown", "half-answered", sg_risk_assessment=False, sg_complaints_route=None),
    case("SG10", "met", "honest-and-labelled"),
    case("SG10", "partial", "unlabelled", sg_labels_ai_content=False),
    case("SG10", "not_met", "person-to-pupils", sg_presents_as_human=True),
    case("SG10", "not_met", "person-to-supervised-pupils", SUPERVISED, sg_presents_as_human=True),
    case("SG10", "not_met", "person-labelling-unanswered", sg_presents_as_human=True, sg_labels_ai_content=None),
    case("SG10", "partial", "person-staff-tool", STAFF, sg_presents_as_human=True),
    case("SG11", "met", "vetted-content"),
    case("SG11", "met", "citations", sg_grounding="citations"),
    case("SG11", "not_met", "no-grounding", sg_grounding="none"),
    case("SG12", "met", "hints-first"),
    case("SG12", "not_met", "gives-answers", sg_learning_design="gives_answers"),
    case("SG12", "not_applicable", "supplier-says-not-applicable", sg_learning_design="not_applicable"),
    case("SG12", "not_applicable", "staff-tool", STAFF, sg_learning_design="gives_answers"),
    case("SG13", "met", "no-engagement-with-limits"),
    case("SG13", "met", "secondary-no-limits", sg_usage_limits=False),
    case("SG13", "met", "secondary-limits-unanswered", sg_usage_limits=None),
    case("SG13", "partial", "primary-no-limits", PRIMARY, sg_usage_limits=False),
    case("SG13", "partial", "engagement-with-limits", sg_engagement_features=True),
    case("SG13", "not_met", "engagement-no-limits", sg_engagement_features=True, sg_usage_limits=False),
    case("SG13", "unknown", "primary-limits-unanswered", PRIMARY, sg_usage_limits=None),
    case("SG13", "not_applicable", "staff-tool", STAFF, sg_engagement_features=True),
    case("SG14", "met", "handled"),
    case("SG14", "not_met", "not-handled", sg_self_harm_handling=False),
    case("SG14", "not_applicable", "staff-tool", STAFF),
    case("SG15", "met", "prevented"),
    case("SG15", "not_met", "not-prevented", sg_deepfake_prevention=False),
    case("SG15", "not_met", "not-prevented-staff-tool", STAFF, sg_deepfake_prevention=False),
    case("SG16", "met", "compatible"),
    case("SG16", "not_met", "blind-spot", sg_school_filtering_compatible=False),
    case("SG17", "met", "no-emotion-inference"),
    case("SG17", "not_met", "emotion-inference", sg_emotion_inference=True),
    case("SG17", "not_met", "emotion-inference-staff-tool", STAFF, sg_emotion_inference=True),
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


def test_good_answers_meet_every_criterion() -> None:
    assert {cid: r.outcome for cid, r in evaluate(GOOD).items()} == dict.fromkeys(CRITERIA, "met")


def test_evidence_quotes_the_answers() -> None:
    result = evaluate({**GOOD, "sg_content_filtering": "none"})["SG1"]
    assert result.evidence == ("sg_content_filtering: none", "pupil_interaction: direct")
    assert "no filtering" in result.explanation


@pytest.mark.parametrize("entry", [{}, STAFF], ids=["pupil-facing", "staff-tool"])
def test_no_answers_at_all_is_unknown_or_not_applicable(entry: dict[str, Any]) -> None:
    results = evaluate({}, **entry)
    assert {r.outcome for r in results.values()} <= {"unknown", "not_applicable"}
    assert all(r.outcome == "unknown" for cid, r in results.items() if cid in {"SG1", "SG15", "SG17"})


def test_staff_tools_skip_pupil_use_checks_only() -> None:
    results = evaluate(GOOD, **STAFF)
    not_applicable = {cid for cid, r in results.items() if r.outcome == "not_applicable"}
    assert not_applicable == {"SG2", "SG4", "SG5", "SG12", "SG13", "SG14"}


def test_malformed_answers_read_as_unanswered() -> None:
    answers = {
        **GOOD,
        "sg_logs_available": "yes",
        "sg_content_filtering": "strong",
        "sg_filter_scope": ["text", "smells"],
        "sg_adversarial_evidence_url": "javascript:alert(1)",
    }
    results = evaluate(answers)
    assert results["SG1"].outcome == results["SG2"].outcome == results["SG3"].outcome == "unknown"
    assert results["SG6"].outcome == "partial"


# --- Declarations --------------------------------------------------------------------------------

# The question ids, types and options of notes/questions.md, which the demo data already uses.
QUESTIONS_SPEC: dict[str, tuple[str, tuple[str, ...]]] = {
    "sg_content_filtering": ("choice", ("none", "basic_keyword", "layered_tested", "not_generative")),
    "sg_filter_adjustable": ("yes_no", ()),
    "sg_filter_scope": ("multi", ("text", "images", "other_languages", "misspellings")),
    "sg_logs_available": ("yes_no", ()),
    "sg_dsl_alerts": ("yes_no", ()),
    "sg_blocked_explanation": ("yes_no", ()),
    "sg_adversarial_testing": ("yes_no", ()),
    "sg_adversarial_evidence_url": ("url", ()),
    "sg_user_testing": ("yes_no", ()),
    "sg_impact_claims": ("choice", ("no_claims", "claims_with_evidence", "claims_without_evidence")),
    "sg_risk_assessment": ("yes_no", ()),
    "sg_complaints_route": ("yes_no", ()),
    "sg_presents_as_human": ("yes_no", ()),
    "sg_labels_ai_content": ("yes_no", ()),
    "sg_grounding": ("choice", ("none", "citations", "vetted_content")),
    "sg_learning_design": ("choice", ("gives_answers", "hints_first", "not_applicable")),
    "sg_engagement_features": ("yes_no", ()),
    "sg_usage_limits": ("yes_no", ()),
    "sg_self_harm_handling": ("yes_no", ()),
    "sg_deepfake_prevention": ("yes_no", ()),
    "sg_school_filtering_compatible": ("yes_no", ()),
    "sg_emotion_inference": ("yes_no", ()),
}


def test_declares_every_question_with_its_type_and_options() -> None:
    declared = {q.id: (q.type, q.options) for q in EVALUATOR.questions}
    assert declared == QUESTIONS_SPEC
    assert all(q.text and q.help for q in EVALUATOR.questions)


def test_criteria_read_only_declared_questions_and_every_question_is_used() -> None:
    declared = {q.id for q in EVALUATOR.questions}
    used = {qid for c in EVALUATOR.criteria for qid in c.questions}
    assert used <= declared
    assert used == declared
