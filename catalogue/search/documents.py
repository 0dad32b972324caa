"""What the search index holds for each published product: its *card*, built from the database.

Cards are built in batches (a handful of queries per thousand products), so a
full reindex does not query per product. Nothing here imports whoosh.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy.orm import defer
from sqlmodel import Session, select

from catalogue import vocab
from catalogue.evaluation import overall_quality, snapshot_of
from catalogue.models import Classification, Evaluation, Organisation, Product, ProductVersion, Verification
from catalogue.registry import Registry

@dataclass(frozen=True)
class Facet:
    name: str  # the query parameter and index field
    label: str
    vocabulary: vocab.Vocabulary


# Facets offered on the register, in the order shown.
FACETS: tuple[Facet, ...] = (
    Facet("category", "Workflow or teaching & learning", vocab.CATEGORIES),
    Facet("use_case", "Use case", vocab.USE_CASES),
    Facet("phase", "Phase", vocab.PHASES),
    Facet("key_stage", "Key stage", vocab.KEY_STAGES),
    Facet("intended_users", "Who uses it", vocab.INTENDED_USERS),
    Facet("pupil_interaction", "How pupils use the AI", vocab.PUPIL_INTERACTION),
    Facet("pricing", "Pricing", vocab.PRICING),
    Facet("assurance", "Assurance", vocab.ASSURANCE_LEVELS),
    Facet("storage_region", "Where data is stored", vocab.STORAGE_REGIONS),
    Facet("red_lines", "Red lines", vocab.RED_LINE_STATES),
)
FACET_NAMES = tuple(facet.name for facet in FACETS)
# Indexed like facets, for trust profiles' requirements, but not offered in the sidebar.
FILTERS: tuple[Facet, ...] = (
    Facet("dpia", "DPIA", vocab.DPIA_STATES),
    Facet("training", "Training on pupils' data", vocab.TRAINING_STATES),
)
KEYWORD_FIELDS = FACET_NAMES + tuple(f.name for f in FILTERS)
TEXT_FIELDS = ("name", "supplier", "summary", "description", "ai_features")
# A criterion this heavy (or a red line) must be verified for "verified" assurance.
HIGH_WEIGHT = 4


@dataclass(frozen=True)
class Card:
    """One published product as the register lists it, plus the text to index."""

    product_id: int
    data: dict[str, Any]  # shown in results and exports (JSON-serialisable)
    facets: dict[str, tuple[str, ...]]  # facet name -> values (multi-valued)
    text: dict[str, str]  # text field -> text to index
    scores: dict[str, int]  # "overall" and each evaluator id -> 0–100 (absent when unscored)


def assurance_of(registry: Registry, evaluations: Iterable[Evaluation], verified: set[tuple[str, str]]) -> str:
    """``verified`` when an evaluator has verified every red-line and high-weight criterion.

    A complete evaluation covers each of its evaluator's criteria (the core checks
    that), so the criteria come from the installed evaluators and the verified
    ones from ``Verification`` rows: far cheaper than reading each evaluation's
    criteria JSON, which was most of a full reindex.
    """
    important = [
        (evaluation.evaluator_id, criterion.id)
        for evaluation in evaluations
        if evaluation.status == "complete"
        for criterion in registry.evaluators[evaluation.evaluator_id].criteria
        if criterion.red_line or criterion.weight >= HIGH_WEIGHT
    ]
    return "verified" if important and all(key in verified for key in important) else "declared"


def public_product_ids(session: Session) -> list[int]:
    statement = select(Product.id).where(Product.published_version_number.is_not(None), Product.withdrawn_at.is_(None)).order_by(Product.id)
    return list(session.exec(statement).all())


def build_cards(session: Session, registry: Registry, product_ids: Iterable[int], batch: int = 500) -> Iterator[tuple[int, Card | None]]:
    """(product id, card) for each id; the card is None when the product is not public (remove it)."""
    ids = list(product_ids)
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        rows = session.exec(
            select(Product, ProductVersion, Organisation)
            .join(ProductVersion, (ProductVersion.product_id == Product.id) & (ProductVersion.number == Product.published_version_number))
            .join(Organisation, Organisation.id == Product.supplier_id)
            .where(Product.id.in_(chunk), Product.withdrawn_at.is_(None))
        ).all()
        version_ids = [version.id for _, version, _ in rows]
        classifications: dict[int, Classification] = {}
        for row in session.exec(select(Classification).where(Classification.version_id.in_(version_ids)).order_by(Classification.id)):
            classifications[row.version_id] = row  # the latest wins
        evaluations: dict[int, dict[str, Evaluation]] = {}
        latest = select(Evaluation).where(Evaluation.version_id.in_(version_ids)).order_by(Evaluation.id).options(defer(Evaluation.criteria))
        for row in session.exec(latest):
            evaluations.setdefault(row.version_id, {})[row.evaluator_id] = row
        verified: dict[int, set[tuple[str, str]]] = {}
        for version_id, evaluator_id, criterion_id in session.exec(
            select(Verification.version_id, Verification.evaluator_id, Verification.criterion_id).where(Verification.version_id.in_(version_ids))
        ):
            verified.setdefault(version_id, set()).add((evaluator_id, criterion_id))
        found = {}
        for product, version, supplier in rows:
            found[product.id] = _card(registry, product, version, supplier, classifications.get(version.id),
                                      list(evaluations.get(version.id, {}).values()), verified.get(version.id, set()))
        for product_id in chunk:
            yield product_id, found.get(product_id)


def _card(
    registry: Registry,
    product: Product,
    version: ProductVersion,
    supplier: Organisation,
    classification: Classification | None,
    evaluations: list[Evaluation],
    verified: set[tuple[str, str]],
) -> Card:
    installed = [e for e in evaluations if e.evaluator_id in registry.evaluators]
    overall = overall_quality(registry, snapshot_of(version), installed)
    scores = {e.evaluator_id: e.score for e in installed if e.score is not None}
    if overall.score is not None:
        scores["overall"] = overall.score
    region = version.answers.get("dp_storage_region")
    facets = {
        "category": (classification.category,) if classification else (),
        "use_case": tuple(classification.use_cases) if classification else (),
        "phase": tuple(version.phases),
        "key_stage": tuple(version.key_stages),
        "intended_users": tuple(version.intended_users),
        "pupil_interaction": (version.pupil_interaction,),
        "pricing": (version.pricing,),
        "assurance": (assurance_of(registry, installed, verified),),
        "storage_region": (_known(region, vocab.STORAGE_REGIONS),),
        "red_lines": ("any" if overall.red_lines else "none",),
        "dpia": (_known(version.answers.get("dp_dpia"), vocab.DPIA_STATES),),
        "training": (_known(version.answers.get("dp_trains_on_pupil_data"), vocab.TRAINING_STATES),),
    }
    data = {
        "product_id": product.id,
        "slug": product.slug,
        "name": version.name,
        "supplier": supplier.name,
        "summary": version.summary,
        "version": version.number,
        "updated_at": _utc_iso(product.updated_at),
        "age_min": version.age_min,
        "age_max": version.age_max,
        "overall": {"score": overall.score, "band": overall.band, "red_lines": list(overall.red_lines)},
        "evaluations": {
            e.evaluator_id: {"score": e.score, "band": e.band, "status": e.status, "red_lines": list(e.red_lines)} for e in installed
        },
        **{name: list(values) for name, values in facets.items()},
    }
    text = {
        "name": version.name,
        "supplier": supplier.name,
        "summary": version.summary,
        "description": version.description,
        "ai_features": version.ai_features,
    }
    return Card(product_id=product.id, data=data, facets=facets, text=text, scores=scores)


def _known(value: Any, vocabulary: vocab.Vocabulary) -> str:
    return value if value in vocabulary else "unknown"


def _utc_iso(moment: datetime) -> str:
    """ISO 8601 in UTC, whether the database handed back an aware or (SQLite) a naive datetime."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

