"""The import's fast path (catalogue.bulk): the same rows as one product at a time, judged in worker processes.

Each test imports the 65 fictional demo products (varied enough to give every
classification and evaluation outcome) and compares what was stored with what
``products.create_product`` and ``publish`` store for the same entries.
"""

from __future__ import annotations

import copy
import io
import json
from collections import Counter
from typing import Any

import pytest
import sqlalchemy
from sqlmodel import Session, select

from catalogue import accounts, imports, products, search, seeding
from catalogue.models import AuditEntry, ChangeLogEntry, Classification, Evaluation, Organisation, Product, ProductVersion
from catalogue.resources import SEED_DIR
from catalogue.search import index

SKIPPED = {"id", "at", "created_at", "updated_at", "version_id", "product_id", "supplier_id"}


@pytest.fixture
def demo_entries() -> list[dict[str, Any]]:
    return seeding.read_json(SEED_DIR / "products.json")


def make_suppliers(session: Session) -> None:
    for record in seeding.read_json(SEED_DIR / "suppliers.json"):
        if record["kind"] == "supplier":
            accounts.create_organisation(session, name=record["name"], kind="supplier", actor="test", is_demo=True)
    session.commit()


def jsonl(entries: list[dict[str, Any]]) -> io.BytesIO:
    lines = [json.dumps(entry | {"external_ref": f"REF-{n:03d}"}) for n, entry in enumerate(entries)]
    return io.BytesIO("\n".join(lines).encode())


def one_by_one(session: Session, entries: list[dict[str, Any]], *, publish: bool) -> None:
    """The reference: each entry through the logic layer, as a single API submission is stored."""
    operator = imports.operator("cli")
    for n, raw in enumerate(entries):
        entry = products.validate_entry(raw)
        supplier = accounts.organisation_by_name(session, entry["supplier"])
        product = products.create_product(session, actor=operator, supplier=supplier, entry=entry, external_ref=f"REF-{n:03d}")
        if publish:
            products.publish(session, actor=operator, product=product, version=product.latest_version)
    session.commit()


def stored(session: Session) -> dict[str, Any]:
    """Everything an import writes, keyed by product slug instead of database ids, without timestamps."""
    session.expire_all()
    slug_of = {p.id: p.slug for p in session.exec(select(Product))}
    version_of = {v.id: (slug_of[v.product_id], v.number) for v in session.exec(select(ProductVersion))}
    supplier_of = {o.id: o.name for o in session.exec(select(Organisation))}

    def plain(row: Any) -> dict[str, Any]:
        return {k: v for k, v in row.model_dump().items() if k not in SKIPPED}

    return {
        "products": sorted((p.slug, supplier_of[p.supplier_id], json.dumps(plain(p), sort_keys=True, default=str))
                           for p in session.exec(select(Product))),
        "versions": sorted((version_of[v.id], json.dumps(plain(v), sort_keys=True)) for v in session.exec(select(ProductVersion))),
        "classifications": sorted((version_of[c.version_id], json.dumps(plain(c), sort_keys=True))
                                  for c in session.exec(select(Classification))),
        "evaluations": sorted((version_of[e.version_id], json.dumps(plain(e), sort_keys=True)) for e in session.exec(select(Evaluation))),
        "audit": Counter(json.dumps(plain(a), sort_keys=True) for a in session.exec(select(AuditEntry))
                         if a.entity_type == "product"),
        "change_log": Counter(slug_of[c.product_id] for c in session.exec(select(ChangeLogEntry))),
    }


