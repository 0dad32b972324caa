"""Trust pages: authorise a tool, the authorised-tools list (the AI policy table) and its exports, alerts, comparison."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from catalogue import assurance, db, products, registry, vocab
from catalogue.exports import safe_cell
from catalogue.models import Alert, Authorisation, Product
from catalogue.problems import ProductProblem
from catalogue.web import bp, web_user


def _trust_user() -> Any:
    user = web_user()
    if user is None or user.role != "trust" or user.organisation_id is None:
        abort(403)
    return user


def policy_rows(user: Any) -> list[dict[str, Any]]:
    """The trust's authorised tools as its AI policy lists them (supplier/system, purposes, users)."""
    session = db.session()
    rows = []
    for record in assurance.active_authorisations(session, trust_id=user.organisation_id):
        product = session.get(Product, record.product_id)
        rows.append({
            "record": record,
            "product": product,
            "system": f"{product.supplier.name} — {product.published_version.name if product.published_version else product.latest_version.name}",
            "purposes": ", ".join(vocab.AUTHORISED_PURPOSES.label(p) for p in record.purposes),
            "users": ", ".join(record.users),
            "dpia": vocab.DPIA_PROGRESS.label(record.dpia_status),
            "alerts": len(assurance.open_alerts_for(session, record)),
        })
    return rows


@bp.get("/trust")
@login_required
def trust_dashboard() -> Any:
    user = _trust_user()
    alerts = [(alert, db.session().get(Product, record.product_id)) for alert, record in assurance.open_alerts(db.session(), trust_id=user.organisation_id)]
    return render_template("trust_dashboard.html", rows=policy_rows(user), alerts=alerts, organisation=user.organisation)


@bp.get("/trust/authorised/print")
@login_required
def authorised_print() -> Any:
    user = _trust_user()
    return render_template("authorised_print.html", rows=policy_rows(user), organisation=user.organisation)


@bp.get("/trust/authorised.csv")
@login_required
def authorised_csv() -> Response:
    user = _trust_user()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Supplier/system", "Authorised purpose", "Authorised users", "DPIA", "Authorised on", "Version seen", "Page"])
    for row in policy_rows(user):
        writer.writerow([safe_cell(v) for v in (row["system"], row["purposes"], row["users"], row["dpia"],
                                                row["record"].authorised_at.date().isoformat(), row["record"].version_number,
                                                url_for("web.product", slug=row["product"].slug, _external=True))])
    return Response(buffer.getvalue(), mimetype="text/csv", headers={"Content-Disposition": 'attachment; filename="authorised-ai-tools.csv"'})


@bp.get("/trust/authorised.md")
@login_required
def authorised_markdown() -> Response:
    user = _trust_user()

    def cell(text: Any) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    lines = [f"# Authorised AI tools — {user.organisation.name}", "",
             "| Supplier/system | Authorised purpose | Authorised users | DPIA |", "|---|---|---|---|"]
    lines += [f"| {cell(r['system'])} | {cell(r['purposes'])} | {cell(r['users'])} | {cell(r['dpia'])} |" for r in policy_rows(user)]
    return Response("\n".join(lines) + "\n", mimetype="text/markdown",
                    headers={"Content-Disposition": 'attachment; filename="authorised-ai-tools.md"'})


@bp.post("/products/<slug>/authorise")
@login_required
def authorise(slug: str) -> Any:
    user = _trust_user()
    session = db.session()
    product = products.get_by_slug(session, slug)
    if product is None or products.visible_version(product, None) is None:
        abort(404)
    purposes = request.form.getlist("purposes") + [p.strip() for p in request.form.get("other_purposes", "").split(",") if p.strip()]
    users = [u.strip() for u in request.form.get("users", "").split(",") if u.strip()]
    errors = {}
    if not purposes:
        errors["purposes"] = ["Choose at least one purpose, or write your own."]
    if not users:
        errors["users"] = ["Say who may use it, e.g. staff, pupils, Year 10."]
    dpia_status = request.form.get("dpia_status", "not_started")
    if dpia_status not in vocab.DPIA_PROGRESS:
        errors["dpia_status"] = ["Choose the DPIA's progress."]
    if errors:
        flash("The tool was not authorised: " + " ".join(m for ms in errors.values() for m in ms))
        return redirect(url_for("web.product", slug=slug, _anchor="authorise"), code=303)
    try:
        assurance.authorise(session, user=user, product=product, purposes=purposes, users=users, dpia_status=dpia_status,
                            notes=request.form.get("notes", "")[:2000])
    except ProductProblem as exc:
        abort(exc.status)
    session.commit()
    flash(f"Authorised {product.published_version.name} for your trust.")
    return redirect(url_for("web.trust_dashboard"), code=303)


@bp.post("/trust/alerts/<int(max=2147483647):alert_id>/acknowledge")
@login_required
def acknowledge_alert(alert_id: int) -> Any:
    user = _trust_user()
    session = db.session()
    alert = session.get(Alert, alert_id)
    record = session.get(Authorisation, alert.authorisation_id) if alert else None
    if alert is None or record.trust_id != user.organisation_id:
        abort(404)
    assurance.acknowledge(session, user=user, alert=alert)
    session.commit()
    flash("Alert acknowledged.")
    return redirect(url_for("web.trust_dashboard"), code=303)


@bp.get("/compare")
def compare() -> Any:
    slugs = list(dict.fromkeys(request.args.getlist("product")))
    session = db.session()
    found = [(p, products.visible_version(p, None)) for p in (products.get_by_slug(session, s) for s in slugs) if p is not None]
    found = [(p, v) for p, v in found if v is not None]
    if not 2 <= len(found) <= 4:
        return render_template("compare.html", columns=[], criteria=[], error="Choose between 2 and 4 published products to compare."), 400
    columns = [{"product": p, "version": v, **products.judgements(session, v)} for p, v in found]
    return render_template("compare.html", columns=columns, criteria=_differing_criteria(columns), error=None,
                           evaluators=registry.current().evaluators)


def _differing_criteria(columns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Criteria whose outcome is not the same for every product compared."""
    outcomes: dict[tuple[str, str], dict[str, Any]] = {}
    for index, column in enumerate(columns):
        for evaluation in column["evaluations"]:
            for criterion in evaluation["criteria"]:
                key = (evaluation["evaluator_id"], criterion["id"])
                row = outcomes.setdefault(key, {"evaluator": evaluation["name"], "id": criterion["id"], "title": criterion["title"],
                                                "outcomes": [None] * len(columns)})
                row["outcomes"][index] = criterion["outcome"]
    return [row for row in outcomes.values() if len(set(row["outcomes"])) > 1]



@bp.post("/trust/authorisations/<int(max=2147483647):authorisation_id>/revoke")
@login_required
def revoke_authorisation(authorisation_id: int) -> Any:
    user = _trust_user()
    session = db.session()
    record = session.get(Authorisation, authorisation_id)
    if record is None or record.trust_id != user.organisation_id or record.revoked_at is not None:
        abort(404)
    assurance.revoke(session, user=user, record=record)
    session.commit()
    flash("The tool is no longer authorised for your trust.")
    return redirect(url_for("web.trust_dashboard"), code=303)
