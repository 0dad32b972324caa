"""The domain model: versions are never overwritten; the audit log is append-only."""

from __future__ import annotations

import pytest
from sqlmodel import select

from catalogue import accounts, products
from catalogue.db import AppendOnlyError
from catalogue.models import AuditEntry, ProductVersion


@pytest.fixture(autouse=True)
def app_context(app):
    # The logic layer evaluates new versions with the app's plugins.
    with app.app_context():
        yield


@pytest.fixture
def acme(session):
    organisation = accounts.create_organisation(session, name="Acme Learning", kind="supplier", actor="test")
    session.commit()
    return organisation


def test_an_update_adds_a_version_and_keeps_the_old_one(session, acme, entry):
    product = products.create_product(session, actor="test", supplier=acme, entry=products.validate_entry(entry))
    changed = products.validate_entry({**entry, "summary": "Changed summary."})
    version, is_new = products.add_version(session, actor="test", product=product, entry=changed)
    session.commit()
    assert is_new and version.number == 2
    stored = session.exec(select(ProductVersion).order_by(ProductVersion.number)).all()
    assert [v.summary for v in stored] == [entry["summary"], "Changed summary."]
    assert product.latest_version_number == 2
    assert product.status == "submitted"
    assert products.changed_fields(product, version) == ["summary"]


def test_an_unchanged_entry_adds_no_version(session, acme, entry):
    product = products.create_product(session, actor="test", supplier=acme, entry=products.validate_entry(entry))
    version, is_new = products.add_version(session, actor="test", product=product, entry=products.validate_entry(entry))
    assert not is_new and version.number == 1


def test_publishing_points_the_register_at_a_version(session, acme, entry):
    product = products.create_product(session, actor="test", supplier=acme, entry=products.validate_entry(entry))
    products.publish(session, actor="test", product=product, version=product.latest_version)
    products.add_version(session, actor="test", product=product, entry=products.validate_entry({**entry, "pricing": "free"}))
    session.commit()
    assert product.status == "published"
    assert product.published_version.number == 1
    assert products.visible_version(product, None).pricing == "subscription"


def test_audit_entries_cannot_be_changed_or_deleted(session, acme):
    entry = session.exec(select(AuditEntry)).first()
    entry.action = "tampered"
    with pytest.raises(AppendOnlyError):
        session.flush()
    session.rollback()
    entry = session.exec(select(AuditEntry)).first()
    session.delete(entry)
    with pytest.raises(AppendOnlyError):
        session.flush()


def test_slugs_are_readable_and_unique(session, acme, entry):
    first = products.create_product(session, actor="test", supplier=acme, entry=products.validate_entry({**entry, "name": "Ça Marche! Tutor"}))
    assert first.slug == "ca-marche-tutor"
    assert accounts.slugify("!!!") == "item"
