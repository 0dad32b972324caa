"""DPIA pages: the starter for every product, suppliers' own DPIA and DPA documents, and trusts' own versions.

The starter is built from public information (the published entry and the
evaluators' findings), so anyone can read and download it. A supplier attaches
its own DPIA document and data processing agreement; a trust adds its context
(schools, pupils, consultation, local risks, DPO sign-off) and saves it as a
numbered version only that trust can see.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath
from typing import Any

from flask import Response, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import login_required
from marshmallow import ValidationError
from sqlmodel import select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import secure_filename

from catalogue import audit, db, dpia, permissions, products
from catalogue.models import Product, ProductVersion, SupplierDocument, TrustDpia
from catalogue.schemas import flatten_errors
from catalogue.web import bp, web_user

DOCUMENT_KINDS = {"dpia": "DPIA", "dpa": "Data processing agreement"}
# Allowed extensions and the content type each is stored and served with (never the client's claim).
DOCUMENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".md": "text/markdown; charset=utf-8",
    ".markdown": "text/markdown; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
RISK_ROWS_BLANK = 2
TEXT_FIELDS = ("purpose", "schools", "pupils", "alternatives", "consultation", "dpo_name", "dpo_advice", "decision",
               "decision_date", "review_date")


# --- Helpers ---------------------------------------------------------------------------------


def _product(slug: str) -> Product:
    product = products.get_by_slug(db.session(), slug)
    if product is None:
        abort(404)
    return product


def _starter_version(product: Product) -> ProductVersion:
    """The published version; a supplier (or oversight) sees its latest before anything is published."""
    if product.withdrawn_at is None and product.published_version is not None:
        return product.published_version
    if permissions.can_read_unpublished(web_user(), product):
        return product.latest_version
    abort(404)


def _trust_user() -> Any:
    user = web_user()
    if user is None or user.role != "trust" or user.organisation_id is None:
        abort(403)
    return user


def _download(body: str, filename: str) -> Response:
    return Response(body, mimetype="text/markdown", headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _render_starter(product: Product, version: ProductVersion, *, errors: dict[str, list[str]] | None = None,
                    status: int = 200) -> Any:
    session = db.session()
    document = dpia.starter(session, product, version)
    viewer = web_user()
    page = render_template(
        "dpia.html",
        document=document,
        product=product,
        version=version,
        trust_dpia=None,
        can_upload=permissions.can_edit(viewer, product),
        is_trust=viewer is not None and viewer.role == "trust" and viewer.organisation_id is not None,
        errors=errors or {},
        kinds=DOCUMENT_KINDS,
        sources=dpia.SOURCE_HELP,
        topics=dpia.POLICY_TOPICS,
        decisions=dpia.DECISIONS,
        max_mb=current_app.config["DOCUMENT_MAX_BYTES"] // (1024 * 1024),
    )
    return page, status


# --- The starter -----------------------------------------------------------------------------


@bp.get("/products/<slug>/dpia")
def dpia_starter(slug: str) -> Any:
    product = _product(slug)
    return _render_starter(product, _starter_version(product))


@bp.get("/products/<slug>/dpia.md")
def dpia_starter_markdown(slug: str) -> Response:
    product = _product(slug)
    version = _starter_version(product)
    document = dpia.starter(db.session(), product, version)
    return _download(dpia.to_markdown(document), f"dpia-starter-{product.slug}-v{version.number}.md")


# --- Suppliers' own documents ----------------------------------------------------------------


def sniff(filename: str, content: bytes) -> str | None:
    """The content type to store, if the extension is allowed and the bytes are what it claims; else None."""
    extension = PurePath(filename.lower()).suffix
    content_type = DOCUMENT_TYPES.get(extension)
    if content_type is None:
        return None
    if extension == ".pdf":
        return content_type if content.startswith(b"%PDF-") else None
    if extension in (".docx", ".odt"):
        if not content.startswith(b"PK\x03\x04"):
            return None
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
                if extension == ".docx":
                    return content_type if "word/document.xml" in names else None
                mimetype = archive.read("mimetype").strip() if "mimetype" in names else b""
                return content_type if mimetype == b"application/vnd.oasis.opendocument.text" else None
        except (zipfile.BadZipFile, KeyError, OSError, ValueError):
            return None
    # Markdown and plain text: UTF-8 text with no control characters other than whitespace.
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if any(ord(ch) < 32 and ch not in "\t\n\r\f" for ch in text):
        return None
    return content_type


@bp.post("/products/<slug>/documents")
@login_required
def upload_document(slug: str) -> Any:
    product = _product(slug)
    user = web_user()
    if not permissions.can_edit(user, product):
        abort(403)
    version = product.latest_version if product.published_version is None else product.published_version
    limit = f"{current_app.config['DOCUMENT_MAX_BYTES'] // (1024 * 1024)} MB"
    try:
        kind = request.form.get("kind", "")
        upload = request.files.get("file")
    except RequestEntityTooLarge:
        return _render_starter(product, version, errors={"file": [f"The file is larger than {limit}. Upload a smaller file."]}, status=413)
    errors: dict[str, list[str]] = {}
    if kind not in DOCUMENT_KINDS:
        errors["kind"] = ["Choose whether the file is your DPIA or your data processing agreement."]
    if upload is None or not upload.filename:
        errors["file"] = ["Choose a file to upload."]
    if errors:
        return _render_starter(product, version, errors=errors, status=400)
    content = upload.stream.read(current_app.config["DOCUMENT_MAX_BYTES"] + 1)
    if len(content) > current_app.config["DOCUMENT_MAX_BYTES"]:
        return _render_starter(product, version, errors={"file": [f"The file is larger than {limit}. Upload a smaller file."]}, status=413)
    if not content:
        return _render_starter(product, version, errors={"file": ["The file is empty."]}, status=400)
    content_type = sniff(upload.filename, content)
    if content_type is None:
        return _render_starter(product, version, errors={"file": [
            "Upload a PDF, Word (.docx), OpenDocument (.odt), Markdown (.md) or plain text (.txt) file; "
            "this file's name or contents are not one of those."]}, status=415)
    extension = PurePath(upload.filename.lower()).suffix
    filename = secure_filename(upload.filename)[:200] or f"{kind}{extension}"
    if not filename.lower().endswith(extension):
        filename = f"{filename[:190]}{extension}"
    session = db.session()
    document = SupplierDocument(product_id=product.id, kind=kind, filename=filename, content_type=content_type,
                                content=content, uploaded_by_id=user.id)
    session.add(document)
    session.flush()
    audit.record(session, actor=user, action="supplier_document.uploaded", entity=document,
                 detail={"product": product.slug, "kind": kind, "filename": filename, "bytes": len(content)})
    session.commit()
    flash(f"{DOCUMENT_KINDS[kind]} uploaded: {filename}.")
    return redirect(url_for("web.dpia_starter", slug=product.slug) + "#documents", code=303)


@bp.get("/products/<slug>/documents/<int:document_id>")
def download_document(slug: str, document_id: int) -> Response:
    product = _product(slug)
    _starter_version(product)  # the documents are as public as the product
    document = db.session().get(SupplierDocument, document_id)
    if document is None or document.product_id != product.id:
        abort(404)
    response = send_file(io.BytesIO(document.content), mimetype=document.content_type, as_attachment=True,
                         download_name=document.filename, max_age=0)
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


# --- A trust's own DPIA ----------------------------------------------------------------------


def _context_from_form(form: MultiDict) -> dict[str, Any]:
    data: dict[str, Any] = {name: form.get(name, "") for name in TEXT_FIELDS}
    for name in ("decision_date", "review_date"):
        if not data[name].strip():
            data[name] = None
    if not data["decision"]:
        data["decision"] = "pending"
    rows = []
    index = 0
    while f"risks.{index}.text" in form or f"risks.{index}.likelihood" in form:
        row = {key: form.get(f"risks.{index}.{key}", "").strip() for key in ("text", "likelihood", "severity", "mitigation")}
        if any(row.values()):
            # Blank choices are left out so the schema names the missing one.
            rows.append({key: value for key, value in row.items() if value or key in ("text", "mitigation")})
        index += 1
        if index > 50:
            break
    data["risks"] = rows
    return data


def _trust_form(product: Product, user: Any, context: dict[str, Any], errors: dict[str, list[str]], status: int = 200) -> Any:
    session = db.session()
    risks = list(context.get("risks") or [])
    rows = risks + [{} for _ in range(RISK_ROWS_BLANK if len(risks) >= 1 else RISK_ROWS_BLANK + 1)]
    page = render_template(
        "dpia_trust_form.html",
        product=product,
        version=product.published_version,
        context=context,
        rows=rows,
        errors=errors,
        saved=dpia.trust_versions(session, user.organisation_id, product),
        likelihoods=dpia.LIKELIHOODS,
        severities=dpia.SEVERITIES,
        decisions=dpia.DECISIONS,
    )
    return page, status


def _published(product: Product) -> ProductVersion:
    if product.withdrawn_at is not None or product.published_version is None:
        abort(404)
    return product.published_version


@bp.get("/products/<slug>/dpia/trust")
@login_required
def trust_dpia_form(slug: str) -> Any:
    user = _trust_user()
    product = _product(slug)
    _published(product)
    latest = dpia.latest_trust_dpia(db.session(), user.organisation_id, product)
    return _trust_form(product, user, dict(latest.context) if latest else {}, {})


@bp.post("/products/<slug>/dpia/trust")
@login_required
def save_trust_dpia(slug: str) -> Any:
    user = _trust_user()
    product = _product(slug)
    version = _published(product)
    raw = _context_from_form(request.form)
    try:
        context = dpia.load_context(raw)
    except ValidationError as exc:
        shown = {k: ("" if v is None else v) for k, v in raw.items()}
        return _trust_form(product, user, shown, flatten_errors(exc.messages), 422)
    session = db.session()
    latest = dpia.latest_trust_dpia(session, user.organisation_id, product)
    saved = TrustDpia(
        trust_id=user.organisation_id,
        product_id=product.id,
        number=(latest.number if latest else 0) + 1,
        product_version=version.number,
        context=context,
        created_by_id=user.id,
    )
    session.add(saved)
    session.flush()
    audit.record(session, actor=user, action="trust_dpia.saved", entity=saved,
                 detail={"product": product.slug, "number": saved.number, "product_version": version.number})
    session.commit()
    flash(f"Saved as version {saved.number} of your DPIA for {version.name}.")
    return redirect(url_for("web.trust_dpia", slug=product.slug, number=saved.number), code=303)


def _own_trust_dpia(slug: str, number: int) -> tuple[Product, TrustDpia, ProductVersion, Any]:
    user = _trust_user()
    product = _product(slug)
    session = db.session()
    saved = session.exec(
        select(TrustDpia).where(
            TrustDpia.trust_id == user.organisation_id, TrustDpia.product_id == product.id, TrustDpia.number == number
        )
    ).first()
    if saved is None:
        abort(404)  # another trust's DPIA is not shown, nor said to exist
    version = product.version(saved.product_version)
    if version is None:
        abort(404)
    return product, saved, version, user


@bp.get("/products/<slug>/dpia/trust/<int:number>")
@login_required
def trust_dpia(slug: str, number: int) -> Any:
    product, saved, version, user = _own_trust_dpia(slug, number)
    document = dpia.starter(db.session(), product, version, saved.context, trust=saved, trust_name=user.organisation.name)
    return render_template(
        "dpia.html",
        document=document,
        product=product,
        version=version,
        trust_dpia=saved,
        can_upload=False,
        is_trust=True,
        errors={},
        kinds=DOCUMENT_KINDS,
        sources=dpia.SOURCE_HELP,
        topics=dpia.POLICY_TOPICS,
        decisions=dpia.DECISIONS,
        max_mb=current_app.config["DOCUMENT_MAX_BYTES"] // (1024 * 1024),
    )


@bp.get("/products/<slug>/dpia/trust/<int:number>.md")
@login_required
def trust_dpia_markdown(slug: str, number: int) -> Response:
    product, saved, version, user = _own_trust_dpia(slug, number)
    document = dpia.starter(db.session(), product, version, saved.context, trust=saved, trust_name=user.organisation.name)
    return _download(dpia.to_markdown(document), f"dpia-{product.slug}-{user.organisation.slug}-v{saved.number}.md")
