"""The product logic layer: creating, versioning, publishing and reading entries.

The API, the web pages, the seed loader and the CLI all call these functions,
so a rule (a new version per change, who may submit for whom) holds everywhere.
Functions add to the caller's session and never commit: the caller owns the
transaction, so a refused request leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from catalogue import accounts, assurance, audit, changelog, classification, evaluation, permissions, registry
from catalogue.models import Organisation, Product, ProductVersion, User, utcnow
from catalogue.problems import ProductProblem
from catalogue.schemas import ENTRY_FIELDS, ProductEntrySchema

__all__ = ["ProductProblem"]  # re-exported: callers catch products.ProductProblem


# One instance for every call: building a schema deep-copies its fields, which
# cost as much as the validation itself. ``load`` keeps no state on the schema.
_ENTRY_SCHEMA = ProductEntrySchema()


def validate_entry(data: Any) -> dict[str, Any]:
    """Validate a complete product entry; raise ``marshmallow.ValidationError`` listing every problem."""
    return _ENTRY_SCHEMA.load(data)


def content_hash(entry: dict[str, Any]) -> str:
    canonical = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def stored_fields(entry: dict[str, Any]) -> dict[str, Any]:
    """The entry as a version stores it: the supplier belongs to the product, not the version."""
    return {name: value for name, value in entry.items() if name != "supplier"}


def entry_of(version: ProductVersion) -> dict[str, Any]:
    """A version's entry as the schema describes it (what a supplier would PATCH)."""
    entry = {name: getattr(version, name) for name in ENTRY_FIELDS if name != "supplier"}
    entry["supplier"] = version.product.supplier.name
    return entry


def resolve_supplier(session: Session, user: User, supplier_name: str | None) -> Organisation:
    """The organisation an entry is submitted for, checking ``user`` may submit for it."""
    if supplier_name is None:
        if (own := own_supplier(user)) is not None:
            return own
        raise ProductProblem(422, "Say which supplier this product belongs to.", {"supplier": ["Name the supplier organisation."]})
    organisation = accounts.organisation_by_name(session, supplier_name)
    if organisation is None:
        # Associations register new members as they submit for them; admins may
        # add any supplier. A supplier's own organisation always exists already.
        if user.role == "association" and user.organisation is not None:
            return accounts.create_organisation(session, name=supplier_name, kind="supplier", actor=user, member_of=user.organisation)
        if user.role == "admin":
            return accounts.create_organisation(session, name=supplier_name, kind="supplier", actor=user)
        raise ProductProblem(
            403,
            "You can only submit products for your own organisation.",
            {"supplier": [f"Use your organisation's name ({_own_name(user)}) or leave supplier out."]},
        )
    if organisation.kind != "supplier":
        raise ProductProblem(422, "That organisation is not a supplier.", {"supplier": [f"{supplier_name} is a {organisation.kind}, not a supplier."]})
    if not permissions.can_submit_for(user, organisation):
        raise ProductProblem(
            403,
            "You can only submit products for your own organisation (or, for an association, its members).",
            {"supplier": [f"You may not submit for {supplier_name}."]},
        )
    return organisation


def own_supplier(user: User) -> Organisation | None:
    """The supplier an entry that names none is for: a supplier user's own organisation."""
    return user.organisation if user.role == "supplier" else None


def _own_name(user: User) -> str:
    return user.organisation.name if user.organisation else "none"


def find_by_name(session: Session, supplier: Organisation, name: str) -> Product | None:
    """The supplier's product whose latest version has this name (case-insensitive)."""
    statement = (
        select(Product)
        .join(ProductVersion, (ProductVersion.product_id == Product.id) & (ProductVersion.number == Product.latest_version_number))
        .where(Product.supplier_id == supplier.id, func.lower(ProductVersion.name) == name.lower())
    )
    return session.exec(statement).first()


def get_by_slug(session: Session, slug: str) -> Product | None:
    return session.exec(select(Product).where(Product.slug == slug)).first()


