"""Full-text matching: whoosh parses queries and stores the postings; numpy evaluates them.

whoosh's own matchers walk postings one document at a time in Python; at 100k
products a common word costs hundreds of milliseconds, and ranking the hits
meant walking them all again. Here each term's postings are read from an
immutable segment *once*, a block at a time, into numpy arrays (document
numbers, weights and, when a phrase needs them, positions), kept in a
size-bounded LRU cache, and a parsed query is evaluated over whole arrays in a
single pass that yields both the matching documents and their scores:

- a term scatters its BM25F scores into a dense score array;
- OR adds, AND intersects, NOT subtracts;
- a phrase intersects its words' documents, then matches positions shifted by
  each word's place in the phrase.

Scores are whoosh's BM25F (same idf, field lengths, field and query boosts; a
phrase scores the sum of its words' scores, as in whoosh), so the ranking is the
one whoosh would give. Query types this module does not know (ranges, ``*:*``,
phrases with a slop) fall back to whoosh's matcher, still in one pass.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.scoring import BM25F

from catalogue.search.arrays import TermPostings, read_postings

# whoosh's BM25F defaults, which the index's searchers also use.
B = BM25F().B
K1 = BM25F().K1
# Room for positions of one document's term, shifted per phrase word, in one int64 key.
_POSITION_BITS = 32


class PostingsCache:
    """Postings by (segment, field, term), least recently used dropped beyond ``max_bytes``.

    Segments never change, so entries stay valid for as long as their segment exists.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.nbytes = 0
        self._entries: OrderedDict[tuple[str, str, str], TermPostings] = OrderedDict()

    def get(self, reader: Any, field: str, text: str, *, positions: bool) -> TermPostings:
        key = (reader.segment().segment_id(), field, text)
        entry = self._entries.get(key)
        if entry is not None and (entry.positions is not None or not positions):
            self._entries.move_to_end(key)
            return entry
        if entry is not None:
            self._drop(key)
        entry = read_postings(reader, field, text, positions=positions)
        self._entries[key] = entry
        self.nbytes += entry.nbytes
        while self.nbytes > self.max_bytes and len(self._entries) > 1:
            self._drop(next(iter(self._entries)))
        return entry

    def forget_segments_except(self, segment_ids: set[str]) -> None:
        for key in [key for key in self._entries if key[0] not in segment_ids]:
            self._drop(key)

    def _drop(self, key: tuple[str, str, str]) -> None:
        self.nbytes -= self._entries.pop(key).nbytes


@dataclass
class Segment:
    """One segment as the matcher sees it: its reader, where its documents start, its field lengths."""

    reader: Any
    offset: int
    lengths: dict[str, np.ndarray]


@dataclass
class Matches:
    """Which documents match and their scores (meaningful only where ``hits`` is true)."""

    hits: np.ndarray  # bool per document
    scores: np.ndarray  # float64 per document


