"""The supplier's pages: their entries, drafts, and the entry form with the evaluators' questionnaire.

The form submits through the same schema and logic layer as the API. A draft
is saved exactly as typed (nothing checked) so a supplier can come back to it;
"Preview" checks the entry and shows the category and scores it would get,
without storing anything; "Submit for review" stores a new version.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from marshmallow import ValidationError
from sqlmodel import select

from catalogue import classification, db, evaluation, imports, permissions, products, registry, review, search
from catalogue.contract import ProductSnapshot
from catalogue.models import Draft, Product, utcnow
from catalogue.overall import band_for
from catalogue.schemas import ENTRY_FIELDS, flatten_errors
from catalogue.web import bp, web_user

LIST_FIELDS = ("intended_users", "phases", "key_stages")
LINES_FIELDS = ("ai_models", "subjects")  # one item per line in a textarea
INTEGER_FIELDS = ("age_min", "age_max")


def _require_supplier() -> Any:
    user = web_user()
    if not permissions.can_create_products(user):
        abort(403)
    return user


def entry_from_form(form: Any) -> dict[str, Any]:
    """The posted form as a product entry (numbers as numbers; blanks left out so the schema names them)."""
    entry: dict[str, Any] = {}
    for name in ENTRY_FIELDS:
        if name in LIST_FIELDS:
            entry[name] = form.getlist(name)
        elif name in LINES_FIELDS:
            entry[name] = [line.strip() for line in form.get(name, "").splitlines() if line.strip()]
        elif name in INTEGER_FIELDS:
            value = form.get(name, "").strip()
            if value:
                entry[name] = int(value) if value.lstrip("-").isdigit() else value
        elif name == "answers":
            entry["answers"] = _answers_from_form(form)
        elif form.get(name, "").strip():
            entry[name] = form.get(name)
    return entry


def _answers_from_form(form: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for question_id, (_, question) in registry.current().questions.items():
        key = f"answer.{question_id}"
        if question.type == "multi":
            if form.getlist(key):
                answers[question_id] = form.getlist(key)
            continue
        value = form.get(key, "").strip()
        if not value:
            continue
        if question.type == "yes_no":
            answers[question_id] = {"yes": True, "no": False}.get(value, value)
        elif question.type == "number":
            try:
                answers[question_id] = float(value) if "." in value else int(value)
            except ValueError:
                answers[question_id] = value  # reported by the questionnaire check
        else:
            answers[question_id] = value
    return answers


def _questionnaire() -> list[Any]:
    return list(registry.current().evaluators.values())


def _render_form(entry: dict[str, Any], *, errors: dict[str, list[str]] | None = None, product: Product | None = None,
                 draft: Draft | None = None, preview: dict[str, Any] | None = None, status: int = 200) -> Any:
    page = render_template(
        "supplier_form.html", entry=entry, errors=errors or {}, product=product, draft=draft, preview=preview,
        evaluators=_questionnaire(),
    )
    return page, status


@bp.get("/supplier")
@login_required
def supplier_dashboard() -> Any:
    user = _require_supplier()
    session = db.session()
    owned = [p for p in session.exec(select(Product).order_by(Product.updated_at.desc())) if permissions.can_edit(user, p)]
    drafts = session.exec(select(Draft).where(Draft.created_by_id == user.id).order_by(Draft.updated_at.desc())).all()
    return render_template("supplier_dashboard.html", products=owned, drafts=drafts)


@bp.get("/supplier/products/new")
@login_required
def new_entry() -> Any:
    _require_supplier()
    draft = _own_draft(request.args.get("draft", type=int)) if request.args.get("draft") else None
    product = db.session().get(Product, draft.product_id) if draft and draft.product_id else None
    return _render_form(draft.data if draft else {}, draft=draft, product=product)


@bp.get("/supplier/products/<slug>/edit")
@login_required
def edit_entry(slug: str) -> Any:
    user = _require_supplier()
    product = products.get_by_slug(db.session(), slug)
    if product is None or not permissions.can_edit(user, product):
        abort(404)
    return _render_form(products.entry_of(product.latest_version), product=product)


def _own_draft(draft_id: int | None) -> Draft:
    draft = db.session().get(Draft, draft_id) if draft_id else None
    if draft is None or draft.created_by_id != web_user().id:
        abort(404)
    return draft


@bp.post("/supplier/products")
@login_required
def save_entry() -> Any:
    user = _require_supplier()
    session = db.session()
    entry = entry_from_form(request.form)
    product = products.get_by_slug(session, request.form.get("product", "")) if request.form.get("product") else None
    if product is not None and not permissions.can_edit(user, product):
        abort(404)
    draft = _own_draft(request.form.get("draft", type=int)) if request.form.get("draft") else None
    action = request.form.get("action", "submit")

    if action == "save_draft":
        if draft is None:
            organisation_id = product.supplier_id if product else user.organisation_id
            draft = Draft(organisation_id=organisation_id, product_id=product.id if product else None, created_by_id=user.id)
        draft.data, draft.updated_at = entry, utcnow()
        session.add(draft)
        session.commit()
        flash("Draft saved. Nothing is checked or published until you submit it.")
        return redirect(url_for("web.supplier_dashboard"), code=303)

    try:
        if product is not None:
            changes = {k: v for k, v in entry.items() if k != "supplier"}
            validated = products.validate_entry(products.entry_of(product.latest_version) | changes)
        else:
            validated = products.validate_entry(entry)
    except ValidationError as exc:
        return _render_form(entry, errors=flatten_errors(exc.messages), product=product, draft=draft, status=422)

    if action == "preview":
        return _render_form(entry, product=product, draft=draft, preview=_preview(validated))

    try:
        if product is None:
            supplier = products.resolve_supplier(session, user, validated.get("supplier"))
            product = products.create_product(session, actor=user, supplier=supplier, entry=validated)
        else:
            products.update_product(session, actor=user, product=product, changes=changes)
    except products.ProductProblem as exc:
        session.rollback()
        return _render_form(entry, errors=exc.errors or {"_body": [exc.message]}, product=product, draft=draft, status=exc.status)
    if draft is not None:
        session.delete(draft)
    session.commit()
    search.current().catch_up(session)
    flash("Submitted for review. A reviewer will publish it or tell you what to change.")
    return redirect(url_for("web.product", slug=product.slug), code=303)


def _preview(entry: dict[str, Any]) -> dict[str, Any]:
    """The category and scores the entry would get, computed without storing anything."""
    installed = registry.current()
    snapshot = ProductSnapshot.from_entry(entry)
    category = classification.classify(installed, snapshot)
    scores = []
    runner = evaluation.current_runner()
    evaluators = list(installed.evaluators.values())
    for evaluator, run in zip(evaluators, runner.run(evaluators, snapshot), strict=True):
        if run.status == "complete":
            score, red_lines = evaluation.score(evaluator, run.results)
            missing = sum(1 for r in run.results if r.outcome == "unknown")
            scores.append({"name": evaluator.name, "score": score, "band": band_for(score), "red_lines": red_lines, "missing": missing})
        else:
            scores.append({"name": evaluator.name, "score": None, "band": None, "red_lines": (), "missing": 0, "error": run.error})
    explanation = classification.explain(category.category, [classification.signal_as_dict(s) for s in category.signals])
    return {"category": category.category, "explanation": explanation, "scores": scores}


@bp.get("/supplier/import")
@login_required
def import_form() -> Any:
    _require_supplier()
    return render_template("import.html", report=None, error=None)


@bp.post("/supplier/import")
@login_required
def import_upload() -> Any:
    """Bulk upload through the page: the same importer, format and per-row report as the API."""
    user = _require_supplier()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return render_template("import.html", report=None, error="Choose a CSV or JSON file to upload."), 400
    fmt = imports.format_for(filename=upload.filename, media_type=upload.mimetype)
    if fmt is None:
        return render_template("import.html", report=None, error="Upload a .csv, .json or .jsonl file (see the file format)."), 415
    try:
        report = imports.run(db.session(), upload.stream, fmt, user=user)
    except imports.ImportFileError as exc:
        db.session().rollback()
        return render_template("import.html", report=None, error=str(exc)), exc.status
    return render_template("import.html", report=report, error=None)


@bp.post("/supplier/products/<slug>/withdraw")
@login_required
def withdraw_entry(slug: str) -> Any:
    user = _require_supplier()
    session = db.session()
    product = products.get_by_slug(session, slug)
    if product is None or not permissions.can_edit(user, product):
        abort(404)
    reason = request.form.get("reason", "").strip()
    if not reason:
        flash("Nothing was withdrawn: say why the product leaves the register.")
        return redirect(url_for("web.supplier_dashboard"), code=303)
    try:
        review.withdraw(session, actor=user, product=product, reason=reason[:2000])
    except products.ProductProblem as exc:
        flash(f"Nothing was withdrawn: {exc.message}")
        return redirect(url_for("web.supplier_dashboard"), code=303)
    session.commit()
    search.current().catch_up(session)
    flash(f"{product.latest_version.name} was withdrawn from the register. Its history is kept.")
    return redirect(url_for("web.supplier_dashboard"), code=303)


@bp.post("/supplier/drafts/<int(max=2147483647):draft_id>/discard")
@login_required
def discard_draft(draft_id: int) -> Any:
    _require_supplier()
    draft = _own_draft(draft_id)
    db.session().delete(draft)
    db.session().commit()
    flash("Draft discarded.")
    return redirect(url_for("web.supplier_dashboard"), code=303)
