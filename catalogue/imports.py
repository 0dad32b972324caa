"""Bulk submission: many product entries from one CSV, JSON or JSON Lines file.

Used by ``POST /api/v1/imports``, ``catalogue import FILE`` and the upload page.
The file format is documented in ``docs/import-format.md``; the CSV template is
generated here from the entry schema and the installed evaluators' questions,
so it cannot drift from what the register accepts.

How a file is taken in:

1. The file is read once to check it can be read at all: UTF-8, well-formed CSV
   or JSON, the columns a product needs. Any problem here is a *file* error
   (``ImportFileError``) and nothing is stored.
2. It is read again, one row at a time (never whole). Each row is validated on
   its own with ``products.validate_entry`` (the API's rules) and applied
   inside its own SAVEPOINT, so a failing row leaves nothing behind while the
   valid rows around it are stored. Rows are committed in batches, so a crash
   loses at most the last uncommitted batch and never half a row.
3. Rows are matched on supplier + ``external_ref``: a new reference creates a
   product, a changed row adds a version (status ``submitted``), and an
   unchanged row adds nothing, so re-submitting a file is safe.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from catalogue import accounts, audit, bulk, evaluation, permissions, products, registry, search, vocab
from catalogue.contract import Question
from catalogue.models import Product, ProductVersion, User
from catalogue.schemas import ENTRY_FIELDS, ProductEntrySchema, flatten_errors

FORMATS = ("csv", "json", "jsonl")
# Media types and file name endings that say which format a file is in.
MEDIA_TYPES = {
    "text/csv": "csv",
    "application/csv": "csv",
    "application/vnd.ms-excel": "csv",  # what browsers on Windows often send for .csv
    "application/json": "json",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "application/json-lines": "jsonl",
    "application/jsonlines": "jsonl",
}
EXTENSIONS = {".csv": "csv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}

REF = "external_ref"
REF_MAX_LENGTH = 120
ANSWER_PREFIX = "answer."
LIST_SEPARATOR = ";"
BATCH_SIZE = 200
# Rows committed between index catch-ups (one catch-up per batch when judging in this process).
INDEX_EVERY = 20_000
# The longest one JSON product (or JSON Lines line) may be, in characters. A
# complete entry with every answer filled in is far smaller.
MAX_RECORD_CHARS = 2 * 1024 * 1024
_CHUNK = 64 * 1024
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_INTEGER = re.compile(r"^[+-]?\d{1,9}$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_YES = frozenset({"yes", "y", "true", "1"})
_NO = frozenset({"no", "n", "false", "0"})

LIST_FIELDS = ("ai_models", "intended_users", "phases", "key_stages", "subjects")
INTEGER_FIELDS = ("age_min", "age_max")
VOCABULARY_FIELDS = {
    "intended_users": vocab.INTENDED_USERS,
    "phases": vocab.PHASES,
    "key_stages": vocab.KEY_STAGES,
    "pupil_interaction": vocab.PUPIL_INTERACTION,
    "pricing": vocab.PRICING,
}

# The example row of the CSV template (a fictional product, like the tests' entries).
EXAMPLE: dict[str, Any] = {
    REF: "ACME-0001",
    "name": "Lesson Sketcher",
    "supplier": "Acme Learning",
    "website": "https://lesson-sketcher.example/",
    "summary": "Drafts lesson plans from a topic and year group for the teacher to edit.",
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


class ImportFileError(Exception):
    """The file as a whole cannot be imported (unreadable, wrong columns); nothing was stored.

    ``status`` is the HTTP status it maps to (400 unreadable, 415 unknown type,
    422 wrong columns); ``errors`` name the columns or say where in the file.
    """

    def __init__(self, status: int, message: str, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors or {}

    def __str__(self) -> str:
        # Name the column or field each problem is about: the page shows only this text.
        details = " ".join(f"{name}: {msg}" if name != "file" else msg for name, msgs in self.errors.items() for msg in msgs)
        return f"{self.message} {details}".strip()


@dataclass
class RowError:
    field: str
    problem: str
    fix: str


@dataclass
class RowResult:
    row: int
    external_ref: str | None
    status: str  # created, updated, unchanged or failed
    slug: str | None = None
    errors: list[RowError] = field(default_factory=list)


@dataclass
class ImportReport:
    format: str
    rows: list[RowResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def created(self) -> int:
        return self.count("created")

    @property
    def updated(self) -> int:
        return self.count("updated")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def failed(self) -> int:
        return self.count("failed")

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "failed": self.failed,
            "rows": [
                {
                    "row": row.row,
                    "external_ref": row.external_ref,
                    "status": row.status,
                    "slug": row.slug,
                    "errors": [vars(error) for error in row.errors],
                }
                for row in self.rows
            ],
        }

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, {self.failed} failed"


@dataclass
class Record:
    """One row of a file, converted to the API's entry shape but not yet validated."""

    row: int
    external_ref: Any = None
    entry: dict[str, Any] | None = None
    problems: list[RowError] = field(default_factory=list)


