"""The same quotation across articles: exact, trimmed, reworded or spun, and who said it."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass

from ..normalize import tokenize
from ..provenance import first_published
from .attribute import canonical_speakers
from .extract import Quote

# Two quotations are one when this share of the shorter one's words is in the other.
_CONTAINED = 0.7


@dataclass(frozen=True, slots=True)
class QuoteGroup:
    """One quotation as it appears across the collection."""

    quote_id: str
    members: tuple[Quote, ...]
    first: tuple[str, ...]  # article(s) where it appears first (several when tied)
    variants: tuple[tuple[str, str], ...]  # (article, exact | trimmed | extended | reworded)
    speakers: tuple[str, ...]  # distinct canonical speakers
    conflicting: bool  # attributed to more than one speaker


def _keys(q: Quote) -> list[str]:
    return [t.key for t in tokenize(q.text)]


def group_quotes(quotes: list[Quote], published: dict[str, str | None]) -> list[QuoteGroup]:
    """Link quotations that share most of their words, and describe each group."""
    quotes = canonical_speakers(quotes)
    keys = [_keys(q) for q in quotes]
    sets = [set(k) for k in keys]
    parent = list(range(len(quotes)))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    index: dict[str, list[int]] = defaultdict(list)
    for k, s in enumerate(sets):
        for key in s:
            index[key].append(k)
    # Partners are looked up through a quotation's rarest words: two quotations sharing 70% of
    # their words share their rare ones, and common words ("the", "said") would make the
    # lookup quadratic in the number of quotations.
    for k, s in enumerate(sets):
        if len(s) < 3:
            continue
        # The shorter of two linked quotations misses at most 30% of its words in the other
        # (m words), so the other holds at least `needed` of any m + 3 of them: the shorter
        # one finds its partners among the quotations holding that many of its rarest words.
        missing = int((1 - _CONTAINED) * len(s) + 1e-9)
        lookups = min(len(s), missing + 3)
        needed = lookups - missing
        hits: dict[int, int] = defaultdict(int)
        for key in sorted(s, key=lambda key: (len(index[key]), key))[:lookups]:
            for other in index[key]:
                hits[other] += 1
        partners = [o for o, n in hits.items() if n >= needed and o != k and len(sets[o]) >= len(s)]
        for other in partners:
            shared = len(s & sets[other])
            if len(sets[other]) >= 3 and shared >= _CONTAINED * min(len(s), len(sets[other])):
                parent[find(other)] = find(k)
    groups: dict[int, list[int]] = defaultdict(list)
    for k in range(len(quotes)):
        groups[find(k)].append(k)
    out = []
    for members in groups.values():
        qs = [quotes[k] for k in members]
        first = first_published({q.article: published.get(q.article) for q in qs})
        anchor = min(members, key=lambda k: (first and quotes[k].article not in first, -len(keys[k])))
        base = keys[anchor]
        variants = []
        for k in members:
            mine = keys[k]
            if mine == base:
                kind = "exact"
            elif set(mine) < set(base):
                kind = "trimmed"
            elif set(base) < set(mine):
                kind = "extended"
            else:
                kind = "reworded"
            variants.append((quotes[k].article, kind))
        speakers = sorted({q.speaker for q in qs if q.speaker})
        quote_id = hashlib.sha1(" ".join(base).encode()).hexdigest()[:12]
        out.append(QuoteGroup(quote_id, tuple(qs), tuple(first), tuple(variants), tuple(speakers),
                              len(speakers) > 1))
    out.sort(key=lambda g: (-len(g.members), g.quote_id))
    return out
