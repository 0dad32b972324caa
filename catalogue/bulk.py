"""Storing many new product entries at once: the fast path of an import.

Through ``products.create_product`` and ``publish`` one entry costs about twenty
ORM statements, each row built and flushed on its own; a file of 100,000 rows
took half an hour that way (bench/README.md). An import therefore handles the
rows that create a product in two stages:

1. **Judging** (``judge``): validating, hashing, classifying and evaluating an
   entry depend only on the entry and the installed plugins, so ``Judges`` runs
   them in forked worker processes, one per core, while the importing process
   stores what came back before.
2. **Storing** (``insert_new``): a run of new products is inserted with one
   INSERT per table, writing exactly the rows that ``create_product`` (and
   ``publish``) write: product, version, classification, evaluations, audit
   entries and change-log entries. ``tests/test_bulk.py`` compares the two paths
   row by row.

Everything else an import meets (a changed entry, a name already taken, a clash
inside the file) goes through ``products`` one row at a time.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from flask import Flask, current_app
from marshmallow import ValidationError
from sqlalchemy import insert
from sqlmodel import Session

from catalogue import accounts, audit, changelog, classification, evaluation, products, registry
from catalogue.contract import ProductSnapshot
from catalogue.models import AuditEntry, Classification, Evaluation, Product, ProductVersion, User, utcnow

# Entries per task sent to a worker: large enough that pickling is cheap, small
# enough that both workers stay busy to the end of a batch.
CHUNK = 25


@dataclass(frozen=True)
class Judgement:
    """What judging one raw entry found: its validation errors, or everything stored about it."""

    errors: dict[str, Any] | None = None  # marshmallow's messages, when the entry is invalid
    entry: dict[str, Any] = field(default_factory=dict)  # the validated entry
    content_hash: str = ""
    # Who the evaluators were told the product is: storing checks the product
    # really gets this slug and supplier, and judges again in the rare case it does not.
    slug: str = ""
    supplier: str = ""
    classification: dict[str, Any] = field(default_factory=dict)
    evaluations: list[dict[str, Any]] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.errors is None


def judge(data: Any, *, default_supplier: str | None, runner: evaluation.IsolatedRunner) -> Judgement:
    """Validate ``data`` and judge it as the first version of a new product, as ``products.judge`` would."""
    try:
        entry = products.validate_entry(data)
    except ValidationError as exc:
        return Judgement(errors=exc.messages)
    return judge_valid(entry, slug=accounts.slugify(entry["name"]), supplier=entry["supplier"] or default_supplier or "", runner=runner)


def judge_valid(entry: dict[str, Any], *, slug: str, supplier: str, runner: evaluation.IsolatedRunner) -> Judgement:
    installed = registry.current()
    snapshot = ProductSnapshot.from_entry(entry | {"supplier": supplier}, slug=slug, version=1)
    result = classification.classify(installed, snapshot)
    # A new version has no verified evidence yet: verifications point at a version id.
    evaluators = list(installed.evaluators.values())
    evaluations = [evaluation.evaluation_values(e, run, set()) for e, run in zip(evaluators, runner.run(evaluators, snapshot), strict=True)]
    return Judgement(
        entry=entry,
        content_hash=products.content_hash(products.stored_fields(entry)),
        slug=slug,
        supplier=supplier,
        classification=classification.classification_values(result),
        evaluations=evaluations,
    )


# --- Judging in worker processes ---------------------------------------------------------------

_worker: dict[str, Any] = {}  # in a worker process: its app context, runner and default supplier


def _start_worker(app: Flask, default_supplier: str | None, timeout: float) -> None:
    # The inherited connection pool belongs to the parent: never use or close it here.
    app.extensions["catalogue.engine"].dispose(close=False)
    context = app.app_context()
    context.push()
    # A fresh runner: the parent's evaluator thread was not copied by fork.
    _worker.update(context=context, default_supplier=default_supplier, runner=evaluation.IsolatedRunner(timeout))


def _judge_in_worker(data: Any) -> Judgement:
    return judge(data, default_supplier=_worker["default_supplier"], runner=_worker["runner"])


class Judges:
    """Judges raw entries, in ``processes`` forked workers or (with 1) in this process.

    ``submit`` returns at once; ``Pending.get`` waits for the judgements, in
    order. Submitting the next batch before storing the last keeps the workers
    busy while this process writes to the database.
    """

    def __init__(self, processes: int, *, default_supplier: str | None) -> None:
        self.processes = processes
        self.default_supplier = default_supplier
        self.runner = evaluation.current_runner()
        self.pool: Any = None

    def __enter__(self) -> Judges:
        if self.processes > 1:
            # fork, not spawn: the workers inherit the loaded plugins and settings.
            context = multiprocessing.get_context("fork")
            app = current_app._get_current_object()  # type: ignore[attr-defined]
            self.pool = context.Pool(self.processes, initializer=_start_worker,
                                     initargs=(app, self.default_supplier, self.runner.timeout))
        return self

    def __exit__(self, *exc_info: Any) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None

    def submit(self, items: Sequence[Any]) -> Pending:
        if self.pool is None:
            return Pending(lambda: [judge(item, default_supplier=self.default_supplier, runner=self.runner) for item in items])
        result = self.pool.map_async(_judge_in_worker, items, chunksize=CHUNK)
        return Pending(lambda: result.get())


class Pending:
    def __init__(self, compute: Any) -> None:
        self._compute = compute

    def get(self) -> list[Judgement]:
        return self._compute()


# --- Storing a run of new products ---------------------------------------------------------------


class Supplier(NamedTuple):
    """What storing needs of a supplier organisation, kept across an import's commits."""

    id: int
    name: str
    slug: str


