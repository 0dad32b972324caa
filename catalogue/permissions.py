"""Who may do what: every permission rule in one place.

Views, the API and the CLI ask these functions; none of them checks roles itself.
``user`` is None for an anonymous visitor.
"""

from __future__ import annotations

from catalogue.models import Organisation, Product, User

# Roles that may read entries before they are published (to moderate, evaluate or administer them).
OVERSIGHT_ROLES = frozenset({"reviewer", "evaluator", "admin"})


def can_submit_for(user: User | None, supplier: Organisation) -> bool:
    """Whether ``user`` may create or change entries owned by ``supplier``."""
    if user is None or not user.is_active:
        return False
    if user.role == "admin":
        return True
    if user.role == "supplier":
        return user.organisation_id is not None and user.organisation_id == supplier.id
    if user.role == "association":
        return user.organisation_id is not None and supplier.member_of_id == user.organisation_id
    return False


def can_edit(user: User | None, product: Product) -> bool:
    return can_submit_for(user, product.supplier)


def can_read_unpublished(user: User | None, product: Product) -> bool:
    if user is None or not user.is_active:
        return False
    return user.role in OVERSIGHT_ROLES or can_edit(user, product)


def can_create_products(user: User | None) -> bool:
    return user is not None and user.is_active and user.role in {"supplier", "association", "admin"}


def can_review(user: User | None) -> bool:
    """Moderate entries: override classifications, see the review queue."""
    return user is not None and user.is_active and user.role in {"reviewer", "admin"}


def can_manage_users(user: User | None) -> bool:
    return user is not None and user.is_active and user.role == "admin"


def can_verify_evidence(user: User | None) -> bool:
    return user is not None and user.is_active and user.role in {"evaluator", "admin"}
