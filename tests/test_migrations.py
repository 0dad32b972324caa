"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from catalogue import db
from catalogue.models import metadata


def test_migrations_match_the_models(app):
    engine = app.extensions["catalogue.engine"]
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), metadata)
    assert differences == []


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
