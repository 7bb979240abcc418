"""Align two articles word by word and return the passages they share.

Anchors are word pairs covered by a shared two-word key sequence; anchors close to
each other in both texts chain into one candidate passage, the words between
anchors are aligned globally, the ends are extended outwards, and the best-scoring
stretches of each chain become passages. Because keys fold aliases, spellings and
inflections, and the gap alignment tolerates substitutions, gaps and OCR noise, a
spun copy still aligns with its source, word for word and with exact offsets.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from . import _core
from .model import Alignment, Span, WordOp
from .normalize import STOPWORDS, WordColumns, is_weak
from .settings import Settings

# Scores of one aligned word pair, and of a word left out on one side.
EXACT, VARIANT, NEAR, SUBSTITUTED, GAP = 2.0, 2.0, 1.5, -1.0, -1.5
# A bigram occurring more often than this in one article is boilerplate there.
_MAX_BIGRAM_REPEATS = 10
# Edge extension: how far the two sides may drift apart, and how far below the best
# score a row may fall before extension stops.
_BAND, _X_DROP = 4, 6.0
# The tightest Levenshtein similarity at which two OCR'd words count as one.
_NEAR_SIMILARITY = 0.7

# A passage needs this many matching words that are not function words: "said in
# a statement on Monday that" is a phrase every outlet writes, not a copied passage.
_MIN_STRONG = 3
# Fewer anchors than this in a chain is chance, not a passage.
_MIN_CHAIN = 4
_MATCHED = {"exact", "variant", "near"}

_DEFAULT = Settings()


@dataclass(frozen=True, slots=True)
class Document:
    """What alignment needs of an article, kept compact (a worker holds thousands):
    offsets in arrays, keys as small ids, the word view the compiled core
    reads (``words``), and the index of key bigrams it finds anchors with."""

    id: str
    text: str
    starts: array
    ends: array
    words: tuple = field(compare=False, repr=False)
    bigrams: tuple = field(compare=False, repr=False)

    @classmethod
    def from_text(cls, id: str, text: str, aliases=None) -> Document:
        """Tokenize ``text`` (repairing it on the way) into a Document."""
        return cls.from_columns(id, text, WordColumns.of(text, aliases))

    @classmethod
    def from_columns(cls, id: str, text: str, columns: WordColumns) -> Document:
        """The Document of ``text`` from its words' columns, made before (possibly stored)."""
        ids = list(map(_KEY_IDS.get, columns.keys))
        if None in ids:
            ids = [_key_id(k) if i is None else i for k, i in zip(columns.keys, ids)]
        key_ids = np.array(ids, dtype=np.int32)
        # A word broken across a line is compared as the word written whole.
        words = (array("i", key_ids.tobytes()), columns.lengths, _shared(columns.folded))
        return cls(id, text, columns.starts, columns.ends, words, _bigram_index(key_ids.astype(np.int64)))

    @property
    def keys(self) -> tuple[str, ...]:
        """The words' match keys (kept as small ids: a worker holds thousands of documents)."""
        return tuple(_KEY_NAMES[k] for k in self.words[0])

    def key(self, i: int) -> str:
        """Word ``i``'s match key."""
        return _KEY_NAMES[self.words[0][i]]

    def surface(self, i: int) -> str:
        """Word ``i`` as written."""
        return self.text[self.starts[i]:self.ends[i]]



class DocumentCache:
    """Tokenized articles for an aligning worker, which meets the same partners again and
    again; past ``size`` articles the least recently used is dropped, so a worker's memory
    is bounded by the ``align_cache`` setting (a newspaper page takes about 200 kB)."""

    def __init__(self, size: int):
        self._size = max(1, size)
        self._documents: OrderedDict[str, Document] = OrderedDict()

    def get(self, article_id: str, make: Callable[[], Document]) -> Document:
        """The article's Document; ``make`` makes it, and is called only when the Document is
        not cached (texts may be fetched from a store)."""
        doc = self._documents.get(article_id)
        if doc is None:
            doc = self._documents[article_id] = make()
            if len(self._documents) > self._size:
                self._documents.popitem(last=False)
        else:
            self._documents.move_to_end(article_id)
        return doc


# Small integer ids for keys, given out per process: documents are compared only with
# documents made in the same process.
_KEY_IDS: dict[str, int] = {}
_KEY_NAMES: list[str] = []
_WEAK_IDS: set[int] = set()
# Case-folded words, so that documents share one string per word; forgotten past
# _FOLDED_MEMORY words (OCR'd archives have millions), which costs only sharing.
_FOLDS: dict[str, str] = {}
_FOLDED_MEMORY = 300_000


