"""Stories: which articles report the same real-world event.

Two articles report one event when they tell of the same people, places and numbers, in the
same words or in other words of the same meaning, at about the same time: :func:`similarity`
weighs the words two articles share by their rarity (in the collection, and in English news
generally, so that a collection of two articles is judged as one of a million is) — the names
and numbers apart, since two earthquakes share every common word and differ in their places,
tolls and dates — averages that with how alike a sentence encoder reads their openings where
the articles were profiled with it (:mod:`newstrace.meaning`), and lowers it when their
publication dates lie far apart, or when the name each gives most goes unnamed by the other
(two deaths of one affair told in the same words are two events). :func:`group` makes stories of a collection: articles linked
by a similarity of at least a link threshold form a neighbourhood, and within each, articles
join a story by average link at a story threshold (``THRESHOLDS``; each story's articles alike
on the whole, so one article that mentions two events does not chain them), and an article or
two average link leaves apart join a larger story where each has two neighbours. The stories of a
closed collection depend on no order of arrival, and a neighbourhood is regrouped only when an
article joins it.
"""

from __future__ import annotations

import base64
import heapq
import json
import math
import zlib
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np
from scipy import sparse

from .dates import days_between
from .normalize import STOPWORDS, WordColumns, token_columns
from .significance import fact_kind

# Articles this alike are neighbours, candidates for one story; they join one story when they
# are the second alike on average. Judged by their words alone, or by their words and meaning (the
# encoder's cosine runs higher than the words' between any two news reports). Each pair is near
# the best B-cubed F1 on ECB+'s events, ties broken towards precision (bench/bench_stories.py):
# the words' best, 0.941 at (0.375, 0.49), links more than twice the pairs 0.45 does on undated
# Reuters (spinbench-modern-dev: 7,803 against 3,345, its largest neighbourhood 1,917 articles
# against 826, the largest story 22 against 19), each neighbourhood regrouped whenever an article
# joins it; at (0.45, 0.48) ECB+ scores 0.938 at precision 0.951, and of PolNeAR's stories 9 change
# against session 23's: read, 5 rightly, 3 wrongly, 1 unclear (docs/stories-sample-polnear.md).
THRESHOLDS = {"words": (0.45, 0.48), "meaning": (0.5, 0.55)}
# The weight of the names and numbers two articles share against that of all their words.
NAMES_WEIGHT = 0.5
# Reports of one event are printed within days of it; the same kind of event a month apart
# is another event: past SAME_EVENT_DAYS apart, similarity halves every FADE_DAYS. (14 days
# joined two events of one campaign a fortnight apart: at 10, of PolNeAR's stories 11 split,
# read: 9 rightly, 2 in part — docs/stories-sample-polnear.md.)
SAME_EVENT_DAYS = 10
FADE_DAYS = 7
# How many of its most telling words an article is looked up by, for its neighbours.
LOOKUP_TERMS = 24
# An article's protagonist is the name it gives most often, this often at least (its title
# counting twice). Two articles whose protagonists each go unnamed by the other tell of
# different people: their similarity is multiplied by PROTAGONISTS_APART (the words' cosine
# halved, under its square root). On ECB+'s topics, 33% of pairs of reports of its two events so
# differ, 1.4% of pairs of one event's reports (F1 0.933 to 0.940: Mark Felt's death and Fred
# LaRue's, both "Deep Throat" and Watergate).
PROTAGONIST_MENTIONS = 3
PROTAGONISTS_APART = 0.7


