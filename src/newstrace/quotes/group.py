"""The same quotation across articles: exact, trimmed, extended, spun or reworded, and who
said it."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher

from ..normalize import tokenize
from ..provenance import first_published
from .attribute import canonical_speakers
from .extract import Quote

# Two quotations are one when this share of the shorter one's words is in the other.
_CONTAINED = 0.7
# A spun quotation swaps words one for one, each swap at most this many words long.
_MAX_SWAP = 2


@dataclass(frozen=True, slots=True)
class QuoteGroup:
    """One quotation as it appears across the collection."""

    quote_id: str
    members: tuple[Quote, ...]
    first: tuple[str, ...]  # article(s) where it appears first (several when tied)
    variants: tuple[str, ...]  # per member, against the first: exact | trimmed | extended | spun | reworded
    reattributed: tuple[bool, ...]  # per member: a speaker other than the first appearance's
    speakers: tuple[str, ...]  # distinct canonical speakers
    conflicting: bool  # attributed to more than one speaker


def _keys(q: Quote) -> list[str]:
    return [t.key for t in tokenize(q.text)]


def variant(mine: list[str], base: list[str]) -> str:
    """How a quotation's words (keys) differ from the first appearance's: the same words
    (spellings and inflections fold into one key), some left out or added, words swapped
    one for one in the same order ("the worst environmental disaster" -> "… catastrophe",
    spun), or otherwise reworded.

    >>> variant("we will go now".split(), "we will leave now".split())
    'spun'
    """
    if mine == base:
        return "exact"
    if set(mine) < set(base):
        return "trimmed"
    if set(base) < set(mine):
        return "extended"
    ops = SequenceMatcher(None, base, mine, autojunk=False).get_opcodes()
    swaps = [(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in ops if tag != "equal"]
    if all(tag in ("equal", "replace") for tag, *_ in ops) \
            and all(a <= _MAX_SWAP and b <= _MAX_SWAP for a, b in swaps) \
            and sum(a for a, _ in swaps) <= (1 - _CONTAINED) * len(base):
        return "spun"
    return "reworded"


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
        variants = tuple(variant(keys[k], base) for k in members)
        # Re-attributed: given to someone other than the first appearance names (a quotation
        # first printed without a speaker is attributed later, not re-attributed).
        origin = {quotes[k].speaker for k in members if quotes[k].article in first or k == anchor} - {None}
        reattributed = tuple(bool(origin) and quotes[k].speaker is not None and quotes[k].speaker not in origin
                             for k in members)
        speakers = sorted({q.speaker for q in qs if q.speaker})
        quote_id = hashlib.sha1(" ".join(base).encode()).hexdigest()[:12]
        out.append(QuoteGroup(quote_id, tuple(qs), tuple(first), variants, reattributed, tuple(speakers),
                              len(speakers) > 1))
    out.sort(key=lambda g: (-len(g.members), g.quote_id))
    return out