def _key_id(key: str) -> int:
    found = _KEY_IDS.get(key)
    if found is None:
        found = _KEY_IDS[key] = len(_KEY_IDS)
        _KEY_NAMES.append(key)
        if is_weak(key):
            _WEAK_IDS.add(found)
    return found


def _shared(folded: list[str]) -> tuple[str, ...]:
    """The case-folded words, each one string shared by every document."""
    if len(_FOLDS) > _FOLDED_MEMORY:
        _FOLDS.clear()
    return tuple(map(_FOLDS.setdefault, folded, folded))


def _bigram_index(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The key bigrams not made of weak words only: their unique codes, sorted; where
    each code's starts begin in the last array and how many there are; the starts."""
    if len(ids) < 2:
        return (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32),
                np.zeros(0, dtype=np.int32))
    ids = ids.astype(np.int64)
    weak = np.isin(ids, np.fromiter(_WEAK_IDS, dtype=np.int64, count=len(_WEAK_IDS)))
    codes = (ids[:-1] << np.int64(32)) | ids[1:]
    starts = np.flatnonzero(~(weak[:-1] & weak[1:])).astype(np.int32)
    codes = codes[starts]
    order = np.argsort(codes, kind="stable")
    codes, starts = codes[order], starts[order]
    first = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]) if len(codes) else np.zeros(0, np.int64)
    counts = np.diff(np.r_[first, len(codes)])
    return codes[first], first.astype(np.int32), counts.astype(np.int32), starts


# Step kinds, in the order the compiled core numbers them, with their scores.
_KINDS = ("exact", "variant", "near", "substituted", "deleted", "inserted")
_core.setup(_KINDS, (EXACT, VARIANT, NEAR, SUBSTITUTED, GAP, GAP), GAP, _BAND, _X_DROP, _NEAR_SIMILARITY)

# An aligned step: kind, index in a (or -1), index in b (or -1), score.
Step = tuple[str, int, int, float]


def compare(a: Document, i: int, b: Document, j: int) -> tuple[str, float]:
    """Classify word ``i`` of ``a`` against word ``j`` of ``b``: exact (same key, same
    letters but for case), variant (same key: alias, spelling, inflection), near (OCR
    noise: Levenshtein similarity of the folded words at least ``_NEAR_SIMILARITY``)
    or substituted."""
    return _core.compare(a.words, i, b.words, j)


def _best_stretches(steps: list[Step], lo: int, hi: int, min_score: float) -> list[tuple[int, int]]:
    """Maximal-scoring stretches of ``steps[lo:hi]`` scoring at least ``min_score``."""
    best, best_lo, best_hi = 0.0, lo, lo
    run, run_lo = 0.0, lo
    for k in range(lo, hi):
        if run <= 0:
            run, run_lo = 0.0, k
        run += steps[k][3]
        if run > best:
            best, best_lo, best_hi = run, run_lo, k + 1
    if best < min_score:
        return []
    return (_best_stretches(steps, lo, best_lo, min_score) + [(best_lo, best_hi)]
            + _best_stretches(steps, best_hi, hi, min_score))


_CLOSING = set(".,;:!?\"'”’)]»")
_OPENING = set("\"'“‘([«„")
_SENTENCE_END = set(".!?")


def _sentence_edge_before(doc: Document, i: int) -> bool:
    """Tell whether word ``i`` opens a sentence (or the text)."""
    k = doc.starts[i] - 1
    while k >= 0 and (doc.text[k].isspace() or doc.text[k] in _OPENING):
        k -= 1
    return k < 0 or doc.text[k] in _SENTENCE_END


def _sentence_edge_after(doc: Document, i: int) -> bool:
    """Tell whether word ``i`` closes a sentence (or the text)."""
    k = doc.ends[i]
    return k >= len(doc.text) or doc.text[k] in _SENTENCE_END