@dataclass(frozen=True, slots=True)
class Profile:
    """What an article tells of its event: its words' keys with how often it uses them, the
    names and numbers among them, and when it was published."""

    article: str
    published: str | None
    words: Mapping[str, float]
    names: Mapping[str, float]
    surfaces: Mapping[str, str] = field(default_factory=dict)  # a name's key -> how it was written
    meaning: bytes | None = None  # its opening as the encoder reads it (float16), where it was

    def packed(self) -> bytes:
        """The profile as bytes to store (:meth:`unpacked` reads them back)."""
        meaning = base64.b64encode(self.meaning).decode("ascii") if self.meaning is not None else None
        return zlib.compress(json.dumps([self.published, self.words, self.names, self.surfaces, meaning],
                                        ensure_ascii=False, separators=(",", ":")).encode("utf-8"))

    @classmethod
    def unpacked(cls, article: str, packed: bytes) -> "Profile":
        published, words, names, surfaces, *meaning = json.loads(zlib.decompress(packed))
        # Profiles stored before the encoder was used hold four parts.
        vector = base64.b64decode(meaning[0]) if meaning and meaning[0] is not None else None
        return cls(article, published, words, names, surfaces, vector)

    def with_meaning(self, vector: np.ndarray) -> "Profile":
        return replace(self, meaning=vector.astype("<f2").tobytes())


_SENTENCE_OPENERS = set(".!?:;\"“‘([—-\n")


def _most_written(forms: Mapping[str, int]) -> str:
    """The form a name is written in most often (ties: the first in order)."""
    return min(forms.items(), key=lambda f: (-f[1], f[0]))[0]


def protagonist(p: Profile) -> str | None:
    """The key of the name an article gives most often (PROTAGONIST_MENTIONS times at least;
    ties: the first key), or None: a person, a place or a body, not a figure or a month."""
    often = sorted((-mentions, key) for key, mentions in p.names.items() if mentions >= PROTAGONIST_MENTIONS)
    return next((key for _, key in often if (written := p.surfaces.get(key)) and fact_kind(written) == "name"), None)


def profile(article: str, text: str, title: str = "", published: str | None = None, aliases=None,
            columns: WordColumns | None = None) -> Profile:
    """An article's profile; its title's words count twice (a headline names its event).
    ``columns``: the text's words, where they were made already."""
    # Plain dictionaries, not Counters: a page has thousands of distinct words.
    words: dict[str, float] = {}
    names: dict[str, float] = {}
    surfaces: dict[str, dict[str, int]] = {}
    for part, weight, made in ((title, 2.0, None), (text, 1.0, columns)):
        starts, ends, keys = (made.starts, made.ends, made.keys) if made else token_columns(part, aliases)
        for key, count in Counter(keys).items():
            if key not in STOPWORDS and len(key) > 1:
                words[key] = words.get(key, 0.0) + weight * count
        # Only words written with a capital or a figure, or alias forms, can be names.
        for k in [k for k, start in enumerate(starts) if not part[start].islower() or keys[k][:1] == "="]:
            start, key = starts[k], keys[k]
            if key in STOPWORDS or len(key) < 2:
                continue
            first = part[start]
            if not (first.isdigit() or key.startswith("=")):
                if not first.isupper():
                    continue
                # A capital opening a sentence names nothing: look past the spaces before it
                # (a long run of spaces opens a block).
                before = part[max(0, start - 16):start].rstrip()[-1:]
                if not before or before in _SENTENCE_OPENERS:
                    continue
            names[key] = names.get(key, 0.0) + weight
            forms = surfaces.setdefault(key, {})
            written = part[start:ends[k]]
            forms[written] = forms.get(written, 0) + 1
    written = {k: _most_written(forms) for k, forms in surfaces.items()}
    return Profile(article, published, words, names, written)


@lru_cache(maxsize=1)
def _english() -> dict[str, float]:
    """wordfreq's English table (word -> frequency), read once: looking a word up in it is
    many times faster than asking wordfreq word by word (which tokenizes each again), and a
    collection's vocabulary runs to hundreds of thousands of keys."""
    from wordfreq import get_frequency_dict

    return get_frequency_dict("en")


def _background(key: str) -> float:
    """The share of news articles likely to hold a word, from its frequency in English (a
    story of 400 words holds a word of frequency p about 400·p times)."""
    return min(1.0, 400 * _english().get(key, 0.0))