def allocate_slugs(session: Session, wanted: Sequence[tuple[str, Any]]) -> list[str]:
    """Slugs for new products, one per (name, supplier with a ``slug``), as if each were created in turn.

    A product's slug is its name's; when another product has that, the name's
    plus the supplier's; then ``-2``, ``-3``… until one is free. The likely
    candidates are looked up in one query, so a bulk import does not ask per row.
    """
    bases = [accounts.slugify(name) for name, _ in wanted]
    likely = set(bases) | {f"{base}-{supplier.slug}" for base, (_, supplier) in zip(bases, wanted)}
    known = dict.fromkeys(likely, False)  # slug -> taken
    known.update(dict.fromkeys(session.exec(select(Product.slug).where(Product.slug.in_(likely))), True))

    def taken(slug: str) -> bool:
        if slug not in known:
            known[slug] = get_by_slug(session, slug) is not None
        return known[slug]

    slugs = []
    for base, (_, supplier) in zip(bases, wanted):
        if taken(base):
            base = f"{base}-{supplier.slug}"
        candidate, n = base, 1
        while taken(candidate):
            n += 1
            candidate = f"{base}-{n}"
        known[candidate] = True  # handed out: later names in ``wanted`` must not get it
        slugs.append(candidate)
    return slugs


def create_product(
    session: Session,
    *,
    actor: audit.Actor,
    supplier: Organisation,
    entry: dict[str, Any],
    status: str = "submitted",
    external_ref: str | None = None,
) -> Product:
    """Create a product with its first version from a validated ``entry``."""
    existing = find_by_name(session, supplier, entry["name"])
    if existing is not None:
        raise ProductProblem(
            409,
            f"{supplier.name} already has a product called {entry['name']!r}: update it with PATCH /api/v1/products/{existing.slug}.",
            {"name": ["A product with this name already exists for this supplier."]},
        )
    (slug,) = allocate_slugs(session, [(entry["name"], supplier)])
    product = Product(slug=slug, supplier_id=supplier.id, external_ref=external_ref)
    product.supplier = supplier
    session.add(product)
    session.flush()
    audit.record(session, actor=actor, action="product.created", entity=product, detail={"supplier": supplier.name})
    add_version(session, actor=actor, product=product, entry=entry, status=status)
    return product


def add_version(
    session: Session, *, actor: audit.Actor, product: Product, entry: dict[str, Any], status: str = "submitted"
) -> tuple[ProductVersion, bool]:
    """Add ``entry`` as the product's next version, unless it equals the latest one.

    Returns the version now latest and whether it is new: re-submitting an
    unchanged entry is a no-op, which makes API retries and bulk re-imports safe.
    """
    stored = stored_fields(entry)
    digest = content_hash(stored)
    if product.versions and product.latest_version.content_hash == digest:
        return product.latest_version, False
    version = ProductVersion(
        product_id=product.id,
        number=product.latest_version_number + 1,
        status=status,
        content_hash=digest,
        created_by_id=actor.id if isinstance(actor, User) else None,
        **stored,
    )
    product.versions.append(version)
    product.latest_version_number = version.number
    product.updated_at = utcnow()
    session.add(product)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="product.version_added",
        entity=product,
        detail={"version": version.number, "status": status, "changed": changed_fields(product, version)},
    )
    judge(session, version)
    changelog.record(session, product)
    return version, True


def judge(session: Session, version: ProductVersion) -> None:
    """Classify and evaluate a new version, so its supplier sees the outcome at once."""
    installed = registry.current()
    previous = version.product.version(version.number - 1)
    classification.classify_version(session, version, evaluation.snapshot_of(version), registry=installed, previous=previous)
    evaluation.evaluate_version(session, version, registry=installed, runner=evaluation.current_runner())


def changed_fields(product: Product, version: ProductVersion) -> list[str]:
    previous = product.version(version.number - 1)
    if previous is None:
        return []
    return [name for name in ENTRY_FIELDS if name != "supplier" and getattr(previous, name) != getattr(version, name)]


