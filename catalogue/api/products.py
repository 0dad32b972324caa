"""/api/v1/products: read published entries; suppliers create and update their own."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy.exc import IntegrityError

from catalogue import db, permissions, products
from catalogue.api.auth import current_user, require_user
from catalogue.schemas import PageArgsSchema, ProductEntrySchema, ProductPageSchema, ProductPatchSchema, ProductSchema

blp = Blueprint("products", __name__, url_prefix="/api/v1/products", description="Product entries in the register.")

BEARER = [{"bearerAuth": []}]


def _page_url(slug: str) -> str:
    return url_for("web.product", slug=slug, _external=True)


def _commit() -> None:
    """Commit, turning a lost race (two writers, one unique name) into a 409."""
    session = db.session()
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        abort(409, message="Another request changed this entry at the same moment. Fetch it again and retry.")


@blp.route("")
class ProductCollection(MethodView):
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, ProductPageSchema)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List published products, by name.

        Paginated with `page` and `per_page`. Full-text search and facets are
        added to this endpoint by the search index.
        """
        per_page = args["per_page"] or current_app.config["PER_PAGE_DEFAULT"]
        per_page = min(per_page, current_app.config["PER_PAGE_MAX"])
        page = products.list_published(db.session(), page=args["page"], per_page=per_page)
        items = [
            {
                "slug": product.slug,
                "name": version.name,
                "supplier": product.supplier.name,
                "summary": version.summary,
                "version": version.number,
                "updated_at": product.updated_at,
                "url": _page_url(product.slug),
            }
            for product, version in page.rows
        ]
        return {"items": items, "total": page.total, "page": page.page, "per_page": page.per_page, "pages": page.pages}

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

