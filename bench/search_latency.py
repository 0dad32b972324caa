"""In-process search latency: the register's SearchService against SQLite FTS5 on the same data and queries.

    /work/venv/bin/python bench/search_latency.py --products 10000 [--queries 240] [--rounds 2] [--profile FILE]

Uses the cached build in /tmp/catalogue-bench/<N>/ (made by load.py; built first
if missing) and its SQLite mirror (common.build_mirror). Each query of the fixed
mix (bench/queries.py: text + 2 facets + a minimum score, per_page 20, relevance
order) is answered

* by ``SearchService.search(SearchParams(...))`` — hits, page of 20 cards,
  counts for all 10 facets (each facet's own selection left out of its counts),
  score histogram; and
* by SQLite FTS5 in one statement (the embedded floor): one ``MATCH`` with the
  score filter, the two facet filters (EXISTS on ``facet_values``), the total,
  the top 20 by ``bm25`` with the same column weights as the index's field
  boosts (cards decoded with json.loads, as the engine does), and GROUP BY
  counts for all 10 facets with the same "leave the facet's own selection out"
  rule.

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
    """The same register search in SQLite FTS5, in one statement per query."""

    def __init__(self, path: Path, facets: tuple[str, ...]) -> None:
        self.db = sqlite3.connect(path, check_same_thread=False)
        self.db.execute("PRAGMA query_only=ON")
        self.db.execute("PRAGMA cache_size=-262144")  # 256 MB: keep the warm data in memory, as the engine does
        self.db.execute("PRAGMA mmap_size=1073741824")
        self.facets = facets

    def search(self, query: query_mix.Query, per_page: int = 20) -> dict[str, Any]:
        (fa, va), (fb, vb) = query.facets
        score = f"score_{query.min_key}"
        sql = f"""
        WITH hits AS MATERIALIZED (
            SELECT p.id AS id, bm25(products_fts, {BOOSTS}) AS rank
            FROM products_fts JOIN products p ON p.id = products_fts.rowid
            WHERE products_fts MATCH :q AND p.[{score}] >= :min
        ),
        in_a AS MATERIALIZED (SELECT id FROM hits h WHERE EXISTS (
            SELECT 1 FROM facet_values v WHERE v.product_id = h.id AND v.facet = :fa AND v.value = :va)),
        in_b AS MATERIALIZED (SELECT id FROM hits h WHERE EXISTS (
            SELECT 1 FROM facet_values v WHERE v.product_id = h.id AND v.facet = :fb AND v.value = :vb)),
        scope AS MATERIALIZED (SELECT h.id, h.rank FROM hits h WHERE h.id IN in_a AND h.id IN in_b)
        SELECT '#total', NULL, count(*), NULL, NULL FROM scope
        UNION ALL
        SELECT * FROM (SELECT '#item', NULL, NULL, p.card, s.rank FROM scope s JOIN products p ON p.id = s.id ORDER BY s.rank LIMIT :limit)
        UNION ALL
        SELECT v.facet, v.value, count(*), NULL, NULL FROM scope s JOIN facet_values v ON v.product_id = s.id
        WHERE v.facet NOT IN (:fa, :fb) GROUP BY v.facet, v.value
        UNION ALL
        SELECT v.facet, v.value, count(*), NULL, NULL FROM in_b s JOIN facet_values v ON v.product_id = s.id AND v.facet = :fa
        GROUP BY v.value
        UNION ALL
        SELECT v.facet, v.value, count(*), NULL, NULL FROM in_a s JOIN facet_values v ON v.product_id = s.id AND v.facet = :fb
        GROUP BY v.value
        """
        rows = self.db.execute(sql, {"q": fts_match(query.q), "min": query.min_score, "fa": fa, "va": va, "fb": fb, "vb": vb,
                                     "limit": per_page}).fetchall()
        total, items, counts = 0, [], {facet: {} for facet in self.facets}
        for facet, value, n, card, rank in rows:
            if facet == "#total":
                total = n
            elif facet == "#item":
                items.append((rank, json.loads(card)))
            else:
                counts[facet][value] = n
        items.sort(key=lambda pair: pair[0])
        return {"total": total, "items": [card for _, card in items], "facets": counts}


def run(n: int, count: int, rounds: int, profile: str | None) -> dict[str, Any]:
    from catalogue import search
    from catalogue.search.documents import FACET_NAMES

    mirror = common.build_mirror(n)
    directory = common.bench_dir(n)
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
        "queries": count,
        "rounds": rounds,
        "query_shape": "text + 2 facets + 1 min score, counts for all 10 facets, top 20 by relevance",
        "engine": engine,
        "fts5": fts,
        "ratio_p95_engine_to_fts5": ratio,
        "ratio_p50_engine_to_fts5": round(engine["p50_ms"] / fts["p50_ms"], 2) if fts.get("p50_ms") else None,
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
