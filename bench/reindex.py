"""Full reindex time: ``SearchService.rebuild`` on a cached build, with the code as it is now.

    /work/venv/bin/python bench/reindex.py --products 100000 [--rounds 1] [--processes K]

load.py times a rebuild too, at the end of a build made by the code of that
day; this script re-times it on the cached database (made by load.py) without
loading again. Each round builds a complete index in a new directory and swaps
it in, exactly as ``catalogue reindex`` does. Prints one JSON line: seconds per
round, products/s and the ratio to the target (DESIGN §8: 100k in <= 150 s).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import datetime, timezone

import common

TARGET_SECONDS_AT_100K = 150


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=10_000, help="10000 or 100000")
    parser.add_argument("--rounds", type=int, default=1, help="rebuilds to time")
    parser.add_argument("--processes", type=int, help="worker processes (default: one per core, at most 4)")
    args = parser.parse_args()

    from sqlmodel import Session
    from tqdm import tqdm

    from catalogue import db, search

    directory = common.require_built(args.products)
    app = common.make_app(directory)
    seconds, indexed = [], 0
    with app.app_context(), Session(db.engine()) as session:
        service = search.current()
        for round_number in range(args.rounds):
            def progress(items, total, n=round_number):
                return tqdm(items, total=total, desc=f"Reindex {n + 1}/{args.rounds}", unit="product", file=sys.stderr, disable=False)

            started = time.perf_counter()
            indexed = search.index.rebuild(session, service.registry, service.store, progress=progress, processes=args.processes)
            seconds.append(time.perf_counter() - started)
    median = statistics.median(seconds)
    print(json.dumps({
        "script": "reindex",
        "products": args.products,
        "indexed": indexed,
        "rounds_seconds": [round(s, 1) for s in seconds],
        "median_seconds": round(median, 1),
        "products_per_s": round(indexed / median, 1),
        "target_seconds_at_100k": TARGET_SECONDS_AT_100K,
        "seconds_extrapolated_to_100k": round(median * 100_000 / max(1, indexed), 1),
        "ratio_to_target": round(median * 100_000 / max(1, indexed) / TARGET_SECONDS_AT_100K, 2),
        "directory": str(directory),
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "machine": common.machine(),
    }))


if __name__ == "__main__":
    main()
