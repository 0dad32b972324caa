"""Search: the register's derived read model. whoosh is imported in this package only.

The app talks to ``SearchService`` (one per app, in ``app.extensions``):
``search(params)`` answers the register page and ``GET /api/v1/products``
alike; ``catch_up()`` brings the index up to the database's change log after a
commit; ``rebuild()`` and ``check()`` back ``catalogue reindex``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import current_app
from sqlmodel import Session

from catalogue.registry import Registry
from catalogue.search import index
from catalogue.search.documents import FACETS, FACET_NAMES
from catalogue.search.engine import QuerySyntaxError, SearchEngine, SearchParams, SearchResults
from catalogue.search.index import Progress

__all__ = ["FACETS", "FACET_NAMES", "Progress", "QuerySyntaxError", "SearchParams", "SearchResults", "SearchService", "current"]

log = logging.getLogger(__name__)


class SearchService:
    def __init__(self, index_dir: Path, registry: Registry, *, writer_memory_mb: int) -> None:
        self.registry = registry
        self.store = index.IndexStore(index_dir, writer_memory_mb=writer_memory_mb)
        self.engine = SearchEngine(self.store, score_keys=("overall", *registry.evaluators))

    def search(self, params: SearchParams) -> SearchResults:
        return self.engine.search(params)

    def sorts(self) -> tuple[str, ...]:
        return ("relevance", "overall", *(f"score.{e}" for e in self.registry.evaluators), "name", "updated")

    def catch_up(self, session: Session, *, wait: float = 0.0, processes: int = 1, progress: Progress | None = None) -> int:
        """Apply the change log to the index. Never raises: the database stays the truth and
        ``catalogue reindex --check`` repairs anything a failure here leaves behind.
        ``progress(products, total)`` may wrap the products being indexed (a progress bar)."""
        try:
            return index.catch_up(session, self.registry, self.store, wait=wait, processes=processes, progress=progress)
        except Exception:  # noqa: BLE001 - an index failure must not fail the request that committed
            log.exception("The search index could not catch up with the change log")
            return 0

    def rebuild(self, session: Session, progress: Progress) -> int:
        return index.rebuild(session, self.registry, self.store, progress=progress)

    def check(self, session: Session, *, repair: bool, progress: Progress) -> index.CheckReport:
        return index.check(session, self.registry, self.store, repair=repair, progress=progress)


def current() -> SearchService:
    return current_app.extensions["catalogue.search"]


def params_from(args: Mapping[str, Any], *, per_page_default: int, per_page_max: int) -> SearchParams:
    """SearchParams from already-validated arguments (see ``schemas.SearchArgsSchema``)."""
    min_scores = dict(args.get("min_scores") or {})
    if args.get("min_overall") is not None:
        min_scores["overall"] = args["min_overall"]
    return SearchParams(
        q=args.get("q") or "",
        facets={facet: tuple(args[facet]) for facet in FACET_NAMES if args.get(facet)},
        min_scores=min_scores,
        sort=args.get("sort") or "",
        page=args.get("page") or 1,
        per_page=min(args.get("per_page") or per_page_default, per_page_max),
    )


def facet_listing(results: SearchResults, params: SearchParams) -> dict[str, list[dict[str, Any]]]:
    """Every facet's values in vocabulary order, with labels, counts and whether selected."""
    listing = {}
    for facet in FACETS:
        selected = set(params.facets.get(facet.name, ()))
        counts = results.facets.get(facet.name, {})
        listing[facet.name] = [
            {"value": term.value, "label": term.label, "count": counts.get(term.value, 0), "selected": term.value in selected}
            for term in facet.vocabulary.terms
        ]
    return listing


def sort_label(sort: str) -> str:
    if sort.startswith("score."):
        evaluator = current().registry.evaluators.get(sort.removeprefix("score."))
        return f"{evaluator.name if evaluator else sort} score"
    return {"relevance": "Relevance", "overall": "Overall score", "name": "Name", "updated": "Last updated"}[sort]