@pytest.mark.parametrize("processes", [1, 2])
@pytest.mark.parametrize("publish", [True, False])
def test_an_import_stores_exactly_what_one_by_one_submissions_store(app, session, demo_entries, processes, publish):
    from tests.conftest import empty_tables

    engine = app.extensions["catalogue.engine"]
    with app.app_context():
        make_suppliers(session)
        one_by_one(session, demo_entries, publish=publish)
        expected = stored(session)
        assert len(expected["evaluations"]) >= 3 * len(demo_entries) and len(expected["classifications"]) == len(demo_entries)
        session.rollback()  # end the reads' transaction: PostgreSQL's TRUNCATE would wait for it
        empty_tables(engine)
        make_suppliers(session)
        report = imports.run(session, jsonl(demo_entries), "jsonl", user=imports.operator("cli"), publish=publish, processes=processes)
        assert (report.created, report.failed) == (len(demo_entries), 0), report.as_dict()
        assert [row.row for row in report.rows] == list(range(1, len(demo_entries) + 1))
        assert stored(session) == expected


def test_rows_that_are_not_new_products_keep_their_file_order_and_outcomes(app, session, demo_entries):
    """A batch mixing new products, an update, an unchanged row, a name clash and a repeated reference."""
    with app.app_context():
        make_suppliers(session)
        first, second = demo_entries[0], demo_entries[1]
        imports.run(session, jsonl([first]), "jsonl", user=imports.operator("cli"))
        changed = copy.deepcopy(first) | {"summary": "A changed summary for the test."}
        clash = copy.deepcopy(second) | {"name": first["name"], "supplier": first["supplier"]}
        rows = [
            changed | {"external_ref": "REF-000"},  # an update of the product stored above
            demo_entries[2] | {"external_ref": "NEW-1"},
            clash | {"external_ref": "NEW-2"},  # the name of REF-000's product, for the same supplier
            demo_entries[3] | {"external_ref": "NEW-1"},  # a reference used two rows above
            {"name": "x", "external_ref": "BAD-1"},  # invalid
            demo_entries[4] | {"external_ref": "NEW-3"},
        ]
        body = io.BytesIO("\n".join(json.dumps(row) for row in rows).encode())
        report = imports.run(session, body, "jsonl", user=imports.operator("cli"), processes=2)
    outcome = [(row.row, row.external_ref, row.status) for row in report.rows]
    assert outcome == [
        (1, "REF-000", "updated"), (2, "NEW-1", "created"), (3, "NEW-2", "failed"),
        (4, "NEW-1", "failed"), (5, "BAD-1", "failed"), (6, "NEW-3", "created"),
    ]
    assert report.rows[2].errors[0].field == "name"
    assert "already has this external_ref" in report.rows[3].errors[0].problem
    session.expire_all()
    assert len(session.exec(select(Product)).all()) == 3
    assert len(session.exec(select(ProductVersion)).all()) == 4


def test_a_slug_taken_by_a_concurrent_writer_sends_the_run_down_the_one_at_a_time_path(app, session, demo_entries, monkeypatch):
    """Between choosing slugs and inserting, another writer stores a product under one of them."""
    allocate = products.allocate_slugs

    def allocate_then_lose_the_race(db: Session, wanted: list[Any]) -> list[str]:
        slugs = allocate(db, wanted)
        if len(wanted) > 1:  # the run, not the one-at-a-time path
            rival = accounts.organisation_by_name(db, "Rival Supplier Ltd") or accounts.create_organisation(
                db, name="Rival Supplier Ltd", kind="supplier", actor="test")
            db.add(Product(slug=slugs[1], supplier_id=rival.id))
            db.flush()
        return slugs

    monkeypatch.setattr(products, "allocate_slugs", allocate_then_lose_the_race)
    with app.app_context():
        make_suppliers(session)
        report = imports.run(session, jsonl(demo_entries[:5]), "jsonl", user=imports.operator("cli"))
    assert (report.created, report.failed) == (5, 0), report.as_dict()
    session.expire_all()
    # The row whose slug was taken got the next one, as create_product picks it.
    supplier = accounts.organisation_by_name(session, demo_entries[1]["supplier"])
    assert report.rows[1].slug == f"{accounts.slugify(demo_entries[1]['name'])}-{supplier.slug}"
    for row in report.rows:
        product = session.exec(select(Product).where(Product.slug == row.slug)).one()
        assert len(session.exec(select(Evaluation).join(ProductVersion).where(ProductVersion.product_id == product.id)).all()) >= 3


