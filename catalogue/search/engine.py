"""Answering searches: numpy over cached postings for the text, cached bit masks for facets, filters and counts.

whoosh computing facet counts per query is far too slow at 100k products, so
each worker keeps, per index *segment*, a boolean mask per facet value and an
array per score, read from the segment's postings and columns. Segments never
change once written, so when the index moves to a new generation only new
segments are read; the per-generation global masks are concatenations of the
segment arrays, packed into bits. A query is then a few AND operations and a
popcount per facet value. Text matching and ranking is ``text.TextMatcher``.
"""

from __future__ import annotations

import json
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.qparser import AndGroup, MultifieldParser
from whoosh.qparser.plugins import FieldsPlugin, WildcardPlugin
from whoosh.searching import Searcher

from catalogue.search.arrays import field_lengths, numbers, read_postings
from catalogue.search.documents import FACET_NAMES, KEYWORD_FIELDS
from catalogue.search.index import NO_SCORE, TEXT_BOOSTS, IndexStore, score_field
from catalogue.search.text import Matches, PostingsCache, Segment, TextMatcher

# In memory, "no score" is -1 so that any minimum-score filter excludes it.
UNSCORED = -1

MAX_QUERY_LENGTH = 500
SORTS_FIXED = ("relevance", "overall", "name", "updated")
# Postings of recently searched terms kept per worker (measured: 26 MB covers the
# benchmark's whole query mix at 100k products).
POSTINGS_CACHE_BYTES = 96 * 2**20


class QuerySyntaxError(ValueError):
    """The search text cannot be understood; the message says how to fix it."""


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    facets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    min_scores: dict[str, int] = field(default_factory=dict)  # "overall" or an evaluator id -> minimum
    sort: str = ""  # "" = relevance with a query, else overall score
    page: int = 1
    per_page: int = 20
    # Restrictions that shape the universe before facets are counted (a trust
    # profile's requirements): (field, values, "any" | "all").
    constraints: tuple[tuple[str, tuple[str, ...], str], ...] = ()
    age_range: tuple[int, int] | None = None  # products serving some age in this range


@dataclass
class SearchResults:
    items: list[dict[str, Any]]
    total: int
    facets: dict[str, dict[str, int]]
    page: int
    per_page: int
    sort: str
    score_histogram: list[int]  # products per band of 10 points of overall score, for the chart

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass
class _SegmentCache:
    """Arrays read once from one immutable index segment."""

    pid: np.ndarray  # product id per document (0 for the change-log marker)
    masks: dict[tuple[str, str], np.ndarray]  # (facet, value) -> bool per document
    scores: dict[str, np.ndarray]  # "overall"/evaluator id -> int16 per document
    updated: np.ndarray
    age_min: np.ndarray
    age_max: np.ndarray
    lengths: dict[str, np.ndarray]  # text field -> each document's length, for BM25
    names: list[str] | None = None


class _View:
    """Global arrays for one index generation, concatenated from segment caches."""

    def __init__(self, searcher: Searcher, caches: list[_SegmentCache], deleted: list[np.ndarray], score_keys: Sequence[str]) -> None:
        self.searcher = searcher
        self.size = sum(len(c.pid) for c in caches)
        self.caches = caches
        pid = np.concatenate([c.pid for c in caches]) if caches else np.zeros(0, dtype=np.int64)
        live = pid > 0
        offset = 0
        for cache, dead in zip(caches, deleted):
            live[dead + offset] = False
            offset += len(cache.pid)
        self.pid = pid
        self.live = np.packbits(live)
        values = sorted({key for c in caches for key in c.masks})
        self.masks = {key: np.packbits(np.concatenate([c.masks.get(key, np.zeros(len(c.pid), bool)) for c in caches])) for key in values}
        self.scores = {
            key: np.concatenate([c.scores.get(key, np.full(len(c.pid), UNSCORED, np.int16)) for c in caches]) for key in score_keys
        }
        self.updated = np.concatenate([c.updated for c in caches]) if caches else np.zeros(0, np.int64)
        self.age_min = np.concatenate([c.age_min for c in caches]) if caches else np.zeros(0, np.int16)
        self.age_max = np.concatenate([c.age_max for c in caches]) if caches else np.zeros(0, np.int16)
        self._name_rank: np.ndarray | None = None
        self.segments = [Segment(reader, offset, cache.lengths) for (reader, offset), cache in zip(_leaves(searcher), caches)]

    def name_rank(self, reader_names: list[list[str]]) -> np.ndarray:
        if self._name_rank is None:
            names = [name for chunk in reader_names for name in chunk]
            order = np.argsort(np.array(names, dtype=object), kind="stable")
            rank = np.empty(len(names), np.int64)
            rank[order] = np.arange(len(names))
            self._name_rank = rank
        return self._name_rank


def _count(bits: np.ndarray) -> int:
    return int(np.bitwise_count(bits).sum())


