"""/api/v1/imports: bulk submission of product entries from a CSV, JSON or JSON Lines file.

The file format is described in docs/import-format.md; the logic is in
``catalogue.imports``, shared with ``catalogue import FILE``.
"""

from __future__ import annotations

from typing import IO, Any

from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields
from werkzeug.exceptions import RequestEntityTooLarge

from catalogue import db, imports, permissions, registry
from catalogue.api.auth import require_user

blp = Blueprint(
    "imports",
    __name__,
    url_prefix="/api/v1/imports",
    description="Bulk submission: many product entries in one CSV, JSON or JSON Lines file (docs/import-format.md).",
)

BEARER = [{"bearerAuth": []}]
_FILE_BODY = {"type": "string", "format": "binary"}
REQUEST_BODY = {
    "required": True,
    "description": (
        "The file, as a multipart form field named `file`, or as the raw request body with the content type "
        "of its format. CSV: one row per product, a header naming the columns (GET /api/v1/imports/template.csv). "
        "JSON: an array of product objects as POST /api/v1/products takes them, each with an `external_ref`; "
        "JSON Lines: one such object per line."
    ),
    "content": {
        "multipart/form-data": {"schema": {"type": "object", "properties": {"file": _FILE_BODY}, "required": ["file"]}},
        "text/csv": {"schema": {"type": "string"}},
        "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
        "application/x-ndjson": {"schema": {"type": "string"}},
    },
}


class ImportProblemSchema(Schema):
    field = fields.String(metadata={"description": "The column (CSV) or field (JSON) at fault; `_row` for the row as a whole."})
    problem = fields.String(metadata={"description": "What is wrong."})
    fix = fields.String(metadata={"description": "What to do about it."})


class ImportRowSchema(Schema):
    row = fields.Integer(metadata={"description": "CSV: the spreadsheet row (the header is row 1). JSON: the item's position (from 1). JSON Lines: the line."})
    external_ref = fields.String(allow_none=True, metadata={"description": "The row's own reference for the product."})
    status = fields.String(metadata={"description": "created, updated (a new version), unchanged, or failed (nothing stored)."})
    slug = fields.String(allow_none=True, metadata={"description": "The product's slug, when the row was stored."})
    errors = fields.List(fields.Nested(ImportProblemSchema))


class ImportReportSchema(Schema):
    """What happened to every row; rows that failed stored nothing, the others were stored."""

    format = fields.String(metadata={"description": "csv, json or jsonl."})
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    failed = fields.Integer()
    rows = fields.List(fields.Nested(ImportRowSchema))


def _too_large() -> None:
    limit = current_app.config["IMPORT_MAX_BYTES"]
    abort(
        413,
        message=f"The file is larger than the import limit of {limit:,} bytes. Split it into smaller files and upload each.",
        errors={"file": [f"At most {limit:,} bytes (CATALOGUE_IMPORT_MAX_BYTES)."]},
    )


def _unsupported() -> None:
    abort(
        415,
        message=(
            "Send a CSV (text/csv), JSON (application/json) or JSON Lines (application/x-ndjson) file, "
            "as the raw body or as a multipart form field named 'file'."
        ),
        errors={"file": ["Name the file .csv, .json or .jsonl, or send it with one of those content types."]},
    )


def _upload() -> tuple[IO[bytes], str]:
    """The uploaded file's bytes and its format; aborts with 400, 413 or 415."""
    if request.content_length is not None and request.content_length > current_app.config["IMPORT_MAX_BYTES"]:
        _too_large()
    media_type = request.mimetype
    if media_type == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            abort(400, message="Send the file in a multipart form field named 'file'.", errors={"file": ["No file was sent."]})
        fmt = imports.format_for(media_type=upload.mimetype, filename=upload.filename)
        if fmt is None:
            _unsupported()
        return upload.stream, fmt
    fmt = imports.format_for(media_type=media_type)
    if fmt is None:
        _unsupported()
    return request.stream, fmt


@blp.route("")
class ImportCollection(MethodView):
    @blp.doc(security=BEARER, requestBody=REQUEST_BODY)
    @blp.response(200, ImportReportSchema)
    @blp.alt_response(400, response="BAD_REQUEST")
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
    @blp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def post(self) -> dict[str, Any]:
        """Import many product entries at once (suppliers and associations).

        Each row is checked on its own with the same rules as POST /api/v1/products,
        and the report lists every row: `created`, `updated` (a new version, status
        `submitted`), `unchanged`, or `failed` with each problem and what to do about
        it. Valid rows are stored even when others fail. Rows are matched on supplier
        and `external_ref`, so sending the same file again changes nothing.

        A supplier imports its own products; an association imports for its member
        suppliers (a supplier it names that does not exist yet becomes a new member).
        A file that cannot be read at all (not UTF-8, broken CSV quoting or JSON
        syntax, missing columns) is refused whole with 400 or 422, and nothing is stored.
        """
        user = require_user()
        if not permissions.can_create_products(user):
            abort(403, message=f"A {user.role} account cannot submit products; supplier and association accounts can.")
        try:
            stream, fmt = _upload()
            report = imports.run(db.session(), stream, fmt, user=user)
        except RequestEntityTooLarge:
            db.session().rollback()
            _too_large()
        except imports.ImportFileError as exc:
            db.session().rollback()
            abort(exc.status, message=exc.message, errors=exc.errors)
        return report.as_dict()


@blp.route("/template.csv")
class ImportTemplate(MethodView):
    @blp.response(
        200,
        {"type": "string"},
        content_type="text/csv",
        description="The CSV header (every column the import reads) and one example row.",
    )
    def get(self) -> Response:
        """The CSV template for bulk imports, built from the entry fields and the installed evaluators' questions."""
        return Response(
            imports.template_csv(registry.current()),
            mimetype="text/csv",
            headers={"Content-Disposition": 'attachment; filename="catalogue-import-template.csv"'},
        )
