"""Test helpers for plugin authors, installed as a pytest plugin with the register.

Use them in your evaluator package's tests (see ``docs/plugins.md``)::

    from catalogue.testing import assert_well_formed

    def test_my_evaluator(product_factory):
        product = product_factory(answers={"acc_captions": True})
        results = assert_well_formed(my_evaluator(), product)
        assert results[0].outcome == "met"

Fixtures:

``product_factory``
    Makes a valid, fictional ``ProductSnapshot``; pass any entry field to change it.
``catalogue_app``
    A real register app on a fresh SQLite database in a temporary folder,
    with every installed plugin loaded.
``catalogue_client``
    Flask's test client for ``catalogue_app``.
``catalogue_token``
    Makes an API token for ``catalogue_app``: ``catalogue_token("supplier", org="Acme")``.
``register_plugin``
    Registers a plugin object or module into an app for one test:
    ``register_plugin(app, my_plugin_module)``; it is removed afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from catalogue.contract import CriterionResult, Evaluator, ProductSnapshot

EXAMPLE_ENTRY: dict[str, Any] = {
    "name": "Example Maths Tutor",
    "supplier": "Example Supplier Ltd",
    "website": "https://tutor.example/",
    "summary": "A fictional AI maths tutor used in tests.",
    "description": "A fictional product for testing evaluator plugins. Pupils practise maths with hints.",
    "ai_features": "Pupils ask the AI tutor for hints on maths problems; teachers see a log of every conversation.",
    "ai_models": ["GPT-4o via Azure OpenAI"],
    "intended_users": ["teachers", "pupils"],
    "pupil_interaction": "direct",
    "phases": ["secondary"],
    "key_stages": ["ks3", "ks4"],
    "age_min": 11,
    "age_max": 16,
    "subjects": ["Mathematics"],
    "pricing": "subscription",
    "answers": {},
}


def make_product(**changes: Any) -> ProductSnapshot:
    """A valid fictional product snapshot, with ``changes`` applied to the example entry."""
    return ProductSnapshot.from_entry({**EXAMPLE_ENTRY, **changes}, slug="example-maths-tutor", version=1)


def assert_well_formed(evaluator: Evaluator, product: ProductSnapshot) -> tuple[CriterionResult, ...]:
    """Check the evaluator's declaration and its output on ``product`` against the contract.

    Runs ``evaluate`` the way the register does and returns the results in
    criteria order; fails the test with the register's own error message.
    """
    from catalogue.evaluation import checked_results
    from catalogue.registry import check_evaluator

    try:
        check_evaluator(evaluator)
        return checked_results(evaluator, evaluator.evaluate(product))
    except ValueError as exc:
        pytest.fail(f"evaluator {getattr(evaluator, 'id', evaluator)!r} breaks the plugin contract: {exc}")


def score_of(evaluator: Evaluator, product: ProductSnapshot) -> tuple[int | None, tuple[str, ...]]:
    """The score (0–100) and red lines the register would give ``product``."""
    from catalogue.evaluation import score

    return score(evaluator, assert_well_formed(evaluator, product))


@pytest.fixture
def product_factory() -> Callable[..., ProductSnapshot]:
    return make_product


@pytest.fixture
def catalogue_app(tmp_path: Path) -> Iterator[Any]:
    from catalogue import create_app, db

    app = create_app(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'register.sqlite3'}", "SECRET_KEY": "test", "TESTING": True},
        instance_path=str(tmp_path / "instance"),
    )
    db.upgrade(app.extensions["catalogue.engine"])
    yield app
    app.extensions["catalogue.engine"].dispose()


@pytest.fixture
def catalogue_client(catalogue_app: Any) -> Any:
    return catalogue_app.test_client()


@pytest.fixture
def catalogue_token(catalogue_app: Any) -> Callable[..., str]:
    from sqlmodel import Session

    from catalogue import accounts

    def make(role: str, org: str | None = None) -> str:
        with catalogue_app.app_context(), Session(catalogue_app.extensions["catalogue.engine"]) as session:
            organisation = None
            if org is not None:
                organisation = accounts.organisation_by_name(session, org) or accounts.create_organisation(
                    session, name=org, kind={"association": "association", "trust": "trust"}.get(role, "supplier"), actor="test"
                )
            user = accounts.api_account(session, role=role, organisation=organisation, actor="test")
            token = accounts.issue_token(session, user, actor="test")
            session.commit()
            return token

    return make


@pytest.fixture
def register_plugin() -> Iterator[Callable[..., None]]:
    registered: list[tuple[Any, str]] = []

    def register(app: Any, plugin: Any, name: str | None = None) -> None:
        name = name or getattr(plugin, "__name__", None) or f"test-plugin-{id(plugin)}"
        app.extensions["catalogue.registry"].register(plugin, name=name)
        registered.append((app, name))

    yield register
    for app, name in reversed(registered):
        app.extensions["catalogue.registry"].unregister(name)


__all__: Sequence[str] = ("EXAMPLE_ENTRY", "assert_well_formed", "make_product", "score_of")