class SearchEngine:
    """One per process: holds the searcher and its caches, refreshing them when the index changes."""

    def __init__(self, store: IndexStore, score_keys: Sequence[str]) -> None:
        self.store = store
        self.score_keys = tuple(score_keys)
        self._lock = threading.RLock()
        self._segment_caches: dict[str, _SegmentCache] = {}
        self._view: _View | None = None
        self._directory = None
        self._parser = None
        self._postings = PostingsCache(POSTINGS_CACHE_BYTES)
        # The open searcher holds file handles: close it when the engine goes away
        # (an app torn down in tests, say), not whenever the garbage collector gets to it.
        self._open: dict[str, Searcher] = {}
        weakref.finalize(self, _close_searcher, self._open)

    def close(self) -> None:
        with self._lock:
            _close_searcher(self._open)
            self._view = None

    # --- keeping current -------------------------------------------------------

    def view(self) -> _View:
        with self._lock:
            directory = self.store.current_dir()
            if self._view is None or directory != self._directory:
                ix = self.store.open()
                # The directory actually opened (``current`` may have moved on since).
                self._directory = Path(ix.storage.folder).resolve()
                self._segment_caches.clear()
                self._replace_view(self._build(ix.searcher()))
                self._parser = make_parser(ix.schema)
            elif not self._view.searcher.up_to_date():
                # A fresh searcher, not refresh(): refresh() may reuse segment readers
                # whose deletion sets predate the new generation.
                self._replace_view(self._build(self.store.open().searcher()))
            return self._view

    def _replace_view(self, view: _View) -> None:
        # Searches hold the lock for all their whoosh work, so nothing is still
        # reading the old searcher: close it and its files now.
        self._view = view
        _close_searcher(self._open)
        self._open["searcher"] = view.searcher

    def _build(self, searcher: Searcher) -> _View:
        caches, deleted, keep = [], [], {}
        for reader, _offset in _leaves(searcher):
            segment_id = reader.segment().segment_id()
            cache = self._segment_caches.get(segment_id) or self._read_segment(reader)
            keep[segment_id] = cache
            caches.append(cache)
            deleted.append(np.fromiter(reader.segment().deleted_docs(), dtype=np.int64) if reader.has_deletions() else np.zeros(0, np.int64))
        self._segment_caches = keep
        self._postings.forget_segments_except(set(keep))
        return _View(searcher, caches, deleted, self.score_keys)

    def _read_segment(self, reader: Any) -> _SegmentCache:
        size = reader.doc_count_all()
        masks: dict[tuple[str, str], np.ndarray] = {}
        for facet in KEYWORD_FIELDS:
            if facet not in reader.indexed_field_names():
                continue
            for term in reader.lexicon(facet):
                value = term.decode("utf-8")
                mask = np.zeros(size, bool)
                mask[read_postings(reader, facet, value, positions=False).docs] = True
                masks[(facet, value)] = mask
        scores = {}
        for key in self.score_keys:
            values = numbers(reader, score_field(key), np.int16)
            values[values == NO_SCORE] = UNSCORED
            scores[key] = values
        return _SegmentCache(
            pid=numbers(reader, "pid", np.int64),
            masks=masks,
            scores=scores,
            updated=numbers(reader, "updated", np.int64),
            age_min=numbers(reader, "age_min", np.int16),
            age_max=numbers(reader, "age_max", np.int16),
            lengths={name: field_lengths(reader, name) for name in TEXT_BOOSTS},
        )

    def _names(self, view: _View) -> list[list[str]]:
        names = []
        for (reader, _offset), cache in zip(_leaves(view.searcher), view.caches):
            if cache.names is None:
                cache.names = list(reader.column_reader("sort_name"))
            names.append(cache.names)
        return names

    # --- searching ----------------------------------------------------------------

    def parse(self, text: str) -> Any:
        if len(text) > MAX_QUERY_LENGTH:
            raise QuerySyntaxError(f"Shorten the search to {MAX_QUERY_LENGTH} characters or fewer.")
        try:
            return self._parser.parse(text)
        except Exception as exc:  # whoosh raises assorted errors for odd syntax
            raise QuerySyntaxError(
                "The search could not be understood. Use plain words, or put a phrase in double quotes, "
                f'e.g. "lesson planning". ({type(exc).__name__})'
            ) from exc

    def search(self, params: SearchParams) -> SearchResults:
        # One search at a time per process (gunicorn's sync workers are single-threaded
        # anyway): the view's searcher may be replaced and closed between searches.
        with self._lock:
            return self._search(self.view(), params)

    def _search(self, view: _View, params: SearchParams) -> SearchResults:
        query = self.parse(params.q) if params.q.strip() else None
        matches = TextMatcher(view.searcher, view.segments, view.size, self._postings).match(query) if query is not None else None
        base = view.live if matches is None else view.live & np.packbits(matches.hits)
        for key, minimum in params.min_scores.items():
            if key not in view.scores:
                raise QuerySyntaxError(f"No installed evaluator is called {key!r}.")
            base = base & np.packbits(view.scores[key] >= minimum)
        for field_name, values, mode in params.constraints:
            base = base & (self._all_of(view, field_name, values) if mode == "all" else self._any_of(view, field_name, values))
        if params.age_range is not None:
            low, high = params.age_range
            base = base & np.packbits((view.age_min <= high) & (view.age_max >= low))
        facet_filters = {facet: self._any_of(view, facet, values) for facet, values in params.facets.items() if values}
        result = base
        for mask in facet_filters.values():
            result = result & mask
        counts = self._facet_counts(view, base, facet_filters)
        total = _count(result)
        positions = np.flatnonzero(np.unpackbits(result, count=view.size))
        sort = params.sort or ("relevance" if query is not None else "overall")
        start = (params.page - 1) * params.per_page
        page = self._order(view, positions, sort, matches, start + params.per_page)[start:]
        items = [json.loads(view.searcher.stored_fields(int(d))["card"]) for d in page]
        return SearchResults(items, total, counts, params.page, params.per_page, sort, self._histogram(view, positions))

    def _histogram(self, view: _View, positions: np.ndarray) -> list[int]:
        """Products per ten points of overall score (0–9, …, 90–100); unscored products are left out."""
        scores = view.scores["overall"][positions] if "overall" in view.scores else np.zeros(0, np.int16)
        scores = scores[scores >= 0]
        return np.bincount(np.minimum(scores // 10, 9), minlength=10).tolist()

    def _any_of(self, view: _View, facet: str, values: Sequence[str]) -> np.ndarray:
        mask = np.zeros_like(view.live)
        for value in values:
            if (facet, value) in view.masks:
                mask = mask | view.masks[(facet, value)]
        return mask

    def _all_of(self, view: _View, facet: str, values: Sequence[str]) -> np.ndarray:
        mask = view.live.copy()
        for value in values:
            mask = mask & view.masks.get((facet, value), np.zeros_like(view.live))
        return mask

    def _facet_counts(self, view: _View, base: np.ndarray, filters: dict[str, np.ndarray]) -> dict[str, dict[str, int]]:
        """Counts per facet value. A facet's own selection is left out of its counts, so
        a trust can see what choosing another value (OR) would add."""
        counts: dict[str, dict[str, int]] = {facet: {} for facet in FACET_NAMES}
        others_cache: dict[str, np.ndarray] = {}
        for (facet, value), mask in view.masks.items():
            if facet not in counts:
                continue  # an index-only filter (e.g. dpia), not a sidebar facet
            if facet not in others_cache:
                scope = base
                for other, other_mask in filters.items():
                    if other != facet:
                        scope = scope & other_mask
                others_cache[facet] = scope
            counts[facet][value] = _count(others_cache[facet] & mask)
        return counts

    def _order(self, view: _View, positions: np.ndarray, sort: str, matches: Matches | None, needed: int) -> list[int]:
        if sort == "relevance" and matches is not None:
            scores = matches.scores[positions]
            if len(positions) > needed > 0:
                # Only the best `needed` (and anything tied with the last) need sorting.
                cutoff = np.partition(scores, len(scores) - needed)[len(scores) - needed]
                keep = scores >= cutoff
                positions, scores = positions[keep], scores[keep]
            # Best first; ties by name, so equal matches keep one order across rebuilds.
            names = view.name_rank(self._names(view))[positions]
            return positions[np.lexsort((names, -scores))[:needed]].tolist()
        if sort in ("relevance", "name"):
            keys = (view.name_rank(self._names(view))[positions],)
        elif sort == "updated":
            keys = (-view.updated[positions],)
        else:
            key = "overall" if sort == "overall" else sort.removeprefix("score.")
            if key not in view.scores:
                raise QuerySyntaxError(f"Cannot sort by {sort!r}.")
            # Highest first; unscored last; ties by name.
            keys = (view.name_rank(self._names(view))[positions], -view.scores[key][positions].astype(np.int32))
        order = np.lexsort(keys) if len(positions) else np.zeros(0, np.int64)
        return positions[order[:needed]].tolist()


def _close_searcher(holder: dict[str, Searcher]) -> None:
    searcher = holder.pop("searcher", None)
    if searcher is not None:
        searcher.close()


def make_parser(schema: Any) -> MultifieldParser:
    """The search box's parser: every word must match, in any text field, with the field boosts."""
    parser = MultifieldParser(list(TEXT_BOOSTS), schema, fieldboosts=TEXT_BOOSTS, group=AndGroup)
    # Field names and wildcards in the search box would expose internals and can be
    # very slow; plain words, "phrases" and AND/OR/NOT are enough here.
    parser.remove_plugin_class(FieldsPlugin)
    parser.remove_plugin_class(WildcardPlugin)
    return parser


def _leaves(searcher: Searcher) -> list[tuple[Any, int]]:
    return searcher.reader().leaf_readers()


__all__ = ["QuerySyntaxError", "SearchEngine", "SearchParams", "SearchResults"]
