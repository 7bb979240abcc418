"""Stories: which articles report the same real-world event.

Two articles report one event when they tell of the same people, places and numbers, in the
same words, at about the same time: :func:`similarity` weighs the words two articles share by
their rarity (in the collection, and in English news generally, so that a collection of two
articles is judged as one of a million is) — the names and numbers apart, since two
earthquakes share every common word and differ in their places, tolls and dates — and lowers
it when their publication dates lie far apart. :func:`group` makes stories of a collection:
articles linked by a similarity of at least ``LINK`` form a neighbourhood, and within each,
articles join a story by average link (each story's articles alike on the whole, so one
article that mentions two events does not chain them). The stories of a closed collection
depend on no order of arrival, and a neighbourhood is regrouped only when an article joins it.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .dates import days_between
from .normalize import STOPWORDS, token_columns

# Articles this alike are neighbours: candidates for one story.
LINK = 0.12
# Articles join one story when they are this alike on average.
STORY = 0.22
# The weight of the names and numbers two articles share against that of all their words.
NAMES_WEIGHT = 0.5
# Reports of one event are printed within days of it; the same kind of event a month apart
# is another event: past SAME_EVENT_DAYS apart, similarity halves every FADE_DAYS.
SAME_EVENT_DAYS = 14
FADE_DAYS = 7
# How many of its most telling words an article is looked up by, for its neighbours.
LOOKUP_TERMS = 24


@dataclass(frozen=True, slots=True)
class Profile:
    """What an article tells of its event: its words' keys with how often it uses them, the
    names and numbers among them, and when it was published."""

    article: str
    published: str | None
    words: Mapping[str, float]
    names: Mapping[str, float]


_SENTENCE_OPENERS = set(".!?:;\"“‘([—-\n")


def profile(article: str, text: str, title: str = "", published: str | None = None, aliases=None) -> Profile:
    """An article's profile; its title's words count twice (a headline names its event)."""
    words: Counter = Counter()
    names: Counter = Counter()
    for part, weight in ((title, 2.0), (text, 1.0)):
        starts, ends, keys = token_columns(part, aliases)
        for start, end, key in zip(starts, ends, keys):
            if key in STOPWORDS or len(key) < 2:
                continue
            words[key] += weight
            surface = part[start:end]
            before = part[:start].rstrip()[-1:]
            opens = not before or before in _SENTENCE_OPENERS
            if surface[:1].isdigit() or (surface[:1].isupper() and not opens) or key.startswith("="):
                names[key] += weight
    return Profile(article, published, dict(words), dict(names))


@lru_cache(maxsize=200_000)
def _background(key: str) -> float:
    """The share of news articles likely to hold a word, from its frequency in English (a
    story of 400 words holds a word of frequency p about 400·p times)."""
    from .significance import _zipf

    return min(1.0, 400 * 10 ** (_zipf(key) - 9))


class Weights:
    """How telling each word is: rare in the collection and in English news. A collection's
    document frequencies are smoothed with English's, so that two articles alone cannot
    make every word they share look rare."""

    def __init__(self, profiles: Iterable[Profile]):
        self.df: Counter = Counter()
        self.n = 0
        for p in profiles:
            self.add(p)

    def add(self, p: Profile) -> None:
        self.df.update(p.words.keys())
        self.n += 1

    def idf(self, key: str) -> float:
        prior = 20  # articles' worth of English news the collection's counts are blended with
        share = (self.df[key] + prior * _background(key)) / (self.n + prior)
        return math.log(1 + 1 / max(share, 1e-6))

    def vector(self, counts: Mapping[str, float]) -> dict[str, float]:
        v = {k: (1 + math.log(c)) * self.idf(k) for k, c in counts.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        return {k: x / norm for k, x in v.items()}


def _cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(k, 0.0) for k, x in a.items())


def similarity(a: Profile, b: Profile, weights: Weights) -> float:
    """How likely two articles report the same event, from 0 to 1 (see the module's text)."""
    return _alike(_Weighed.of(a, weights), _Weighed.of(b, weights))


@dataclass(frozen=True, slots=True)
class _Weighed:
    """A profile's words and names as unit vectors, made once for all its pairs."""

    published: str | None
    words: dict[str, float]
    names: dict[str, float]

    @classmethod
    def of(cls, p: Profile, weights: Weights) -> "_Weighed":
        return cls(p.published, weights.vector(p.words), weights.vector(p.names))


def _alike(a: _Weighed, b: _Weighed) -> float:
    names = _cosine(a.names, b.names) if a.names and b.names else 0.0
    return ((1 - NAMES_WEIGHT) * _cosine(a.words, b.words) + NAMES_WEIGHT * names) * time_factor(a.published,
                                                                                                   b.published)


def time_factor(x: str | None, y: str | None) -> float:
    """1 for articles printed within SAME_EVENT_DAYS of each other (or undated), halving for
    every FADE_DAYS further apart."""
    days = days_between(x, y) if x and y else None
    if days is None:
        return 1.0
    days = abs(days)
    return 1.0 if days <= SAME_EVENT_DAYS else 0.5 ** ((days - SAME_EVENT_DAYS) / FADE_DAYS)


def neighbours(profiles: list[Profile], weights: Weights, among: Iterable[str] | None = None) -> dict[tuple[str, str], float]:
    """Pairs of articles at least LINK alike, with their similarity: each article is looked up
    by its most telling words (``among``: only the pairs with one of these articles)."""
    weighed = {p.article: _Weighed.of(p, weights) for p in profiles}
    index: dict[str, list[str]] = defaultdict(list)
    top = {}
    for i, w in weighed.items():
        top[i] = sorted(w.words, key=lambda k: (-w.words[k], k))[:LOOKUP_TERMS]
        for k in top[i]:
            index[k].append(i)
    wanted = set(among) if among is not None else set(weighed)
    found = {}
    for i in sorted(wanted):
        shared = Counter(j for k in top[i] for j in index[k] if j != i)
        for j, n in shared.items():
            pair = (min(i, j), max(i, j))
            if n < 2 or pair in found:
                continue
            s = _alike(weighed[pair[0]], weighed[pair[1]])
            if s >= LINK:
                found[pair] = s
    return found


def group(profiles: list[Profile], weights: Weights | None = None) -> list[list[str]]:
    """The stories of a collection: lists of article ids, each sorted, every article in one."""
    weights = weights or Weights(profiles)
    links = neighbours(profiles, weights)
    return regroup([p.article for p in profiles], links)


def regroup(articles: Iterable[str], links: Mapping[tuple[str, str], float]) -> list[list[str]]:
    """Stories from neighbour links: the neighbourhoods (articles joined by links), each split
    by average link at STORY. Sorted by their first article; any order of ``articles`` and
    ``links`` gives the same stories."""
    parent = {a: a for a in articles}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in sorted(links):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    hoods: dict[str, list[str]] = defaultdict(list)
    for a in sorted(parent):
        hoods[find(a)].append(a)
    stories = []
    for members in hoods.values():
        stories.extend(_average_link(members, links))
    return sorted(sorted(s) for s in stories)


def _average_link(members: list[str], links: Mapping[tuple[str, str], float]) -> list[list[str]]:
    """Average-link clustering of one neighbourhood at STORY (unlinked pairs count as 0)."""
    n = len(members)
    if n == 1:
        return [members]
    sim = np.zeros((n, n))
    where = {a: k for k, a in enumerate(members)}
    for (a, b), s in links.items():
        if a in where and b in where:
            sim[where[a], where[b]] = sim[where[b], where[a]] = s
    sizes = np.ones(n)
    alive = np.ones(n, dtype=bool)
    clusters = [[a] for a in members]
    np.fill_diagonal(sim, -1.0)
    while True:
        masked = np.where(alive[:, None] & alive[None, :], sim, -1.0)
        flat = int(np.argmax(masked))  # ties: the smallest (row, column), whatever the input order
        i, j = divmod(flat, n)
        if masked[i, j] < STORY:
            break
        i, j = min(i, j), max(i, j)
        # Lance–Williams: the merged cluster's average similarity to every other.
        merged = (sim[i] * sizes[i] + sim[j] * sizes[j]) / (sizes[i] + sizes[j])
        sim[i, :] = sim[:, i] = merged
        sim[i, i] = -1.0
        sizes[i] += sizes[j]
        alive[j] = False
        sim[j, :] = sim[:, j] = -1.0
        clusters[i].extend(clusters[j])
        clusters[j] = []
    return [c for k, c in enumerate(clusters) if alive[k]]
