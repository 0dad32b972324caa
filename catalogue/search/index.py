"""The on-disk whoosh index: its schema, the change-log follower, full rebuilds and the consistency check.

The concurrency pattern (see docs/search.md):

- **The database is the truth.** Every change that can alter a product's public
  view appends to the change log in the same transaction.
- **One writer at a time.** After committing, a process tries to take the
  index's write lock without waiting. If it gets it, it applies *every* pending
  log entry — its own and anyone else's — and then looks again before letting
  go. If another process holds the lock, it simply leaves: the holder will see
  the new entries when it looks again, because they were committed before the
  lock was asked for.
- **Readers are never blocked.** whoosh readers see the last committed
  generation; each worker refreshes its searcher when the generation changes.
- **Exact recovery.** The last applied log id is stored *inside* the index, in
  the same commit as the documents, so after a crash the follower replays
  exactly what is missing. Applying an entry twice is harmless.
- **Full rebuilds** go to a new directory, swapped in atomically by replacing
  the ``current`` symlink; changes made meanwhile are replayed from the log.
"""

from __future__ import annotations

import calendar
import fcntl
import json
import multiprocessing
import os
import queue
import shutil
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Any

from sqlmodel import Session
from whoosh import index as whoosh_index
from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.index import LockError
from whoosh.writing import SegmentWriter

from catalogue import changelog
from catalogue.registry import Registry
from catalogue.search.analysis import RegisterAnalyzer, RegisterPositions
from catalogue.search.arrays import WholeLengths
from catalogue.search.documents import KEYWORD_FIELDS, Card, build_cards, public_product_ids

# Wraps an iterable of work with its length, as tqdm(items, total=total) does: the CLI's progress bars.
Progress = Callable[[Iterable[Any], int], Iterable[Any]]

LOG_KEY = "__log__"
# Field boosts: a match in the name matters most, then supplier and summary.
TEXT_BOOSTS = {"name": 4.0, "supplier": 2.0, "summary": 2.0, "ai_features": 1.5, "description": 1.0}
# Stored when a product has no score from an evaluator (scores are 0–100, unsigned bytes).
NO_SCORE = 255
# The pid of the change-log marker document; product ids start at 1.
MARKER_PID = 0


class IndexWriter(SegmentWriter):
    """whoosh's segment writer, as every writer of the register's index uses it.

    - Segments are separate files, not one compound file: whoosh maps a compound
      file into memory whole, so every worker's resident memory grew with the
      index (measured: 24 MB per 10k products), while plain files are read
      through the page cache that all workers share.
    - Field lengths are read whole while postings are written (see
      ``arrays.WholeLengths``).
    """

    def __init__(self, ix: whoosh_index.Index, **options: Any) -> None:
        super().__init__(ix, compound=False, **options)

    def per_document_reader(self) -> WholeLengths:
        reader = super().per_document_reader()
        return WholeLengths(reader, reader.doc_count_all())


def make_schema() -> Schema:
    analyzer = RegisterAnalyzer()
    fields: dict[str, Any] = {
        "key": ID(unique=True),
        "pid": _number_column("Q", MARKER_PID),
        "updated": _number_column("Q", 0),
        "sort_name": ID(sortable=True),
        "card": STORED,
        "applied": STORED,
    }
    fields |= {name: _text_field(analyzer, boost) for name, boost in TEXT_BOOSTS.items()}
    # scorable only so that whoosh keeps their (unused) lengths in a column: without
    # one, writing each posting looks for the column file on disk again.
    fields |= {facet: KEYWORD(commas=True, lowercase=False, scorable=True) for facet in KEYWORD_FIELDS}
    fields |= {age: _number_column("B", 0) for age in ("age_min", "age_max")}
    schema = Schema(**fields)
    # One score column per evaluator (and "overall"), named score_<id>. A NUMERIC
    # field, not a bare column: whoosh drops bare columns of glob fields when it
    # merges segments. One shift step, so each score is a single indexed term.
    schema.add("score_*", NUMERIC(int, bits=8, shift_step=8, signed=False, sortable=True, default=NO_SCORE), glob=True)
    return schema


def _text_field(analyzer: RegisterAnalyzer, boost: float) -> TEXT:
    field = TEXT(analyzer=analyzer, field_boost=boost)
    field.format = RegisterPositions(field_boost=boost)  # the same postings as TEXT's own, computed faster
    return field


