"""Bulk load benchmark: build the benchmark database and index for N products through the real logic layer.

    /work/venv/bin/python bench/load.py --products 10000 [--batch 500] [--force] [--profile FILE]

For each batch of generated entries (bench/generate.py) it runs, inside an app
context, exactly what an import does: ``products.validate_entry`` (marshmallow,
including the answers against the installed evaluators' questions),
``products.create_product`` (which classifies and evaluates with every installed
evaluator plugin) and ``products.publish``, commits, then
``SearchService.catch_up`` indexes the batch from the change log. Then it times
a full ``SearchService.rebuild``.

Prints one JSON line: products/s for the whole import (validate + classify +
evaluate + store + index) and without the index, the share of time per step,
and the full-reindex seconds. Targets (DESIGN §8): bulk import >= 300 products/s,
full reindex of 100k <= 150 s.

The build is cached in /tmp/catalogue-bench/<N>/ (see common.py): if
``load.json`` is there, the figures of that build are printed again (with
``"cached": true``) unless ``--force`` is given. ``--limit K`` times only the
first K products into a scratch directory (no cache) to measure the rate
without a full build.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import common
import generate

ACTOR = "bench"


def build(n: int, *, batch: int = 500, force: bool = False, limit: int | None = None, directory: Path | None = None,
          profile: str | None = None) -> dict[str, Any]:
    directory = directory or common.bench_dir(n)
    marker = directory / "load.json"
    if marker.exists() and not force and limit is None:
        return json.loads(marker.read_text()) | {"cached": True}
    common.remove_tree(directory)
    directory.mkdir(parents=True)

    from sqlmodel import Session, select
    from tqdm import tqdm

    from catalogue import accounts, db, products, search
    from catalogue.models import Organisation

    count = min(n, limit) if limit else n
    suppliers, entries = generate.generate(n)
    app = common.make_app(directory)
    engine = app.extensions["catalogue.engine"]
    timings = {"generate": 0.0, "validate": 0.0, "classify_evaluate_store": 0.0, "commit": 0.0, "index": 0.0}
    profiler = cProfile.Profile() if profile else None
    with app.app_context():
        db.upgrade(engine)
        service = search.current()
        with Session(engine, expire_on_commit=False) as session:
            for record in suppliers:
                accounts.create_organisation(session, name=record["name"], kind="supplier", website=record["website"],
                                             description=record["description"], is_demo=True, actor=ACTOR)
            session.commit()
            supplier_ids = {o.name: o.id for o in session.exec(select(Organisation))}

        started = time.perf_counter()
        bar = tqdm(total=count, desc=f"Loading {n:,}", unit="product", file=sys.stderr, disable=False, smoothing=0.05)
        done = 0
        batch_rates: list[float] = []  # products/s of each batch (whole import), to see whether the rate drifts with size
        while done < count:
            t0 = time.perf_counter()
            chunk = [next(entries) for _ in range(min(batch, count - done))]
            t1 = time.perf_counter()
            timings["generate"] += t1 - t0
            if profiler is not None and done == batch:  # profile the second batch (the first warms caches)
                profiler.enable()
            with Session(engine, expire_on_commit=False) as session:
                organisations = {o.id: o for o in session.exec(select(Organisation).where(Organisation.id.in_({supplier_ids[e["supplier"]] for e in chunk})))}
                validated = []
                for item in chunk:
                    validated.append(products.validate_entry(item))
                t2 = time.perf_counter()
                timings["validate"] += t2 - t1
                for item in validated:
                    product = products.create_product(session, actor=ACTOR, supplier=organisations[supplier_ids[item["supplier"]]], entry=item)
                    products.publish(session, actor=ACTOR, product=product, version=product.latest_version)
                t3 = time.perf_counter()
                timings["classify_evaluate_store"] += t3 - t2
                session.commit()
                t4 = time.perf_counter()
                timings["commit"] += t4 - t3
                service.catch_up(session, wait=30)
                timings["index"] += time.perf_counter() - t4
            if profiler is not None and done == batch:
                profiler.disable()
            batch_rates.append(len(chunk) / (time.perf_counter() - t1))
            done += len(chunk)
            bar.update(len(chunk))
        bar.close()
        load_seconds = time.perf_counter() - started - timings["generate"]

        with Session(engine, expire_on_commit=False) as session:
            t0 = time.perf_counter()

            def progress(items: Any, total: int) -> Any:
                return tqdm(items, total=total, desc="Reindexing", unit="product", file=sys.stderr, disable=False)

            indexed = service.rebuild(session, progress=progress)
            reindex_seconds = time.perf_counter() - t0
    engine.dispose()

    if profiler is not None:
        profiler.dump_stats(profile)
        stats = pstats.Stats(profile, stream=sys.stderr)
        stats.sort_stats("cumulative").print_stats(25)

    without_index = load_seconds - timings["index"]
    result = {
        "script": "load",
        "products": count,
        "requested": n,
        "batch": batch,
        "suppliers": len(suppliers),
        "import_products_per_s": round(count / load_seconds, 1),
        "import_seconds": round(load_seconds, 1),
        "without_index_products_per_s": round(count / without_index, 1),
        "index_catch_up_products_per_s": round(count / timings["index"], 1) if timings["index"] else None,
        "seconds_by_step": {k: round(v, 1) for k, v in timings.items()},
        "products_per_s_first_batches": round(sum(batch_rates[: max(1, len(batch_rates) // 10)]) / max(1, len(batch_rates) // 10), 1),
        "products_per_s_last_batches": round(sum(batch_rates[-max(1, len(batch_rates) // 10):]) / max(1, len(batch_rates) // 10), 1),
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
    parser.add_argument("--batch", type=int, default=500, help="products per transaction (and per index catch-up)")
    parser.add_argument("--force", action="store_true", help="rebuild even if a cached build exists")
    parser.add_argument("--limit", type=int, help="time only the first K products, in a scratch directory (not cached)")
    parser.add_argument("--profile", help="cProfile the second batch into this file and print the top functions to stderr")
    args = parser.parse_args()
    directory = None
    if args.limit:
        directory = Path(f"/tmp/catalogue-bench-scratch/{args.products}-{args.limit}")
    result = build(args.products, batch=args.batch, force=args.force, limit=args.limit, directory=directory, profile=args.profile)
    if args.limit:
        common.remove_tree(directory)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
