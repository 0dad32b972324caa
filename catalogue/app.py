"""The application factory: ``create_app`` is a list of small, named setup steps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from catalogue import settings
from catalogue.resources import TEMPLATES_DIR


def create_app(overrides: dict[str, Any] | None = None, *, instance_path: str | None = None) -> Flask:
    """Build a register app. ``overrides`` take precedence over environment and defaults (tests use them)."""
    app = Flask(
        "catalogue",
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(TEMPLATES_DIR),
    )
    load_settings(app, overrides)
    register_database(app)
    register_plugins(app)
    register_search(app)
    register_error_handlers(app)
    register_security(app)
    register_api(app)
    register_pages(app)
    return app


def load_settings(app: Flask, overrides: dict[str, Any] | None) -> None:
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(settings.defaults(Path(app.instance_path)))
    app.config.from_prefixed_env(settings.ENV_PREFIX)
    app.config.update(overrides or {})
    # Jinja escapes HTML in every template, whatever its file extension.
    app.jinja_env.autoescape = True


def register_database(app: Flask) -> None:
    from catalogue import db

    db.init_app(app)


def register_plugins(app: Flask) -> None:
    from catalogue import evaluation, registry

    app.extensions["catalogue.registry"] = registry.build(blocked=app.config["BLOCKED_PLUGINS"])
    app.extensions["catalogue.runner"] = evaluation.IsolatedRunner(timeout=app.config["EVALUATION_TIMEOUT"])


def register_search(app: Flask) -> None:
    from catalogue.search import SearchService

    app.extensions["catalogue.search"] = SearchService(
        Path(app.config["INDEX_DIR"]), app.extensions["catalogue.registry"], writer_memory_mb=app.config["INDEX_WRITER_MEMORY_MB"]
    )


def register_error_handlers(app: Flask) -> None:
    from catalogue import errors

    errors.init_app(app)


def register_security(app: Flask) -> None:
    from catalogue import security

    security.init_app(app)


def register_api(app: Flask) -> None:
    from catalogue import api

    api.init_app(app)


def register_pages(app: Flask) -> None:
    from catalogue import web

    web.init_app(app)