def update_product(session: Session, *, actor: User, product: Product, changes: dict[str, Any]) -> tuple[ProductVersion, bool]:
    """Apply a partial update on top of the latest version, re-checking the whole entry."""
    if not permissions.can_edit(actor, product):
        raise ProductProblem(403, "Only the product's supplier (or its association) can change this entry.")
    if "supplier" in changes and changes["supplier"] not in (None, product.supplier.name):
        raise ProductProblem(
            422, "A product cannot move to another supplier.", {"supplier": [f"This product belongs to {product.supplier.name}."]}
        )
    current = entry_of(product.latest_version)
    merged = current | {k: v for k, v in changes.items() if k not in ("supplier", "answers")}
    # Answers merge question by question (null clears one). Stored answers to
    # questions no installed evaluator asks any more are kept as they are.
    asked = registry.current().questions
    answers = current["answers"] | changes.get("answers", {})
    merged["answers"] = {k: v for k, v in answers.items() if v is not None and k in asked}
    entry = validate_entry(merged)
    entry["answers"] |= {k: v for k, v in answers.items() if v is not None and k not in asked}
    if entry["name"].lower() != product.latest_version.name.lower():
        clash = find_by_name(session, product.supplier, entry["name"])
        if clash is not None and clash.id != product.id:
            raise ProductProblem(409, "Another of your products already has that name.", {"name": [f"Used by {clash.slug}."]})
    return add_version(session, actor=actor, product=product, entry=entry)


def publish(session: Session, *, actor: audit.Actor, product: Product, version: ProductVersion) -> None:
    """Make ``version`` the one the public register shows."""
    version.status = "published"
    product.published_version_number = version.number
    product.withdrawn_at = None
    session.add_all([version, product])
    audit.record(session, actor=actor, action="product.published", entity=product, detail={"version": version.number})
    changelog.record(session, product)
    assurance.raise_alerts(session, product, version)


def visible_version(product: Product, user: User | None) -> ProductVersion | None:
    """The version ``user`` should see: the latest for those who may read drafts, else the published one."""
    if permissions.can_read_unpublished(user, product):
        return product.latest_version
    if product.withdrawn_at is not None:
        return None
    return product.published_version


def judgements(session: Session, version: ProductVersion) -> dict[str, Any]:
    """The version's classification, evaluations (with staleness) and overall quality."""
    installed = registry.current()
    rows = evaluation.latest_evaluations(session, version)
    evaluations = [
        {
            "evaluator_id": row.evaluator_id,
            "name": installed.evaluators[row.evaluator_id].name if row.evaluator_id in installed.evaluators else row.evaluator_id,
            "evaluator_version": row.evaluator_version,
            "status": row.status,
            "stale": evaluation.is_stale(row, installed),
            "score": row.score,
            "band": row.band,
            "red_lines": row.red_lines,
            "missing_evidence": sum(1 for c in row.criteria if c["outcome"] == "unknown"),
            "criteria": row.criteria,
            "error": row.error,
        }
        for row in rows
    ]
    overall = evaluation.overall_quality(installed, evaluation.snapshot_of(version), rows)
    row = classification.latest(session, version)
    described = None
    if row is not None:
        described = {
            "category": row.category,
            "use_cases": row.use_cases,
            "confidence": row.confidence,
            "signals": row.signals,
            "source": row.source,
            "reason": row.reason,
            "needs_review": row.needs_review,
            "explanation": classification.explain(row.category, row.signals),
        }
    return {"classification": described, "evaluations": evaluations, "overall": overall}


def describe(
    session: Session, product: Product, version: ProductVersion, *, url: str, show_unpublished: bool
) -> dict[str, Any]:
    """Everything the API says about one version of a product (``ProductSchema``).

    The version history lists unpublished versions only to those who may read them.
    """
    return {
        **entry_of(version),
        "slug": product.slug,
        "status": product.status,
        "version": version.number,
        "version_status": version.status,
        "published_version": product.published_version_number,
        "latest_version": product.latest_version_number,
        "created_at": product.created_at,
        "updated_at": product.updated_at,
        "url": url,
        **judgements(session, version),
        "versions": visible_history(product, show_unpublished),
    }


def visible_history(product: Product, show_unpublished: bool) -> list[ProductVersion]:
    if show_unpublished:
        return list(product.versions)
    return [v for v in product.versions if v.status == "published"]