class Weights:
    """How telling each word is: rare in the collection and in English news. A collection's
    document frequencies (``df``: word -> articles holding it, of ``n``) are smoothed with
    English's, so that two articles alone cannot make every word they share look rare."""

    PRIOR = 20  # articles' worth of English news the collection's counts are blended with

    def __init__(self, df: Mapping[str, int], n: int):
        self.df, self.n = df, n

    @classmethod
    def of(cls, profiles: Iterable[Profile]) -> "Weights":
        df: Counter = Counter()
        n = 0
        for p in profiles:
            df.update(p.words.keys())
            n += 1
        return cls(df, n)

    def idf(self, key: str) -> float:
        share = (self.df.get(key, 0) + self.PRIOR * _background(key)) / (self.n + self.PRIOR)
        return math.log(1 + 1 / max(share, 1e-6))


class Profiles:
    """Many articles' profiles as sparse rows (one column per word), gathered one at a time so
    that a large collection is held as numbers, not as a dictionary per article."""

    def __init__(self, profiles: Iterable[Profile] = ()):
        self.articles: list[str] = []
        self.published: list[str | None] = []
        self.vocabulary: dict[str, int] = {}
        # Per kind: where each row ends, its columns, its values (compact arrays, not lists).
        self._rows = {kind: (array("q", [0]), array("q"), array("d")) for kind in ("words", "names")}
        self._surfaces: dict[int, dict[str, int]] = {}  # a name's column -> how it was written, how often
        self._meanings: list[bytes | None] = []
        self._protagonists = array("q")  # each article's protagonist's column, or -1
        for p in profiles:
            self.add(p)

    def add(self, p: Profile) -> None:
        self.articles.append(p.article)
        self.published.append(p.published)
        self._meanings.append(p.meaning)
        vocabulary = self.vocabulary
        for kind, counts in (("words", p.words), ("names", p.names)):
            ends, columns, values = self._rows[kind]
            found = list(map(vocabulary.get, counts))
            if None in found:  # words new to the vocabulary take the next columns, in order
                found = [vocabulary.setdefault(key, len(vocabulary)) if c is None else c
                         for key, c in zip(counts, found)]
            columns.extend(found)
            values.frombytes((1 + np.log(np.fromiter(counts.values(), np.float64, len(counts)))).tobytes())
            ends.append(len(columns))
        surfaces = self._surfaces
        for key, written in p.surfaces.items():
            forms = surfaces.setdefault(vocabulary[key], {})
            forms[written] = forms.get(written, 0) + 1
        lead = protagonist(p)
        self._protagonists.append(-1 if lead is None else vocabulary[lead])

    def __len__(self) -> int:
        return len(self.articles)

    def keys(self) -> list[str]:
        return list(self.vocabulary)

    def document_frequency(self) -> Counter:
        """How many of these articles hold each word."""
        _, columns, _ = self._rows["words"]
        counts = np.bincount(np.frombuffer(columns, dtype=np.int64), minlength=len(self.vocabulary))
        return Counter({k: int(counts[c]) for k, c in self.vocabulary.items() if counts[c]})

    def meanings(self) -> np.ndarray | None:
        """The articles' meanings as unit rows (float32), or None unless every article has one:
        a collection is judged one way throughout."""
        if not self._meanings or any(m is None for m in self._meanings):
            return None
        rows = np.frombuffer(b"".join(self._meanings), dtype="<f2").reshape(len(self), -1).astype(np.float32)
        return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-6)

    def weighed(self, weights: Weights) -> "Vectors":
        keys = self.keys()
        idf = np.array([weights.idf(k) for k in keys], dtype=np.float64)
        matrices = {}
        for kind, (ends, columns, values) in self._rows.items():
            columns = np.frombuffer(columns, dtype=np.int64)
            data = np.frombuffer(values, dtype=np.float64) * idf[columns]
            rows = np.repeat(np.arange(len(self)), np.diff(np.frombuffer(ends, dtype=np.int64)))
            norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=len(self)))
            data /= np.where(norms > 0, norms, 1.0)[rows]
            matrices[kind] = sparse.csr_matrix((data, columns, np.frombuffer(ends, dtype=np.int64)),
                                               shape=(len(self), len(keys)))
        return Vectors(self.articles, self.published, keys, matrices["words"], matrices["names"],
                       {c: _most_written(forms) for c, forms in self._surfaces.items()},
                       np.frombuffer(self._protagonists, dtype=np.int64), self.meanings())


