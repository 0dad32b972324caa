"""The JSON API under /api/v1, documented by the OpenAPI document flask-smorest generates."""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_smorest import Api, abort

from catalogue.schemas import ErrorSchema


_WRITE_LIMITED: set[str] = set()
# Endpoints that take other bodies than JSON (file uploads).
JSON_OPTIONAL_ENDPOINTS = frozenset({"imports.ImportCollection"})


class RegisterApi(Api):
    """flask-smorest's Api, with the register's error body and error handling.

    Errors are handled app-wide in ``catalogue.errors`` (JSON under /api/, pages
    elsewhere), so flask-smorest's own JSON-everywhere handler is not installed.
    """

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        pass


def init_app(app: Flask) -> None:
    from catalogue.api import classifications, evaluators, imports, products, profiles, review, tokens, trust, users
    from catalogue.security import limiter
    from catalogue.api.auth import current_user

    app.config.update(
        API_TITLE="AI EdTech Quality Register API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {
                "description": (
                    "Read and search published AI education products; suppliers submit and update "
                    "their entries. Authenticate with `Authorization: Bearer <token>`."
                )
            },
            "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
        },
    )
    api = RegisterApi(app)
    write_limit = limiter.limit(lambda: current_app.config["WRITE_RATE_LIMIT"], methods=["POST", "PATCH", "PUT", "DELETE"])
    for module in (products, evaluators, classifications, profiles, review, tokens, imports, trust, users):
        # Blueprints are module-level objects shared by every app made in this
        # process (tests make many): limit each once, or each write counts twice.
        if module.blp.name not in _WRITE_LIMITED:
            write_limit(module.blp)
            _WRITE_LIMITED.add(module.blp.name)
        api.register_blueprint(module.blp)
    app.extensions["catalogue.api"] = api

    @app.before_request
    def _authenticate_api_requests() -> None:
        # Checked up front, so a bad token is refused on every endpoint, public reads included.
        if request.path.startswith("/api/"):
            current_user()
            # A body sent as a form (curl's default) would read as "every field missing": say what is wrong.
            if request.method in ("POST", "PATCH", "PUT") and request.content_length and not request.is_json \
                    and request.endpoint not in JSON_OPTIONAL_ENDPOINTS:
                abort(415, message="Send the body as JSON, with the header Content-Type: application/json.")
