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

# Facets with one value per product are plain columns in the mirror; the others are JSON arrays.
SINGLE_VALUED = ("category", "pupil_interaction", "pricing", "assurance", "storage_region", "red_lines")
TEXT_COLUMNS = ("name", "supplier", "summary", "description", "ai_features")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def bench_dir(n: int) -> Path:
    return BENCH_ROOT / str(n)


def app_settings(directory: Path) -> dict[str, Any]:
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
        wanted = set(make_schema().names())
        have = set(whoosh_index.open_dir(str(current)).schema.names()) if current else set()
        if have != wanted:
            log(f"The cached index in {directory} was built by other code (fields differ): rebuilding it.")
            from tqdm import tqdm

            with Session(db.engine()) as session:
                service.rebuild(session, progress=lambda items, total: tqdm(items, total=total, desc="Reindexing", file=sys.stderr, disable=False))
            (directory / "mirror.sqlite3").unlink(missing_ok=True)
    app.extensions["catalogue.engine"].dispose()
    return directory


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
    return {"cores": os.cpu_count(), "python": sys.version.split()[0], "sqlite": sqlite3.sqlite_version}


# --- the SQLite mirror ---------------------------------------------------------------------------


def build_mirror(n: int, *, force: bool = False) -> Path:
    """``mirror.sqlite3`` for ``n`` products, from the same cards the search index holds (cached).

    Tables: ``products`` (id = product id, the five text fields, the card JSON,
    single-valued facets as columns, multi-valued facets as JSON arrays, one
    ``score_<key>`` column per score, NULL when unscored), ``facet_values``
    (product_id, facet, value) for GROUP BY counts, and ``products_fts``: the
    FTS5 table ``sqlite-utils enable-fts --fts5 --tokenize porter`` makes (the
    CLI from the Datasette venv is used when present; otherwise the same SQL).
    """
    directory = prepare(n)
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
        columns = ["id INTEGER PRIMARY KEY", "slug TEXT"] + [f"[{c}] TEXT" for c in TEXT_COLUMNS] + ["card TEXT"]
        columns += [f"[{f}] TEXT" for f in FACET_NAMES] + [f"[score_{k}] INTEGER" for k in score_keys]
        db.execute(f"CREATE TABLE products ({', '.join(columns)})")
        db.execute("CREATE TABLE facet_values (product_id INTEGER NOT NULL, facet TEXT NOT NULL, value TEXT NOT NULL)")
        ids = public_product_ids(session)
        rows, values = [], []
        names = ["id", "slug", *TEXT_COLUMNS, "card", *FACET_NAMES, *(f"score_{k}" for k in score_keys)]
        insert = f"INSERT INTO products ({', '.join(f'[{c}]' for c in names)}) VALUES ({', '.join('?' * len(names))})"
        for product_id, card in tqdm(build_cards(session, installed, ids), total=len(ids), desc="Mirror", unit="product",
                                     file=sys.stderr, disable=False):
            if card is None:
                continue
            row = [product_id, card.data["slug"], *(card.text[c] for c in TEXT_COLUMNS),
                   json.dumps(card.data, ensure_ascii=False, separators=(",", ":"))]
            for facet in FACET_NAMES:
                facet_values = card.facets.get(facet, ())
                if facet in SINGLE_VALUED:
                    row.append(facet_values[0] if facet_values else None)
                else:
                    row.append(json.dumps(list(facet_values)))
                values.extend((product_id, facet, value) for value in facet_values)
            row.extend(card.scores.get(k) for k in score_keys)
            rows.append(row)
            if len(rows) >= 2000:
                db.executemany(insert, rows)
                db.executemany("INSERT INTO facet_values VALUES (?, ?, ?)", values)
                rows, values = [], []
        db.executemany(insert, rows)
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


def score_keys_of(mirror: Path) -> list[str]:
    with sqlite3.connect(mirror) as db:
        return [row[1].removeprefix("score_") for row in db.execute("PRAGMA table_info(products)") if row[1].startswith("score_")]


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