@dataclass(frozen=True)
class NewProduct:
    """A row that creates a product: where it goes and how it was judged."""

    supplier: Supplier
    external_ref: str | None
    slug: str
    judgement: Judgement


def insert_new(session: Session, *, actor: audit.Actor, items: Sequence[NewProduct], status: str, publish: bool) -> list[int]:
    """Insert the products of ``items`` with their first versions and judgements; returns their ids in order.

    The caller has checked that each slug, name and external reference is free;
    a concurrent writer can still take one first, and then the database refuses
    the whole run with an ``IntegrityError`` (run it inside a savepoint).
    """
    if not items:
        return []
    actor_id = actor.id if isinstance(actor, User) else None
    product_rows, version_rows = [], []
    for item in items:
        now = utcnow()
        product_rows.append({
            "slug": item.slug, "supplier_id": item.supplier.id, "external_ref": item.external_ref,
            "latest_version_number": 1, "published_version_number": 1 if publish else None, "withdrawn_at": None,
            "created_at": now, "updated_at": now,
        })
        version_rows.append({
            "number": 1, "status": "published" if publish else status, "review_note": "",
            "content_hash": item.judgement.content_hash, "created_at": now, "created_by_id": actor_id,
            **products.stored_fields(item.judgement.entry),
        })
    product_ids = _insert_returning_ids(session, Product, product_rows)
    for row, product_id in zip(version_rows, product_ids):
        row["product_id"] = product_id
    version_ids = _insert_returning_ids(session, ProductVersion, version_rows)

    now = utcnow()
    classifications, evaluations, audits = [], [], []
    for item, version_id in zip(items, version_ids):
        judgement = item.judgement
        classifications.append({**judgement.classification, "version_id": version_id, "created_at": now, "created_by_id": None})
        evaluations += [{**values, "version_id": version_id, "created_at": now} for values in judgement.evaluations]
        audits.append(audit.entry_values(actor=actor, action="product.created", entity_type="product", entity_id=item.slug,
                                         detail={"supplier": item.supplier.name}))
        audits.append(audit.entry_values(actor=actor, action="product.version_added", entity_type="product", entity_id=item.slug,
                                         detail={"version": 1, "status": status, "changed": []}))
        if publish:
            audits.append(audit.entry_values(actor=actor, action="product.published", entity_type="product", entity_id=item.slug,
                                             detail={"version": 1}))
    session.execute(insert(Classification.__table__), classifications)
    session.execute(insert(Evaluation.__table__), evaluations)
    session.execute(insert(AuditEntry.__table__), audits)
    # As create_product and publish each note the change: once when the version
    # is added and once more when it is published.
    changelog.record_many(session, [pid for pid in product_ids for _ in range(2 if publish else 1)])
    return product_ids


def _insert_returning_ids(session: Session, model: type, rows: list[dict[str, Any]]) -> list[int]:
    statement = insert(model.__table__).returning(model.__table__.c.id, sort_by_parameter_order=True)
    return list(session.execute(statement, rows).scalars())

