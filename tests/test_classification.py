"""Workflow vs teaching & learning: signals, conflicts, overrides, hostile text, and agreement with labels."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import select

from catalogue import classification
from catalogue.contract import Signal
from catalogue.hookspecs import hookimpl
from catalogue.models import AuditEntry
from catalogue.testing import make_product
from plugins import classifier

LABELLED = json.loads((Path(__file__).parent / "classification" / "labelled_products.json").read_text(encoding="utf-8"))
HOLDOUT = json.loads((Path(__file__).parent / "classification" / "holdout_products.json").read_text(encoding="utf-8"))
CATEGORIES = ("workflow", "teaching_learning", "both")

STAFF_ONLY = {"intended_users": ["teachers"], "pupil_interaction": "none"}
PUPIL_FACING = {"intended_users": ["teachers", "pupils"], "pupil_interaction": "direct"}


@pytest.fixture
def registry(app):
    return app.extensions["catalogue.registry"]


def classify(registry, **fields):
    return classification.classify(registry, make_product(**fields))


def kinds(signals):
    return {(s.kind, s.field) for s in signals}


# --- each signal on minimal inputs -------------------------------------------


@pytest.mark.parametrize(
    ("fields", "kind", "reason"),
    [
        ({"pupil_interaction": "direct"}, "teaching_learning", "pupils use the AI on their own"),
        ({"pupil_interaction": "supervised"}, "teaching_learning", "pupils use the AI with an adult present"),
        (STAFF_ONLY, "workflow", "the supplier says pupils never use the AI"),
        (STAFF_ONLY, "workflow", "only staff are intended users"),
    ],
)
def test_structured_signals(fields, kind, reason):
    signals = classifier.catalogue_classification_signals(make_product(ai_features="It helps.", **fields))
    assert any(s.kind == kind and s.reason == reason for s in signals)


@pytest.mark.parametrize(
    ("ai_features", "use_case"),
    [
        ("Teachers get a draft lesson plan for any topic.", "lesson_planning"),
        ("It generates worksheets and slides.", "resource_creation"),
        ("It suggests marks for essays against the mark scheme.", "marking_feedback"),
        ("It drafts end-of-year report comments.", "report_writing"),
        ("It drafts letters and newsletters to parents.", "admin_communication"),
        ("It spots attendance trends.", "data_insight"),
        ("The SENCO gets a first draft of the EHCP.", "send_administration"),
        ("It summarises papers for governors.", "leadership"),
        ("An AI tutor gives hints when a pupil is stuck.", "tutoring"),
        ("Questions are adaptive, getting harder as pupils succeed.", "adaptive_practice"),
        ("Pupils receive instant feedback on each paragraph.", "feedback_to_pupils"),
        ("A diagnostic check finds each pupil's reading level.", "assessment_of_pupils"),
        ("The AI listens as children read aloud and helps with phonics.", "reading_writing_support"),
        ("Speaking practice with pronunciation feedback for EAL learners.", "language_learning"),
        ("Text-to-speech and symbol support for pupils with dyslexia.", "accessibility_send"),
        ("Children create their own stories and pictures.", "creativity"),
        ("A course where pupils learn about how AI works.", "ai_literacy"),
        ("A live quiz during the lesson.", "live_classroom"),
    ],
)
def test_each_use_case_is_recognised_in_the_ai_features(ai_features, use_case):
    signals = classifier.catalogue_classification_signals(make_product(ai_features=ai_features))
    found = [s for s in signals if s.use_case == use_case]
    assert found and found[0].field == "ai_features"
    assert found[0].evidence  # points at the words that triggered it


@pytest.mark.parametrize(
    ("ai_features", "kind", "reason"),
    [
        ("Pupils chat with the AI tutor about fractions.", "teaching_learning", "the AI features describe pupils using the AI themselves"),
        ("Feedback is sent straight to pupils.", "teaching_learning", "the AI's output reaches pupils without a teacher reviewing it first"),
        ("Teachers type a topic and the AI drafts a plan.", "workflow", "the AI features describe staff using the AI"),
        ("The teacher reviews every question before sharing it with the class.", "workflow", "a teacher reviews the AI's output before pupils see it"),
        ("Only teachers use the AI; pupils never see it.", "workflow", "the AI features say only staff use the AI"),
    ],
)
def test_audience_signals(ai_features, kind, reason):
    signals = classifier.catalogue_classification_signals(make_product(ai_features=ai_features))
    assert any(s.kind == kind and s.reason == reason for s in signals)


def test_negated_phrases_are_not_evidence():
    signals = classifier.catalogue_classification_signals(
        make_product(ai_features="Drafts go to the teacher's screen and are never sent directly to pupils.", **STAFF_ONLY)
    )
    assert not any(s.reason == "the AI's output reaches pupils without a teacher reviewing it first" for s in signals)


def test_the_ai_features_count_more_than_the_platform_description():
    signals = classifier.catalogue_classification_signals(
        make_product(ai_features="It drafts lesson plans.", description="Our platform has a lesson planner and pupil tutoring.")
    )
    by_use_case = {s.use_case: s for s in signals if s.use_case}
    assert by_use_case["lesson_planning"].weight > by_use_case["tutoring"].weight


# --- the lower-cased fast path finds exactly what case-insensitive search finds ------------

ALL_PHRASES = [p.pattern for p in classifier.USE_CASES] + [
    classifier.PUPILS_USE_AI,
    classifier.STAFF_USE_AI,
    classifier.REVIEWED_BEFORE_PUPILS,
    classifier.UNREVIEWED_TO_PUPILS,
    classifier.STAFF_ONLY_AI,
    classifier.NEGATION,
]
# Words the patterns look for, words that are near misses, and characters whose case rules are unusual.
WORDS = (
    "pupils teachers staff AI the lesson plans marks marking reports parents EHCP tutor hints phonics EAL MFL "
    "feedback instantly directly never not don't only reviewed before sharing worksheets attendance at-risk "
    "governors SEF adaptive mastery read aloud dyslexia AAC stories live quiz İstanbul ſchool Kelvin café"
).split() + [".", ";", ",", "K", "ß"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(["lower", "upper", "title", "as is"])), max_size=40),
)
def test_phrases_match_the_same_spans_as_case_insensitive_search(words):
    text = " ".join(getattr(word, case)() if case != "as is" else word for word, case in words)
    for phrases in ALL_PHRASES:
        fast = [m.span() for m in phrases.finditer(classifier.Text.of(text))]
        assert fast == [m.span() for m in phrases.any_case.finditer(text)], phrases.any_case.pattern


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_the_required_words_never_rule_out_a_text_the_pattern_matches(data):
    # Texts made to match each pattern (with text around them): the word check must let every one through.
    for phrases in ALL_PHRASES:
        text = data.draw(st.from_regex(phrases.lower_case, alphabet=st.characters(max_codepoint=127))).lower()
        if phrases.lower_case.search(text) is None:
            continue  # lower-casing undid the match ("mark DOWN" passes the look-ahead that refuses "mark down")
        assert phrases.search(classifier.Text.of(text)) is not None, (phrases.lower_case.pattern, text)


@pytest.mark.parametrize(
    ("expression", "words"),
    [
        (r"lesson plans?|planning", ("lesson plan", "planning")),
        (r"\bmark(?:ing|s)?\b(?! ?down)", ("mark",)),
        (r"(?:never|not|no) (?:\w+ ){0,2}shown", ("shown",)),  # the part of a sequence with the longest words
        (r"(?:pupils?|children)+ use", ("children", "pupil")),
        (r"notes|not", ("not",)),  # a text with "notes" has "not"
        (r"\w+", None),
        (r"plan(?:s|)", ("plan",)),
        (r"(?:plan|)", None),  # one alternative matches anything
        (r"(a)b\1", None),  # a back-reference: not read, so the pattern is always searched
    ],
)
def test_required_words(expression, words):
    assert classifier.required_words(expression) == words


@pytest.mark.parametrize("expression", [r"pupils\S+", r"AI tutor", r"(?-i:ai)", r"\x41i", r"[A-z]+"])
def test_patterns_that_would_match_differently_in_lower_case_text_are_refused(expression):
    with pytest.raises(ValueError, match="in lower case"):
        classifier.Phrases(expression)


# --- deciding ------------------------------------------------------------------


def test_a_staff_planning_tool_is_workflow(registry):
    result = classify(registry, ai_features="Teachers type a topic and the AI drafts a lesson plan and worksheets.", **STAFF_ONLY)
    assert result.category == "workflow"
    assert result.confidence >= 0.8 and not result.needs_review
    assert {"lesson_planning", "resource_creation"} <= set(result.use_cases)


def test_a_pupil_tutor_is_teaching_and_learning(registry):
    result = classify(registry, ai_features="Pupils chat with an AI tutor that gives hints, never answers.", **PUPIL_FACING)
    assert result.category == "teaching_learning"
    assert result.use_cases[0] == "tutoring"


def test_substantial_features_on_both_sides_make_both(registry):
    result = classify(
        registry,
        ai_features=(
            "Teachers generate lesson plans, worksheets and report comments with the AI. "
            "Pupils chat with an AI tutor that gives hints and instant feedback on their answers."
        ),
        **PUPIL_FACING,
    )
    assert result.category == "both"
    assert {"lesson_planning", "tutoring"} <= set(result.use_cases)


def test_a_pupil_platform_whose_only_ai_is_for_teachers_is_workflow(registry):
    result = classify(
        registry,
        ai_features="Only teachers use the AI: it generates quiz questions, which the teacher reviews before setting them.",
        **PUPIL_FACING,
    )
    assert result.category == "workflow"
    assert any(s.kind == "conflict" for s in result.signals)


# --- conflicting evidence ------------------------------------------------------


def test_structured_answers_and_text_that_disagree_are_flagged_with_lower_confidence(registry):
    agreeing = classify(registry, ai_features="Pupils chat with the AI tutor, which gives hints.", **PUPIL_FACING)
    disagreeing = classify(registry, ai_features="Pupils chat with the AI tutor, which gives hints.", **STAFF_ONLY)
    conflicts = [s for s in disagreeing.signals if s.kind == "conflict"]
    assert conflicts and "pupils never use the AI" in conflicts[0].reason
    assert disagreeing.confidence < agreeing.confidence
    assert disagreeing.needs_review
    assert "But note:" in classification.explain(disagreeing.category, [classification.signal_as_dict(s) for s in disagreeing.signals])


# --- hostile text ----------------------------------------------------------------


@pytest.mark.parametrize(
    "ai_features",
    [
        "x" * 200_000,
        "<script>alert('tutor')</script><b>lesson plan</b>" * 50,
        "Die KI erstellt Unterrichtspläne für Lehrkräfte und Arbeitsblätter.",
        "人工智能为教师生成教案。",
        "",
        "   ",
        "tutor " * 5000,
    ],
    ids=["very-long", "html", "german", "chinese", "empty", "blank", "repeated"],
)
def test_hostile_text_never_crashes_and_is_low_confidence_when_unreadable(registry, ai_features):
    result = classify(registry, ai_features=ai_features, description="", summary="A product.")
    assert result.category in CATEGORIES
    assert 0 < result.confidence < 1
    if ai_features.strip() == "" or ai_features.startswith(("Die KI", "人工")):
        assert result.needs_review


def test_a_plugin_that_raises_is_skipped_and_reported(app, registry, register_plugin):
    class Broken:
        @hookimpl
        def catalogue_classification_signals(self, product):
            raise RuntimeError("lexicon missing")

    register_plugin(app, Broken(), "broken-signals")
    result = classify(registry, ai_features="Teachers get lesson plans.", **STAFF_ONLY)
    assert result.category == "workflow"
    assert any("lexicon missing" in failure for failure in result.failures)


def test_plugins_can_add_signals(app, registry, register_plugin):
    class Librarian:
        @hookimpl
        def catalogue_classification_signals(self, product):
            return [Signal("teaching_learning", "the library plugin knows pupils use it", "name", product.name, 5.0, "tutoring")]

    register_plugin(app, Librarian(), "librarian")
    result = classify(registry, ai_features="It drafts lesson plans.", **STAFF_ONLY)
    assert any(s.reason == "the library plugin knows pupils use it" for s in result.signals)


# --- overrides through the API ----------------------------------------------------


@pytest.fixture
def submitted(client, make_token, entry, auth):
    token = make_token("supplier", org="Acme Learning")
    body = client.post("/api/v1/products", json=entry, headers=auth(token)).json
    return token, body["slug"]


def override(client, auth, token, slug, **body):
    return client.put(f"/api/v1/products/{slug}/classification", json=body, headers=auth(token))


def test_submission_is_classified_with_signals_the_supplier_can_see(client, submitted, auth):
    token, slug = submitted
    body = client.get(f"/api/v1/products/{slug}", headers=auth(token)).json
    assert body["classification"]["category"] == "workflow"
    assert body["classification"]["source"] == "auto"
    assert body["classification"]["explanation"].startswith("Workflow: ")
    assert all({"kind", "reason", "field", "evidence"} <= set(s) for s in body["classification"]["signals"])


def test_override_lifecycle(client, submitted, auth, make_token, session, runner):
    supplier, slug = submitted
    reviewer = make_token("reviewer")

    assert override(client, auth, supplier, slug, category="both", reason="Suppliers may not decide.").status_code == 403
    missing_reason = override(client, auth, reviewer, slug, category="both")
    assert missing_reason.status_code == 422 and "reason" in missing_reason.json["errors"]

    response = override(client, auth, reviewer, slug, category="both", reason="The planner also sends pupils revision quizzes.")
    assert response.status_code == 200, response.json
    assert (response.json["classification"]["category"], response.json["classification"]["source"]) == ("both", "reviewer")
    assert session.exec(select(AuditEntry).where(AuditEntry.action == "classification.overridden")).one()

    # Survives re-classification and a change that leaves the AI features alone.
    assert "1 reviewer overrides kept" in runner.invoke(args=["classify", "--all"]).output
    changed = client.patch(f"/api/v1/products/{slug}", json={"summary": "New words."}, headers=auth(supplier)).json
    assert (changed["version"], changed["classification"]["category"], changed["classification"]["source"]) == (2, "both", "reviewer")

    # Cleared for review when the supplier changes the AI features.
    changed = client.patch(
        f"/api/v1/products/{slug}", json={"ai_features": "Teachers type a topic; the AI drafts a plan for them to edit."},
        headers=auth(supplier),
    ).json
    assert changed["classification"]["source"] == "auto"
    assert changed["classification"]["needs_review"] is True
    assert "override was cleared" in changed["classification"]["reason"]
    flagged = client.get("/api/v1/classifications/flagged", headers=auth(reviewer)).json["items"]
    assert [item["slug"] for item in flagged] == [slug]
    assert client.get("/api/v1/classifications/flagged", headers=auth(supplier)).status_code == 403


def test_product_page_explains_the_category_in_plain_words(client, store, entry):
    product = store(entry)
    page = client.get(f"/products/{product.slug}").get_data(as_text=True)
    assert "Workflow: " in page
    assert "The evidence behind this category" in page
    assert "Lesson planning" in page


def test_classify_command_reports_changes(runner, store, entry):
    store(entry)
    result = runner.invoke(args=["classify", "--all"])
    assert result.exit_code == 0, result.output
    assert "Classified 1 product versions: 0 changed category, 1 unchanged" in result.output
    assert runner.invoke(args=["classify"]).exit_code == 1


# --- agreement with expert labels ---------------------------------------------------


def test_the_labelled_set_is_large_and_varied():
    assert len(LABELLED) >= 80
    labels = Counter(item["label"] for item in LABELLED)
    assert all(labels[category] >= 10 for category in CATEGORIES)
    assert sum(1 for item in LABELLED if item["hard"]) >= 15


def agreement_on(registry, items, title) -> float:
    """Classify every labelled item; print the agreement and confusion matrix; return the agreement."""
    confusion: Counter[tuple[str, str]] = Counter()
    misses = []
    for item in items:
        predicted = classification.classify(registry, make_product(**item["entry"])).category
        confusion[(item["label"], predicted)] += 1
        if predicted != item["label"]:
            misses.append(f"  {item['id']} {item['entry']['name']}: labelled {item['label']}, classified {predicted}")
    agreement = sum(confusion[(c, c)] for c in CATEGORIES) / len(items)
    print(f"\n{title}: {agreement:.1%} agreement on {len(items)} labelled products")
    print("label / predicted".rjust(20) + "".join(c.rjust(19) for c in CATEGORIES))
    for label in CATEGORIES:
        print(label.rjust(20) + "".join(str(confusion[(label, c)]).rjust(19) for c in CATEGORIES))
    print("\n".join(misses))
    return agreement


def test_agreement_with_expert_labels_is_at_least_90_percent(registry, capsys):
    with capsys.disabled():
        agreement = agreement_on(registry, LABELLED, "Labelled set")
    assert agreement >= 0.9


def test_agreement_on_the_blind_holdout_set(registry, capsys):
    # Written separately and never used to tune the rules: an honest estimate on
    # unseen products. Guarded against regressions, reported in the test output.
    with capsys.disabled():
        agreement = agreement_on(registry, HOLDOUT, "Blind hold-out set")
    assert agreement >= 0.8
