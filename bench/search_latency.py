"""In-process search latency: the register's SearchService against SQLite FTS5 on the same data and queries.

    /work/venv/bin/python bench/search_latency.py --products 10000 [--queries 240] [--rounds 2] [--profile FILE]

Uses the cached build in /tmp/catalogue-bench/<N>/ (made by load.py; built first
if missing) and its SQLite mirror (common.build_mirror). Each query of the fixed
mix (bench/queries.py: text + 2 facets + a minimum score, per_page 20, relevance
order) is answered

* by ``SearchService.search(SearchParams(...))`` — hits, page of 20 cards,
  counts for all 10 facets (each facet's own selection left out of its counts),
  score histogram; and
* by SQLite FTS5 (the embedded floor), in one transaction: one ``MATCH``
  joined to the narrow ``facts`` table for the score filter, keeping each hit's
  bm25 rank (same column weights as the index's field boosts) and whether it has
  each selected facet value (EXISTS on ``facet_values``) in a temporary table;
  then the total, the top 20 cards (decoded with json.loads, as the engine
  does) and the counts of all 10 facets in one GROUP BY pass over the hits,
  with the same "leave the facet's own selection out" rule. (One big WITH …
  UNION ALL statement re-evaluates its CTEs per arm and is about 5x slower.)

Both run in the same process and round, interleaved query by query, after a
warm-up pass. Prints one JSON line with both distributions, the ratio
p95_engine / p95_fts5 and how often both found the same number of products
(they differ slightly: whoosh's porter2 stemmer and stop words vs FTS5's
porter tokenizer). Targets at 100k (DESIGN §8): p95 <= 100 ms and <= 2.5x FTS5.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

import common
import queries as query_mix

BOOSTS = "4.0, 2.0, 2.0, 1.0, 1.5"  # name, supplier, summary, description, ai_features (index.TEXT_BOOSTS)


def fts_match(text: str) -> str:
    """The search text as an FTS5 query: each word quoted (implicit AND), "phrases" kept (as Datasette does)."""
    parts, inside, current = [], False, []
    for ch in text:
        if ch == '"':
            if inside and current:
                parts.append('"' + "".join(current).strip().replace('"', "") + '"')
            elif not inside:
                parts.extend(f'"{w}"' for w in "".join(current).split())
            current, inside = [], not inside
        else:
            current.append(ch)
    parts.extend(f'"{w}"' for w in "".join(current).split())
    return " ".join(p for p in parts if p != '""')


class Fts5Floor:
    """The same register search in SQLite FTS5: one MATCH per query, its hits kept in a temporary table."""

    def __init__(self, path: Path, facets: tuple[str, ...]) -> None:
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA cache_size=-262144")  # 256 MB: keep the warm data in memory, as the engine does
        self.db.execute("PRAGMA mmap_size=1073741824")
        self.db.execute("PRAGMA temp_store=MEMORY")
        self.db.execute("CREATE TEMP TABLE hits (id INTEGER PRIMARY KEY, rank REAL, a INTEGER, b INTEGER)")
        self.facets = facets

    def search(self, query: query_mix.Query, per_page: int = 20) -> dict[str, Any]:
        (fa, va), (fb, vb) = query.facets
        args = {"q": fts_match(query.q), "min": query.min_score, "fa": fa, "va": va, "fb": fb, "vb": vb, "limit": per_page}
        db = self.db
        db.execute("BEGIN")
        try:
            db.execute("DELETE FROM temp.hits")
            # The one MATCH: text, score filter, relevance, and whether each hit has each selected facet value.
            db.execute(f"""
                INSERT INTO temp.hits
                SELECT f.id, bm25(products_fts, {BOOSTS}),
                       EXISTS (SELECT 1 FROM facet_values v WHERE v.product_id = f.id AND v.facet = :fa AND v.value = :va),
                       EXISTS (SELECT 1 FROM facet_values v WHERE v.product_id = f.id AND v.facet = :fb AND v.value = :vb)
                FROM products_fts JOIN facts f ON f.id = products_fts.rowid
                WHERE products_fts MATCH :q AND f.[score_{query.min_key}] >= :min""", args)
            total = db.execute("SELECT count(*) FROM temp.hits WHERE a AND b").fetchone()[0]
            # CROSS JOIN keeps the hits as the outer loop (SQLite otherwise scans a whole table per query).
            page = db.execute("""
                SELECT p.card FROM temp.hits h CROSS JOIN products p ON p.id = h.id
                WHERE h.a AND h.b ORDER BY h.rank LIMIT :limit""", args).fetchall()
            # All ten facets' counts in one pass; a facet's own selection is left out of its counts.
            # (Separate GROUP BYs with WHERE filters get poor plans and are 5x slower.)
            rows = db.execute("""
                SELECT v.facet, v.value,
                       sum(CASE WHEN v.facet = :fa THEN h.b WHEN v.facet = :fb THEN h.a ELSE h.a AND h.b END)
                FROM temp.hits h CROSS JOIN facet_values v ON v.product_id = h.id
                GROUP BY v.facet, v.value""", args).fetchall()
        finally:
            db.execute("COMMIT")
        counts: dict[str, dict[str, int]] = {facet: {} for facet in self.facets}
        for facet, value, n in rows:
            if n:
                counts[facet][value] = n
        items = [json.loads(card) for (card,) in page]
        return {"total": total, "items": items, "facets": counts}

    def last_hits(self) -> int:
        """How many products the last query's text and score filter matched (before the facet filters)."""
        return self.db.execute("SELECT count(*) FROM temp.hits").fetchone()[0]


