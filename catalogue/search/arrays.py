"""Reading a whoosh segment into numpy arrays: postings, field lengths and number columns.

whoosh's public readers hand out one value at a time through Python calls;
at 100k products that made opening a new index take seconds. These functions
read whole blocks and columns at once. whoosh has no public API for that, so
this module — and only this module — uses the W3 codec's internals, each with
the public one-at-a-time path as its fallback; tests/test_search_text.py
checks that the two agree, so a whoosh upgrade that changes the layout fails
there rather than in a search.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.columns import NumericColumn
from whoosh.matching import WrappingMatcher
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

# whoosh stores field lengths as one byte; this decodes them all at once.
_LENGTH_OF_BYTE = np.array([byte_to_length(i) for i in range(256)], dtype=np.float32)


@dataclass
class TermPostings:
    """One term's postings in one segment."""

    docs: np.ndarray  # int32, ascending segment-local document numbers
    weights: np.ndarray  # float32: term frequency times the field boost
    offsets: np.ndarray | None = None  # int64, len(docs) + 1: where each document's positions start in `positions`
    positions: np.ndarray | None = None  # int32, ascending within each document

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in (self.docs, self.weights, self.offsets, self.positions) if a is not None)


EMPTY = TermPostings(np.zeros(0, np.int32), np.zeros(0, np.float32), np.zeros(1, np.int64), np.zeros(0, np.int32))


def read_postings(reader: Any, field: str, text: str, *, positions: bool) -> TermPostings:
    """A term's postings in one segment reader, deleted documents included (the caller masks them)."""
    try:
        matcher = reader.postings(field, text)
    except TermNotFound:
        return EMPTY
    while isinstance(matcher, WrappingMatcher):  # the deletion filter: live documents are masked later
        matcher = matcher.child
    fmt = reader.schema[field].format
    if isinstance(matcher, W3LeafMatcher):
        docs, weights, values = _read_blocks(matcher, positions)
    else:
        docs, weights, values = _read_one_by_one(matcher, positions)
    entry = TermPostings(docs, weights)
    if positions:
        decoded = [np.asarray(fmt.decode_positions(bytes(value)), dtype=np.int32) for value in values]
        entry.offsets = np.zeros(len(decoded) + 1, np.int64)
        np.cumsum([len(p) for p in decoded], out=entry.offsets[1:])
        entry.positions = np.concatenate(decoded) if decoded else np.zeros(0, np.int32)
    return entry


def _read_blocks(matcher: W3LeafMatcher, positions: bool) -> tuple[np.ndarray, np.ndarray, list[bytes]]:
    ids, weights, values = [], [], []
    while matcher.is_active():
        matcher._read_data()  # (delta-coded ids, weights, values) of the current block
        block_ids, block_weights, block_values = matcher._data
        count = matcher._blocklength
        ids.append(np.cumsum(np.asarray(block_ids, dtype=np.int64)))
        if block_weights is None:
            weights.append(np.ones(count, np.float32))
        elif isinstance(block_weights, float):
            weights.append(np.full(count, block_weights, np.float32))
        else:
            weights.append(np.asarray(block_weights, dtype=np.float32))
        if positions:
            values.extend(block_values)
        matcher._next_block()
    if not ids:
        return EMPTY.docs, EMPTY.weights, []
    return np.concatenate(ids).astype(np.int32), np.concatenate(weights), values


def _read_one_by_one(matcher: Any, positions: bool) -> tuple[np.ndarray, np.ndarray, list[bytes]]:
    ids, weights, values = [], [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        if positions:
            values.append(matcher.value())
        matcher.next()
    return np.asarray(ids, dtype=np.int32), np.asarray(weights, dtype=np.float32), values


def field_lengths(reader: Any, field: str) -> np.ndarray:
    """Each document's length in ``field`` (as whoosh's scorer sees it), for one segment."""
    return lengths_column(reader._perdoc, field, reader.doc_count_all())


def lengths_column(perdoc: Any, field: str, size: int) -> np.ndarray:
    """Field lengths from a per-document reader (zeros when the field has none)."""
    name = _lenfield(field)
    if not perdoc.has_column(name):
        return np.zeros(size, np.float32)
    return _LENGTH_OF_BYTE[_numeric_column(perdoc.column_reader(name, LENGTHS_COLUMN), size)]


class WholeLengths:
    """A per-document reader's ``doc_field_length`` from whole columns, for writing postings.

    When whoosh writes a segment's postings it asks for the document's field
    length once per posting, each time through several Python calls and a file
    read; at 100k products that was a third of writing a segment.
    """

    def __init__(self, perdoc: Any, size: int) -> None:
        self._perdoc = perdoc
        self._size = size
        self._lengths: dict[str, list[int]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            lengths = self._lengths[fieldname] = lengths_column(self._perdoc, fieldname, self._size).astype(int).tolist()
        return lengths[docnum]

    def close(self) -> None:
        self._perdoc.close()


def numbers(reader: Any, field: str, dtype: Any) -> np.ndarray:
    """A number column (NUMERIC or a bare numeric COLUMN) of one segment, as ``dtype``."""
    size = reader.doc_count_all()
    column = reader.column_reader(field, translate=False)
    if isinstance(column, NumericColumn.Reader):
        return _numeric_column(column, size).astype(dtype)
    return np.fromiter(column, dtype=dtype, count=size)


def _numeric_column(column: NumericColumn.Reader, size: int) -> np.ndarray:
    # Fixed-width big-endian values for the first ``_count`` documents; the rest take the default.
    values = np.full(size, column._default, dtype=np.dtype(column._typecode).newbyteorder(">"))
    stored = min(column._count, size)
    if stored:
        raw = column._dbfile.get(column._basepos, stored * column._fixedlen)
        values[:stored] = np.frombuffer(raw, dtype=values.dtype, count=stored)
    return values
