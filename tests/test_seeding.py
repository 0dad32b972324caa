"""The demo data: fictional, varied, valid under the API's schema, and idempotent to load."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from sqlmodel import func, select

from catalogue import seeding, vocab
from catalogue.models import AuditEntry, Organisation, Product, ProductVersion
from catalogue.resources import SEED_DIR
from catalogue.schemas import ProductEntrySchema

SUPPLIERS = json.loads((SEED_DIR / "suppliers.json").read_text(encoding="utf-8"))
PRODUCTS = json.loads((SEED_DIR / "products.json").read_text(encoding="utf-8"))


def count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_there_are_enough_fictional_suppliers_and_products():
    suppliers = [s for s in SUPPLIERS if s["kind"] == "supplier"]
    assert len(suppliers) >= 15
    assert len(PRODUCTS) >= 60
    for record in SUPPLIERS + PRODUCTS:
        assert ".example" in record["website"], record["name"]  # a reserved, never-real domain
    for product in PRODUCTS:
        assert product["summary"].endswith("(Demo entry: fictional product.)"), product["name"]


@pytest.mark.parametrize("product", PRODUCTS, ids=[p["name"] for p in PRODUCTS])
def test_every_seed_product_passes_the_api_schema(product):
    ProductEntrySchema().load(product)


def test_seed_data_cover_every_phase_key_stage_and_interaction():
    for field, vocabulary in (("phases", vocab.PHASES), ("key_stages", vocab.KEY_STAGES), ("intended_users", vocab.INTENDED_USERS)):
        seen = Counter(value for product in PRODUCTS for value in product[field])
        assert set(vocabulary.values) <= set(seen), field
    assert {p["pupil_interaction"] for p in PRODUCTS} == set(vocab.PUPIL_INTERACTION.values)
    assert {p["pricing"] for p in PRODUCTS} == set(vocab.PRICING.values)


def test_seed_data_include_worrying_answers():
    answers = [p["answers"] for p in PRODUCTS]
    assert any(a.get("sg_emotion_inference") is True for a in answers)
    assert any(a.get("dp_trains_on_pupil_data") == "yes_by_default" for a in answers)
    assert any(a.get("dp_advertising_or_sale") is True for a in answers)
    assert any(a.get("dp_dpia") == "current" for a in answers)


def test_seeding_twice_creates_no_duplicates(app, session):
    with app.app_context():
        from catalogue import db

        first = seeding.load(db.session(), SEED_DIR)
        db.session().commit()
        second = seeding.load(db.session(), SEED_DIR)
        db.session().commit()
    assert first.products_created == len(PRODUCTS)
    assert first.organisations_created == len(SUPPLIERS)
    assert (second.products_created, second.products_updated, second.organisations_created) == (0, 0, 0)
    assert second.products_unchanged == len(PRODUCTS)
    assert count(session, Product) == len(PRODUCTS)
    assert count(session, ProductVersion) == len(PRODUCTS)
    assert count(session, Organisation) == len(SUPPLIERS)
    published = session.exec(select(func.count()).select_from(Product).where(Product.published_version_number == 1)).one()
    assert published == len(PRODUCTS)
    assert session.exec(select(func.count()).select_from(AuditEntry).where(AuditEntry.actor == "seed")).one() > 0


def test_a_bad_seed_file_names_the_entry_and_field(app, tmp_path):
    (tmp_path / "suppliers.json").write_text(json.dumps(SUPPLIERS), encoding="utf-8")
    broken = dict(PRODUCTS[0], age_min=-3)
    (tmp_path / "products.json").write_text(json.dumps([broken]), encoding="utf-8")
    with app.app_context():
        from catalogue import db

        with pytest.raises(seeding.SeedError, match="age_min"):
            seeding.load(db.session(), tmp_path)


def test_an_unreadable_seed_file_is_a_clear_error(app, tmp_path):
    (tmp_path / "suppliers.json").write_text("{not json", encoding="utf-8")
    with app.app_context():
        from catalogue import db

        with pytest.raises(seeding.SeedError, match="cannot read it as JSON"):
            seeding.load(db.session(), tmp_path)