@dataclass(frozen=True)
class Vectors:
    """Profiles weighed: each article's words and names as unit rows."""

    articles: list[str]
    published: list[str | None]
    keys: list[str]
    words: sparse.csr_matrix
    names: sparse.csr_matrix
    surfaces: dict[int, str]
    protagonists: np.ndarray  # each article's protagonist's column (:func:`protagonist`), or -1
    meanings: np.ndarray | None = None  # unit rows, when every article has its meaning

    @property
    def link(self) -> float:
        """How alike two articles must be to be neighbours (THRESHOLDS)."""
        return self._thresholds[0]

    @property
    def story(self) -> float:
        """How alike on average articles must be to make one story (THRESHOLDS)."""
        return self._thresholds[1]

    @property
    def _thresholds(self) -> tuple[float, float]:
        return THRESHOLDS["words" if self.meanings is None else "meaning"]

    def lookup_terms(self, row: int) -> list[str]:
        """The article's most telling words, by which its neighbours are found (ties by key:
        the same words whatever order the articles came in)."""
        lo, hi = self.words.indptr[row], self.words.indptr[row + 1]
        values, columns = self.words.data[lo:hi], self.words.indices[lo:hi]
        if len(values) > LOOKUP_TERMS:  # those tied with the last kept are kept too, then sorted
            least = np.partition(values, len(values) - LOOKUP_TERMS)[len(values) - LOOKUP_TERMS]
            kept = values >= least
            values, columns = values[kept], columns[kept]
        pairs = sorted(zip(-values, (self.keys[c] for c in columns)))
        return [k for _, k in pairs[:LOOKUP_TERMS]]

    def alike(self, rows_a: np.ndarray, rows_b: np.ndarray, timeless: np.ndarray | None = None) -> np.ndarray:
        """The similarity of each pair of rows (see :func:`similarity`); the pairs marked
        ``timeless`` are not lowered for the time between them."""
        words, names = _row_dots(self.words, rows_a, rows_b), _row_dots(self.names, rows_a, rows_b)
        fade = np.array([time_factor(self.published[x], self.published[y]) for x, y in zip(rows_a, rows_b)])
        if timeless is not None:
            fade = np.where(timeless, 1.0, fade)
        # The square root of the words' cosine: between reports of one event by two outlets it
        # runs low (they share names and a few phrases, not sentences), and its root spreads that
        # range, where a cosine bunches the pairs people call "somewhat alike" with those they call
        # different (SemEval's English pairs: Pearson 0.75 -> 0.80; ECB+'s stories the same).
        alike = np.sqrt((1 - NAMES_WEIGHT) * words + NAMES_WEIGHT * names)
        if self.meanings is not None and len(rows_a):
            meant = np.einsum("ij,ij->i", self.meanings[rows_a], self.meanings[rows_b])
            alike = (alike + np.clip(meant, 0.0, 1.0)) / 2
        apart = self.protagonists_apart(rows_a, rows_b)
        if timeless is not None:
            apart &= ~timeless  # a reprint tells the event it copied
        return alike * fade * np.where(apart, PROTAGONISTS_APART, 1.0)

    def protagonists_apart(self, rows_a: np.ndarray, rows_b: np.ndarray) -> np.ndarray:
        """For each pair of rows, whether each has a protagonist the other does not name."""
        lead_a, lead_b = self.protagonists[rows_a], self.protagonists[rows_b]
        both = (lead_a >= 0) & (lead_b >= 0)
        if not both.any():
            return both
        at = np.flatnonzero(both)
        named_by_b = np.asarray(self.words[rows_b[at], lead_a[at]]).ravel() != 0
        named_by_a = np.asarray(self.words[rows_a[at], lead_b[at]]).ravel() != 0
        apart = np.zeros(len(rows_a), dtype=bool)
        apart[at] = ~named_by_b & ~named_by_a
        return apart

    def label(self, rows: list[int], size: int = 4) -> str:
        """A story's leading names as written (no figures, weekdays or months): the names its
        articles share most, weighed by rarity."""
        held = self.names[rows]  # only the names these rows hold: the vocabulary is the collection's
        columns, at = np.unique(held.indices, return_inverse=True)
        weight = np.bincount(at, weights=held.data, minlength=len(columns))
        chosen = []
        for k in np.lexsort((columns, -weight)):  # the heaviest first, ties by column
            if weight[k] <= 0 or len(chosen) == size:
                break
            written = self.surfaces.get(int(columns[k]))
            if written and fact_kind(written) == "name":
                chosen.append(written)
        return ", ".join(chosen)


