"""Bulk load benchmark: build the benchmark database and index for N products through the real import.

    /work/venv/bin/python bench/load.py --products 10000 [--processes 2] [--force] [--limit K] [--profile FILE]

It writes the generated entries (bench/generate.py), each with an
``external_ref``, to a JSON Lines file, creates their suppliers, and then times
``imports.run(..., publish=True, processes=P)`` on that file: exactly what
``catalogue import --publish FILE`` runs (P is one per core there, and here by
default). That is the whole bulk load: reading the file, validating, classifying
and evaluating with every installed evaluator plugin (in P worker processes),
storing, publishing and bringing the search index up to date (every
``imports.INDEX_EVERY`` rows and at the end). Then it times a full
``SearchService.rebuild``.

Prints one JSON line: products/s for the whole import and without its index
catch-ups, and the full-reindex seconds. Targets (DESIGN §8): bulk import >= 300
products/s, full reindex of 100k <= 150 s. ``--processes 1`` measures the same
import judged in one process (the baseline the workers are compared with).

The build is cached in /tmp/catalogue-bench/<N>/ (see common.py): if
``load.json`` is there, the figures of that build are printed again (with
``"cached": true``) unless ``--force`` is given. ``--limit K`` times only the
first K products into a scratch directory (no cache).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import common
import generate

ACTOR = "bench"


def write_file(path: Path, entries: Any, count: int) -> None:
    """The generated entries as an import file: JSON Lines, each with its own reference."""
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            out.write(json.dumps(next(entries) | {"external_ref": f"BENCH-{n:06d}"}, ensure_ascii=False) + "\n")


def build(n: int, *, force: bool = False, limit: int | None = None, directory: Path | None = None,
          processes: int | None = None, profile: str | None = None) -> dict[str, Any]:
    directory = directory or common.bench_dir(n)
    marker = directory / "load.json"
    if marker.exists() and not force and limit is None:
        return json.loads(marker.read_text()) | {"cached": True}
    common.remove_tree(directory)
    directory.mkdir(parents=True)

    from sqlmodel import Session
    from tqdm import tqdm

    from catalogue import accounts, db, imports, search

    count = min(n, limit) if limit else n
    processes = processes or os.cpu_count() or 1
    suppliers, entries = generate.generate(n)
    source = directory / "entries.jsonl"
    write_file(source, entries, count)
    app = common.make_app(directory)
    engine = app.extensions["catalogue.engine"]
    with app.app_context():
        db.upgrade(engine)
        service = search.current()
        with Session(engine, expire_on_commit=False) as session:
            for record in suppliers:
                accounts.create_organisation(session, name=record["name"], kind="supplier", website=record["website"],
                                             description=record["description"], is_demo=True, actor=ACTOR)
            session.commit()

        # Time the index catch-ups inside the import, to report the rate without them too.
        index_seconds = [0.0]
        catch_up = service.catch_up

        def timed_catch_up(*args: Any, **kwargs: Any) -> int:
            t0 = time.perf_counter()
            try:
                return catch_up(*args, **kwargs)
            finally:
                index_seconds[0] += time.perf_counter() - t0

        service.catch_up = timed_catch_up  # type: ignore[method-assign]

        def progress(records: Any, total: int) -> Any:
            return tqdm(records, total=total, desc=f"Importing {count:,}", unit="row", file=sys.stderr, disable=False, smoothing=0.05)

        def index_progress(products: Any, total: int) -> Any:  # as the CLI's bar during each catch-up
            return tqdm(products, total=total, desc="Indexing", unit="product", file=sys.stderr, disable=False, leave=False)

        profiler = cProfile.Profile() if profile else None
        if profiler is not None:
            # Forked judging and indexing workers would inherit the profiler's hook and run
            # about twice as slowly, making this process seem to wait for them longer than it does.
            os.register_at_fork(after_in_child=lambda: sys.setprofile(None))
        with Session(engine) as session, source.open("rb") as stream:
            if profiler is not None:
                profiler.enable()
            started = time.perf_counter()
            report = imports.run(session, stream, "jsonl", user=imports.operator(ACTOR), progress=progress,
                                 index_progress=index_progress, index_wait=30, publish=True, processes=processes)
            load_seconds = time.perf_counter() - started
            if profiler is not None:
                profiler.disable()
        service.catch_up = catch_up  # type: ignore[method-assign]
        if report.created != count:
            raise SystemExit(f"The import did not create every product: {report}")

        with Session(engine, expire_on_commit=False) as session:
            t0 = time.perf_counter()

            def reindex_progress(items: Any, total: int) -> Any:
                return tqdm(items, total=total, desc="Reindexing", unit="product", file=sys.stderr, disable=False)

            indexed = service.rebuild(session, progress=reindex_progress)
            reindex_seconds = time.perf_counter() - t0
    engine.dispose()
    source.unlink()

    if profiler is not None:
        profiler.dump_stats(profile)
        stats = pstats.Stats(profile, stream=sys.stderr)
        stats.sort_stats("cumulative").print_stats(25)

    without_index = load_seconds - index_seconds[0]
    result = {
        "script": "load",
        "products": count,
        "requested": n,
        "processes": processes,
        "batch": imports.BATCH_SIZE,
        "suppliers": len(suppliers),
        "import_products_per_s": round(count / load_seconds, 1),
        "import_seconds": round(load_seconds, 1),
        "without_index_products_per_s": round(count / without_index, 1),
        "index_catch_up_seconds": round(index_seconds[0], 1),
        "reindex_seconds": round(reindex_seconds, 1),
        "reindex_products_per_s": round(indexed / reindex_seconds, 1),
        "indexed": indexed,
        "target_import_products_per_s": 300,
        "import_ratio_to_target": round(count / load_seconds / 300, 2),
        "import_seconds_extrapolated_to_100k": round(load_seconds * 100_000 / count),
        "target_reindex_seconds_at_100k": 150,
        "reindex_seconds_extrapolated_to_100k": round(reindex_seconds * 100_000 / max(1, indexed), 1),
        "directory": str(directory),
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "machine": common.machine(),
    }
    if limit is None:
        (directory / "load.json").write_text(json.dumps(result))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=10_000, help="10000 or 100000")
    parser.add_argument("--processes", type=int, help="judging and indexing processes (default: one per core, as the CLI)")
    parser.add_argument("--force", action="store_true", help="rebuild even if a cached build exists")
    parser.add_argument("--limit", type=int, help="time only the first K products, in a scratch directory (not cached)")
    parser.add_argument("--profile", help="cProfile the import (this process only) into this file and print the top functions")
    args = parser.parse_args()
    directory = None
    if args.limit:
        directory = Path(f"/tmp/catalogue-bench-scratch/{args.products}-{args.limit}")
    result = build(args.products, force=args.force, limit=args.limit, directory=directory, processes=args.processes,
                   profile=args.profile)
    if args.limit:
        common.remove_tree(directory)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
