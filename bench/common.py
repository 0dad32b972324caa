"""Shared helpers for the benchmark scripts: where built data lives, the app, percentiles, the SQLite mirror.

Built data are cached per product count under ``$CATALOGUE_BENCH_DIR`` (default
``/tmp/catalogue-bench``)::

    /tmp/catalogue-bench/<N>/catalogue.sqlite3   the register's database (built by load.py)
    /tmp/catalogue-bench/<N>/index/              its whoosh index (``current`` -> gen-*)
    /tmp/catalogue-bench/<N>/load.json           load.py's figures; its presence marks a complete build
    /tmp/catalogue-bench/<N>/mirror.sqlite3      the same published products for SQLite FTS5 and Datasette

Delete a directory (or pass ``--force`` to load.py) to rebuild it.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

BENCH_ROOT = Path(os.environ.get("CATALOGUE_BENCH_DIR", "/tmp/catalogue-bench"))
DATASETTE_VENV = Path(os.environ.get("CATALOGUE_BENCH_DATASETTE_VENV", "/tmp/datasette-venv"))
SIZES = (10_000, 100_000)
LOADAVG_AT_START = os.getloadavg()[0]

# Facets with one value per product are plain columns in the mirror; the others are JSON arrays.
SINGLE_VALUED = ("category", "pupil_interaction", "pricing", "assurance", "storage_region", "red_lines")
TEXT_COLUMNS = ("name", "supplier", "summary", "description", "ai_features")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def bench_dir(n: int) -> Path:
    return BENCH_ROOT / str(n)


def app_settings(directory: Path) -> dict[str, Any]:
    """The register's settings for a benchmark directory."""
    return {
        "DATABASE_URL": f"sqlite:///{directory / 'catalogue.sqlite3'}",
        "INDEX_DIR": str(directory / "index"),
        "SECRET_KEY": "benchmark",
    }


def app_env(directory: Path) -> dict[str, str]:
    """Environment for a register process (gunicorn) serving the benchmark data."""
    env = dict(os.environ)
    for key, value in app_settings(directory).items():
        env[f"CATALOGUE_{key}"] = value
    return env


def make_app(directory: Path) -> Any:
    from catalogue import create_app

    return create_app(app_settings(directory), instance_path=str(directory / "instance"))


def require_built(n: int) -> Path:
    """The benchmark directory for ``n`` products, building it with load.py first if needed."""
    directory = bench_dir(n)
    if not (directory / "load.json").exists():
        log(f"No complete benchmark build for {n} products in {directory}: building it now (load.py).")
        import load

        load.build(n)
    return directory


def prepare(n: int) -> Path:
    """``require_built``, then bring a cached build up to the current code: apply any new database
    migrations, and rebuild the index (``SearchService.rebuild``) if its schema differs from the code's."""
    directory = require_built(n)
    from sqlmodel import Session
    from whoosh import index as whoosh_index

    from catalogue import db, search
    from catalogue.search.index import make_schema

    app = make_app(directory)
    with app.app_context():
        db.upgrade(db.engine())
        service = search.current()
        current = service.store.current_dir()
        have = _schema_shape(whoosh_index.open_dir(str(current)).schema) if current else None
        if have != _schema_shape(make_schema()):
            log(f"The cached index in {directory} was built by other code (its schema differs): rebuilding it.")
            from tqdm import tqdm

            with Session(db.engine()) as session:
                service.rebuild(session, progress=lambda items, total: tqdm(items, total=total, desc="Reindexing", file=sys.stderr, disable=False))
            (directory / "mirror.sqlite3").unlink(missing_ok=True)
    app.extensions["catalogue.engine"].dispose()
    return directory


def _schema_shape(schema: Any) -> list[tuple[str, str]]:
    """Field names and kinds, glob fields included (whoosh field objects do not compare columns by value)."""
    return [(name, type(field).__name__) for name, field in schema.items()] + sorted(
        (glob, type(field).__name__) for glob, (_pattern, field) in schema._dyn_fields.items())


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    values = np.asarray(samples_ms, dtype=float)
    if not len(values):
        return {"n": 0}
    return {
        "n": int(len(values)),
        "p50_ms": round(float(np.percentile(values, 50)), 2),
        "p95_ms": round(float(np.percentile(values, 95)), 2),
        "p99_ms": round(float(np.percentile(values, 99)), 2),
        "mean_ms": round(float(values.mean()), 2),
        "max_ms": round(float(values.max()), 2),
    }


def machine() -> dict[str, Any]:
    """The machine, and its load average when the figures were taken (other work on the 2 cores skews them)."""
    return {"cores": os.cpu_count(), "python": sys.version.split()[0], "sqlite": sqlite3.sqlite_version,
            "loadavg_1m_start": round(LOADAVG_AT_START, 2), "loadavg_1m_end": round(os.getloadavg()[0], 2)}


# --- the SQLite mirror ---------------------------------------------------------------------------


def dataset(n: int) -> Path:
    """The generated build of ``n`` products (load.py) and its mirror, brought up to date or built if missing."""
    directory = prepare(n)
    build_mirror(directory)
    return directory


