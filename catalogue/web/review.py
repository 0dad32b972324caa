"""The reviewer's queue page: publish or reject submitted versions."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from catalogue import db, permissions, products, review, search
from catalogue.web import bp, web_user


def _require_reviewer() -> Any:
    user = web_user()
    if not permissions.can_review(user):
        abort(403)
    return user


@bp.get("/review")
@login_required
def review_queue() -> Any:
    _require_reviewer()
    return render_template("review_queue.html", items=review.queue(db.session()), errors={})


@bp.post("/review/<slug>/<int(max=2147483647):number>")
@login_required
def review_decide(slug: str, number: int) -> Any:
    reviewer = _require_reviewer()
    session = db.session()
    product = products.get_by_slug(session, slug)
    version = product.version(number) if product else None
    if version is None:
        abort(404)
    decision, reason = request.form.get("decision", ""), request.form.get("reason", "").strip()
    try:
        review.decide(session, reviewer=reviewer, product=product, version=version, decision=decision, reason=reason)
    except products.ProductProblem as exc:
        session.rollback()
        errors = {f"{slug}-{number}": [exc.message]}
        return render_template("review_queue.html", items=review.queue(session), errors=errors), exc.status
    session.commit()
    search.current().catch_up(session)
    flash(f"{version.name} version {number} {'published' if decision == 'publish' else 'rejected'}.")
    return redirect(url_for("web.review_queue"), code=303)
