"""Workflow vs teaching & learning: weighing plugins' signals into an explained category.

Plugins (the built-in classifier among them) contribute ``Signal`` values
through ``catalogue_classification_signals``; this module weighs them:

- the side with more weight wins; **both** when the free text describes
  substantial AI features of each kind: the weaker side's text evidence is at
  least ``BOTH_MINIMUM`` and at least ``BOTH_RATIO`` of the stronger side's
  (DESIGN §3: "both" only when both kinds are substantial — the structured
  answers say who uses the product, not which features are substantial);
- confidence is the winning margin, lowered by every ``conflict`` signal (say,
  structured answers and free text disagreeing), by thin evidence, and capped
  when no free text supports the category at all;
- below ``REVIEW_BELOW`` the classification is flagged for a reviewer.

A reviewer's override (``source="reviewer"``) survives re-classification and
new versions, until the supplier changes the AI features: then the automatic
result is stored and flagged for review again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from catalogue import audit, changelog, vocab
from catalogue.contract import ProductSnapshot, Signal
from catalogue.models import Classification, Product, ProductVersion, User
from catalogue.registry import Registry

BOTH_MINIMUM = 1.5
BOTH_RATIO = 0.35
REVIEW_BELOW = 0.6
# Total signal weight below which the evidence is too thin to be sure of anything.
THIN_EVIDENCE = 2.5
# The free-text fields; a category none of them supports rests on structured answers alone.
TEXT_FIELDS = frozenset({"ai_features", "description", "summary"})
STRUCTURED_ONLY_CAP = 0.5
SIDES = ("workflow", "teaching_learning")
USE_CASE_SIDE = {t.value: "workflow" for t in vocab.WORKFLOW_USE_CASES} | {
    t.value: "teaching_learning" for t in vocab.TEACHING_LEARNING_USE_CASES
}


@dataclass(frozen=True)
class Result:
    category: str
    use_cases: tuple[str, ...]
    confidence: float
    signals: tuple[Signal, ...]
    failures: tuple[str, ...] = ()

    @property
    def needs_review(self) -> bool:
        return self.confidence < REVIEW_BELOW


def collect_signals(registry: Registry, product: ProductSnapshot) -> tuple[list[Signal], list[str]]:
    """Every plugin's signals, each plugin in its own error boundary."""
    signals: list[Signal] = []
    failures: list[str] = []
    for impl in registry.manager.hook.catalogue_classification_signals.get_hookimpls():
        try:
            provided = list(impl.function(product=product))
            if not all(isinstance(s, Signal) and s.kind in (*SIDES, "conflict") for s in provided):
                raise ValueError("expected a list of Signal values")
        except Exception as exc:  # noqa: BLE001 - one plugin's failure must not stop classification
            failures.append(f"{impl.plugin_name}: {type(exc).__name__}: {exc}")
            continue
        signals.extend(provided)
    return signals, failures


def decide(signals: Sequence[Signal], product: ProductSnapshot) -> tuple[str, float]:
    weight = {side: sum(s.weight for s in signals if s.kind == side) for side in SIDES}
    strong, weak = sorted(SIDES, key=lambda side: weight[side], reverse=True)
    total = weight[strong] + weight[weak]
    if total == 0:
        # No evidence at all: fall back on who uses the AI, and say we are unsure.
        return ("workflow" if not product.pupil_facing else "teaching_learning"), 0.3
    text = {side: sum(s.weight for s in signals if s.kind == side and s.field in TEXT_FIELDS) for side in SIDES}
    text_strong, text_weak = sorted(SIDES, key=lambda side: text[side], reverse=True)
    if text[text_weak] >= BOTH_MINIMUM and text[text_weak] >= BOTH_RATIO * text[text_strong]:
        category = "both"
        confidence = 0.55 + 0.4 * min(1.0, text[text_weak] / text[text_strong])
    else:
        category = strong
        confidence = 0.5 + 0.5 * (weight[strong] - weight[weak]) / total
    conflicts = sum(1 for s in signals if s.kind == "conflict")
    confidence -= 0.15 * conflicts
    if total < THIN_EVIDENCE:
        confidence -= 0.2
    if not any(s.field in TEXT_FIELDS for s in signals if s.kind in SIDES):
        # Neither the structured answers nor the text may decide alone.
        confidence = min(confidence, STRUCTURED_ONLY_CAP)
    return category, round(max(0.05, min(0.99, confidence)), 2)


def use_cases_for(signals: Sequence[Signal], category: str) -> tuple[str, ...]:
    """The use cases signalled, strongest first, on the side(s) of the category."""
    sides = SIDES if category == "both" else (category,)
    tally: Counter[str] = Counter()
    for signal in signals:
        if signal.use_case in USE_CASE_SIDE and USE_CASE_SIDE[signal.use_case] in sides:
            tally[signal.use_case] += signal.weight
    return tuple(use_case for use_case, _ in tally.most_common(5))


def classify(registry: Registry, product: ProductSnapshot) -> Result:
    signals, failures = collect_signals(registry, product)
    category, confidence = decide(signals, product)
    ranked = tuple(sorted(signals, key=lambda s: s.weight, reverse=True))
    return Result(category, use_cases_for(signals, category), confidence, ranked, tuple(failures))