def test_slugs_for_a_run_of_new_names_are_chosen_with_one_query(app, session):
    supplier = accounts.create_organisation(session, name="Slug Test Ltd", kind="supplier", actor="test")
    session.add(Product(slug="taken-name", supplier_id=supplier.id))
    session.flush()
    queries: list[str] = []
    listen = lambda conn, cursor, statement, *args: queries.append(statement)  # noqa: E731
    sqlalchemy.event.listen(session.get_bind(), "before_cursor_execute", listen)
    try:
        names = [("Taken Name", supplier), *((f"Fresh Name {n}", supplier) for n in range(50)), ("Fresh Name 1", supplier)]
        slugs = products.allocate_slugs(session, names)
    finally:
        sqlalchemy.event.remove(session.get_bind(), "before_cursor_execute", listen)
    assert slugs[0] == f"taken-name-{supplier.slug}"
    assert slugs[2] == "fresh-name-1" and slugs[-1] == f"fresh-name-1-{supplier.slug}"
    assert len(set(slugs)) == len(slugs)
    assert len(queries) == 1, queries


def test_a_large_import_is_indexed_by_worker_processes_and_matches_the_database(app, session, demo_entries, monkeypatch):
    monkeypatch.setattr(index, "PARALLEL_MIN", 20)
    with app.app_context():
        make_suppliers(session)
        service = search.current()
        service.catch_up(session)  # an index with its marker before the import
        watched: list[tuple[int, int]] = []  # (total announced, products counted) per catch-up

        def watch(items, total):
            watched.append((total, 0))
            for item in items:
                watched[-1] = (total, watched[-1][1] + 1)
                yield item

        report = imports.run(session, jsonl(demo_entries), "jsonl", user=imports.operator("cli"), publish=True, processes=2,
                             index_progress=watch)
        assert report.created == len(demo_entries)
        # The catch-up's progress counted every imported product as the workers indexed it.
        assert watched == [(len(demo_entries), len(demo_entries))]
        ix = service.store.open()
        # One segment per worker was added in a single catch-up.
        assert len(ix._segments()) >= 2
        checked = service.check(session, repair=False, progress=lambda items, total: items)
        assert checked.ok, str(checked)
        results = service.search(search.SearchParams(per_page=100))
        assert results.total == len(demo_entries)
        # Changing a product afterwards replaces its document through the ordinary catch-up.
        product = session.exec(select(Product).where(Product.external_ref == "REF-000")).one()
        changed = products.entry_of(product.latest_version) | {"summary": "Replaced summary for the index test."}
        version, _ = products.add_version(session, actor="test", product=product, entry=products.validate_entry(changed))
        products.publish(session, actor="test", product=product, version=version)
        session.commit()
        watched.clear()
        service.catch_up(session, progress=watch)
        assert watched == [(1, 1)]  # written in this process, and watched the same way
        assert service.check(session, repair=False, progress=lambda items, total: items).ok
        assert service.search(search.SearchParams(q='"Replaced summary"')).total == 1


def test_cli_import_publish_makes_products_searchable_and_is_for_the_operator_only(app, runner, session, demo_entries, tmp_path):
    with app.app_context():
        make_suppliers(session)
    path = tmp_path / "products.jsonl"
    path.write_bytes(jsonl(demo_entries[:10]).getvalue())
    refused = runner.invoke(args=["import", "--publish", "--as-org", demo_entries[0]["supplier"], str(path)])
    assert refused.exit_code == 1 and "--publish is for the register's operator" in refused.output
    result = runner.invoke(args=["import", "--publish", str(path)])
    assert result.exit_code == 0, result.output
    assert "10 created" in result.output
    with app.app_context():
        assert search.current().search(search.SearchParams()).total == 10
    session.expire_all()
    assert all(p.published_version_number == 1 for p in session.exec(select(Product)))