def _complete_sentences(steps: list[Step], a: Document, b: Document) -> list[Step]:
    """Take in a substituted word at either end when it completes a sentence on both sides.

    A spinner swaps the last word of a sentence as readily as any other; without
    this the passage would stop one word short of the copied sentence.
    """
    first_a = next(s[1] for s in steps if s[1] >= 0)
    first_b = next(s[2] for s in steps if s[2] >= 0)
    last_a = next(s[1] for s in reversed(steps) if s[1] >= 0)
    last_b = next(s[2] for s in reversed(steps) if s[2] >= 0)
    if first_a > 0 and first_b > 0 and _sentence_edge_before(a, first_a - 1) \
            and _sentence_edge_before(b, first_b - 1):
        kind, score = compare(a, first_a - 1, b, first_b - 1)
        steps = [(kind, first_a - 1, first_b - 1, score)] + steps
    if last_a + 1 < len(a.starts) and last_b + 1 < len(b.starts) \
            and _sentence_edge_after(a, last_a + 1) and _sentence_edge_after(b, last_b + 1):
        kind, score = compare(a, last_a + 1, b, last_b + 1)
        steps = steps + [(kind, last_a + 1, last_b + 1, score)]
    return steps


def _is_function_word_match(step: Step, a: Document) -> bool:
    return step[0] in _MATCHED and a.key(step[1]) in STOPWORDS


def _trim_edges(steps: list[Step], a: Document, b: Document) -> list[Step]:
    """Drop function words that cling to a passage's ends without belonging to it.

    Two cases: a function word matched beyond a substitution or gap at the edge
    ("the [weekend/coast]. The harbour..."), and function words that open the next
    sentence after the copied one ends ("... the coast. The").
    """
    lo, hi = 0, len(steps)
    while True:
        start_lo, start_hi = lo, hi
        if hi - lo > 1 and _is_function_word_match(steps[hi - 1], a) and steps[hi - 2][0] not in _MATCHED:
            hi -= 1
            while hi > lo and steps[hi - 1][0] not in _MATCHED:
                hi -= 1
        if hi - lo > 1 and _is_function_word_match(steps[lo], a) and steps[lo + 1][0] not in _MATCHED:
            lo += 1
            while lo < hi and steps[lo][0] not in _MATCHED:
                lo += 1
        # A trailing run of function words that starts a sentence in both texts.
        k = hi
        while k > lo and _is_function_word_match(steps[k - 1], a):
            k -= 1
        if lo < k < hi and steps[k - 1][0] in _MATCHED \
                and _sentence_edge_after(a, steps[k - 1][1]) and _sentence_edge_after(b, steps[k - 1][2]):
            hi = k
        if (lo, hi) == (start_lo, start_hi):
            return steps[lo:hi]


def _edge(doc: Document, start: int, end: int) -> tuple[int, int]:
    """Widen a word span over the punctuation attached to its first and last word."""
    while start > 0 and doc.text[start - 1] in _OPENING:
        start -= 1
    while end < len(doc.text) and doc.text[end] in _CLOSING:
        end += 1
    return start, end


def _to_alignment(steps: list[Step], a: Document, b: Document) -> Alignment:
    ia = [s[1] for s in steps if s[1] >= 0]
    jb = [s[2] for s in steps if s[2] >= 0]
    counts = defaultdict(int)
    for kind, *_ in steps:
        counts[kind] += 1
    matched = counts["exact"] + counts["variant"] + counts["near"]
    ops = tuple(
        WordOp(kind, a.surface(i) if i >= 0 else "", b.surface(j) if j >= 0 else "")
        for kind, i, j, _ in steps
    )
    return Alignment(
        a=Span(a.id, *_edge(a, a.starts[ia[0]], a.ends[ia[-1]])),
        b=Span(b.id, *_edge(b, b.starts[jb[0]], b.ends[jb[-1]])),
        score=round(sum(s[3] for s in steps), 2),
        similarity=round(matched / max(len(ia), len(jb)), 3),
        exact=counts["exact"],
        variant=counts["variant"] + counts["near"],
        substituted=counts["substituted"],
        gaps=counts["inserted"] + counts["deleted"],
        ops=ops,
    )


def _gap(x: Span, y: Span) -> int:
    """Characters between two spans of one article (0 when they touch or overlap)."""
    return max(0, max(x.start, y.start) - min(x.end, y.end))


def _near(x: Span, y: Span, merge_chars: int) -> bool:
    """Tell whether two spans are close enough to be parts of one passage: within
    ``merge_chars``, or within the length of the shorter one (long passages
    rewritten sentence by sentence break into long parts with longer gaps)."""
    return _gap(x, y) <= max(merge_chars, min(x.end - x.start, y.end - y.start))


