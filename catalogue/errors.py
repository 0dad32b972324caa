"""Error responses: JSON for the API, a plain page for people; never a stack trace.

Every API error has the same body (``schemas.ErrorSchema``): the status, a
message that says what to do, and ``errors`` keyed by the fields at fault.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException, InternalServerError

from catalogue.products import ProductProblem
from catalogue.schemas import flatten_errors

log = logging.getLogger(__name__)

# What to do next, for statuses whose phrase alone does not say.
ADVICE = {
    400: "The request could not be read: send a JSON object with Content-Type: application/json.",
    401: "Send a valid API token as 'Authorization: Bearer <token>'. Ask an administrator for one (catalogue tokens create).",
    403: "Your account may not do this.",
    404: "Nothing is published at this address. Check the slug, or list products at /api/v1/products.",
    405: "This address does not accept that method; see the Allow header.",
    409: "This conflicts with an existing entry.",
    413: "The request body is too large. Split the upload or shorten the text fields.",
    415: "Send the body as JSON, with the header Content-Type: application/json.",
    422: "Some fields are invalid; fix each field listed in errors and send it again.",
    429: "Too many requests in a short time: wait a minute, then try again.",
    500: "Something went wrong on our side. Nothing was saved; please try again.",
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(
    status: int, message: str | None = None, errors: dict[str, list[str]] | None = None, headers: Any = None
) -> Response | tuple:
    phrase = HTTPStatus(status).phrase
    message = message or ADVICE.get(status, phrase)
    if wants_json():
        response = jsonify(status=status, error=phrase, message=message, errors=errors or {})
        response.status_code = status
        for name, value in headers or ():
            response.headers[name] = value
        return response
    body = render_template("error.html", status=status, phrase=phrase, message=message, errors=errors or {})
    return body, status, dict(headers or ())


def handle_http_exception(exc: HTTPException) -> Any:
    status = exc.code or 500
    errors: dict[str, list[str]] = {}
    message = None
    data = getattr(exc, "data", None) or {}
    if "messages" in data:
        # webargs reports {location: {field: [...]}}; the location is noise to a client.
        messages = data["messages"]
        for location_messages in messages.values() if isinstance(messages, dict) else [messages]:
            for name, msgs in flatten_errors(location_messages).items():
                errors.setdefault(name, []).extend(msgs)
        if status == 400:
            message = "The request body is not valid JSON. Send one JSON object with Content-Type: application/json."
    elif data.get("message"):
        message = data["message"]  # flask_smorest.abort(status, message=..., errors={field: [...]})
        errors = data.get("errors") or {}
    elif status == 429:
        message = f"{ADVICE[429]} (Limit: {exc.description}.)"
    elif status not in ADVICE or exc.description != type(exc).description:
        message = exc.description  # abort(status, description="what to do") from our own code
    # Keep headers that tell the client how to recover (Allow on 405, WWW-Authenticate
    # on 401); abort(..., headers=...) from webargs carries them in ``data``.
    candidates = list(exc.get_headers()) + list((data.get("headers") or {}).items())
    headers = [(k, v) for k, v in candidates if k.lower() in ("allow", "www-authenticate", "retry-after")]
    return error_response(status, message, errors, headers)


def handle_csrf_error(exc: CSRFError) -> Any:
    return error_response(400, "This form has expired or was sent from another site. Go back, reload the page and try again.")


def handle_validation_error(exc: ValidationError) -> Any:
    return error_response(422, None, flatten_errors(exc.messages))


def handle_product_problem(exc: ProductProblem) -> Any:
    return error_response(exc.status, exc.message, exc.errors)


def handle_unexpected(exc: Exception) -> Any:
    if isinstance(exc, HTTPException):
        return handle_http_exception(exc)
    log.exception("Unhandled error on %s %s", request.method, request.path)
    return error_response(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(ValidationError, handle_validation_error)
    app.register_error_handler(ProductProblem, handle_product_problem)
    app.register_error_handler(InternalServerError, lambda exc: error_response(500))
    app.register_error_handler(Exception, handle_unexpected)
