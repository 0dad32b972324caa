"""Review workflow endpoints: the reviewer queue, publish/reject decisions, withdrawal."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from catalogue import db, permissions, products, review
from catalogue.api.auth import require_user
from catalogue.api.products import BEARER, _commit, _page_url
from catalogue.schemas import DecisionSchema, ProductSchema, QueueSchema, WithdrawalSchema

blp = Blueprint("review", __name__, url_prefix="/api/v1", description="Moderation: reviewers decide what is published.")


def _product(slug: str) -> Any:
    product = products.get_by_slug(db.session(), slug)
    if product is None:
        abort(404, message=f"No product has the slug {slug!r}.")
    return product


@blp.route("/review/queue")
class Queue(MethodView):
    @blp.response(200, QueueSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.doc(security=BEARER)
    def get(self) -> dict[str, Any]:
        """Versions waiting for review: new red lines first, then uncertain classifications, then oldest."""
        if not permissions.can_review(require_user()):
            abort(403, message="Only reviewers and admins see the review queue.")
        return {
            "items": [
                {
                    "slug": item.product.slug,
                    "name": item.version.name,
                    "supplier": item.product.supplier.name,
                    "version": item.version.number,
                    "submitted_at": item.version.created_at,
                    "published_version": item.product.published_version_number,
                    "new_red_lines": list(item.new_red_lines),
                    "classification_confidence": item.confidence,
                    "classification_flagged": item.flagged_classification,
                }
                for item in review.queue(db.session())
            ]
        }


@blp.route("/products/<slug>/versions/<int(max=2147483647):number>/decision")
class Decision(MethodView):
    @blp.arguments(DecisionSchema)
    @blp.response(200, ProductSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(security=BEARER)
    def post(self, body: dict[str, Any], slug: str, number: int) -> dict[str, Any]:
        """Publish or reject a submitted version (reviewers). A rejection needs a reason the supplier sees."""
        reviewer = require_user()
        if not permissions.can_review(reviewer):
            abort(403, message="Only reviewers and admins decide what is published.")
        product = _product(slug)
        version = product.version(number)
        if version is None:
            abort(404, message=f"{slug} has no version {number}.")
        review.decide(db.session(), reviewer=reviewer, product=product, version=version, **body)
        _commit()
        return products.describe(db.session(), product, version, url=_page_url(slug), show_unpublished=True)


@blp.route("/products/<slug>/withdrawal")
class Withdrawal(MethodView):
    @blp.arguments(WithdrawalSchema)
    @blp.response(200, ProductSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.doc(security=BEARER)
    def post(self, body: dict[str, Any], slug: str) -> dict[str, Any]:
        """Withdraw a product from the register (its supplier, or a reviewer). Its history is kept."""
        user = require_user()
        product = _product(slug)
        if products.visible_version(product, user) is None:
            abort(404, message=f"No product has the slug {slug!r}.")
        if not (permissions.can_edit(user, product) or permissions.can_review(user)):
            abort(403, message="Only the product's supplier or a reviewer can withdraw it.")
        review.withdraw(db.session(), actor=user, product=product, reason=body["reason"])
        _commit()
        return products.describe(db.session(), product, product.latest_version, url=_page_url(slug), show_unpublished=True)
