"""Reviewers' classification endpoints: override a category, list those flagged for review."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from catalogue import classification, db, permissions, products
from catalogue.api.auth import require_user
from catalogue.api.products import BEARER, _commit, _page_url
from catalogue.schemas import ClassificationOverrideSchema, FlaggedListSchema, ProductSchema

blp = Blueprint("classifications", __name__, url_prefix="/api/v1", description="Workflow vs teaching & learning, for reviewers.")


def _require_reviewer() -> Any:
    user = require_user()
    if not permissions.can_review(user):
        abort(403, message="Only reviewers and admins can do this.")
    return user


@blp.route("/products/<slug>/classification")
class ClassificationOverride(MethodView):
    @blp.arguments(ClassificationOverrideSchema)
    @blp.response(200, ProductSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(security=BEARER)
    def put(self, decision: dict[str, Any], slug: str) -> dict[str, Any]:
        """Override the product's category, with a reason (reviewers).

        The override is audited and shown on the product page. It survives
        re-classification and new versions until the supplier changes the AI
        features; then the automatic result returns, flagged for review.
        """
        reviewer = _require_reviewer()
        session = db.session()
        product = products.get_by_slug(session, slug)
        if product is None:
            abort(404, message=f"No product has the slug {slug!r}.")
        classification.override(session, reviewer=reviewer, product=product, **decision)
        _commit()
        return products.describe(session, product, product.latest_version, url=_page_url(slug), show_unpublished=True)


@blp.route("/classifications/flagged")
class FlaggedClassifications(MethodView):
    @blp.response(200, FlaggedListSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.doc(security=BEARER)
    def get(self) -> dict[str, Any]:
        """Classifications waiting for a reviewer, least confident first (reviewers)."""
        _require_reviewer()
        items = [
            {
                "slug": product.slug,
                "name": version.name,
                "version": version.number,
                "category": row.category,
                "confidence": row.confidence,
                "explanation": classification.explain(row.category, row.signals),
                "reason": row.reason,
            }
            for product, version, row in classification.flagged(db.session())
        ]
        return {"items": items}
