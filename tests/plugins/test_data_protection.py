"""The data protection evaluator: each criterion's outcomes, its red lines, and its declarations."""

from __future__ import annotations

from typing import Any

import pytest

from catalogue.contract import CriterionResult, ProductSnapshot
from plugins import data_protection

EVALUATOR = data_protection.catalogue_evaluators()[0]
CRITERIA = {criterion.id: criterion for criterion in EVALUATOR.criteria}

BASE: dict[str, Any] = {
    "name": "Test Writing Feedback",
    "supplier": "Test Supplier Ltd",
    "website": "https://feedback.example/",
    "summary": "A fictional AI writing feedback tool.",
    "description": "A fictional product used to test the data protection evaluator.",
    "ai_features": "Pupils get AI feedback on their writing against the teacher's success criteria.",
    "ai_models": ["GPT-4o via Azure OpenAI"],
    "intended_users": ["teachers", "pupils"],
    "pupil_interaction": "direct",
    "phases": ["secondary"],
    "key_stages": ["ks3", "ks4"],
    "age_min": 11,
    "age_max": 16,
    "subjects": ["English"],
    "pricing": "per_pupil",
    "answers": {},
}
STAFF = {"pupil_interaction": "none", "intended_users": ["teachers"]}

GOOD: dict[str, Any] = {
    "dp_dpia": "current",
    "dp_role": "processor",
    "dp_dpa_available": True,
    "dp_personal_data": ["names", "pupil_work"],
    "dp_special_category_condition": "No special-category data is processed.",
    "dp_minimisation_default": True,
    "dp_retention": "Prompts and outputs 12 months, then deleted; account data for the life of the contract.",
    "dp_deletion_at_contract_end": True,
    "dp_storage_region": "uk",
    "dp_transfer_mechanism": "not_needed",
    "dp_subprocessors_listed": True,
    "dp_no_training_flowdown": True,
    "dp_trains_on_pupil_data": "never",
    "dp_advertising_or_sale": False,
    "dp_encryption": True,
    "dp_mfa_staff": True,
    "dp_certifications": ["cyber_essentials_plus", "iso27001"],
    "dp_breach_notification_hours": 24,
    "dp_subject_rights": True,
    "dp_automated_decisions": "none",
    "dp_pupil_privacy_notice": True,
    "dp_education_accounts": True,
    "dp_privacy_policy_url": "https://feedback.example/privacy",
}
SEND = ["names", "send_health"]
VAGUE = "Data is kept while the account is active and for as long as it is useful for improving the service."


def evaluate(answers: dict[str, Any], **entry: Any) -> dict[str, CriterionResult]:
    product = ProductSnapshot.from_entry({**BASE, **entry, "answers": answers})
    return {result.criterion: result for result in EVALUATOR.evaluate(product)}


def case(criterion: str, expected: str, name: str, entry: dict[str, Any] | None = None, **answers: Any) -> Any:
    """One row: ``answers`` change GOOD (None leaves a question unanswered), ``entry`` changes BASE."""
    return pytest.param(criterion, answers, entry or {}, expected, id=f"{criterion}-{name}")