# Partners' entries _row_dots gathers at a time (memory: a few tens of MB): an article may
# pair with thousands of others.
_GATHERED = 1 << 22


def _row_dots(m: sparse.csr_matrix, rows_a: np.ndarray, rows_b: np.ndarray) -> np.ndarray:
    """The dot product of each pair of rows of ``m``: each first row spread out once, its
    partners' entries gathered and summed against it (no matrix of the pairs' rows is made:
    it would hold every row once per pair it is in)."""
    found = np.zeros(len(rows_a))
    indptr, indices, data = m.indptr, m.indices, m.data
    spread, lengths_of = np.zeros(m.shape[1]), np.diff(indptr)
    order = np.argsort(rows_a, kind="stable")
    bounds = np.flatnonzero(np.r_[True, np.diff(rows_a[order]) != 0, True]) if len(rows_a) else []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        a = rows_a[order[lo]]
        mine = slice(indptr[a], indptr[a + 1])
        spread[indices[mine]] = data[mine]
        partners = order[lo:hi]
        runs = np.cumsum(lengths_of[rows_b[partners]]) // _GATHERED  # the run each partner falls in
        for pairs in np.split(partners, np.flatnonzero(np.diff(runs)) + 1):
            starts, lengths = indptr[rows_b[pairs]], lengths_of[rows_b[pairs]]
            at = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths - starts, lengths)
            found[pairs] = np.bincount(np.repeat(np.arange(len(pairs)), lengths),
                                       weights=data[at] * spread[indices[at]], minlength=len(pairs))
        spread[indices[mine]] = 0.0
    return found


def shared_names(profiles: list[Profile], weights: Weights, limit: int = 12) -> list[dict]:
    """The names two or more of these articles' texts print, as written, with how many texts
    print each: what the grouping saw them share, the most telling first (how many print it
    times its rarity, as the grouping weighs it: "U.S." and "Corp" come last). Figures are left
    out: a profile holds "40,000" as two words, 40 and 000."""
    held = Counter(key for p in profiles for key in p.names)
    found = []
    for key, n in sorted(((k, n) for k, n in held.items() if n > 1), key=lambda kv: (-kv[1] * weights.idf(kv[0]), kv[0])):
        written = Counter(p.surfaces[key] for p in profiles if key in p.surfaces)
        name = _most_written(written) if written else None
        if name and fact_kind(name) == "name":
            found.append({"name": name, "texts": n})
            if len(found) == limit:
                break
    return found


def similarity(a: Profile, b: Profile, weights: Weights) -> float:
    """How likely two articles report the same event, from 0 to 1 (see the module's text)."""
    return pair_similarities([(a, b)], weights)[0]


def pair_similarities(pairs: list[tuple[Profile, Profile]], weights: Weights | None = None) -> list[float]:
    """The similarity of each pair, the words weighed by their rarity across all the pairs'
    articles (as across a collection) unless ``weights`` are given."""
    profiles = [p for pair in pairs for p in pair]
    vectors = Profiles(profiles).weighed(weights or Weights.of(profiles))
    rows = np.arange(len(profiles))
    return [float(s) for s in vectors.alike(rows[0::2], rows[1::2])]


def time_factor(x: str | None, y: str | None) -> float:
    """1 for articles printed within SAME_EVENT_DAYS of each other (or undated), halving for
    every FADE_DAYS further apart."""
    days = days_between(x, y) if x and y else None
    if days is None:
        return 1.0
    days = abs(days)
    return 1.0 if days <= SAME_EVENT_DAYS else 0.5 ** ((days - SAME_EVENT_DAYS) / FADE_DAYS)


