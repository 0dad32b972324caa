"""Trust assurance endpoints: authorisations, change alerts, evidence verification."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from catalogue import assurance, db, products
from catalogue.api.auth import require_user
from catalogue.api.products import BEARER, _commit, _page_url
from catalogue.models import Alert, Authorisation, Product
from catalogue.schemas import (
    AlertListSchema, AuthorisationListSchema, AuthorisationRequestSchema, AuthorisationSchema, ProductSchema, VerificationRequestSchema,
)

blp = Blueprint("trust", __name__, url_prefix="/api/v1", description="Trusts' authorised tools and alerts; evaluators' verification.")


def _trust_user() -> Any:
    user = require_user()
    if user.role != "trust" or user.organisation_id is None:
        abort(403, message="Only a trust's account has authorised tools and alerts.")
    return user


def _published(slug: str) -> Product:
    product = products.get_by_slug(db.session(), slug)
    if product is None or products.visible_version(product, None) is None:
        abort(404, message=f"No published product has the slug {slug!r}.", errors={"product": ["Unknown or unpublished product."]})
    return product


def describe_authorisation(record: Authorisation) -> dict[str, Any]:
    session = db.session()
    product = session.get(Product, record.product_id)
    return {
        **{k: getattr(record, k) for k in ("id", "purposes", "users", "dpia_status", "notes", "version_number", "seen", "authorised_at")},
        "product": product.slug,
        "name": product.published_version.name if product.published_version else product.latest_version.name,
        "supplier": product.supplier.name,
        "open_alerts": len(assurance.open_alerts_for(session, record)),
    }


def describe_alert(alert: Alert, record: Authorisation) -> dict[str, Any]:
    product = db.session().get(Product, record.product_id)
    return {**{k: getattr(alert, k) for k in ("id", "from_version", "to_version", "changes", "created_at")},
            "product": product.slug, "name": product.latest_version.name}


@blp.route("/authorisations")
class Authorisations(MethodView):
    @blp.response(200, AuthorisationListSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.doc(security=BEARER)
    def get(self) -> dict[str, Any]:
        """Your trust's authorised AI tools: the policy table."""
        user = _trust_user()
        return {"items": [describe_authorisation(r) for r in assurance.active_authorisations(db.session(), trust_id=user.organisation_id)]}

    @blp.arguments(AuthorisationRequestSchema)
    @blp.response(201, AuthorisationSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(security=BEARER)
    def post(self, body: dict[str, Any]) -> Any:
        """Authorise a published product for named purposes and users; replaces an earlier authorisation of it."""
        user = _trust_user()
        product = _published(body.pop("product"))
        record = assurance.authorise(db.session(), user=user, product=product, **body)
        _commit()
        return describe_authorisation(record), 201


@blp.route("/authorisations/<int(max=2147483647):authorisation_id>")
class AuthorisationItem(MethodView):
    @blp.response(200, AuthorisationSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(security=BEARER)
    def delete(self, authorisation_id: int) -> dict[str, Any]:
        """Withdraw your trust's authorisation of a tool."""
        user = _trust_user()
        record = db.session().get(Authorisation, authorisation_id)
        if record is None or record.trust_id != user.organisation_id or record.revoked_at is not None:
            abort(404, message="Your trust has no such authorisation.")
        assurance.revoke(db.session(), user=user, record=record)
        _commit()
        return describe_authorisation(record)


@blp.route("/alerts")
class Alerts(MethodView):
    @blp.response(200, AlertListSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.doc(security=BEARER)
    def get(self) -> dict[str, Any]:
        """Changes to tools your trust authorised, side by side, until acknowledged or re-authorised."""
        user = _trust_user()
        return {"items": [describe_alert(a, r) for a, r in assurance.open_alerts(db.session(), trust_id=user.organisation_id)]}


@blp.route("/alerts/<int(max=2147483647):alert_id>/acknowledgement")
class AlertAcknowledgement(MethodView):
    @blp.response(200, AlertListSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(security=BEARER)
    def post(self, alert_id: int) -> dict[str, Any]:
        """Acknowledge an alert: you have seen the change. Returns your remaining open alerts."""
        user = _trust_user()
        session = db.session()
        alert = session.get(Alert, alert_id)
        record = session.get(Authorisation, alert.authorisation_id) if alert else None
        if alert is None or record.trust_id != user.organisation_id or alert.acknowledged_at is not None:
            abort(404, message="Your trust has no such open alert.")
        assurance.acknowledge(session, user=user, alert=alert)
        _commit()
        return {"items": [describe_alert(a, r) for a, r in assurance.open_alerts(session, trust_id=user.organisation_id)]}


@blp.route("/products/<slug>/verifications")
class Verifications(MethodView):
    @blp.arguments(VerificationRequestSchema)
    @blp.response(201, ProductSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(security=BEARER)
    def post(self, body: dict[str, Any], slug: str) -> Any:
        """Mark a criterion's evidence as verified, with a note and a link to the evidence (evaluators)."""
        user = require_user()
        product = products.get_by_slug(db.session(), slug)
        if product is None or products.visible_version(product, user) is None:
            abort(404, message=f"No product has the slug {slug!r}.")
        version = product.version(body["version"]) if body["version"] else (product.published_version or product.latest_version)
        if version is None:
            abort(404, message=f"{slug} has no version {body['version']}.")
        assurance.verify(db.session(), user=user, version=version, evaluator_id=body["evaluator"], criterion_id=body["criterion"],
                         note=body["note"], evidence_url=body["evidence_url"])
        _commit()
        return products.describe(db.session(), product, version, url=_page_url(slug), show_unpublished=True), 201
