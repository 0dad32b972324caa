"""An example evaluator: can pupils with SEND and disabilities use the product's AI?

It is deliberately small and complete: criteria with weights and sources, the
questions suppliers answer, and an ``evaluate`` function that explains every
outcome. Copy it to start your own evaluator.
"""

from __future__ import annotations

from catalogue.contract import Criterion, CriterionResult, Evaluator, ProductSnapshot, Question
from catalogue.hookspecs import hookimpl

__version__ = "1.0.0"

QUESTIONS = (
    Question(
        id="acc_wcag_level",
        text="Which WCAG 2.2 level does the AI feature's interface conform to?",
        type="choice",
        options=("aa_audited", "aa_self_assessed", "partial", "unknown"),
        help="aa_audited: an independent audit found AA conformance; aa_self_assessed: your own assessment.",
    ),
    Question(
        id="acc_assistive_tech",
        text="Which assistive technologies have you tested the AI feature with?",
        type="multi",
        options=("screen_reader", "switch_access", "voice_control", "magnification"),
    ),
    Question(
        id="acc_reading_age_control",
        text="Can teachers set the reading age of AI-generated text for a pupil?",
        type="yes_no",
    ),
)

CRITERIA = (
    Criterion(
        id="ACC1",
        title="Meets WCAG 2.2 AA",
        why="Pupils with disabilities must be able to use the tool; schools must make reasonable adjustments.",
        weight=3,
        source="WCAG 2.2; Equality Act 2010 s.20",
        criteria_set="wcag@2.2",
        questions=("acc_wcag_level",),
    ),
    Criterion(
        id="ACC2",
        title="Works with assistive technology",
        why="Many pupils with SEND use a screen reader, switches or voice control.",
        weight=2,
        source="WCAG 2.2 principle 4 (robust)",
        criteria_set="wcag@2.2",
        questions=("acc_assistive_tech",),
    ),
    Criterion(
        id="ACC3",
        title="Reading age can be adjusted",
        why="AI text pitched above a pupil's reading age shuts out the pupils who most need support.",
        weight=1,
        source="SEND Code of Practice 0–25 (2015) §6",
        criteria_set="send-code@2015",
        questions=("acc_reading_age_control",),
    ),
)


def evaluate(product: ProductSnapshot) -> list[CriterionResult]:
    if not product.pupil_facing:
        reason = "Pupils do not use this product's AI, so its accessibility for pupils does not apply."
        return [CriterionResult(c.id, "not_applicable", reason, (f"pupil_interaction: {product.pupil_interaction}",)) for c in CRITERIA]
    return [_wcag(product), _assistive_tech(product), _reading_age(product)]


def _missing(criterion: str, question: str) -> CriterionResult:
    return CriterionResult(criterion, "unknown", "The supplier has not answered, so this counts as missing evidence.", (f"{question}: not answered",))


def _wcag(product: ProductSnapshot) -> CriterionResult:
    level = product.answers.get("acc_wcag_level")
    evidence = (f"acc_wcag_level: {level}",)
    if level is None or level == "unknown":
        return _missing("ACC1", "acc_wcag_level")
    if level == "aa_audited":
        return CriterionResult("ACC1", "met", "An independent audit found the AI feature meets WCAG 2.2 AA.", evidence)
    if level == "aa_self_assessed":
        return CriterionResult("ACC1", "partial", "The supplier says it meets WCAG 2.2 AA, but no independent audit backs this.", evidence)
    return CriterionResult("ACC1", "not_met", "The supplier says the AI feature only partly meets WCAG 2.2 AA.", evidence)


def _assistive_tech(product: ProductSnapshot) -> CriterionResult:
    tested = product.answers.get("acc_assistive_tech")
    if tested is None:
        return _missing("ACC2", "acc_assistive_tech")
    evidence = (f"acc_assistive_tech: {', '.join(tested) or 'none'}",)
    if "screen_reader" in tested and len(tested) >= 2:
        return CriterionResult("ACC2", "met", "Tested with a screen reader and other assistive technology.", evidence)
    if tested:
        return CriterionResult("ACC2", "partial", "Tested with some assistive technology, but not a screen reader and another kind.", evidence)
    return CriterionResult("ACC2", "not_met", "Not tested with any assistive technology.", evidence)


def _reading_age(product: ProductSnapshot) -> CriterionResult:
    answer = product.answers.get("acc_reading_age_control")
    if answer is None:
        return _missing("ACC3", "acc_reading_age_control")
    if answer:
        return CriterionResult("ACC3", "met", "Teachers can set the reading age of AI text for each pupil.", ("acc_reading_age_control: yes",))
    return CriterionResult("ACC3", "not_met", "Teachers cannot adjust the reading age of AI text.", ("acc_reading_age_control: no",))


@hookimpl
def catalogue_evaluators() -> list[Evaluator]:
    return [
        Evaluator(
            id="accessibility",
            name="Accessibility (example)",
            version=__version__,
            description="Whether pupils with SEND and disabilities can use the AI features (WCAG 2.2, Equality Act 2010).",
            criteria=CRITERIA,
            questions=QUESTIONS,
            evaluate=evaluate,
        )
    ]