# --- The format ----------------------------------------------------------------------


def columns(installed: registry.Registry) -> list[str]:
    """The CSV columns, in template order: the reference, the entry fields, then one per question."""
    entry_columns = [name for name in ENTRY_FIELDS if name != "answers"]
    return [REF, *entry_columns, *(ANSWER_PREFIX + question_id for question_id in installed.questions)]


def required_columns() -> list[str]:
    schema_fields = ProductEntrySchema().fields
    return [REF, *(name for name in ENTRY_FIELDS if schema_fields[name].required)]


def template_csv(installed: registry.Registry) -> str:
    """The CSV template: the header and one example row (with a BOM, so spreadsheets read it as UTF-8)."""
    header = columns(installed)
    example = {name: cell(value) for name, value in EXAMPLE.items() if name != "answers"}
    for question_id, answer in EXAMPLE["answers"].items():
        if question_id in installed.questions:
            example[ANSWER_PREFIX + question_id] = cell(answer)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerow([example.get(name, "") for name in header])
    return "\ufeff" + out.getvalue()


def cell(value: Any) -> str:
    """A value of an entry as a CSV cell of the import format."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return LIST_SEPARATOR.join(str(item) for item in value)
    return "" if value is None else str(value)


def format_for(*, filename: str | None = None, media_type: str | None = None) -> str | None:
    """The format a file is in, from its media type or else its name; None if neither says."""
    if media_type:
        found = MEDIA_TYPES.get(media_type.split(";")[0].strip().lower())
        if found:
            return found
    if filename:
        for ending, found in EXTENSIONS.items():
            if filename.lower().endswith(ending):
                return found
    return None


# --- Running an import ------------------------------------------------------------------

Progress = Callable[[Iterable[Record], int], Iterable[Record]]


def operator(name: str = "cli") -> User:
    """The actor of a command-line import: administrator rights, recorded in the audit log as ``name``.

    It is never stored; it only lets the one permission rule
    (``products.resolve_supplier``) treat the operator as an administrator.
    """
    return User(email=name, role="admin", display_name="Command-line operator")


def run(
    session: Session,
    stream: IO[bytes],
    fmt: str,
    *,
    user: User,
    progress: Progress | None = None,
    index_progress: search.Progress | None = None,
    batch_size: int = BATCH_SIZE,
    index_wait: float = 0.0,
    publish: bool = False,
    processes: int = 1,
    index_every: int | None = None,
) -> ImportReport:
    """Import every row of ``stream`` (bytes) as ``user``; commits as it goes and returns the report.

    Raises ``ImportFileError`` before storing anything if the file cannot be read.
    ``progress(records, total)`` may wrap the rows (a progress bar), and
    ``index_progress(products, total)`` each catch-up's products. With
    ``publish`` (for the register's operator only) every stored version is
    published at once. ``processes`` > 1 judges rows in that many forked worker
    processes (see ``catalogue.bulk``); the CLI uses one per core. The index
    catches up after every ``index_every`` rows: by default after each batch
    with one process, and every ``INDEX_EVERY`` rows, in as many processes, with several.
    """
    if fmt not in FORMATS:
        raise ImportFileError(415, f"Unknown import format {fmt!r}: use csv, json or jsonl.")
    if publish and not permissions.can_review(user):
        raise ImportFileError(403, "Only reviewers and administrators may publish what they import.")
    installed = registry.current()
    with _seekable(stream) as source:
        _check_utf8(source, fmt)
        if fmt == "json":
            fmt = _json_kind(source)
        total = sum(1 for _ in _read(source, fmt, installed))  # a first pass: is the whole file readable?
        source.seek(0)
        report = ImportReport(format=fmt)
        if index_every is None:
            index_every = INDEX_EVERY if processes > 1 else 1
        importer = _Importer(session, user, report, fmt, publish=publish, processes=processes, index_every=index_every,
                             index_progress=index_progress)
        records: Iterable[Record] = _read(source, fmt, installed)
        if progress is not None:
            records = progress(records, total)
        own = products.own_supplier(user)
        with bulk.Judges(processes, default_supplier=own.name if own else None) as judges:
            # Judging batch k+1 in the workers while this process stores batch k.
            waiting: tuple[list[Record], bulk.Pending] | None = None
            for batch in _batches(records, batch_size):
                submitted = (batch, judges.submit([record.entry for record in batch if record.entry is not None]))
                if waiting is not None:
                    importer.apply(*waiting)
                waiting = submitted
            if waiting is not None:
                importer.apply(*waiting)
    search.current().catch_up(session, wait=index_wait, processes=processes, progress=index_progress)
    return report


def _batches(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    batch: list[Record] = []
    for record in records:
        batch.append(record)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@contextlib.contextmanager
def _seekable(stream: IO[bytes]) -> Iterator[IO[bytes]]:
    """``stream`` itself if it can be read twice from its start, else a copy spooled to a temporary file."""
    try:
        rewindable = stream.seekable() and stream.tell() == 0
    except (AttributeError, OSError, ValueError):
        rewindable = False
    if rewindable:
        yield stream
        return
    with tempfile.SpooledTemporaryFile(max_size=1024 * 1024) as spool:
        while chunk := stream.read(_CHUNK):
            spool.write(chunk)
        spool.seek(0)
        yield spool  # type: ignore[misc]


class _Importer:
    """Applies a batch of rows, each all or nothing, then commits it.

    Rows that create a product are gathered into runs and inserted together
    (``bulk.insert_new``); any other row — an update, a name or reference met
    before, a supplier that cannot be used — goes through ``_store`` in its own
    SAVEPOINT. Runs never cross such a row, so rows take effect in file order.
    """

    def __init__(self, session: Session, user: User, report: ImportReport, fmt: str, *, publish: bool, processes: int,
                 index_every: int, index_progress: search.Progress | None) -> None:
        self.session = session
        self.user = user
        self.report = report
        self.fmt = fmt
        self.publish = publish
        self.processes = processes
        self.index_every = index_every
        self.index_progress = index_progress
        self.unindexed = 0
        self.batch: list[RowResult] = []
        # (supplier id, external_ref) -> the row that stored it, to refuse a product listed twice.
        self.seen: dict[tuple[int, str], int] = {}
        self.suppliers: dict[str | None, bulk.Supplier] = {}

    def apply(self, records: list[Record], pending: bulk.Pending) -> None:
        judgements = iter(pending.get())
        first = len(self.report.rows)
        rows: list[tuple[Record, str, bulk.Judgement]] = []
        for record in records:
            judgement = next(judgements) if record.entry is not None else None
            ref, problems = _check_ref(record.external_ref, self.fmt)
            problems = record.problems + problems
            if judgement is not None and not judgement.valid:
                problems += _row_errors(flatten_errors(judgement.errors), self.fmt, record.entry)
            if problems or judgement is None or ref is None:
                shown_ref = ref if ref is not None else _shown(record.external_ref)
                self.report.rows.append(RowResult(record.row, shown_ref, "failed", errors=problems))
            else:
                rows.append((record, ref, judgement))
        _ensure_transaction(self.session)
        self._apply_rows(rows)
        self.commit()
        # Failed rows were reported first: put the batch back in file order.
        self.report.rows[first:] = sorted(self.report.rows[first:], key=lambda result: result.row)

    def _apply_rows(self, rows: list[tuple[Record, str, bulk.Judgement]]) -> None:
        session = self.session
        refs = {ref for _, ref, _ in rows}
        names = {judgement.entry["name"].lower() for _, _, judgement in rows}
        with session.no_autoflush:
            known_refs = set(session.exec(select(Product.supplier_id, Product.external_ref).where(Product.external_ref.in_(refs))))
            known_names = set(session.exec(
                select(Product.supplier_id, func.lower(ProductVersion.name))
                .join(ProductVersion, (ProductVersion.product_id == Product.id) & (ProductVersion.number == Product.latest_version_number))
                .where(func.lower(ProductVersion.name).in_(names))
            ))
        run: list[tuple[Record, str, bulk.Judgement, bulk.Supplier]] = []
        for record, ref, judgement in rows:
            supplier = self._usable_supplier(judgement.entry["supplier"])
            fast = (
                supplier is not None
                and (supplier.id, ref) not in self.seen
                and (supplier.id, ref) not in known_refs
                and (supplier.id, judgement.entry["name"].lower()) not in known_names
            )
            if fast:
                run.append((record, ref, judgement, supplier))
                # Later rows of this batch with the same reference or name are not new.
                known_refs.add((supplier.id, ref))
                known_names.add((supplier.id, judgement.entry["name"].lower()))
                continue
            self._insert_run(run)
            run = []
            key = self._apply_one(record, ref, judgement.entry)
            if key is not None:
                known_refs.add(key)
                known_names.add((key[0], judgement.entry["name"].lower()))
        self._insert_run(run)

    def _usable_supplier(self, name: str | None) -> bulk.Supplier | None:
        """The existing supplier that rows naming ``name`` are for, if this user may submit for it; else None.

        None sends the row down the one-at-a-time path, which creates a new
        supplier or explains the refusal, inside the row's own savepoint. The
        answer is kept for the whole import: a file names each supplier many times.
        """
        if name not in self.suppliers:
            supplier = None
            # A supplier still to be created is created only as part of its row.
            if name is None or accounts.organisation_by_name(self.session, name) is not None:
                try:
                    organisation = products.resolve_supplier(self.session, self.user, name)
                    supplier = bulk.Supplier(organisation.id, organisation.name, organisation.slug)
                except (products.ProductProblem, accounts.AccountError):
                    pass
            if supplier is not None:  # one that is refused may be created by a later row
                self.suppliers[name] = supplier
            return supplier
        return self.suppliers[name]

    def _insert_run(self, run: list[tuple[Record, str, bulk.Judgement, bulk.Supplier]]) -> None:
        """Insert a run of new products together; if the database refuses it, apply its rows one by one."""
        if not run:
            return
        session = self.session
        slugs = products.allocate_slugs(session, [(judgement.entry["name"], supplier) for _, _, judgement, supplier in run])
        items = []
        for (_, ref, judgement, supplier), slug in zip(run, slugs):
            if (slug, supplier.name) != (judgement.slug, judgement.supplier):
                # Judged under another slug or supplier name than the product gets: judge again as it is.
                judgement = bulk.judge_valid(judgement.entry, slug=slug, supplier=supplier.name, runner=evaluation.current_runner())
            items.append(bulk.NewProduct(supplier, ref, slug, judgement))
        try:
            with session.begin_nested():
                bulk.insert_new(session, actor=self.user, items=items, status="submitted", publish=self.publish)
        except IntegrityError:
            # A concurrent writer took a slug, name or reference first: the savepoint
            # left nothing behind, and each row now finds out on its own.
            for record, ref, judgement, _ in run:
                self._apply_one(record, ref, judgement.entry)
            return
        for (record, ref, _, supplier), item in zip(run, items):
            self.seen[(supplier.id, ref)] = record.row
            self._add_result(RowResult(record.row, ref, "created", slug=item.slug))

    def _apply_one(self, record: Record, ref: str, entry: dict[str, Any]) -> tuple[int, str] | None:
        """Apply one row in its own savepoint; returns its (supplier id, reference) if it was stored."""
        try:
            with self.session.begin_nested():
                status, product, key = self._store(ref, entry)
                if self.publish and status != "unchanged":
                    products.publish(self.session, actor=self.user, product=product, version=product.latest_version)
        except products.ProductProblem as exc:
            result = RowResult(record.row, ref, "failed", errors=_problem_errors(exc))
        except _RowProblem as exc:
            result = RowResult(record.row, ref, "failed", errors=[exc.error])
        except accounts.AccountError as exc:
            result = RowResult(record.row, ref, "failed", errors=[RowError("supplier", str(exc), "Check the supplier's name.")])
        except IntegrityError:
            result = RowResult(record.row, ref, "failed", errors=[RowError(
                "_row", "Another submission changed this product at the same moment.", "Submit the file again: rows already stored stay unchanged."
            )])
        else:
            self.seen[key] = record.row
            self._add_result(RowResult(record.row, ref, status, slug=product.slug))
            return key
        self._add_result(result)
        return None

    def _add_result(self, result: RowResult) -> None:
        self.report.rows.append(result)
        self.batch.append(result)

    def _store(self, ref: str, entry: dict[str, Any]) -> tuple[str, Product, tuple[int, str]]:
        session, user = self.session, self.user
        supplier = products.resolve_supplier(session, user, entry["supplier"])
        key = (supplier.id, ref)
        if key in self.seen:
            raise _RowProblem(REF, f"Row {self.seen[key]} of this file already has this external_ref for {supplier.name}.",
                              "List each product once per file, each with its own external_ref.")
        product = session.exec(select(Product).where(Product.supplier_id == supplier.id, Product.external_ref == ref)).first()
        adopted = False
        if product is None:
            try:
                product = products.create_product(session, actor=user, supplier=supplier, entry=entry, external_ref=ref)
                return "created", product, key
            except products.ProductProblem as exc:
                # The supplier has a product of this name already (refused before anything was written).
                same_name = products.find_by_name(session, supplier, entry["name"]) if exc.status == 409 else None
                if same_name is None:
                    raise
            if same_name.external_ref is not None:
                raise _RowProblem(
                    "name",
                    f"{supplier.name} already has a product called {entry['name']!r}, with external_ref {same_name.external_ref!r}.",
                    f"Use external_ref {same_name.external_ref!r} for that product, or give this one another name.",
                )
            # A product entered before (on the web or through the API) without a
            # reference: this row adopts it rather than duplicating it.
            product, adopted = same_name, True
            product.external_ref = ref
            session.add(product)
            audit.record(session, actor=user, action="product.external_ref_set", entity=product, detail={"external_ref": ref})
        elif entry["name"].lower() != product.latest_version.name.lower():
            clash = products.find_by_name(session, supplier, entry["name"])
            if clash is not None and clash.id != product.id:
                raise _RowProblem("name", f"Another of {supplier.name}'s products ({clash.slug}) already has this name.",
                                  "Give this product a name of its own.")
        _, is_new = products.add_version(session, actor=user, product=product, entry=entry)
        return ("updated" if is_new or adopted else "unchanged"), product, key

    def commit(self) -> None:
        """Commit the batch, then bring the search index up to date with it."""
        session = self.session
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            lost = {result.row for result in self.batch}
            self.seen = {key: row for key, row in self.seen.items() if row not in lost}
            for result in self.batch:
                if result.status != "failed":
                    result.status, result.slug = "failed", None
                    result.errors = [RowError("_row", "Not stored: a change made at the same moment conflicted with this part of the file.",
                                              "Submit the file again: rows already stored stay unchanged.")]
        self.unindexed += len(self.batch)
        self.batch = []
        if self.unindexed >= self.index_every:
            search.current().catch_up(session, processes=self.processes, progress=self.index_progress)
            self.unindexed = 0
        # Let go of the batch's objects; the importing user stays attached.
        session.expunge_all()
        if self.user.id is not None:
            session.add(self.user)


class _RowProblem(Exception):
    def __init__(self, field_name: str, problem: str, fix: str) -> None:
        super().__init__(problem)
        self.error = RowError(field_name, problem, fix)


def _ensure_transaction(session: Session) -> None:
    """Make sure a transaction is open before a SAVEPOINT.

    Python's sqlite3 driver begins a transaction only before its first write,
    so a SAVEPOINT issued first would open the transaction itself, and its
    RELEASE would commit it: rows would commit one by one instead of per batch.
    """
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        raw = connection.connection.dbapi_connection
        if raw is not None and not raw.in_transaction:
            raw.execute("BEGIN")


# --- Reading files -------------------------------------------------------------------------


def _read(source: IO[bytes], fmt: str, installed: registry.Registry) -> Iterator[Record]:
    """The file's rows as records; raises ImportFileError when the file itself is unreadable."""
    text = io.TextIOWrapper(source, encoding="utf-8-sig", newline="" if fmt == "csv" else None)
    try:
        if fmt == "csv":
            yield from _csv_records(text, installed)
        elif fmt == "jsonl":
            yield from _json_lines(text)
        else:
            for number, item in _json_array(text):
                yield _json_record(number, item)
    finally:
        text.detach()  # leave the caller's stream open


def _check_utf8(source: IO[bytes], fmt: str) -> None:
    """Refuse a file that is not UTF-8 (or is empty) before reading any row of it."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    lines, content = 1, False
    while True:
        chunk = source.read(_CHUNK)
        try:
            text = decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            line = lines + chunk[: max(exc.start, 0)].count(b"\n")
            kind = "CSV UTF-8 (Comma delimited)" if fmt == "csv" else "UTF-8 text"
            raise ImportFileError(
                400,
                f"The file is not UTF-8: save it as {kind} and upload it again.",
                {"file": [f"Line {line} holds bytes that are not UTF-8 text (for example a file saved as Latin-1 or Windows-1252)."]},
            ) from None
        content = content or bool(text.lstrip("\ufeff").strip())
        lines += chunk.count(b"\n")
        if not chunk:
            break
    source.seek(0)
    if not content:
        raise ImportFileError(400, "The file is empty.", {"file": ["Upload a file with a header row and one row per product."]})


# CSV ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    columns: tuple[str, ...]
    questions: dict[str, Question]


def _csv_records(text: io.TextIOWrapper, installed: registry.Registry) -> Iterator[Record]:
    reader = csv.reader(text, strict=True)
    row = 0
    try:
        for cells in reader:
            row += 1
            if row == 1:
                layout = _layout(cells, installed)
                continue
            if not any(cell.strip() for cell in cells):
                continue  # a blank line, or a row of empty cells a spreadsheet left behind
            yield _csv_record(row, cells, layout)
    except csv.Error as exc:
        raise ImportFileError(
            400,
            f"The CSV cannot be read at row {row + 1} (line {reader.line_num}): {exc}.",
            {"file": ['Check the quotes in that row: a cell that contains a comma, a quote or a line break must be '
                      'wrapped in double quotes, and a quote inside it written twice ("").']},
        ) from None
    if row == 0:
        raise ImportFileError(400, "The file is empty.", {"file": ["Upload a file with a header row and one row per product."]})


def _layout(header: list[str], installed: registry.Registry) -> _Layout:
    names = [name.strip().lower() for name in header]
    known = set(columns(installed))
    errors: dict[str, list[str]] = {}
    if len(names) == 1 and any(sep in header[0] for sep in (";", "\t")):
        raise ImportFileError(
            422,
            "The columns are separated by semicolons or tabs, not commas: save the file as CSV UTF-8 (Comma delimited).",
            {"file": ["The header row must be comma-separated, e.g. external_ref,name,supplier,..."]},
        )
    seen: set[str] = set()
    for name in names:
        if name in seen:
            errors.setdefault(name, []).append("This column appears twice: keep one of them.")
        seen.add(name)
        if name not in known:
            if name == "answers":
                hint = f"Answers go in one column per question, named {ANSWER_PREFIX}<question id>."
            elif name.startswith(ANSWER_PREFIX):
                hint = "No installed evaluator asks this question: remove the column (GET /api/v1/evaluators lists the question ids)."
            else:
                hint = "This is not a column of the import format: remove it or correct its name (the template lists every column)."
            errors.setdefault(name or "(blank)", []).append(hint)
    for name in required_columns():
        if name not in seen:
            what = "each product's own stable reference" if name == REF else "a value for every product"
            errors.setdefault(name, []).append(f"Add a column named {name} ({what}).")
    if errors:
        if len(errors) > 30:  # a header of thousands of junk columns gets a short answer
            errors = dict(list(errors.items())[:30]) | {"file": [f"{len(errors) - 30} more columns have problems too."]}
        raise ImportFileError(422, "The header row does not match the import format; nothing was imported.", errors)
    questions = {name: installed.questions[name.removeprefix(ANSWER_PREFIX)][1] for name in names if name.startswith(ANSWER_PREFIX)}
    return _Layout(tuple(names), questions)


def _csv_record(row: int, cells: list[str], layout: _Layout) -> Record:
    record = Record(row)
    if len(cells) > len(layout.columns):
        record.problems.append(RowError(
            "_row",
            f"This row has {len(cells)} cells but the header has {len(layout.columns)} columns.",
            "Wrap any cell that contains a comma in double quotes, and remove cells beyond the last column.",
        ))
        return record
    entry: dict[str, Any] = {}
    answers: dict[str, Any] = {}
    for name, cell in zip(layout.columns, cells):
        value = cell.strip()
        if name == REF:
            record.external_ref = value
        elif name in layout.questions:
            if value:
                answers[name.removeprefix(ANSWER_PREFIX)] = _answer(layout.questions[name], value)
        elif name == "supplier":
            entry[name] = cell if value else None
        elif not value:
            continue  # left out: a required field is reported missing, an optional one takes its default
        elif name in LIST_FIELDS:
            entry[name] = [item.strip() for item in value.split(LIST_SEPARATOR) if item.strip()]
        elif name in INTEGER_FIELDS:
            entry[name] = int(value) if _INTEGER.match(value) else value
        else:
            entry[name] = cell  # text is kept exactly as written (the schema trims it)
    entry["answers"] = answers
    record.entry = entry
    return record


def _answer(question: Question, value: str) -> Any:
    """A cell as the answer its question expects; a value that does not fit is kept, and reported."""
    if question.type == "yes_no":
        lowered = value.lower()
        return True if lowered in _YES else False if lowered in _NO else value
    if question.type == "multi":
        return [item.strip() for item in value.split(LIST_SEPARATOR) if item.strip()]
    if question.type == "number" and _NUMBER.match(value):
        number = float(value)
        return int(number) if number.is_integer() and _INTEGER.match(value) else number
    return value


# JSON ------------------------------------------------------------------------------------


def _json_kind(source: IO[bytes]) -> str:
    """``json`` for a JSON array, ``jsonl`` for one object per line."""
    start = source.read(MAX_RECORD_CHARS)
    source.seek(0)
    text = start.decode("utf-8-sig", errors="replace").lstrip()
    if text.startswith("["):
        return "json"
    if text.startswith("{"):
        first_line = text.split("\n", 1)[0]
        try:
            json.loads(first_line)
        except (ValueError, RecursionError):
            raise ImportFileError(
                400,
                "The JSON holds one object spread over several lines.",
                {"file": ["Put the products in a JSON array ([{...}, {...}]), or write one object per line (JSON Lines)."]},
            ) from None
        return "jsonl"
    raise ImportFileError(
        400,
        "The file is not a JSON array of products nor JSON Lines.",
        {"file": ["Send a JSON array of product objects ([{...}, {...}]), or one product object per line (JSON Lines)."]},
    )


def _json_record(number: int, item: Any) -> Record:
    if not isinstance(item, dict):
        return Record(number, problems=[RowError("_row", f"This item is a {_json_type(item)}, not an object.",
                                                 "Give each product as a JSON object of its fields.")])
    data = dict(item)
    ref = data.pop(REF, None)
    answers = data.get("answers")
    if isinstance(answers, dict):
        data["answers"] = {key: value for key, value in answers.items() if value is not None}  # null = not answered
    return Record(number, external_ref=ref, entry=data)


def _json_type(value: Any) -> str:
    return {list: "list", str: "string", bool: "true/false", type(None): "null"}.get(type(value), "number")


def _json_lines(text: io.TextIOWrapper) -> Iterator[Record]:
    number = 0
    while True:
        line = text.readline(MAX_RECORD_CHARS + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_RECORD_CHARS and not line.endswith("\n"):
            while (rest := text.readline(_CHUNK)) and not rest.endswith("\n"):
                pass  # skip the rest of the overlong line
            yield Record(number, problems=[RowError("_row", "This line is longer than 2 MiB.", "Shorten the product's text fields.")])
            continue
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except (ValueError, RecursionError) as exc:
            what = f"{exc.msg} (column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else "it is nested too deeply"
            yield Record(number, problems=[RowError(
                "_row", f"This line is not valid JSON: {what}.",
                "Write each product as one complete JSON object on a line of its own.",
            )])
            continue
        yield _json_record(number, item)


def _json_array(text: io.TextIOWrapper) -> Iterator[tuple[int, Any]]:
    """The items of a top-level JSON array, parsed one at a time from the stream."""
    reader = _JsonReader(text)
    reader.skip_space()
    if reader.peek() != "[":
        reader.fail("Expected the file to start with [")
    reader.advance()
    reader.skip_space()
    if reader.peek() == "]":
        reader.advance()
        reader.expect_end()
        return
    number = 0
    while True:
        number += 1
        yield number, reader.value(number)
        reader.skip_space()
        following = reader.peek()
        if following == ",":
            reader.advance()
            reader.skip_space()
            if reader.peek() == "]":
                reader.fail(f"A comma after item {number} is followed by ]; remove the trailing comma")
        elif following == "]":
            reader.advance()
            reader.expect_end()
            return
        else:
            reader.fail(f"Expected , or ] after item {number}")


class _JsonReader:
    def __init__(self, text: io.TextIOWrapper) -> None:
        self.text = text
        self.buffer = ""
        self.pos = 0
        self.eof = False
        self.lines_before = 0  # lines dropped from the buffer, for error positions
        self.decoder = json.JSONDecoder()

    def _fill(self, at_least: int = _CHUNK) -> None:
        data = self.text.read(max(at_least, _CHUNK))
        if not data:
            self.eof = True
            return
        self.lines_before += self.buffer.count("\n", 0, self.pos)
        self.buffer = self.buffer[self.pos:] + data
        self.pos = 0

    def peek(self) -> str:
        while self.pos >= len(self.buffer) and not self.eof:
            self._fill()
        return self.buffer[self.pos] if self.pos < len(self.buffer) else ""

    def advance(self) -> None:
        self.pos += 1

    def skip_space(self) -> None:
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buffer) or self.eof:
                return
            self._fill()

    def value(self, number: int) -> Any:
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buffer, self.pos)
            except RecursionError:
                self.fail(f"Item {number} is nested too deeply")
            except json.JSONDecodeError as exc:
                if self.eof:
                    self.fail(exc.msg, at=exc.pos)
                if len(self.buffer) - self.pos > MAX_RECORD_CHARS:
                    raise ImportFileError(400, f"Item {number} of the JSON array is larger than 2 MiB or is not valid JSON.",
                                          {"file": ["Check the JSON syntax of that item, or shorten its text fields."]}) from None
                self._fill(len(self.buffer) - self.pos)
                continue
            if end == len(self.buffer) and not self.eof:
                self._fill(len(self.buffer) - self.pos)  # the value may go on in the next chunk
                continue
            self.pos = end
            return value

    def expect_end(self) -> None:
        self.skip_space()
        if self.peek():
            self.fail("Unexpected text after the closing ]")

    def fail(self, message: str, at: int | None = None) -> None:
        at = self.pos if at is None else at
        line = self.lines_before + self.buffer.count("\n", 0, at) + 1
        column = at - (self.buffer.rfind("\n", 0, at) + 1) + 1
        raise ImportFileError(
            400,
            f"The JSON is not valid at line {line}, column {column}: {message}.",
            {"file": ["Send a JSON array of product objects ([{...}, {...}]), or one product object per line (JSON Lines)."]},
        )


# --- Row problems in words ------------------------------------------------------------------


def _shown(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value)[:REF_MAX_LENGTH * 2]


def _check_ref(value: Any, fmt: str) -> tuple[str | None, list[RowError]]:
    fix = f"Give each product a stable reference of your own (e.g. your product code, up to {REF_MAX_LENGTH} characters), the same every time you submit it."
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        where = "This cell is empty." if fmt == "csv" else "external_ref is missing."
        return None, [RowError(REF, where, fix)]
    if not isinstance(value, str):
        return None, [RowError(REF, "external_ref must be text.", fix)]
    value = value.strip()
    if len(value) > REF_MAX_LENGTH:
        return None, [RowError(REF, f"This reference is {len(value)} characters long.", fix)]
    if _CONTROL_CHARS.search(value):
        return None, [RowError(REF, "This reference holds control characters such as null bytes.", "Remove them. " + fix)]
    return value, []


def _problem_errors(exc: products.ProductProblem) -> list[RowError]:
    if not exc.errors:
        return [RowError("_row", exc.message, "Check the row.")]
    return [RowError(name, exc.message, " ".join(messages)) for name, messages in exc.errors.items()]


def _row_errors(flat: dict[str, list[str]], fmt: str, entry: dict[str, Any]) -> list[RowError]:
    errors = []
    for path, messages in flat.items():
        name, _, rest = path.partition(".")
        for message in messages:
            if name == "answers" and rest:
                shown = (ANSWER_PREFIX if fmt == "csv" else "answers.") + rest
                fix = _answer_fix(rest, fmt)
            elif name in ("_body", "_schema"):
                shown, fix = "_row", "Check the row against docs/import-format.md."
            else:
                shown, fix = (name if fmt == "csv" else path), _fix(name, fmt)
            problem = message
            if message.startswith("This is required"):  # the schemas' "required" messages
                problem = "This cell is empty." if fmt == "csv" else "This field is missing."
            elif message == "Unknown field.":
                problem, fix = "This is not a field of a product entry.", "Remove it, or correct its name (docs/import-format.md lists the fields)."
            elif rest.isdigit() and name in LIST_FIELDS and fmt == "csv":
                items = entry.get(name) or []
                position = int(rest)
                value = items[position] if position < len(items) else ""
                problem = f"Item {position + 1} ({value!r}): {message}"
            errors.append(RowError(shown, problem, fix))
    return errors


def _fix(name: str, fmt: str) -> str:
    csv_format = fmt == "csv"
    if name in VOCABULARY_FIELDS:
        values = ", ".join(VOCABULARY_FIELDS[name].values)
        if name in LIST_FIELDS:
            return f"Use any of: {values}" + (f", separated by '{LIST_SEPARATOR}'." if csv_format else " (a list).")
        return f"Use one of: {values}."
    fixes = {
        "name": "Give the product's name, up to 120 characters.",
        "supplier": "Give the supplier organisation's exact name (a supplier may leave it empty).",
        "website": "Give a full web address starting with https://.",
        "summary": "Describe the product in one or two sentences, at most 280 characters.",
        "description": "Say what the product is and does, in at most 10,000 characters.",
        "ai_features": "Say what the AI does and for whom, in at most 5,000 characters.",
        "ai_models": "Name each AI model once" + (f", separated by '{LIST_SEPARATOR}'." if csv_format else " (a list)."),
        "subjects": "Name each subject once" + (f", separated by '{LIST_SEPARATOR}'." if csv_format else " (a list)."),
        "age_min": "Give the youngest age as a whole number from 0 to 25.",
        "age_max": "Give the oldest age as a whole number from 0 to 25, not below age_min.",
        "answers": "Answer only the questions the installed evaluators ask (GET /api/v1/evaluators).",
    }
    return fixes.get(name, "Correct this value (docs/import-format.md describes every field).")


def _answer_fix(question_id: str, fmt: str) -> str:
    asked = registry.current().questions.get(question_id)
    if asked is None:
        return "Remove this answer: GET /api/v1/evaluators lists the question ids."
    question = asked[1]
    options = ", ".join(question.options)
    csv_format = fmt == "csv"
    match question.type:
        case "yes_no":
            return "Write yes or no." if csv_format else "Give true or false."
        case "choice":
            return f"Use one of: {options}."
        case "multi":
            return f"Use any of: {options}" + (f", separated by '{LIST_SEPARATOR}'." if csv_format else " (a list).")
        case "number":
            limits = ""
            if question.minimum is not None and question.maximum is not None:
                limits = f" from {question.minimum:g} to {question.maximum:g}"
            return f"Give a number{limits}."
        case "url":
            return "Give a full web address starting with https://."
        case _:
            return "Answer in words."