def neighbours(vectors: Vectors, among: Iterable[str] | None = None,
               terms: Mapping[str, Iterable[str]] | None = None,
               reprints: Iterable[tuple[str, str]] = ()) -> dict[tuple[str, str], float]:
    """Pairs of articles at least ``vectors.link`` alike, with their similarity. Two articles are compared
    when they share two of their most telling words (``terms``: an article's lookup terms where
    known, else found now), or when one reprints the other (``reprints``: pairs of articles one
    of which copied a passage from the other) — a reprint tells the event it copied however
    late it is printed, so the time between them does not lower their similarity. ``among``:
    only the pairs with one of these articles."""
    row = {a: k for k, a in enumerate(vectors.articles)}
    top = {a: list(terms[a]) if terms and a in terms else vectors.lookup_terms(row[a]) for a in vectors.articles}
    index: dict[str, list[str]] = defaultdict(list)
    for a, keys in top.items():
        for k in keys:
            index[k].append(a)
    wanted = set(among) if among is not None else set(row)
    pairs = set()
    for a in sorted(wanted):
        shared = Counter(b for k in top[a] for b in index[k] if b != a)
        pairs.update((min(a, b), max(a, b)) for b, n in shared.items() if n >= 2)
    copied = {(min(a, b), max(a, b)) for a, b in reprints if a in row and b in row}
    pairs = sorted(pairs | {p for p in copied if among is None or p[0] in wanted or p[1] in wanted})
    if not pairs:
        return {}
    found = vectors.alike(np.array([row[a] for a, _ in pairs]), np.array([row[b] for _, b in pairs]),
                          np.array([p in copied for p in pairs]))
    return {pair: float(s) for pair, s in zip(pairs, found) if s >= vectors.link}


def group(profiles: list[Profile], weights: Weights | None = None,
          reprints: Iterable[tuple[str, str]] = ()) -> list[list[str]]:
    """The stories of a collection: lists of article ids, each sorted, every article in one."""
    vectors = Profiles(profiles).weighed(weights or Weights.of(profiles))
    return regroup([p.article for p in profiles], neighbours(vectors, reprints=reprints), vectors.story)