def _join(x: Alignment, y: Alignment) -> Alignment:
    first, second = (x, y) if (x.a.start, x.b.start) <= (y.a.start, y.b.start) else (y, x)
    if _overlap(x.a, y.a) >= 0.5 or _overlap(x.b, y.b) >= 0.5:
        # One stretch of an article matched to two places of the other (a sentence the other
        # tells twice): the passage covers both places, its words are the better match's,
        # counted once.
        best = max(x, y, key=lambda al: (al.score, -al.a.start, -al.b.start))
        return replace(best, a=Span(x.a.article, min(x.a.start, y.a.start), max(x.a.end, y.a.end)),
                                   b=Span(x.b.article, min(x.b.start, y.b.start), max(x.b.end, y.b.end)))
    return Alignment(
        a=Span(x.a.article, min(x.a.start, y.a.start), max(x.a.end, y.a.end)),
        b=Span(x.b.article, min(x.b.start, y.b.start), max(x.b.end, y.b.end)),
        score=round(x.score + y.score, 2),
        similarity=round(min(x.similarity, y.similarity), 3),
        exact=x.exact + y.exact, variant=x.variant + y.variant,
        substituted=x.substituted + y.substituted, gaps=x.gaps + y.gaps + 1,
        ops=first.ops + (WordOp("gap", "…", "…"),) + second.ops,
    )


def _merge(found: list[Alignment], merge_chars: int) -> list[Alignment]:
    """Join passages lying close to each other (see :func:`_near`) in both articles.

    Order is not required: a copy that shuffled sentences or clauses still comes
    out as one passage. Passages contained in another are dropped.
    """
    merged = sorted(found, key=lambda x: (x.a.start, x.b.start))
    changed = True
    while changed:
        changed = False
        out: list[Alignment] = []
        for cur in merged:
            for k, prev in enumerate(out):
                if _near(cur.a, prev.a, merge_chars) and _near(cur.b, prev.b, merge_chars):
                    inside = (prev.a.start <= cur.a.start and cur.a.end <= prev.a.end
                              and prev.b.start <= cur.b.start and cur.b.end <= prev.b.end)
                    out[k] = prev if inside else _join(prev, cur)
                    changed = changed or not inside
                    break
            else:
                out.append(cur)
        merged = sorted(out, key=lambda x: (x.a.start, x.b.start))
    return merged


def _overlap(x: Span, y: Span) -> float:
    """Share of the shorter span that the two spans have in common."""
    common = min(x.end, y.end) - max(x.start, y.start)
    return max(0, common) / max(1, min(x.end - x.start, y.end - y.start))


def _one_to_one(found: list[Alignment]) -> list[Alignment]:
    """Keep, for text repeated in one article, only its best match in the other."""
    ranked = sorted(found, key=lambda x: (-x.score, x.a.start, x.b.start))
    kept: list[Alignment] = []
    for cand in ranked:
        if all(_overlap(cand.a, k.a) < 0.5 and _overlap(cand.b, k.b) < 0.5 for k in kept):
            kept.append(cand)
    return sorted(kept, key=lambda x: (x.a.start, x.b.start))


def align(a: Document, b: Document, settings: Settings = _DEFAULT) -> list[Alignment]:
    """Return the passages ``a`` and ``b`` share, ordered by their start in ``a``.

    The result does not depend on argument order: ``align(b, a)`` gives the same
    passages with the sides swapped.

    >>> from newstrace.normalize import tokenize
    >>> t1 = "Officials said the bridge over the river will close for repairs next month."
    >>> t2 = "The bridge across the river is to close for repair next month, officials said."
    >>> found = align(Document.from_text("1", t1), Document.from_text("2", t2), Settings(min_words=5, min_score=8))
    >>> [t1[x.a.start:x.a.end] for x in found]
    ['the bridge over the river will close for repairs next month.']
    """
    if a.id > b.id:
        return sorted((x.swapped() for x in align(b, a, settings)), key=lambda x: (x.a.start, x.b.start))
    found: list[Alignment] = []
    for steps in _core.align_steps(a.bigrams, b.bigrams, _MAX_BIGRAM_REPEATS, settings.max_gap, _MIN_CHAIN,
                                     a.words, b.words):
        for lo, hi in _best_stretches(steps, 0, len(steps), settings.min_score):
            stretch = _trim_edges(steps[lo:hi], a, b)
            if not stretch:
                continue
            stretch = _complete_sentences(stretch, a, b)
            matched = [s for s in stretch if s[0] in _MATCHED]
            strong = sum(1 for s in matched if a.key(s[1]) not in STOPWORDS)
            if len(matched) >= settings.min_words and strong >= _MIN_STRONG:
                found.append(_to_alignment(stretch, a, b))
    return _one_to_one(_merge(found, settings.merge_chars))