CASES = [
    case("DP1", "met", "current"),
    case("DP1", "partial", "outdated", dp_dpia="outdated"),
    case("DP1", "not_met", "none", dp_dpia="none"),
    case("DP2", "met", "processor"),
    case("DP2", "met", "own-purposes-declared", dp_role="processor_with_own_purposes", dp_trains_on_pupil_data="opt_in_only"),
    case("DP2", "met", "processor-training-unanswered", dp_trains_on_pupil_data=None),
    case("DP2", "partial", "controller", dp_role="controller"),
    case("DP2", "partial", "joint-controller", dp_role="joint_controller"),
    case("DP2", "partial", "processor-training-opt-in", dp_trains_on_pupil_data="opt_in_only"),
    case("DP2", "not_met", "processor-training-by-default", dp_trains_on_pupil_data="yes_by_default"),
    case("DP3", "met", "dpa"),
    case("DP3", "not_met", "no-dpa", dp_dpa_available=False),
    case("DP4", "met", "no-special-category"),
    case("DP4", "met", "no-personal-data", dp_personal_data=["none"], dp_special_category_condition=None),
    case(
        "DP4",
        "met",
        "special-with-art9",
        dp_personal_data=SEND,
        dp_special_category_condition="Art. 9(2)(g) substantial public interest, DPA 2018 Sch. 1 para 18.",
    ),
    case(
        "DP4",
        "met",
        "special-with-explicit-consent",
        dp_personal_data=["biometrics"],
        dp_special_category_condition="Explicit consent from parents.",
    ),
    case(
        "DP4",
        "partial",
        "special-unrecognised-basis",
        dp_personal_data=SEND,
        dp_special_category_condition="Consent given when the pupil accepts the terms.",
    ),
    case("DP4", "not_met", "special-denied", dp_personal_data=SEND),
    case("DP4", "not_met", "special-not-stated", dp_personal_data=["ethnicity"], dp_special_category_condition="Not stated."),
    case(
        "DP4",
        "not_met",
        "special-legitimate-interests",
        dp_personal_data=SEND,
        dp_special_category_condition="Legitimate interests of the school in pupil welfare.",
    ),
    case("DP4", "unknown", "special-condition-unanswered", dp_personal_data=SEND, dp_special_category_condition=None),
    case("DP4", "unknown", "empty-list", dp_personal_data=[]),
    case("DP5", "met", "minimal"),
    case("DP5", "not_met", "not-minimal", dp_minimisation_default=False),
    case("DP6", "met", "specific-and-deleted"),
    case("DP6", "met", "never-stored", dp_retention="Audio is processed on the device and never stored."),
    case("DP6", "partial", "vague-but-deleted", dp_retention=VAGUE),
    case("DP6", "partial", "specific-not-deleted", dp_deletion_at_contract_end=False),
    case("DP6", "not_met", "vague-and-kept", dp_retention=VAGUE, dp_deletion_at_contract_end=False),
    case("DP6", "unknown", "deletion-unanswered", dp_deletion_at_contract_end=None),
    case("DP7", "met", "uk"),
    case("DP7", "met", "eea-adequacy-regulations", dp_storage_region="eea", dp_transfer_mechanism="none"),
    case("DP7", "met", "us-idta", dp_storage_region="us", dp_transfer_mechanism="idta"),
    case("DP7", "met", "us-data-bridge", dp_storage_region="us", dp_transfer_mechanism="adequacy"),
    case("DP7", "not_met", "us-no-safeguard", dp_storage_region="us", dp_transfer_mechanism="none"),
    case("DP7", "not_met", "other-not-needed", dp_storage_region="other", dp_transfer_mechanism="not_needed"),
    case("DP7", "unknown", "us-mechanism-unanswered", dp_storage_region="us", dp_transfer_mechanism=None),
    case("DP8", "met", "listed-and-flowed-down"),
    case("DP8", "partial", "listed-only", dp_no_training_flowdown=False),
    case("DP8", "partial", "flowed-down-only", dp_subprocessors_listed=False),
    case("DP8", "not_met", "neither", dp_subprocessors_listed=False, dp_no_training_flowdown=False),
    case("DP8", "unknown", "half-answered", dp_subprocessors_listed=False, dp_no_training_flowdown=None),
    case("DP9", "met", "never"),
    case("DP9", "partial", "opt-in-only", dp_trains_on_pupil_data="opt_in_only"),
    case("DP9", "not_met", "by-default", dp_trains_on_pupil_data="yes_by_default"),
    case("DP9", "not_met", "by-default-staff-tool", STAFF, dp_trains_on_pupil_data="yes_by_default"),
    case("DP10", "met", "no-sale"),
    case("DP10", "not_met", "sale-or-advertising", dp_advertising_or_sale=True),
    case("DP11", "met", "all-basics"),
    case("DP11", "met", "soc2-48-hours", dp_certifications=["soc2"], dp_breach_notification_hours=48),
    case("DP11", "partial", "no-mfa", dp_mfa_staff=False),
    case("DP11", "partial", "self-assessed-only", dp_certifications=["cyber_essentials"]),
    case("DP11", "partial", "slow-breach-notice", dp_breach_notification_hours=72),
    case("DP11", "not_met", "three-gaps", dp_mfa_staff=False, dp_certifications=["none"], dp_breach_notification_hours=72),
    case("DP11", "not_met", "unencrypted-rest-unanswered", dp_encryption=False, dp_mfa_staff=None, dp_certifications=None),
    case("DP11", "unknown", "breach-hours-unanswered", dp_breach_notification_hours=None),
    case("DP12", "met", "rights-supported"),
    case("DP12", "not_met", "no-route", dp_subject_rights=False),
    case("DP13", "met", "no-automated-decisions"),
    case("DP13", "met", "human-review", dp_automated_decisions="with_human_review"),
    case("DP13", "not_met", "no-human-review", dp_automated_decisions="without_human_review"),
    case("DP14", "met", "pupil-notice-and-policy"),
    case("DP14", "partial", "notice-without-link", dp_privacy_policy_url=None),
    case("DP14", "partial", "policy-without-pupil-notice", dp_pupil_privacy_notice=False),
    case("DP14", "not_met", "neither", dp_pupil_privacy_notice=False, dp_privacy_policy_url=None),
    case("DP14", "met", "staff-tool-policy-only", STAFF, dp_pupil_privacy_notice=False),
    case("DP14", "unknown", "staff-tool-no-policy-link", STAFF, dp_privacy_policy_url=None),
    case("DP15", "met", "education-accounts"),
    case("DP15", "not_met", "consumer-accounts", dp_education_accounts=False),
]


