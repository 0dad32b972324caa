"""Helpers the three built-in evaluators share: reading answers safely and wording findings.

Each evaluator module declares its questions and criteria, and one small
*check* function per criterion. A check receives an ``Answers`` (the product
plus its answers, read through the evaluator's question declarations) and
returns a ``Finding``; ``run_checks`` turns the findings into exactly one
``CriterionResult`` per criterion, in criteria order.

The rule every check follows: an answer that is missing gives ``unknown``
(missing evidence, never a pass), unless the answers that *were* given already
show the criterion is not met — a supplier cannot hide a crossed red line by
leaving another question blank.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from catalogue.contract import Criterion, CriterionResult, Outcome, ProductSnapshot, Question

# Long text answers are cut in evidence lines so a results table stays readable.
EVIDENCE_TEXT_LIMIT = 120


@dataclass(frozen=True)
class Finding:
    """What a check found, before it is tied to its criterion id."""

    outcome: Outcome
    explanation: str
    evidence: tuple[str, ...] = ()


class Answers:
    """A product's answers, read through the questions an evaluator declares.

    An answer that is absent, or that does not fit its question's type and
    options, reads as ``None``: the register validates answers on the way in,
    but an evaluator must never crash on (or trust) malformed input.
    """

    def __init__(self, product: ProductSnapshot, questions: Iterable[Question]) -> None:
        self.product = product
        self._questions = {question.id: question for question in questions}

    def get(self, question_id: str) -> Any:
        question = self._questions[question_id]  # a KeyError here is a bug in the evaluator
        return _valid(question, self.product.answers.get(question_id))

    # Typed shorthands, so checks read like the questions they ask.
    def flag(self, question_id: str) -> bool | None:
        return self.get(question_id)

    def option(self, question_id: str) -> str | None:
        return self.get(question_id)

    def options(self, question_id: str) -> tuple[str, ...] | None:
        return self.get(question_id)

    def number(self, question_id: str) -> float | None:
        return self.get(question_id)

    def text(self, question_id: str) -> str | None:
        return self.get(question_id)

    def missing(self, *question_ids: str) -> tuple[str, ...]:
        return tuple(qid for qid in question_ids if self.get(qid) is None)

    def question_text(self, question_id: str) -> str:
        return self._questions[question_id].text

    def evidence(self, *question_ids: str) -> tuple[str, ...]:
        """``"id: answer"`` for each question, ``"id: not answered"`` for the missing ones."""
        return tuple(f"{qid}: {format_value(self.get(qid))}" for qid in question_ids)

    def entry(self, *field_names: str) -> tuple[str, ...]:
        """Evidence lines for product entry fields, e.g. ``"pupil_interaction: direct"``."""
        return tuple(f"{name}: {format_value(getattr(self.product, name))}" for name in field_names)

    @property
    def pupil_facing(self) -> bool:
        return self.product.pupil_facing


def _valid(question: Question, answer: Any) -> Any:
    if answer is None:
        return None
    match question.type:
        case "yes_no":
            return answer if isinstance(answer, bool) else None
        case "choice":
            return answer if isinstance(answer, str) and answer in question.options else None
        case "multi":
            if not isinstance(answer, (list, tuple)) or not all(
                isinstance(item, str) and item in question.options for item in answer
            ):
                return None
            return tuple(dict.fromkeys(answer))  # drop repeats, keep the supplier's order
        case "number":
            if isinstance(answer, bool) or not isinstance(answer, (int, float)) or not math.isfinite(answer):
                return None
            if question.minimum is not None and answer < question.minimum:
                return None
            if question.maximum is not None and answer > question.maximum:
                return None
            return answer
        case "text":
            return answer.strip() if isinstance(answer, str) and answer.strip() else None
        case "url":
            if not isinstance(answer, str):
                return None
            parts = urlsplit(answer.strip())
            return answer.strip() if parts.scheme in ("http", "https") and parts.netloc else None
    return None


def format_value(value: Any) -> str:
    """An answer or entry field as it reads in an evidence line."""
    if value is None:
        return "not answered"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value) or "none selected"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if len(text) <= EVIDENCE_TEXT_LIMIT else text[: EVIDENCE_TEXT_LIMIT - 1].rstrip() + "…"


def join(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def age(value: float) -> str:
    """An age or number without a spurious ".0"."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


# --- Findings ---------------------------------------------------------------------------------


def met(explanation: str, evidence: Sequence[str] = ()) -> Finding:
    return Finding("met", explanation, tuple(evidence))


def partial(explanation: str, evidence: Sequence[str] = ()) -> Finding:
    return Finding("partial", explanation, tuple(evidence))


def not_met(explanation: str, evidence: Sequence[str] = ()) -> Finding:
    return Finding("not_met", explanation, tuple(evidence))


def not_applicable(explanation: str, evidence: Sequence[str] = ()) -> Finding:
    return Finding("not_applicable", explanation, tuple(evidence))


def unknown(answers: Answers, missing: Sequence[str], evidence: Sequence[str] = (), *, known: str = "") -> Finding:
    """The supplier has not answered what this criterion needs: missing evidence, not a pass.

    ``known`` adds what the answers given do show, in a sentence.
    """
    asked = " ".join(f"“{answers.question_text(qid)}”" for qid in missing)
    plural = "these questions" if len(missing) > 1 else "this question"
    explanation = (
        f"The supplier has not answered {plural}: {asked} Until it does, this counts as missing evidence, not as a pass."
    )
    return Finding("unknown", f"{explanation} {known}".strip(), tuple(evidence))


def staff_only(answers: Answers, what: str) -> Finding | None:
    """``not_applicable`` for a check about pupils' own use of the AI when only staff use it."""
    if answers.pupil_facing:
        return None
    return not_applicable(
        f"Only staff use this product's AI (pupils never use it), so {what} does not apply.",
        answers.entry("pupil_interaction"),
    )


# --- Table-driven checks ----------------------------------------------------------------------

Check = Callable[[Answers], Finding]


def yes_no_check(
    question_id: str,
    *,
    yes: str,
    no: str,
    good: bool = True,
    pupils_only: str | None = None,
) -> Check:
    """A check decided by one yes/no answer.

    ``yes`` and ``no`` explain each answer; ``good`` is the answer that meets the
    criterion (``False`` for questions where "yes" is the harm). ``pupils_only``
    names what does not apply when only staff use the AI.
    """

    def check(answers: Answers) -> Finding:
        if pupils_only is not None and (skip := staff_only(answers, pupils_only)):
            return skip
        answer = answers.flag(question_id)
        evidence = answers.evidence(question_id)
        if answer is None:
            return unknown(answers, (question_id,), evidence)
        text = yes if answer else no
        return met(text, evidence) if answer is good else not_met(text, evidence)

    return check


def run_checks(
    criteria: Sequence[Criterion],
    checks: Mapping[str, Check],
    questions: Sequence[Question],
    product: ProductSnapshot,
) -> list[CriterionResult]:
    """One result per criterion, in criteria order."""
    answers = Answers(product, questions)
    results = []
    for criterion in criteria:
        finding = checks[criterion.id](answers)
        results.append(CriterionResult(criterion.id, finding.outcome, finding.explanation, finding.evidence))
    return results
