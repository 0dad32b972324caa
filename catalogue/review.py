"""The review workflow: reviewers publish or reject submitted versions; suppliers or reviewers withdraw.

``submitted`` → ``published`` or ``rejected`` (with a reason the supplier sees);
a published product can be ``withdrawn``. The register shows a product's
published version until a reviewer approves a newer one. Every decision is
audited and logged for the search index.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from catalogue import audit, changelog, classification, evaluation, products
from catalogue.models import Product, ProductVersion, User, utcnow
from catalogue.products import ProductProblem


def decide(session: Session, *, reviewer: User, product: Product, version: ProductVersion, decision: str, reason: str = "") -> None:
    if version.status != "submitted":
        message = f"Version {version.number} is {version.status}, not waiting for review."
        raise ProductProblem(409, message, {"decision": [message]})
    if decision == "publish":
        if product.published_version_number is not None and version.number < product.published_version_number:
            message = f"Version {product.published_version_number} is already published; this older version cannot replace it."
            raise ProductProblem(409, message, {"decision": [message]})
        version.review_note = reason
        products.publish(session, actor=reviewer, product=product, version=version)
        # Older submissions are overtaken by the one published.
        for older in product.versions:
            if older.status == "submitted" and older.number < version.number:
                older.status = "superseded"
                session.add(older)
    elif decision == "reject":
        if not reason.strip():
            message = "Say why the version is rejected: the supplier sees the reason."
            raise ProductProblem(422, message, {"reason": [message]})
        version.status = "rejected"
        version.review_note = reason
        session.add(version)
        audit.record(session, actor=reviewer, action="product.rejected", entity=product, detail={"version": version.number, "reason": reason})
        changelog.record(session, product)
    else:
        raise ProductProblem(422, "Choose publish or reject.", {"decision": [f"Unknown decision {decision!r}: use publish or reject."]})


def withdraw(session: Session, *, actor: User, product: Product, reason: str) -> None:
    if product.withdrawn_at is not None:
        raise ProductProblem(409, "This product is already withdrawn.")
    product.withdrawn_at = utcnow()
    session.add(product)
    audit.record(session, actor=actor, action="product.withdrawn", entity=product, detail={"reason": reason})
    changelog.record(session, product)


@dataclass(frozen=True)
class QueueItem:
    product: Product
    version: ProductVersion
    confidence: float | None
    new_red_lines: tuple[str, ...]
    flagged_classification: bool


def queue(session: Session) -> list[QueueItem]:
    """Submitted versions: new red lines first, then uncertain classifications, then oldest first."""
    items = []
    for version in session.exec(select(ProductVersion).where(ProductVersion.status == "submitted").order_by(ProductVersion.created_at)):
        product = version.product
        row = classification.latest(session, version)
        red_lines = {line for e in evaluation.latest_evaluations(session, version) for line in e.red_lines}
        published = product.published_version
        before = {line for e in evaluation.latest_evaluations(session, published) for line in e.red_lines} if published else set()
        items.append(QueueItem(product, version, row.confidence if row else None, tuple(sorted(red_lines - before)),
                               bool(row and row.needs_review)))
    return sorted(items, key=lambda i: (not i.new_red_lines, not i.flagged_classification, i.version.created_at))
