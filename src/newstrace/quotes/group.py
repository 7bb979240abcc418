"""The same quotation across articles: exact, trimmed, reworded or spun, and who said it."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass

from ..normalize import tokenize
from ..provenance import earlier
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
    for k, s in enumerate(sets):
        if len(s) < 3:
            continue
        seen: dict[int, int] = defaultdict(int)
        for key in s:
            for other in index[key]:
                if other > k:
                    seen[other] += 1
        for other, shared in seen.items():
            if len(sets[other]) >= 3 and shared >= _CONTAINED * min(len(s), len(sets[other])):
                parent[find(other)] = find(k)
    groups: dict[int, list[int]] = defaultdict(list)
    for k in range(len(quotes)):
        groups[find(k)].append(k)
    out = []
    for members in groups.values():
        qs = [quotes[k] for k in members]
        dated = [q for q in qs if published.get(q.article)]
        first = sorted({q.article for q in dated if not any(
            earlier(published.get(o.article), published.get(q.article)) for o in dated)}) if dated else []
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
