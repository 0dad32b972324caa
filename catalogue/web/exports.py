"""Downloads of the register's current result set (the same filters as the page)."""

from __future__ import annotations

from flask import Response, abort, request

from catalogue import exports, listing, registry, search
from catalogue.web import _search_args, bp


def _answer() -> tuple[listing.Answer, dict]:
    """The results to export. A filter that cannot be applied refuses the export rather than
    quietly exporting more than the user asked for."""
    args, errors = _search_args()
    args["page"], args["per_page"] = 1, exports.EXPORT_LIMIT
    try:
        if errors:
            raise ValueError("; ".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items()))
        answer = listing.query(args, per_page=exports.EXPORT_LIMIT)
    except (ValueError, search.QuerySyntaxError, listing.UnknownProfile) as exc:
        abort(400, description=f"Nothing was exported, because a filter could not be applied: {exc} Correct the search and export again.")
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