class TextMatcher:
    """Evaluates one parsed query over one index generation."""

    def __init__(self, searcher: Any, segments: list[Segment], size: int, cache: PostingsCache) -> None:
        self.searcher = searcher
        self.segments = segments
        self.size = size
        self.cache = cache

    def match(self, query: wq.Query) -> Matches:
        if isinstance(query, wq.Term):
            result = self._term(query.fieldname, query.text)
        elif isinstance(query, wq.Phrase) and query.slop == 1:  # other slops: whoosh, below
            result = self._phrase(query)
        elif isinstance(query, wq.Not):
            # Everything else, each scoring the Not's boost, as whoosh's inverse matcher does.
            return Matches(~self.match(query.query).hits, np.full(self.size, query.boost))
        elif isinstance(query, wq.Or):
            result = self._or([self.match(q) for q in query.subqueries])
        elif isinstance(query, wq.And):
            result = self._and(query.subqueries)
        elif isinstance(query, wq.AndNot):
            positive, negative = self.match(query.a), self.match(query.b)
            result = Matches(positive.hits & ~negative.hits, positive.scores)
        elif isinstance(query, wq.AndMaybe):
            required, optional = self.match(query.a), self.match(query.b)
            result = Matches(required.hits, required.scores + np.where(optional.hits, optional.scores, 0.0))
        elif isinstance(query, wq.Require):
            scored, required = self.match(query.a), self.match(query.b)
            result = Matches(scored.hits & required.hits, scored.scores)
        elif query is wq.NullQuery:
            return Matches(np.zeros(self.size, bool), np.zeros(self.size))
        else:
            return self._by_whoosh(query)
        if query.boost != 1.0:
            result.scores *= query.boost
        return result

    # --- leaves ------------------------------------------------------------------

    def _term(self, field: str, text: str) -> Matches:
        hits = np.zeros(self.size, bool)
        scores = np.zeros(self.size)
        if field not in self.searcher.schema:
            return Matches(hits, scores)
        idf = self.searcher.idf(field, text)
        average = self.searcher.avg_field_length(field) or 1.0
        for segment in self.segments:
            postings = self.cache.get(segment.reader, field, text, positions=False)
            if not len(postings.docs):
                continue
            lengths = segment.lengths[field][postings.docs]
            where = postings.docs.astype(np.int64) + segment.offset
            hits[where] = True
            scores[where] = _bm25(idf, postings.weights, lengths, average)
        return Matches(hits, scores)

    def _phrase(self, query: wq.Phrase) -> Matches:
        """Documents with the words next to each other, scored as whoosh does: the sum of the words' scores."""
        field, words = query.fieldname, list(query.words)
        hits = np.zeros(self.size, bool)
        scores = np.zeros(self.size)
        if field not in self.searcher.schema or not words:
            return Matches(hits, scores)
        idfs = [self.searcher.idf(field, word) for word in words]
        average = self.searcher.avg_field_length(field) or 1.0
        for segment in self.segments:
            postings = [self.cache.get(segment.reader, field, word, positions=True) for word in words]
            docs = _phrase_in_segment(postings)
            if not len(docs):
                continue
            where = docs + segment.offset
            hits[where] = True
            lengths = segment.lengths[field][docs]
            scores[where] = sum(_bm25(idf, p.weights[np.searchsorted(p.docs, docs)], lengths, average) for idf, p in zip(idfs, postings))
        return Matches(hits, scores)

    def _by_whoosh(self, query: wq.Query) -> Matches:
        hits = np.zeros(self.size, bool)
        scores = np.zeros(self.size)
        matcher = query.matcher(self.searcher)
        docs, values = [], []
        while matcher.is_active():
            docs.append(matcher.id())
            values.append(matcher.score())
            matcher.next()
        if docs:
            hits[docs] = True
            scores[docs] = values
        return Matches(hits, scores)

    # --- combinations --------------------------------------------------------------

    def _or(self, parts: list[Matches]) -> Matches:
        hits = np.zeros(self.size, bool)
        scores = np.zeros(self.size)
        for part in parts:
            hits |= part.hits
            scores += np.where(part.hits, part.scores, 0.0)
        return Matches(hits, scores)

    def _and(self, subqueries: list[wq.Query]) -> Matches:
        hits = np.ones(self.size, bool)
        scores = np.zeros(self.size)
        for subquery in subqueries:
            part = self.match(subquery)
            hits &= part.hits
            scores += np.where(part.hits, part.scores, 0.0)
        return Matches(hits, scores)


def _bm25(idf: float, weights: np.ndarray, lengths: np.ndarray, average: float) -> np.ndarray:
    """whoosh's ``scoring.bm25`` over arrays."""
    return idf * ((weights * (K1 + 1)) / (weights + K1 * ((1 - B) + B * lengths / average)))


def _phrase_in_segment(words: list[TermPostings]) -> tuple[np.ndarray, np.ndarray]:
    """Segment-local documents where the words occur next to each other in order, and how often."""
    candidates = words[0].docs
    for postings in words[1:]:
        candidates = np.intersect1d(candidates, postings.docs, assume_unique=True)
    if not len(candidates):
        return np.zeros(0, np.int64)
    keys = None
    for place, postings in enumerate(words):
        index = np.searchsorted(postings.docs, candidates)
        starts, ends = postings.offsets[index], postings.offsets[index + 1]
        counts = ends - starts
        # The flat positions of every candidate document, gathered in one go.
        gather = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
        shifted = postings.positions[gather].astype(np.int64) - place + len(words)
        word_keys = (np.repeat(candidates.astype(np.int64), counts) << _POSITION_BITS) | shifted
        keys = np.unique(word_keys) if keys is None else np.intersect1d(keys, word_keys)
        if not len(keys):
            return np.zeros(0, np.int64)
    return np.unique(keys >> _POSITION_BITS)