def explain(category: str, signals: Sequence[dict], limit: int = 3) -> str:
    """One plain sentence for a headteacher: the category and its strongest reasons."""
    label = vocab.CATEGORIES.label(category)
    sides = SIDES if category == "both" else (category,)
    reasons: list[str] = []
    for signal in signals:
        if signal["kind"] in sides and signal["reason"] not in reasons:
            reasons.append(signal["reason"])
        if len(reasons) == limit:
            break
    conflicts = [s["reason"] for s in signals if s["kind"] == "conflict"]
    sentence = f"{label}: {'; '.join(reasons) or 'there is little evidence either way'}."
    if conflicts:
        sentence += f" But note: {conflicts[0]}."
    return sentence


def _row(version: ProductVersion, result: Result) -> Classification:
    return Classification(version_id=version.id, **classification_values(result))


def classification_values(result: Result) -> dict[str, Any]:
    """The columns of the automatic ``Classification`` row for ``result`` (all but the version).

    Plain values, so the bulk import can compute them in worker processes.
    """
    return {
        "category": result.category,
        "use_cases": list(result.use_cases),
        "confidence": result.confidence,
        "signals": [signal_as_dict(s) for s in result.signals],
        "source": "auto",
        "needs_review": result.needs_review,
        "reason": "; ".join(f"Signal plugin failed: {f}" for f in result.failures),
    }


def signal_as_dict(signal: Signal) -> dict:
    return {
        "kind": signal.kind,
        "reason": signal.reason,
        "field": signal.field,
        "evidence": signal.evidence,
        "weight": signal.weight,
        "use_case": signal.use_case,
    }


def latest(session: Session, version: ProductVersion) -> Classification | None:
    statement = select(Classification).where(Classification.version_id == version.id).order_by(Classification.id.desc())
    return session.exec(statement).first()


def classify_version(
    session: Session, version: ProductVersion, snapshot: ProductSnapshot, *, registry: Registry, previous: ProductVersion | None
) -> Classification:
    """Classify a new version, carrying a reviewer's override forward while the AI features stay the same."""
    result = classify(registry, snapshot)
    prior = latest(session, previous) if previous is not None else None
    if prior is not None and prior.source == "reviewer":
        if previous.ai_features == version.ai_features:
            row = Classification(
                version_id=version.id,
                category=prior.category,
                use_cases=list(prior.use_cases),
                confidence=1.0,
                signals=[signal_as_dict(s) for s in result.signals],
                source="reviewer",
                reason=prior.reason,
                created_by_id=prior.created_by_id,
            )
            session.add(row)
            return row
        row = _row(version, result)
        row.needs_review = True
        row.reason = (
            f"A reviewer had set this product to {vocab.CATEGORIES.label(prior.category)} ({prior.reason}); "
            "the supplier has since changed the AI features, so the override was cleared for review."
        )
        session.add(row)
        audit.record(session, actor="classifier", action="classification.override_cleared", entity=version.product,
                     detail={"version": version.number, "previous_category": prior.category})
        return row
    row = _row(version, result)
    session.add(row)
    return row


def reclassify(session: Session, version: ProductVersion, *, registry: Registry) -> str:
    """Classify ``version`` again; returns "changed", "unchanged" or "kept_overrides"."""
    from catalogue.evaluation import snapshot_of

    current = latest(session, version)
    if current is not None and current.source == "reviewer":
        return "kept_overrides"
    result = classify(registry, snapshot_of(version))
    session.add(_row(version, result))
    changelog.record(session, version.product)
    return "changed" if current is None or current.category != result.category else "unchanged"


def override(
    session: Session, *, reviewer: User, product: Product, category: str, reason: str, use_cases: Sequence[str] | None = None
) -> list[Classification]:
    """Set the product's category by hand, with a reason, on its current versions."""
    rows = []
    for number in sorted({product.latest_version_number, product.published_version_number} - {None}):
        version = product.version(number)
        current = latest(session, version)
        row = Classification(
            version_id=version.id,
            category=category,
            use_cases=list(use_cases if use_cases is not None else (current.use_cases if current else [])),
            confidence=1.0,
            signals=list(current.signals) if current else [],
            source="reviewer",
            reason=reason,
            created_by_id=reviewer.id,
        )
        session.add(row)
        rows.append(row)
    changelog.record(session, product)
    audit.record(session, actor=reviewer, action="classification.overridden", entity=product,
                 detail={"category": category, "reason": reason, "versions": [r.version_id for r in rows]})
    return rows


def flagged(session: Session) -> list[tuple[Product, ProductVersion, Classification]]:
    """Current versions whose latest classification waits for a reviewer, least confident first."""
    latest_per_version = select(func.max(Classification.id)).group_by(Classification.version_id)
    statement = (
        select(Product, ProductVersion, Classification)
        .join(ProductVersion, (ProductVersion.product_id == Product.id) & (ProductVersion.number == Product.latest_version_number))
        .join(Classification, Classification.version_id == ProductVersion.id)
        .where(Classification.id.in_(latest_per_version), Classification.needs_review.is_(True))
        .order_by(Classification.confidence, Product.id)
    )
    return list(session.exec(statement))
