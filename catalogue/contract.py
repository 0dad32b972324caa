"""The data a plugin receives and returns: plain, frozen values, never ORM rows.

A plugin author needs this module and ``catalogue.hookspecs``; nothing else in
the package is part of the plugin contract. Everything here is immutable, so a
plugin cannot change a product by accident, and picklable, so the core may run
plugins in another thread or process.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

OUTCOMES = ("met", "partial", "not_met", "unknown", "not_applicable")
Outcome = Literal["met", "partial", "not_met", "unknown", "not_applicable"]

QUESTION_TYPES = ("yes_no", "choice", "multi", "text", "url", "number")
QuestionType = Literal["yes_no", "choice", "multi", "text", "url", "number"]


@dataclass(frozen=True)
class ProductSnapshot:
    """One version of a product entry, as evaluators and classifiers see it.

    ``answers`` maps question ids to the supplier's answers; a question the
    supplier has not answered is simply absent (``answers.get(id)`` is None).
    """

    slug: str
    version: int
    name: str
    supplier: str
    website: str
    summary: str
    description: str
    ai_features: str
    ai_models: tuple[str, ...]
    intended_users: tuple[str, ...]
    pupil_interaction: str
    phases: tuple[str, ...]
    key_stages: tuple[str, ...]
    age_min: int
    age_max: int
    subjects: tuple[str, ...]
    pricing: str
    answers: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def from_entry(cls, entry: Mapping[str, Any], *, slug: str = "draft", version: int = 0) -> ProductSnapshot:
        """Build a snapshot from a product entry dict (as the API accepts it)."""
        return cls(
            slug=slug,
            version=version,
            name=entry["name"],
            supplier=entry.get("supplier") or "",
            website=entry["website"],
            summary=entry["summary"],
            description=entry["description"],
            ai_features=entry["ai_features"],
            ai_models=tuple(entry.get("ai_models") or ()),
            intended_users=tuple(entry["intended_users"]),
            pupil_interaction=entry["pupil_interaction"],
            phases=tuple(entry["phases"]),
            key_stages=tuple(entry["key_stages"]),
            age_min=entry["age_min"],
            age_max=entry["age_max"],
            subjects=tuple(entry.get("subjects") or ()),
            pricing=entry["pricing"],
            answers=MappingProxyType(
                {k: tuple(v) if isinstance(v, list) else v for k, v in (entry.get("answers") or {}).items() if v is not None}
            ),
        )

    @property
    def pupil_facing(self) -> bool:
        """Whether pupils use the AI themselves (with or without an adult)."""
        return self.pupil_interaction != "none"


@dataclass(frozen=True)
class Question:
    """A question an evaluator asks suppliers. Answers are validated against ``type`` and ``options``.

    Types and their answers: ``yes_no`` → true/false; ``choice`` → one option;
    ``multi`` → a list of options; ``text`` → a string; ``url`` → an http(s) URL;
    ``number`` → a number between ``minimum`` and ``maximum`` when given.
    Question ids are global: prefix them with your evaluator's short name.
    """

    id: str
    text: str
    type: QuestionType
    options: tuple[str, ...] = ()
    help: str = ""
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Criterion:
    """One thing an evaluator checks, with why it matters and where the requirement comes from.

    ``weight`` (> 0) sets its share of the evaluator's score. A ``red_line``
    criterion that is ``not_met`` is serious enough to stop a trust: it caps
    the product's overall quality wherever the product appears. ``criteria_set``
    names the version of the source text (e.g. ``dfe-genai-standards@2026-01-19``),
    so criteria can be corrected and re-run when the source changes.
    """

    id: str
    title: str
    why: str
    weight: float
    source: str
    criteria_set: str
    red_line: bool = False
    questions: tuple[str, ...] = ()


@dataclass(frozen=True)
class CriterionResult:
    """An evaluator's finding on one criterion, in words a headteacher understands.

    ``evidence`` lists what the finding rests on, e.g. ``"dp_dpia: current"``.
    Use ``unknown`` when the supplier has not answered: it counts against the
    score as missing evidence, never as a pass.
    """

    criterion: str
    outcome: Outcome
    explanation: str
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class Evaluator:
    """What a plugin contributes through ``catalogue_evaluators``.

    ``evaluate`` receives a ``ProductSnapshot`` and returns one
    ``CriterionResult`` per criterion. The core runs it in isolation (a time
    limit and its own error boundary), then scores the results. Bump ``version``
    whenever the evaluator would judge differently: evaluations made by other
    versions are then shown as stale until ``catalogue evaluate --stale``.
    """

    id: str
    name: str
    version: str
    description: str
    criteria: tuple[Criterion, ...]
    questions: tuple[Question, ...]
    evaluate: Callable[[ProductSnapshot], Sequence[CriterionResult]] = field(compare=False, repr=False)


@dataclass(frozen=True)
class Signal:
    """A piece of evidence that a product's AI serves staff workflow or teaching & learning.

    ``field`` names the entry field the evidence came from and ``evidence`` the
    words or value that triggered it; ``weight`` is how strongly it counts.
    ``use_case`` optionally tags the use case (from ``catalogue.vocab.USE_CASES``).
    """

    kind: Literal["workflow", "teaching_learning", "conflict"]
    reason: str
    field: str
    evidence: str
    weight: float = 1.0
    use_case: str | None = None


@dataclass(frozen=True)
class EvaluationSummary:
    """One evaluator's scored evaluation, as the overall-quality hook sees it."""

    evaluator: str
    version: str
    status: Literal["complete", "failed"]
    score: int | None
    band: str | None
    red_lines: tuple[str, ...]


@dataclass(frozen=True)
class OverallQuality:
    """The combined judgement of every evaluator, shown beside each product.

    ``method`` is one sentence a trust can read saying how the score was made.
    """

    score: int | None
    band: str | None
    red_lines: tuple[str, ...]
    method: str