def build_mirror(directory: Path, *, force: bool = False) -> Path:
    """``mirror.sqlite3`` in a generated build's directory, from the same cards the search index holds (cached).

    Tables: ``products`` for Datasette (id = product id, single-valued facets as
    columns, multi-valued facets as JSON arrays, one ``score_<key>`` column per
    score, NULL when unscored, then the five text fields and the card JSON),
    ``facts`` (id, single-valued facets, scores: the FTS5 floor's narrow table),
    ``facet_values`` (product_id, facet, value) for GROUP BY counts, and ``products_fts``: the
    FTS5 table ``sqlite-utils enable-fts --fts5 --tokenize porter`` makes (the
    CLI from the Datasette venv is used when present; otherwise the same SQL).
    """
    path = directory / "mirror.sqlite3"
    if path.exists() and not force:
        return path
    from sqlmodel import Session
    from tqdm import tqdm

    from catalogue import registry
    from catalogue.search.documents import FACET_NAMES, build_cards, public_product_ids

    started = time.perf_counter()
    scratch = path.with_suffix(".partial")
    scratch.unlink(missing_ok=True)
    app = make_app(directory)
    with app.app_context(), Session(app.extensions["catalogue.engine"]) as session:
        installed = registry.current()
        score_keys = ("overall", *installed.evaluators)
        db = sqlite3.connect(scratch)
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        # Small columns first: SQLite then reads filters and facets without touching the long text's overflow pages.
        names = ["id", "slug", *FACET_NAMES, *(f"score_{k}" for k in score_keys), *TEXT_COLUMNS, "card"]
        types = {"id": "INTEGER PRIMARY KEY", **{f"score_{k}": "INTEGER" for k in score_keys}}
        declare = lambda columns: ", ".join(f"[{c}] {types.get(c, 'TEXT')}" for c in columns)  # noqa: E731
        db.execute(f"CREATE TABLE products ({declare(names)})")
        # The FTS5 floor's narrow facts table (single-valued facets and scores) and one row per facet value.
        fact_names = ["id", *SINGLE_VALUED, *(f"score_{k}" for k in score_keys)]
        db.execute(f"CREATE TABLE facts ({declare(fact_names)})")
        db.execute("CREATE TABLE facet_values (product_id INTEGER NOT NULL, facet TEXT NOT NULL, value TEXT NOT NULL)")
        ids = public_product_ids(session)
        rows, facts, values = [], [], []
        insert = f"INSERT INTO products ({', '.join(f'[{c}]' for c in names)}) VALUES ({', '.join('?' * len(names))})"
        insert_fact = f"INSERT INTO facts VALUES ({', '.join('?' * len(fact_names))})"
        for product_id, card in tqdm(build_cards(session, installed, ids), total=len(ids), desc="Mirror", unit="product",
                                     file=sys.stderr, disable=False):
            if card is None:
                continue
            row: list[Any] = [product_id, card.data["slug"]]
            for facet in FACET_NAMES:
                facet_values = card.facets.get(facet, ())
                if facet in SINGLE_VALUED:
                    row.append(facet_values[0] if facet_values else None)
                else:
                    row.append(json.dumps(list(facet_values)))
                values.extend((product_id, facet, value) for value in facet_values)
            scores = [card.scores.get(k) for k in score_keys]
            row.extend(scores)
            row.extend(card.text[c] for c in TEXT_COLUMNS)
            row.append(json.dumps(card.data, ensure_ascii=False, separators=(",", ":")))
            rows.append(row)
            facts.append([product_id, *(row[2 + FACET_NAMES.index(f)] for f in SINGLE_VALUED), *scores])
            if len(rows) >= 2000:
                db.executemany(insert, rows)
                db.executemany(insert_fact, facts)
                db.executemany("INSERT INTO facet_values VALUES (?, ?, ?)", values)
                rows, facts, values = [], [], []
        db.executemany(insert, rows)
        db.executemany(insert_fact, facts)
        db.executemany("INSERT INTO facet_values VALUES (?, ?, ?)", values)
        db.execute("CREATE INDEX facet_values_product ON facet_values (product_id, facet, value)")
        db.execute("CREATE INDEX facet_values_value ON facet_values (facet, value, product_id)")
        for facet in SINGLE_VALUED:
            db.execute(f"CREATE INDEX products_{facet} ON products ([{facet}])")
        db.commit()
    app.extensions["catalogue.engine"].dispose()
    sqlite_utils = DATASETTE_VENV / "bin" / "sqlite-utils"
    if sqlite_utils.exists():
        db.close()
        subprocess.run([str(sqlite_utils), "enable-fts", str(scratch), "products", *TEXT_COLUMNS, "--fts5", "--tokenize", "porter"], check=True)
        db = sqlite3.connect(scratch)
    else:
        cols = ", ".join(f'"{c}"' for c in TEXT_COLUMNS)
        db.execute(f"CREATE VIRTUAL TABLE \"products_fts\" USING FTS5 ({cols}, tokenize='porter', content=\"products\")")
        db.execute(f"INSERT INTO products_fts (rowid, {cols}) SELECT rowid, {cols} FROM products")
    db.execute("INSERT INTO products_fts (products_fts) VALUES ('optimize')")
    db.execute("ANALYZE")
    db.commit()
    db.execute("VACUUM")
    db.close()
    os.replace(scratch, path)
    log(f"Built {path} in {time.perf_counter() - started:.1f} s.")
    return path


def describe(directory: Path) -> dict[str, Any]:
    """What data a benchmark ran on, for its JSON line."""
    return {"data": "generated", "built": json.loads((directory / "load.json").read_text())["date"]}


def score_keys_of(mirror: Path) -> list[str]:
    with sqlite3.connect(mirror) as db:
        return [row[1].removeprefix("score_") for row in db.execute("PRAGMA table_info(products)") if row[1].startswith("score_")]


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