def neighbourhoods(articles: Iterable[str], links: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Each article's neighbourhood (the articles joined to it by links), named by its
    smallest article id."""
    parent = {a: a for a in articles}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in links:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {a: find(a) for a in parent}


def regroup(articles: Iterable[str], links: Mapping[tuple[str, str], float], story: float) -> list[list[str]]:
    """Stories from neighbour links: the neighbourhoods (articles joined by links), each split
    by average link at ``story`` and its small stories joined to larger ones where their
    articles have neighbours (:func:`_small_stories_joined`). Sorted by their first article;
    any order of ``articles`` and ``links`` gives the same stories."""
    hood_of = neighbourhoods(articles, links)
    hoods: dict[str, list[str]] = defaultdict(list)
    for a, hood in sorted(hood_of.items()):
        hoods[hood].append(a)
    hood_links: dict[str, dict[tuple[str, str], float]] = defaultdict(dict)
    for pair, s in links.items():
        hood_links[hood_of[pair[0]]][pair] = s
    stories = []
    for hood, members in hoods.items():
        mine = hood_links[hood]
        stories.extend(_small_stories_joined(_average_link(members, mine, story), mine, story))
    return sorted(sorted(s) for s in stories)


# Stories average link leaves of up to this many articles may join a larger one
# (:func:`_small_stories_joined`).
SMALL_STORY = 3


def _small_stories_joined(stories: list[list[str]], links: Mapping[tuple[str, str], float],
                          story: float) -> list[list[str]]:
    """The stories of one neighbourhood with each small one (up to SMALL_STORY articles)
    joined to a larger one where each of its articles has two neighbours, one alike enough to
    it to make a story of the two (``story``); of several such, the one holding the most alike
    neighbour (ties: the smaller id). Average link leaves an event's odd report, or two,
    apart when they are alike to some of its reports and little to the rest.

    One neighbour is not enough: on PolNeAR's campaign news, 16 of 23 lone articles one link
    would join were of another event of the campaign, against 2 of the 9 joined by two or
    more (read: docs/stories-sample-polnear.md). On ECB+ 42 of the 44 articles joined are of
    the event their story is mostly of (F1 0.902 to 0.921 with lone articles, 0.933 with
    stories of up to three). Each small story is judged against the stories average link
    made, so that the order they are taken in does not matter; one joining a story that
    itself joins a larger one goes with it."""
    story_of = {a: k for k, s in enumerate(stories) for a in s}
    # (an article of a small story, a larger story) -> the article's links into that story
    tied: dict[tuple[str, int], list[tuple[float, str]]] = defaultdict(list)
    for (a, b), s in links.items():
        for mine, other in ((a, b), (b, a)):
            size = len(stories[story_of[mine]])
            if size <= SMALL_STORY and len(stories[story_of[other]]) > size:
                tied[mine, story_of[other]].append((-s, other))
    # (a small story, a larger story) -> the nearest neighbour there of each article placed in it
    placed: dict[tuple[int, int], list[tuple[float, str]]] = defaultdict(list)
    for (mine, k), found in tied.items():
        if len(found) >= 2 and -min(found)[0] >= story:
            placed[story_of[mine], k].append(min(found))
    into: dict[int, tuple[tuple[float, str], int]] = {}  # a small story -> (its nearest neighbour, the story it joins)
    for (small, k), nearest in placed.items():
        if len(nearest) == len(stories[small]):
            into[small] = min(into.get(small, (min(nearest), k)), (min(nearest), k))
    joined = [list(s) for s in stories]
    for small in sorted(into):
        target = small
        while target in into:
            target = into[target][1]
        joined[target].extend(joined[small])
        joined[small] = []
    return [s for s in joined if s]


def _average_link(members: list[str], links: Mapping[tuple[str, str], float], story: float) -> list[list[str]]:
    """Average-link clustering of one neighbourhood at ``story`` (unlinked pairs count as 0):
    the two most alike stories merge while they are ``story`` alike on average (ties: the pair
    whose first article comes first, then its second). Kept as each story's summed similarity
    to the stories it has links to, never as a matrix of every pair: a season's news chains into
    a neighbourhood of thousands of articles (3,769 of 25,000 pieces of chronam's 1916 pages),
    where a matrix cost a search of all of it at every merge."""
    n = len(members)
    if n == 1:
        return [members]
    where = {a: k for k, a in enumerate(members)}
    summed: list[dict[int, float]] = [{} for _ in range(n)]  # a story -> {a story it has links to: their sum}
    for (a, b), s in links.items():
        if a in where and b in where:
            i, j = where[a], where[b]
            summed[i][j] = summed[j][i] = s
    sizes = [1] * n
    made = [0] * n  # how often each story has grown: a candidate pair made before is stale
    clusters = [[a] for a in members]
    # Stories are named by their first article's place; a pair as (-average, first, second, ...).
    candidates = [(-s, i, j, 0, 0) for i in range(n) for j, s in summed[i].items() if i < j and s >= story]
    heapq.heapify(candidates)
    while candidates:
        _, i, j, grown_i, grown_j = heapq.heappop(candidates)
        if made[i] != grown_i or made[j] != grown_j:
            continue
        for k, s in summed[j].items():  # j joins i: its sums join i's
            if k != i:
                summed[i][k] = summed[k][i] = summed[i].get(k, 0.0) + s
                del summed[k][j]
        del summed[i][j]
        summed[j] = {}
        sizes[i] += sizes[j]
        made[i] += 1
        made[j] = -1  # gone
        clusters[i].extend(clusters[j])
        clusters[j] = []
        for k, s in summed[i].items():
            average = s / (sizes[i] * sizes[k])
            if average >= story:
                first, second = min(i, k), max(i, k)
                heapq.heappush(candidates, (-average, first, second, made[first], made[second]))
    return [c for c in clusters if c]
