"""Downloads of the register's current result set (the same filters as the page)."""

from __future__ import annotations

from flask import Response, request

from catalogue import exports, listing, registry, search
from catalogue.web import _search_args, bp


def _answer() -> tuple[listing.Answer, dict]:
    args, errors = _search_args()
    if errors:
        args = {key: value for key, value in args.items() if key not in errors}
    args["page"], args["per_page"] = 1, exports.EXPORT_LIMIT
    try:
        answer = listing.query(args, per_page=exports.EXPORT_LIMIT)
    except (search.QuerySyntaxError, listing.UnknownProfile):
        answer = listing.query({"page": 1, "per_page": exports.EXPORT_LIMIT}, per_page=exports.EXPORT_LIMIT)
    return answer, exports.describe_filters(args)


def _download(body: str, mimetype: str, extension: str) -> Response:
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="ai-register-export.{extension}"'})


@bp.get("/export.csv")
def export_csv() -> Response:
    answer, filters = _answer()
    body = exports.to_csv(answer, filters, list(registry.current().evaluators), request.host_url.rstrip("/"))
    return _download(body, "text/csv", "csv")


@bp.get("/export.json")
def export_json() -> Response:
    answer, filters = _answer()
    return _download(exports.to_json(answer, filters, request.host_url.rstrip("/")), "application/json", "json")
