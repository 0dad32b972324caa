"""The text analyzer: whoosh's stemming analyzer, with a fused fast path for indexing.

Indexing spends most of its time in analysis: whoosh's ``StemmingAnalyzer`` is
a chain of four Python generators (tokenize, lowercase, drop stop words, stem)
per token. When whoosh indexes a field it asks for nothing but positions, and
that one case is done here in a single loop with a plain dict of stems; every
other call (query parsing, highlighting) goes to the standard chain. Both give
the same tokens, which a test checks on the seed data. ``RegisterPositions``
goes one step further for the text fields' postings: it gathers each stem's
positions straight from that loop, without a token per word.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh.analysis import STOP_WORDS, StemmingAnalyzer
from whoosh.analysis.acore import Composable, Token
from whoosh.analysis.tokenizers import default_pattern
from whoosh.formats import Positions
from whoosh.lang import porter2

MIN_WORD_LENGTH = 2  # StemmingAnalyzer's default: shorter words are dropped like stop words
_STEM_CACHE_LIMIT = 200_000
_stems: dict[str, str] = {}


def _stem(word: str) -> str:
    stem = _stems.get(word)
    if stem is None:
        if len(_stems) >= _STEM_CACHE_LIMIT:
            _stems.clear()
        # porter2 keeps "planning" and "plans" together; whoosh's default Porter stemmer does not.
        stem = _stems[word] = porter2.stem(word)
    return stem


class RegisterAnalyzer(Composable):
    """``StemmingAnalyzer(stemfn=porter2.stem)``, faster when indexing."""

    def __init__(self) -> None:
        self.standard = StemmingAnalyzer(stemfn=porter2.stem, minsize=MIN_WORD_LENGTH)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RegisterAnalyzer)

    def __hash__(self) -> int:
        return hash(RegisterAnalyzer)

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs: Any) -> Iterator[Token]:
        if mode != "index" or chars or keeporiginal or not removestops or not tokenize:
            yield from self.standard(value, positions=positions, chars=chars, keeporiginal=keeporiginal,
                                     removestops=removestops, start_pos=start_pos, start_char=start_char,
                                     tokenize=tokenize, mode=mode, **kwargs)
            return
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        token.boost = 1.0
        token.stopped = False
        for token.text, token.pos in _indexed_words(value, start_pos):
            yield token


def _indexed_words(value: str, start_pos: int) -> Iterator[tuple[str, int]]:
    """Each kept word's stem and position, as the standard chain numbers them."""
    position = None
    for place, match in enumerate(default_pattern.finditer(value)):
        word = match.group(0).lower()
        if len(word) < MIN_WORD_LENGTH or word in STOP_WORDS:
            continue
        # As StopFilter renumbers: the first kept word keeps its place, later ones follow on.
        position = start_pos + place if position is None else position + 1
        yield _stem(word), position


class RegisterPositions(Positions):
    """whoosh's ``Positions`` postings, gathered in one pass when ``RegisterAnalyzer`` indexes.

    ``Positions.word_values`` pulls a ``Token`` through the analyzer for every
    word and sums each one's boost; the indexing analyzer's boosts are all 1, so
    a word's weight is its frequency times the field's boost. The postings are
    the same bytes (tested), so indexes written either way are one format.
    """

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Iterator[tuple[str, int, float, bytes]]:
        fast = isinstance(value, str) and isinstance(analyzer, RegisterAnalyzer) and kwargs == {"mode": "index"}
        if not fast:  # e.g. a pre-tokenised list, which whoosh also accepts
            yield from super().word_values(value, analyzer, **kwargs)
            return
        places: dict[str, list[int]] = {}
        for stem, position in _indexed_words(value, 0):
            if stem in places:
                places[stem].append(position)
            else:
                places[stem] = [position]
        boost = self.field_boost
        for stem, positions in places.items():
            yield stem, len(positions), len(positions) * boost, self.encode(positions)
