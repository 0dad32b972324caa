"""/api/v1/products: read published entries; suppliers create and update their own."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import INCLUDE
from sqlalchemy.exc import IntegrityError

from catalogue import db, listing, permissions, products, search
from catalogue.api.auth import current_user, require_user
from catalogue.schemas import ProductEntrySchema, ProductPatchSchema, ProductSchema, SearchArgsSchema, SearchResultsSchema

blp = Blueprint("products", __name__, url_prefix="/api/v1/products", description="Product entries in the register.")

BEARER = [{"bearerAuth": []}]


def _page_url(slug: str) -> str:
    return url_for("web.product", slug=slug, _external=True)


def _commit() -> None:
    """Commit, turning a lost race (two writers, one unique name) into a 409, then update the index."""
    session = db.session()
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        abort(409, message="Another request changed this entry at the same moment. Fetch it again and retry.")
    search.current().catch_up(session)


@blp.route("")
class ProductCollection(MethodView):
    @blp.arguments(SearchArgsSchema, location="query", unknown=INCLUDE)
    @blp.response(200, SearchResultsSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Search published products, with facet counts.

        Full text over name, supplier, summary, description and AI features;
        facet filters (repeat a parameter for several values: any of them
        matches); minimum scores (`min_overall`, `min_score.<evaluator id>`);
        `sort` by relevance, overall, `score.<evaluator id>`, name or updated;
        `page` and `per_page`. Facet counts leave out the facet's own
        selection, so they show what adding a value would find.
        """
        try:
            answer = listing.query(args)
        except search.QuerySyntaxError as exc:
            abort(422, message=str(exc), errors={"q": [str(exc)]})
        except listing.UnknownProfile as exc:
            abort(404, message=str(exc), errors={"profile": [str(exc)]})
        results = answer.results
        items = [
            card | {"url": _page_url(card["slug"]), "requirements": [vars(f) for f in answer.findings.get(card["slug"], [])]}
            for card in results.items
        ]
        return {
            "items": items,
            "total": results.total,
            "page": results.page,
            "per_page": results.per_page,
            "pages": results.pages,
            "sort": results.sort,
            "facets": answer.facets,
            "profile": {"name": answer.profile.name, "token": answer.profile.token, **answer.profile.settings} if answer.profile else None,
        }

    @blp.arguments(ProductEntrySchema)
    @blp.response(201, ProductSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
    @blp.doc(security=BEARER)
    def post(self, entry: dict[str, Any]) -> Any:
        """Submit a new product entry (suppliers and associations).

        The entry is validated as a whole and every problem is reported at once.
        It is stored as version 1 with status `submitted`; the response carries
        its `slug`.
        """
        user = require_user()
        if not permissions.can_create_products(user):
            abort(403, message=f"A {user.role} account cannot submit products; supplier and association accounts can.")
        session = db.session()
        supplier = products.resolve_supplier(session, user, entry["supplier"])
        product = products.create_product(session, actor=user, supplier=supplier, entry=entry)
        _commit()
        body = products.describe(session, product, product.latest_version, url=_page_url(product.slug), show_unpublished=True)
        return body, 201, {"Location": url_for("products.ProductItem", slug=product.slug)}


@blp.route("/<slug>")
class ProductItem(MethodView):
    @blp.response(200, ProductSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(security=[{}, *BEARER])
    def get(self, slug: str) -> dict[str, Any]:
        """One product: its entry, classification, evaluations and overall quality.

        Anyone sees the published version. The owning supplier, its association,
        reviewers, evaluators and admins see the latest version, published or not.
        """
        user = current_user()
        session = db.session()
        product = products.get_by_slug(session, slug)
        version = products.visible_version(product, user) if product else None
        if product is None or version is None:
            abort(404, message=f"No published product has the slug {slug!r}.")
        show_unpublished = permissions.can_read_unpublished(user, product)
        return products.describe(session, product, version, url=_page_url(slug), show_unpublished=show_unpublished)

    @blp.arguments(ProductPatchSchema(partial=True))
    @blp.response(200, ProductSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
    @blp.doc(security=BEARER)
    def patch(self, changes: dict[str, Any], slug: str) -> Any:
        """Update your product: send only the fields that change.

        The change is checked together with the rest of the entry and stored as a
        new version; earlier versions are kept. Sending an unchanged entry adds
        no version.
        """
        user = require_user()
        session = db.session()
        product = products.get_by_slug(session, slug)
        if product is None or products.visible_version(product, user) is None:
            abort(404, message=f"No product has the slug {slug!r}.")
        products.update_product(session, actor=user, product=product, changes=changes)
        _commit()
        return products.describe(session, product, product.latest_version, url=_page_url(slug), show_unpublished=True)