@pytest.mark.parametrize(("criterion", "answers", "entry", "expected"), CASES)
def test_criterion_outcome(criterion: str, answers: dict[str, Any], entry: dict[str, Any], expected: str) -> None:
    result = evaluate({**GOOD, **answers}, **entry)[criterion]
    assert result.outcome == expected, result.explanation
    assert result.evidence, "every finding names the answers it rests on"
    if expected == "unknown":
        assert "has not answered" in result.explanation and "missing evidence" in result.explanation
    if expected == "not_met" and CRITERIA[criterion].red_line:
        assert "crosses a red line" in result.explanation


@pytest.mark.parametrize("criterion", EVALUATOR.criteria, ids=lambda c: c.id)
def test_omitted_answers_are_unknown(criterion: Any) -> None:
    answers = {qid: value for qid, value in GOOD.items() if qid not in criterion.questions}
    result = evaluate(answers)[criterion.id]
    assert result.outcome == "unknown"
    assert "missing evidence" in result.explanation


def test_good_answers_meet_every_criterion() -> None:
    assert {cid: r.outcome for cid, r in evaluate(GOOD).items()} == dict.fromkeys(CRITERIA, "met")


def test_training_red_line_explains_itself() -> None:
    result = evaluate({**GOOD, "dp_trains_on_pupil_data": "yes_by_default"})["DP9"]
    assert result.explanation.startswith(
        "The supplier says pupils' work is used to train its models by default. This crosses a red line"
    )
    assert result.evidence == ("dp_trains_on_pupil_data: yes_by_default",)


def test_long_text_answers_are_shortened_in_evidence() -> None:
    result = evaluate({**GOOD, "dp_retention": "Prompts are kept for 30 days. " * 20})["DP6"]
    retention = next(line for line in result.evidence if line.startswith("dp_retention: "))
    assert len(retention) < 160 and retention.endswith("…")


@pytest.mark.parametrize("entry", [{}, STAFF], ids=["pupil-facing", "staff-tool"])
def test_no_answers_at_all_is_unknown(entry: dict[str, Any]) -> None:
    assert {r.outcome for r in evaluate({}, **entry).values()} == {"unknown"}


# --- Declarations --------------------------------------------------------------------------------

# The question ids, types and options of notes/questions.md, which the demo data already uses.
QUESTIONS_SPEC: dict[str, tuple[str, tuple[str, ...]]] = {
    "dp_dpia": ("choice", ("current", "outdated", "none")),
    "dp_role": ("choice", ("processor", "processor_with_own_purposes", "controller", "joint_controller")),
    "dp_dpa_available": ("yes_no", ()),
    "dp_personal_data": (
        "multi",
        (
            "names",
            "emails",
            "pupil_work",
            "assessment_results",
            "behaviour",
            "send_health",
            "ethnicity",
            "biometrics",
            "voice_recordings",
            "images",
            "none",
        ),
    ),
    "dp_special_category_condition": ("text", ()),
    "dp_minimisation_default": ("yes_no", ()),
    "dp_retention": ("text", ()),
    "dp_deletion_at_contract_end": ("yes_no", ()),
    "dp_storage_region": ("choice", ("uk", "eea", "us", "other")),
    "dp_transfer_mechanism": ("choice", ("not_needed", "adequacy", "idta", "addendum", "none")),
    "dp_subprocessors_listed": ("yes_no", ()),
    "dp_no_training_flowdown": ("yes_no", ()),
    "dp_trains_on_pupil_data": ("choice", ("never", "opt_in_only", "yes_by_default")),
    "dp_advertising_or_sale": ("yes_no", ()),
    "dp_encryption": ("yes_no", ()),
    "dp_mfa_staff": ("yes_no", ()),
    "dp_certifications": ("multi", ("cyber_essentials", "cyber_essentials_plus", "iso27001", "soc2", "none")),
    "dp_breach_notification_hours": ("number", ()),
    "dp_subject_rights": ("yes_no", ()),
    "dp_automated_decisions": ("choice", ("none", "with_human_review", "without_human_review")),
    "dp_pupil_privacy_notice": ("yes_no", ()),
    "dp_education_accounts": ("yes_no", ()),
    "dp_privacy_policy_url": ("url", ()),
}


def test_declares_every_question_with_its_type_and_options() -> None:
    declared = {q.id: (q.type, q.options) for q in EVALUATOR.questions}
    assert declared == QUESTIONS_SPEC
    assert all(q.text and q.help for q in EVALUATOR.questions)


def test_criteria_read_only_declared_questions_and_every_question_is_used() -> None:
    declared = {q.id for q in EVALUATOR.questions}
    assert {qid for c in EVALUATOR.criteria for qid in c.questions} == declared