def _number_column(typecode: str, default: int) -> COLUMN:
    """A per-document number read by the engine's arrays, never searched: a column, not indexed terms
    (a 64-bit NUMERIC field would index 16 terms per document)."""
    return COLUMN(NumericColumn(typecode, default=default))


def score_field(key: str) -> str:
    return f"score_{key}"


def document(card: Card) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "key": str(card.product_id),
        "pid": card.product_id,
        "updated": int(calendar.timegm(time.strptime(card.data["updated_at"], "%Y-%m-%dT%H:%M:%SZ"))),
        "sort_name": card.data["name"].casefold(),
        "card": json.dumps(card.data, ensure_ascii=False, separators=(",", ":")),
        "age_min": card.data["age_min"],
        "age_max": card.data["age_max"],
        **card.text,
    }
    doc |= {facet: ",".join(values) for facet, values in card.facets.items() if values}
    doc |= {score_field(key): value for key, value in card.scores.items()}
    return doc


@dataclass
class IndexStore:
    """The index directory: ``root/current`` points at the live generation directory."""

    root: Path
    # What each segment-writing worker may hold of postings before sorting them on disk
    # in runs, which takes about 1.5 times as long: the INDEX_WRITER_MEMORY_MB setting.
    writer_memory_mb: int

    @property
    def pointer(self) -> Path:
        return self.root / "current"

    def current_dir(self) -> Path | None:
        return self.pointer.resolve() if self.pointer.is_symlink() else None

    def open(self) -> whoosh_index.Index:
        """The live index, created empty on first use."""
        for _ in range(3):
            directory = self.current_dir()
            if directory is None or not whoosh_index.exists_in(str(directory)):
                directory = self._create_first()
            try:
                return whoosh_index.open_dir(str(directory))
            except (whoosh_index.EmptyIndexError, FileNotFoundError):
                continue  # swapped out and removed in between: read ``current`` again
        return whoosh_index.open_dir(str(self.current_dir()))

    def _create_first(self) -> Path:
        # Under the lock, so that workers starting together create one index, not
        # one each that then delete each other's.
        with self._lock():
            directory = self.current_dir()
            if directory is not None and whoosh_index.exists_in(str(directory)):
                return directory  # another process created it while we waited
            directory = self.new_dir()
            ix = whoosh_index.create_in(str(directory), make_schema())
            with IndexWriter(ix) as writer:
                writer.add_document(key=LOG_KEY, pid=MARKER_PID, applied=0)
            self._swap(directory)
            return directory

    def new_dir(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        directory = self.root / f"gen-{time.time_ns()}"
        directory.mkdir()
        return directory

    def swap(self, directory: Path) -> None:
        """Point ``current`` at ``directory`` atomically, then remove older generations."""
        with self._lock():
            self._swap(directory)

    def _swap(self, directory: Path) -> None:
        temporary = self.root / f".current-{os.getpid()}-{time.time_ns()}"
        temporary.symlink_to(directory.name)
        os.replace(temporary, self.pointer)  # atomic on POSIX: readers see old or new, never neither
        for old in self.root.glob("gen-*"):
            # Only older ones: a newer directory may be a rebuild still in progress.
            if _created(old) < _created(directory):
                # Open readers keep their files (POSIX unlink semantics) until they refresh.
                shutil.rmtree(old, ignore_errors=True)

    @contextmanager
    def _lock(self) -> Iterator[None]:
        """Serialises creating and swapping generations between processes (not searching or writing)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".generations.lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _created(directory: Path) -> int:
    return int(directory.name.removeprefix("gen-"))


def applied_id(ix: whoosh_index.Index) -> int:
    with ix.searcher() as searcher:
        marker = searcher.document(key=LOG_KEY)
    return int(marker["applied"]) if marker else 0


# A catch-up of fewer products than this is written in this process: forking costs more than it saves.
PARALLEL_MIN = 2000


def catch_up(session: Session, registry: Registry, store: IndexStore, *, wait: float = 0.0, processes: int = 1,
             progress: Progress | None = None) -> int:
    """Apply pending change-log entries; returns how many entries were applied.

    Gives up at once (or after ``wait`` seconds) if another process is writing:
    that process will apply our entries too (see the module docstring). With
    ``processes`` > 1, a large backlog (a bulk import's) is written as one new
    segment per process, as ``rebuild`` writes (never from a web request).
    ``progress``, if given, wraps each round's products as ``rebuild``'s does.
    """
    limit = 100_000 if processes > 1 else 5000
    progress = progress or _unwatched
    applied = 0
    while True:
        ix = store.open()
        entries = changelog.pending(session, applied_id(ix), limit)
        if not entries:
            return applied
        try:
            writer = IndexWriter(ix, timeout=wait)
        except LockError:
            return applied
        try:
            # Re-read under the lock: another writer may have applied them meanwhile.
            entries = changelog.pending(session, applied_id(ix), limit)
            if not entries:
                # Nothing left: committing anyway would start a new index generation
                # and make every worker rebuild its caches for nothing.
                writer.cancel()
                return applied
            product_ids = sorted({product_id for _, product_id in entries})
            if processes > 1 and len(product_ids) >= PARALLEL_MIN:
                _apply_in_processes(writer, session, registry, Path(ix.storage.folder), product_ids, processes, entries[-1][0],
                                    memory_mb=store.writer_memory_mb, progress=progress)
            else:
                _apply(writer, session, registry, product_ids, progress=progress)
                writer.update_document(key=LOG_KEY, pid=MARKER_PID, applied=entries[-1][0])
                writer.commit()
        except BaseException:
            if not writer.is_closed:
                writer.cancel()
            raise
        applied += len(entries)


def _unwatched(items: Iterable[Any], total: int) -> Iterable[Any]:
    return items


def _apply(writer: Any, session: Session, registry: Registry, product_ids: list[int], *, progress: Progress) -> None:
    for product_id, card in progress(build_cards(session, registry, sorted(product_ids)), len(product_ids)):
        if card is None:
            writer.delete_by_term("key", str(product_id))
        else:
            writer.update_document(**document(card))


def _apply_in_processes(writer: IndexWriter, session: Session, registry: Registry, directory: Path, product_ids: list[int],
                        processes: int, applied: int, *, memory_mb: int, progress: Progress) -> None:
    """``_apply`` and commit, with the products' new documents written by forked workers as their own segments."""
    # Each product's old document goes (if it has one); the workers write the public ones anew.
    for product_id in product_ids:
        writer.delete_by_term("key", str(product_id))
    segments, _ = _write_in_processes(session, registry, directory, product_ids, processes, memory_mb=memory_mb,
                                      progress=progress)
    writer.update_document(key=LOG_KEY, pid=MARKER_PID, applied=applied)
    # As commit() does, with the workers' segments added to the TOC (see rebuild).
    kept = writer._merge_segments(None, None, None)
    writer._commit_toc([*kept, *segments, writer._finalize_segment()])
    writer._finish()


def rebuild(session: Session, registry: Registry, store: IndexStore, *, progress: Progress,
            processes: int | None = None) -> int:
    """Build a fresh index from the database in a new directory and swap it in; returns the product count.

    Building cards and analysing text are pure-Python and CPU-bound, so the
    products are split into one contiguous slice per core; each slice is read
    from the database and written as its own segment by a forked process (see
    ``_write_slice``), and the segments are committed together.
    """
    # Read the log position first: anything committed during the build is replayed afterwards.
    position = changelog.last_id(session)
    directory = store.new_dir()
    ix = whoosh_index.create_in(str(directory), make_schema())
    ids = public_product_ids(session)
    processes = processes or max(1, min(os.cpu_count() or 1, 4, -(-len(ids) // 1000)))
    writer = IndexWriter(ix)
    try:
        segments, count = _write_in_processes(session, registry, directory, ids, processes, memory_mb=store.writer_memory_mb,
                                              progress=progress)
        writer.add_document(key=LOG_KEY, pid=MARKER_PID, applied=position)
        # As whoosh's own multi-process writer commits (whoosh.multiproc.MpWriter):
        # the workers' finished segments plus the writer's own, in one new TOC.
        writer._commit_toc([*segments, writer._finalize_segment()])
        writer._finish()
    except BaseException:
        writer.cancel()
        shutil.rmtree(directory, ignore_errors=True)
        raise
    store.swap(directory)
    catch_up(session, registry, store, wait=30)
    return count


def _write_in_processes(session: Session, registry: Registry, directory: Path, ids: list[int], processes: int, *,
                        memory_mb: int, progress: Progress) -> tuple[list[Any], int]:
    """Run ``_write_slice`` in ``processes`` forked workers; returns their segments and how many products they wrote."""
    # fork, not spawn: the workers inherit the loaded plugins and the database engine.
    context = multiprocessing.get_context("fork")
    messages = context.Queue()
    size = -(-len(ids) // processes) if ids else 0
    workers = [
        context.Process(target=_write_slice, name=f"catalogue-reindex-{n}", daemon=True,
                        args=(n, session.get_bind(), registry, str(directory), ids[start : start + size], memory_mb, messages))
        for n, start in enumerate(range(0, len(ids), size or 1))
    ]
    for worker in workers:
        worker.start()
    results: dict[int, tuple[Any, int]] = {}
    try:
        for _ in progress(_products_done(messages, workers, results), len(ids)):
            pass
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()
    # Segments in slice order, so documents keep product-id order however the workers finished.
    done = [results[n] for n in sorted(results)]
    return [segment for segment, _ in done if segment is not None], sum(written for _, written in done)


def _products_done(messages: Any, workers: list[Any], results: dict[int, tuple[Any, int]]) -> Iterable[None]:
    """Yields once per product the workers have handled; collects each worker's (segment, count) by slice."""
    finished = 0
    while finished < len(workers):
        try:
            kind, *payload = messages.get(timeout=1.0)
        except queue.Empty:
            if any(w.exitcode not in (None, 0) for w in workers):
                raise RuntimeError("A reindex worker process died; the old index is still in use. Run `catalogue reindex` again.")
            continue
        if kind == "progress":
            yield from repeat(None, payload[0])
        elif kind == "done":
            slice_number, segment, written = payload
            results[slice_number] = (segment, written)
            finished += 1
        else:
            raise RuntimeError(f"A reindex worker failed; the old index is still in use.\n{payload[0]}")


PROGRESS_EVERY = 100


def _write_slice(slice_number: int, engine: Any, registry: Registry, directory: str, ids: list[int], memory_mb: int,
                 messages: Any) -> None:
    """In a worker process: write the cards of ``ids`` as one new segment of the index in ``directory``."""
    # The inherited pool's connections belong to the parent; never use or close them here.
    engine.dispose(close=False)
    writer = None
    try:
        ix = whoosh_index.open_dir(directory)
        # No lock: the parent holds it, and each worker writes only its own segment files.
        writer = IndexWriter(ix, _lk=False, limitmb=memory_mb)
        written = pending = 0
        with Session(engine) as session:
            for _, card in build_cards(session, registry, ids):
                if card is not None:
                    writer.add_document(**document(card))
                    written += 1
                pending += 1
                if pending == PROGRESS_EVERY:
                    messages.put(("progress", pending))
                    pending = 0
        segment = writer._finalize_segment() if written else None
        # The last few products count only once the segment is written, so the
        # progress bar reaches 100% when the work is done, not before the longest step.
        messages.put(("progress", pending))
        messages.put(("done", slice_number, segment, written))
    except BaseException:
        messages.put(("error", traceback.format_exc()))
    finally:
        # Close this worker's files, but never cancel(): a writer's temporary directory
        # is shared by every writer of the index, and cancel() deletes it.
        if writer is not None and not writer.perdocwriter.is_closed:
            writer._close_segment()


@dataclass
class CheckReport:
    missing: list[int] = field(default_factory=list)  # public in the database, absent from the index
    extra: list[int] = field(default_factory=list)  # in the index, no longer public
    stale: list[int] = field(default_factory=list)  # indexed with out-of-date content

    @property
    def ok(self) -> bool:
        return not (self.missing or self.extra or self.stale)

    def __str__(self) -> str:
        return f"{len(self.missing)} missing, {len(self.extra)} no longer public, {len(self.stale)} out of date"


def check(session: Session, registry: Registry, store: IndexStore, *, repair: bool,
          progress: Progress) -> CheckReport:
    """Compare the index with the database product by product; optionally repair what differs."""
    ix = store.open()
    indexed: dict[int, str] = {}
    with ix.searcher() as searcher:
        for fields in searcher.all_stored_fields():
            if "card" in fields:
                indexed[json.loads(fields["card"])["product_id"]] = fields["card"]
    report = CheckReport()
    public = public_product_ids(session)
    report.extra = sorted(set(indexed) - set(public))
    for product_id, card in progress(build_cards(session, registry, public), len(public)):
        if card is None:
            continue
        if product_id not in indexed:
            report.missing.append(product_id)
        elif json.loads(indexed[product_id]) != card.data:
            report.stale.append(product_id)
    if repair and not report.ok:
        with IndexWriter(ix, timeout=30) as writer:
            _apply(writer, session, registry, report.missing + report.extra + report.stale, progress=_unwatched)
    return report

