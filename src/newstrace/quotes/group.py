"""The same quotation across articles: exact, trimmed, extended, spun or reworded, and who
said it."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from difflib import SequenceMatcher
from itertools import combinations

from rapidfuzz.distance import Levenshtein

from ..align import Document, compare
from ..normalize import is_weak, token_columns
from ..dates import first_published, moment
from ..significance import PHRASE_BITS, slip, wording_bits
from .attribute import _names_a_person, _places, _shouting, canonical_speakers
from ..model import Quote, QuoteGroup

# Two quotations are one when this share of the shorter one's words is in the other.
_CONTAINED = 0.7
# A quotation is linked to one at most this many times its length (in distinct words): a
# long one (a speech printed whole, a garbled OCR'd run) holds the words of many short ones,
# and linking them all through it would make one quotation of unrelated ones.
_LONGER = 4
# A quotation joins a longer one (as its trimmed copy) only when its words, names and numbers
# included, tell this much (significance.wording_bits): "over the near term" tells 4 bits,
# "This lawsuit is entirely without merit" 8, "We will not rest until every barrel is
# recovered" 10. (A copy's claim to a quotation needs PHRASE_BITS of the whole wording.)
_TRIMMED_BITS = 8.0
# A quotation of fewer own words (not common ones) than this shares 70% of them with the other.
_OWN_WORDS = 5
# A spun quotation swaps words one for one, each swap at most this many words long.
_MAX_SWAP = 2


_WORD = re.compile(r"[\w'’-]+")


def _in_runs(shorter: tuple[str, ...], longer: tuple[str, ...]) -> bool:
    """Whether the shorter quotation's words stand in the longer one in runs (of two words or
    more) covering _CONTAINED of it: a trimmed or spun copy keeps its words together, while
    a long garbled OCR'd "quotation" holds the common words of every short one scattered
    about (one such chain had linked 479 quotations of a 1916 archive)."""
    blocks = SequenceMatcher(None, shorter, longer, autojunk=False).get_matching_blocks()
    return sum(b.size for b in blocks if b.size >= 2) >= _CONTAINED * len(shorter)


def _noise(a: Document, i: int, b: Document, j: int) -> bool:
    """Whether two words at the same place are one word to a reader: the same key
    (spelling, inflection, alias), OCR noise (letters misread: "tbe" for "the", "1" for "I"),
    not one word swapped for another."""
    if compare(a, i, b, j)[0] != "substituted":
        return True
    x, y = a.text[a.starts[i]:a.ends[i]].casefold(), b.text[b.starts[j]:b.ends[j]].casefold()
    one_letter = len(x) == len(y) and sum(p != q for p, q in zip(x, y)) == 1
    return one_letter or min(len(x), len(y)) == 1 or not (x.isalpha() and y.isalpha())


def variant(mine: Document, base: Document) -> str:
    """How a quotation differs from its first appearance (as Documents of the quotations'
    texts): the same words but for spellings, inflections and OCR noise ("exact"); words
    left out ("trimmed") or added ("extended"); words swapped one for one in the same order
    ("the worst environmental disaster" -> "… catastrophe": "spun"); otherwise "reworded".
    """
    ops = SequenceMatcher(None, base.keys, mine.keys, autojunk=False).get_opcodes()
    left_out = added = swapped = 0
    for tag, i1, i2, j1, j2 in ops:
        if tag == "replace" and i2 - i1 == j2 - j1 and all(_noise(base, i, mine, j)
                                                         for i, j in zip(range(i1, i2), range(j1, j2))):
            continue  # misread, not changed
        if tag == "replace" and max(i2 - i1, j2 - j1) <= _MAX_SWAP:
            swapped += i2 - i1
        elif tag != "equal":
            left_out += i2 - i1
            added += j2 - j1
    if not (left_out or added or swapped):
        return "exact"
    if not swapped and not added:
        return "trimmed"
    if not swapped and not left_out:
        return "extended"
    if not (left_out or added) and swapped <= (1 - _CONTAINED) * len(base.keys):
        return "spun"
    return "reworded"


def group_quotes(quotes: list[Quote], published: dict[str, str | None]) -> list[QuoteGroup]:
    """Link quotations that share most of their words, and describe each group."""
    quotes = canonical_speakers(quotes)
    keys = [tuple(token_columns(q.text)[2]) for q in quotes]
    sets = [set(k) for k in keys]
    parent = list(range(len(quotes)))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    bits: dict[int, float] = {}

    def telling_alone(k: int) -> bool:
        """Whether a quotation's own words tell it apart from what anyone may say: words such
        as "over the near term", "I am not surprised at all", "a lot of interest" join no
        longer quotation (a trimmed copy keeps more: "We will not rest until every barrel is
        recovered")."""
        if k not in bits:
            bits[k] = wording_bits(_WORD.findall(quotes[k].text), facts=True)
        return bits[k] >= _TRIMMED_BITS

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
        partners = [o for o, n in hits.items() if n >= needed and o != k and len(s) <= len(sets[o]) <= _LONGER * len(s)]
        own = {key for key in s if not is_weak(key)}
        for other in partners:
            shared = len(s & sets[other])
            # Common words alone make no quotation: "I do not know" is not "I do not believe",
            # nor is "a lot of interest" "a lot of innovative companies": a short one's own
            # words, its common ones aside, are in the other as its words are (one sharing a
            # stock phrase had chained 56 quotations of modern news into one); a longer one
            # shares some, its share of all words counted as before (OCR breaks its words).
            mine = own & sets[other]
            if len(sets[other]) >= 3 and shared >= _CONTAINED * min(len(s), len(sets[other])) \
                    and mine and (len(own) >= _OWN_WORDS or len(mine) >= _CONTAINED * len(own)) \
                    and (keys[k] == keys[other] or telling_alone(k)) and _in_runs(keys[k], keys[other]):
                parent[find(other)] = find(k)
    groups: dict[int, list[int]] = defaultdict(list)
    for k in range(len(quotes)):
        groups[find(k)].append(k)
    out = []
    for members in groups.values():
        qs = [quotes[k] for k in members]
        first, appearances = _appearances(qs, published)
        anchor = min(members, key=lambda k: (first and quotes[k].article not in first, -len(keys[k])))
        base = keys[anchor]
        # Word by word only where the words differ: most copies are exact.
        original = Document.from_text(quotes[anchor].article, quotes[anchor].text) if len(members) > 1 else None
        variants = tuple("exact" if keys[k] == base else
                         variant(Document.from_text(quotes[k].article, quotes[k].text), original) for k in members)
        # Re-attributed: given to someone other than the first appearance names (a quotation
        # first printed without a speaker is attributed later, not re-attributed). Only words
        # no two people say alike can be given to the wrong one: "This lawsuit is entirely
        # without merit" said by a bank and by an engine maker is two quotations, not one
        # misattributed (its wording must carry a copy's PHRASE_BITS).
        # (A quotation printed once is given to nobody else: its words need no weighing.)
        # And only in a copy known to come later than a dated first appearance (with no dates,
        # a quotation given to two people is conflicting, not re-attributed), where the two
        # speakers are surely two people (_two_people).
        telling = len(members) > 1 and wording_bits(_WORD.findall(quotes[anchor].text)) >= PHRASE_BITS
        origin = {quotes[k].speaker for k in members if quotes[k].article in first} - {None}
        people = {q.speaker for q in qs if _named_here(q)} if telling else set()
        reattributed = tuple(telling and bool(origin) and later is False
                             and all(_two_people(o, quotes[k].speaker, people) for o in origin)
                             for k, later in zip(members, appearances))
        speakers = sorted({q.speaker for q in qs if q.speaker})
        # Two speakers of one quotation in one article is one quoting the other ("as Sotomayor
        # said, …"), not a conflict between outlets.
        conflicting = telling and any(x.article != y.article and _two_people(x.speaker, y.speaker, people)
                                      for x, y in combinations(qs, 2))
        quote_id = hashlib.sha1(" ".join(base).encode()).hexdigest()[:12]
        out.append(QuoteGroup(quote_id, tuple(qs), tuple(first), appearances, variants, reattributed,
                              tuple(speakers), conflicting))
    out.sort(key=lambda g: (-len(g.members), g.quote_id))
    return out


def _named_here(q: Quote) -> bool:
    """Whether a quotation's speaker is a person named where it is printed (not "he", nor
    "the secretary" resolved to a name), by a name of two words or more."""
    words = (q.speaker or "").split()
    return q.how == "named" and len(words) >= 2 and words[-1] in (q.speaker_as_written or "") \
        and _names_a_person(q.speaker) and q.speaker not in _places() and not any(_shouting(w) for w in words) \
        and len(words[-1].strip(".")) >= 3 and not any(len(w) == 1 for w in words)  # "N. Y.", "I Asserting"


def _two_people(x: str | None, y: str | None, people: set[str]) -> bool:
    """Whether two speakers of one quotation are surely two people, as a claim that it was
    given to someone else needs: each named so (:func:`_named_here`) by some copy of it, and
    not one name misread or cut short: their surnames no slip of each other
    (:func:`~newstrace.significance.slip`: "Asquith" and "Asqulth"), the names no more than a
    letter in four apart ("Solomon Bequette" and "Solomon Dequeue" on OCR'd pages), nor the
    one the start of the other ("Solomon Be")."""
    if x == y or x not in people or y not in people:
        return False
    x, y = x.casefold(), y.casefold()
    return not (x.startswith(y) or y.startswith(x) or slip(x.split()[-1], y.split()[-1])
                or Levenshtein.distance(x, y) <= max(len(x), len(y)) // 4)


def _appearances(quotes: list[Quote], published: dict[str, str | None]) -> tuple[list[str], tuple[bool | None, ...]]:
    """The articles printed first, and for each quotation whether it is a first appearance:
    yes, no (known to come later), or unknown (its article is undated: with no dates at
    all, a quotation printed once makes no claim to be first, nor to be seen earlier)."""
    first = first_published({q.article: published.get(q.article) for q in quotes})
    return first, tuple(True if q.article in first else False if moment(published.get(q.article)) else None
                        for q in quotes)


def group_terms(terms: list[Quote], published: dict[str, str | None]) -> list[QuoteGroup]:
    """The same term (scare quotes, a title) across articles: its words, whatever their case;
    no speakers, no variants."""
    groups: dict[tuple[str, ...], list[Quote]] = defaultdict(list)
    for term in terms:
        groups[tuple(token_columns(term.text)[2])].append(term)
    out = []
    for key, members in groups.items():
        first, appearances = _appearances(members, published)
        out.append(QuoteGroup(hashlib.sha1(("term " + " ".join(key)).encode()).hexdigest()[:12], tuple(members),
                              tuple(first), appearances, ("exact",) * len(members), (False,) * len(members), (), False))
    out.sort(key=lambda g: (-len(g.members), g.quote_id))
    return out
