"""Server-rendered pages: plain HTML that works without JavaScript."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Flask, abort, current_app, render_template, request, url_for
from flask_login import current_user
from marshmallow import ValidationError
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import MultiDict

from catalogue import db, listing, permissions, products, questionnaire, registry, search, vocab
from catalogue.schemas import SearchArgsSchema, flatten_errors

bp = Blueprint("web", __name__)

VOCABULARIES = {v.name: v for v in vocab.ALL}


def init_app(app: Flask) -> None:
    # The page modules add their routes to ``bp`` when imported.
    from catalogue.web import auth, dpia, exports, profiles, review, supplier, trust  # noqa: F401

    app.register_blueprint(bp)
    app.jinja_env.filters["label"] = label
    app.jinja_env.filters["answer"] = questionnaire.format_answer
    app.jinja_env.filters["option_pair"] = lambda option: (option, option.replace("_", " ").capitalize())
    app.context_processor(
        lambda: {
            "demo_banner": current_app.config["DEMO_BANNER"],
            "vocab": vocab,
            "url_with": url_with,
            "url_without": url_without,
            "vocab_facet_labels": {facet.name: facet.label for facet in search.FACETS},
            "sort_labels": search.sort_label,
        }
    )


def web_user() -> Any:
    """The signed-in user of this page request, or None."""
    return current_user if current_user.is_authenticated else None


def label(value: Any, vocabulary: str) -> str:
    """A controlled value's human label, e.g. ``"ks2" | label("key_stages")``."""
    return VOCABULARIES[vocabulary].label(value)


def _search_args() -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The register's query string, validated by the API's schema; bad parts are reported, not fatal."""
    schema = SearchArgsSchema()
    try:
        return schema.load(MultiDictProxy(request.args, schema)), {}
    except ValidationError as exc:
        # Show what can be shown; say what was wrong next to the control that sent it.
        valid = {k: v for k, v in (exc.valid_data or {}).items() if k not in exc.messages}
        return schema.load(MultiDictProxy(MultiDict(_only(valid)), schema)), flatten_errors(exc.messages)


def _only(valid: dict[str, Any]) -> list[tuple[str, Any]]:
    pairs = []
    for key, value in valid.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((key, item))
    return pairs


def url_with(**changes: Any) -> str:
    """This page's URL with some parameters replaced (None removes one); used for paging and sorting."""
    args = MultiDict(request.args)
    for key, value in changes.items():
        args.poplist(key)
        if value is not None:
            args.add(key, value)
    return _url(args)


def url_without(key: str, value: str) -> str:
    """This page's URL with one filter value removed (the "remove" link on a selected filter)."""
    args = MultiDict([(k, v) for k, v in request.args.items(multi=True) if not (k == key and v == value) and k != "page"])
    return _url(args)


def _url(args: MultiDict) -> str:
    query = urlencode(list(args.items(multi=True)))
    return url_for(request.endpoint, **(request.view_args or {})) + (f"?{query}" if query else "")


@bp.get("/")
def register() -> str:
    args, errors = _search_args()
    try:
        answer = listing.query(args)
    except search.QuerySyntaxError as exc:
        errors["q"] = [str(exc)]
        answer = listing.query({key: value for key, value in args.items() if key != "q"})
    except listing.UnknownProfile as exc:
        errors["profile"] = [str(exc)]
        answer = listing.query({key: value for key, value in args.items() if key != "profile"})
    return render_template(
        "register.html",
        answer=answer,
        params=answer.params,
        results=answer.results,
        facets=answer.facets,
        errors=errors,
        evaluators=registry.current().evaluators,
        sorts=search.current().sorts(),
    )


@bp.get("/products/<slug>")
def product(slug: str) -> str:
    session = db.session()
    entry = products.get_by_slug(session, slug)
    viewer = web_user()
    version = products.visible_version(entry, viewer) if entry else None
    if entry is None or version is None:
        abort(404)
    requested = request.args.get("version", type=int)
    if requested is not None and requested != version.number:
        older = entry.version(requested)
        # The public sees published versions only; drafts stay with their supplier.
        if older is None or (older.status != "published" and not permissions.can_read_unpublished(viewer, entry)):
            abort(404)
        version = older
    judgements = products.judgements(session, version)
    return render_template(
        "product.html",
        product=entry,
        version=version,
        history=products.visible_history(entry, show_unpublished=permissions.can_read_unpublished(viewer, entry)),
        questions=registry.current().questions,
        criteria_by_question=_criteria_by_question(judgements["evaluations"]),
        scorecard_rows=[("Overall", judgements["overall"].score, judgements["overall"].band)]
        + [(e["name"], e["score"], e["band"]) for e in judgements["evaluations"] if e["status"] == "complete"],
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
