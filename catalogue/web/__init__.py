"""Server-rendered pages: plain HTML that works without JavaScript."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, abort, current_app, render_template, request

from catalogue import db, products, questionnaire, registry, vocab

bp = Blueprint("web", __name__)

VOCABULARIES = {v.name: v for v in vocab.ALL}


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.filters["label"] = label
    app.jinja_env.filters["answer"] = questionnaire.format_answer
    app.context_processor(lambda: {"demo_banner": current_app.config["DEMO_BANNER"], "vocab": vocab})


def label(value: Any, vocabulary: str) -> str:
    """A controlled value's human label, e.g. ``"ks2" | label("key_stages")``."""
    return VOCABULARIES[vocabulary].label(value)


def _int_arg(name: str, default: int) -> int:
    # A mangled page number in a bookmarked URL shows the first page, not an error.
    value = request.args.get(name, type=int)
    return value if value is not None and 1 <= value <= 100_000 else default


@bp.get("/")
def register() -> str:
    per_page = current_app.config["PER_PAGE_DEFAULT"]
    page = products.list_published(db.session(), page=_int_arg("page", 1), per_page=per_page)
    return render_template("register.html", page=page)


@bp.get("/products/<slug>")
def product(slug: str) -> str:
    session = db.session()
    entry = products.get_by_slug(session, slug)
    version = products.visible_version(entry, None) if entry else None
    if entry is None or version is None:
        abort(404)
    requested = request.args.get("version", type=int)
    if requested is not None and requested != version.number:
        older = entry.version(requested)
        # The public sees published versions only; drafts stay with their supplier.
        if older is None or older.status != "published":
            abort(404)
        version = older
    judgements = products.judgements(session, version)
    return render_template(
        "product.html",
        product=entry,
        version=version,
        history=products.visible_history(entry, show_unpublished=False),
        questions=registry.current().questions,
        criteria_by_question=_criteria_by_question(judgements["evaluations"]),
        **judgements,
    )


def _criteria_by_question(evaluations: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Which criteria each answer fed, so the page can show the link."""
    fed: dict[str, list[str]] = {}
    for evaluation in evaluations:
        for criterion in evaluation["criteria"]:
            for question_id in criterion["questions"]:
                fed.setdefault(question_id, []).append(criterion["id"])
    return fed


@bp.get("/evaluators")
def evaluators() -> str:
    installed = registry.current()
    return render_template("evaluators.html", evaluators=installed.evaluators.values(), broken=installed.broken)
