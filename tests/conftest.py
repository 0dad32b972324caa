"""Fixtures: a real database (SQLite, or PostgreSQL when CATALOGUE_TEST_DATABASE_URL is set),
the real app through Flask's test client, and the real CLI.

The schema is built once per run through the Alembic migrations (so the
migrations are tested on every run); each test starts from empty tables.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import Engine, text
from sqlmodel import Session

from catalogue import accounts, create_app, db, search
from catalogue.models import metadata

TEST_DATABASE_ENV = "CATALOGUE_TEST_DATABASE_URL"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = os.environ.get(TEST_DATABASE_ENV) or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    engine = db.make_engine(url)
    if url.startswith("postgresql"):
        # Start from nothing, whatever an earlier run left behind.
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    db.upgrade(engine)
    engine.dispose()
    yield url


def empty_tables(engine: Engine) -> None:
    tables = list(reversed(metadata.sorted_tables))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    """Extra settings for the test app; a test module overrides this fixture to change them."""
    return {}


@pytest.fixture
def app(database_url: str, tmp_path: Path, app_overrides: dict[str, Any]) -> Iterator[Flask]:
    app = create_app(
        {
            "DATABASE_URL": database_url,
            "INDEX_DIR": str(tmp_path / "index"),
            "SECRET_KEY": "test",
            "TESTING": True,
            # The test client speaks plain HTTP; security tests switch these back on.
            "SECURE_COOKIES": False,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            **app_overrides,
        },
        instance_path=str(tmp_path / "instance"),
    )
    empty_tables(app.extensions["catalogue.engine"])
    yield app
    app.extensions["catalogue.engine"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    from catalogue.cli import main

    class Runner(FlaskCliRunner):
        def invoke(self, *args: Any, **kwargs: Any) -> Any:  # the `catalogue` group, not Flask's default
            kwargs.setdefault("cli", main)
            return super().invoke(*args, **kwargs)

    return Runner(app)


@pytest.fixture
def visible_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    """Draw the commands' progress bars into captured stderr, as on a terminal (tqdm hides them elsewhere)."""
    from catalogue import cli

    class VisibleProgress(cli.tqdm):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **{**kwargs, "disable": False})

    monkeypatch.setattr(cli, "tqdm", VisibleProgress)


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A session of its own, outside any request, to look at what the app stored."""
    with Session(app.extensions["catalogue.engine"], expire_on_commit=False) as session:
        yield session


@pytest.fixture
def store(app: Flask, session: Session) -> Callable[..., Any]:
    """Store a product through the logic layer: ``store(entry, publish=True)`` returns the Product.

    It runs in an app context of its own (the evaluators need the app's plugin
    registry) that ends before the test's requests start.
    """
    from catalogue import products

    def store(entry: dict[str, Any], *, supplier: str | None = None, publish: bool = True) -> Any:
        name = supplier or entry.get("supplier") or "Acme Learning"
        with app.app_context():
            organisation = accounts.organisation_by_name(session, name) or accounts.create_organisation(
                session, name=name, kind="supplier", actor="test", is_demo=True
            )
            product = products.create_product(session, actor="test", supplier=organisation, entry=products.validate_entry(entry))
            if publish:
                products.publish(session, actor="test", product=product, version=product.latest_version)
            session.commit()
            search.current().catch_up(session)
        return product

    return store


@pytest.fixture
def make_token(app: Flask) -> Callable[..., str]:
    """Make an API token: ``make_token("supplier", org="Acme Learning")``."""

    def make(role: str, org: str | None = None, *, kind: str | None = None, member_of: str | None = None) -> str:
        with Session(app.extensions["catalogue.engine"]) as session:
            organisation = None
            if org is not None:
                organisation = accounts.organisation_by_name(session, org)
                if organisation is None:
                    parent = accounts.organisation_by_name(session, member_of) if member_of else None
                    organisation = accounts.create_organisation(
                        session, name=org, kind=kind or _kind_for(role), actor="test", member_of=parent
                    )
            user = accounts.api_account(session, role=role, organisation=organisation, actor="test")
            token = accounts.issue_token(session, user, actor="test")
            session.commit()
            return token

    return make


def _kind_for(role: str) -> str:
    return {"association": "association", "trust": "trust", "evaluator": "evaluator"}.get(role, "supplier")


@pytest.fixture
def auth() -> Callable[[str], dict[str, str]]:
    """Request headers that carry a bearer token: ``client.get(url, headers=auth(token))``."""
    return lambda token: {"Authorization": f"Bearer {token}"}


VALID_ENTRY: dict[str, Any] = {
    "name": "Lesson Sketcher",
    "supplier": "Acme Learning",
    "website": "https://lesson-sketcher.example/",
    "summary": "Drafts lesson plans from a topic and year group for the teacher to edit. (Test entry.)",
    "description": "A planning assistant for primary teachers. It suggests objectives, activities and resources.",
    "ai_features": "Teachers type a topic; the AI drafts a lesson plan that the teacher reviews before use.",
    "ai_models": ["GPT-4o via Azure OpenAI"],
    "intended_users": ["teachers"],
    "pupil_interaction": "none",
    "phases": ["primary"],
    "key_stages": ["ks1", "ks2"],
    "age_min": 5,
    "age_max": 11,
    "subjects": ["All subjects"],
    "pricing": "subscription",
    "answers": {"dp_dpia": "current", "sg_emotion_inference": False},
}


@pytest.fixture
def entry() -> dict[str, Any]:
    """A fresh, valid product entry to submit or to spoil."""
    return copy.deepcopy(VALID_ENTRY)
