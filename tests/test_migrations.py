"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from catalogue import db
from catalogue.models import metadata


# SQLite's reflection cannot read expression indexes (lower(name)); Alembic then leaves them
# out of the comparison, and the next test checks they exist.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_migrations_match_the_models(app):
    engine = app.extensions["catalogue.engine"]
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), metadata)
    assert differences == []


def test_the_import_lookups_have_their_indexes(app):
    engine = app.extensions["catalogue.engine"]
    catalogue_query = {
        "sqlite": "SELECT name FROM sqlite_master WHERE type = 'index'",
        "postgresql": "SELECT indexname FROM pg_indexes",
    }[engine.dialect.name]
    with engine.connect() as connection:
        indexes = set(connection.exec_driver_sql(catalogue_query).scalars())
    assert {"ix_product_external_ref", "ix_product_version_name_lower"} <= indexes


def test_upgrading_twice_changes_nothing_and_keeps_data(app, session, entry, tmp_path):
    from catalogue import accounts

    accounts.create_organisation(session, name="Acme Learning", kind="supplier", actor="test")
    session.commit()
    engine = app.extensions["catalogue.engine"]
    db.upgrade(engine)
    assert db.has_schema(engine)
    assert accounts.organisation_by_name(session, "Acme Learning") is not None


def test_a_new_database_upgrades_from_nothing(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    assert not db.has_schema(engine)
    db.upgrade(engine)
    assert {"product", "product_version", "audit_entry", "api_token", "account"} <= set(inspect(engine).get_table_names())
    engine.dispose()