def breadth(hits: int, n: int) -> str:
    share = hits / max(1, n)
    return "narrow" if share <= 0.02 else "medium" if share <= 0.10 else "broad"


def run(n: int, count: int, rounds: int, profile: str | None) -> dict[str, Any]:
    from catalogue import search
    from catalogue.search.documents import FACET_NAMES

    directory = common.dataset(n)
    mirror = directory / "mirror.sqlite3"
    app = common.make_app(directory)
    with app.app_context():
        service = search.current()
        evaluators = tuple(service.registry.evaluators)
        mix = query_mix.mix(count, evaluators=evaluators)
        floor = Fts5Floor(mirror, FACET_NAMES)

        t0 = time.perf_counter()
        service.search(mix[0].params())
        cold_ms = (time.perf_counter() - t0) * 1000
        common.log(f"First search (opens the index and builds the facet caches): {cold_ms:.0f} ms")

        from tqdm import tqdm

        for query in tqdm(mix, desc="Warm-up", unit="query", file=sys.stderr, disable=False):
            service.search(query.params())
            floor.search(query)

        engine_ms: list[float] = []
        fts_ms: list[float] = []
        by_class: dict[str, tuple[list[float], list[float]]] = {c: ([], []) for c in ("narrow", "medium", "broad")}
        same_total = 0
        same_counts = 0
        totals_engine = totals_fts = 0
        profiler = cProfile.Profile() if profile else None
        progress = tqdm(total=count * rounds, desc="Measuring", unit="query", file=sys.stderr, disable=False)
        for round_number in range(rounds):
            for i, query in enumerate(mix):
                params = query.params()
                order = (0, 1) if (i + round_number) % 2 == 0 else (1, 0)
                for which in order:
                    if which == 0:
                        if profiler is not None:
                            profiler.enable()
                        t = time.perf_counter()
                        result = service.search(params)
                        engine_ms.append((time.perf_counter() - t) * 1000)
                        if profiler is not None:
                            profiler.disable()
                    else:
                        t = time.perf_counter()
                        floor_result = floor.search(query)
                        fts_ms.append((time.perf_counter() - t) * 1000)
                        kind = breadth(floor.last_hits(), n)
                by_class[kind][0].append(engine_ms[-1])
                by_class[kind][1].append(fts_ms[-1])
                if round_number == 0:
                    totals_engine += result.total
                    totals_fts += floor_result["total"]
                    same_total += result.total == floor_result["total"]
                    engine_counts = {f: {v: c for v, c in values.items() if c} for f, values in result.facets.items()}
                    same_counts += engine_counts == floor_result["facets"]
                progress.update(1)
        progress.close()
    app.extensions["catalogue.engine"].dispose()

    if profiler is not None:
        profiler.dump_stats(profile)
        pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(25)

    engine = common.percentiles(engine_ms)
    fts = common.percentiles(fts_ms)
    ratio = round(engine["p95_ms"] / fts["p95_ms"], 2) if fts.get("p95_ms") else None
    return {
        "script": "search_latency",
        "products": n,
        **common.describe(directory),
        "queries": count,
        "rounds": rounds,
        "query_shape": "text + 2 facets + 1 min score, counts for all 10 facets, top 20 by relevance",
        "engine": engine,
        "fts5": fts,
        "ratio_p95_engine_to_fts5": ratio,
        "ratio_p50_engine_to_fts5": round(engine["p50_ms"] / fts["p50_ms"], 2) if fts.get("p50_ms") else None,
        "by_breadth": {  # queries by the share of products their text + score filter match: <=2%, <=10%, more
            kind: {"queries": len(e) // rounds, "engine_p50_ms": common.percentiles(e).get("p50_ms"),
                   "engine_p95_ms": common.percentiles(e).get("p95_ms"), "fts5_p50_ms": common.percentiles(f).get("p50_ms"),
                   "fts5_p95_ms": common.percentiles(f).get("p95_ms")}
            for kind, (e, f) in by_class.items()
        },
        "engine_first_search_ms": round(cold_ms, 1),
        "same_total_share": round(same_total / count, 3),
        "same_facet_counts_share": round(same_counts / count, 3),
        "mean_total_engine": round(totals_engine / count, 1),
        "mean_total_fts5": round(totals_fts / count, 1),
        "targets_at_100k": {"p95_ms": 100, "ratio_p95_to_fts5": 2.5},
        "meets_p95_target": engine["p95_ms"] <= 100,
        "meets_ratio_target": ratio is not None and ratio <= 2.5,
        "machine": common.machine(),
        "date": time.strftime("%Y-%m-%d"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=10_000, help="10000 or 100000")
    parser.add_argument("--queries", type=int, default=240, help="size of the fixed query mix (>= 200)")
    parser.add_argument("--rounds", type=int, default=2, help="measured passes over the mix")
    parser.add_argument("--profile", help="cProfile the engine's searches into this file; top functions go to stderr")
    args = parser.parse_args()
    print(json.dumps(run(args.products, args.queries, args.rounds, args.profile)))


if __name__ == "__main__":
    main()
