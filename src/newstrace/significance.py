"""How likely a shared passage is by chance or by house formula, and what it is: a copy,
a formula (stock phrase, byline, dateline), or a template of another event.

A passage is evidence of copying only when it carries information that the collection's
common phrasing does not explain. Each matched word is weighed by

* its collection frequency: the most articles holding one of the key n-grams around it.
  A word inside a phrase that many more articles hold than the passage's own rarest
  stretch (a formula around a slot: "The case is X v. Y, U.S. District Court …") is
  explained by the formula and weighs nothing. Counts, not shares: adding unrelated
  articles can only raise them, so it never turns a formula into a copy.
* its rarity in English news generally, from the background frequency table of the
  ``wordfreq`` package: a small collection (two articles) cannot tell a stock phrase from
  a copy by its own counts, but "Konashenkov" and "regime" are rarer than "said" and "the".

A passage is a ``copy`` when the information of its unexplained words reaches
``COPY_BITS``; otherwise a ``formula``. Bylines and credit lines are formula whatever
their names ("(Reporting by …; Editing by …)"). A passage whose differing words are facts
(numbers, names, dates) and whose words apart from them are formula is a ``template``:
the same house formula told of another event.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .model import WordOp

# A word counts this much however common; rarity adds up to RARITY_MAX more.
WORD_BASE = 1.0
RARITY_SCALE = 0.5
RARITY_MAX = 4.0
# A word substituted in place (spin).
SWAP_WEIGHT = 0.5
# A name, number or date: a fact of the event, not wording.
NAME_WEIGHT = 0.75
# Words at or above this Zipf frequency (per billion words, log10) carry no rarity:
# "said" 6.0, "percent" 5.1, "minister" 5.0, "reserves" 4.2, "Konashenkov" 1.1.
RARITY_FROM_ZIPF = 5.5
# A word is explained by formula when its phrase is held by more than this many times the
# articles that hold the passage's rarest quarter.
FORMULA_FACTOR = 2.0
# Information a passage needs to be a copy: about 11 ordinary words held only by its
# articles, or fewer rare ones. Measured on spinbench-modern-dev (bench/bench_claims.py).
COPY_BITS = 11.0
# ... and this much more for each doubling of the articles that hold its rarest quarter.
BITS_PER_DOUBLING = 4.0
# Passages this long in matched words are copies whatever their words (no formula runs so long).
ALWAYS_COPY_WORDS = 60

KINDS = ("copy", "formula", "template")


@dataclass(frozen=True, slots=True)
class Significance:
    """What a passage is, and the evidence: ``information`` of its unexplained words,
    how many matched words it has, how many a common phrase explains, and the facts
    that differ (``facts``: the word pairs of substituted facts)."""

    kind: str
    information: float
    words: int
    explained: int
    facts: int
    reason: str


@lru_cache(maxsize=1)
def _zipf() -> Callable[[str], float]:
    try:
        from wordfreq import zipf_frequency
    except ImportError:  # the table is a dependency; without it every word is as common as "said"
        return lambda word: 6.0
    return lambda word: zipf_frequency(word, "en")


@lru_cache(maxsize=200_000)
def rarity(word: str) -> float:
    """How much rarer than everyday words ``word`` is in English news (0 to RARITY_MAX).

    >>> rarity("the"), rarity("said"), rarity("Konashenkov") > 3
    (0.0, 0.0, True)
    """
    return max(0.0, min(RARITY_MAX, RARITY_FROM_ZIPF - _zipf()(word)))


# --- facts ---------------------------------------------------------------------------

_NUMBER = re.compile(r"^[$€£]?\d[\d,.:/%-]*(?:st|nd|rd|th|s)?$|^\d")
_NUMBER_WORDS = frozenset("""zero one two three four five six seven eight nine ten eleven twelve thirteen
fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety
hundred hundreds thousand thousands million millions billion billions dozen dozens scores first second third
fourth fifth sixth seventh eighth ninth tenth half several few many some all none no""".split())
_MONTHS = frozenset("""january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec""".split())
_DAYS = frozenset("""monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri
sat sun today yesterday tomorrow tonight""".split())


def fact_kind(word: str) -> str | None:
    """The kind of fact a word states, or None: number, date (month, weekday) or name
    (a capitalised word; person, place and organisation are told apart by :func:`name_kind`).

    >>> [fact_kind(w) for w in ("16", "sixteen", "Oct", "Tuesday", "Aleppo", "killed")]
    ['number', 'number', 'date', 'date', 'name', None]
    """
    bare = word.strip(".,;:!?\"'()[]“”‘’")
    if bare.endswith(("'s", "’s")):
        bare = bare[:-2]
    if not bare:
        return None
    low = bare.lower()
    if _NUMBER.match(bare) or low in _NUMBER_WORDS:
        return "number"
    if low in _MONTHS or low in _DAYS:
        return "date"
    # An acronym is a name; a longer word in capitals is a headline's word.
    if bare[0].isupper() and any(c.islower() for c in bare[1:]) or bare.isupper() and 1 < len(bare) <= 4:
        return "name"
    return None


# A capitalised word whose lower-case form is this common in English (Zipf) may be a common
# word capitalised ("Court of Appeal" spun to "Woo of Prayer"), so it states a name only
# where the words around it say so.
_COMMON_AS_WORD = 4.5


def _number_value(word: str) -> str:
    return re.sub(r"[^\d.]", "", word) or word.lower()


def facts_of(ops: Sequence[WordOp]) -> list[tuple[int, WordOp, str]]:
    """The substitutions that change a fact: (index in ``ops``, the op, its kind:
    number, date, person, place, organisation or other).

    A number for another number of a different value, a date word for another, or a name
    for another name: capitalised in both texts, not opening a sentence, and either rare as
    a common word or a person by the words around it. A number for a word ("billion" for
    "bln") and a common word capitalised are spelling or spin, which the spin rate counts."""
    found = []
    for k, op in enumerate(ops):
        if op.kind != "substituted" or not op.a or not op.b:
            continue
        ka, kb = fact_kind(op.a), fact_kind(op.b)
        if ka == kb == "number" and _number_value(op.a) != _number_value(op.b):
            found.append((k, op, "number"))
        elif ka == kb == "date":
            found.append((k, op, "date"))
        elif ka == kb == "name" and not _opens_sentence(ops, k):
            kind = name_kind(ops, k)
            if kind == "person" or all(_zipf()(w.lower()) < _COMMON_AS_WORD for w in (op.a, op.b)):
                found.append((k, op, kind))
    return found


def _opens_sentence(ops: Sequence[WordOp], k: int) -> bool:
    before = next((op.a or op.b for op in reversed(ops[:k]) if op.a or op.b), "")
    return not before or before.endswith((".", "!", "?", ":", '"', "”", "—"))


_PLACE_BEFORE = frozenset("in at near from to outside across into towards toward".split())
_PERSON_BEFORE = frozenset("""mr mrs ms dr sir president minister senator sen rep gov governor general gen
spokesman spokeswoman secretary chairman director judge king queen prince pope""".split())
_ORG_WORDS = frozenset("""inc corp co ltd plc group bank ministry party army council committee agency
university court police company association union front brigade""".split())


def name_kind(ops: Sequence[WordOp], k: int) -> str:
    """Whether the name substituted at ``ops[k]`` is a person, a place or an organisation,
    from the words around it; "other" when they do not say."""
    from .quotes.attribute import given_names  # the table of given names the quotations use

    words = [op.a or op.b for op in ops]
    before = words[k - 1].lower().strip(".,") if k else ""
    after = words[k + 1].lower().strip(".,") if k + 1 < len(words) else ""
    if ops[k].a in given_names() or ops[k].b in given_names() or before in _PERSON_BEFORE \
            or after in {"said", "says", "told"}:
        return "person"
    if after in _ORG_WORDS or before in _ORG_WORDS or ops[k].a.isupper() or ops[k].b.isupper():
        return "organisation"
    if before in _PLACE_BEFORE:
        return "place"
    return "other"


# --- bylines -------------------------------------------------------------------------

# Credit lines that newsrooms put under or over a story: whose they are is formula, not copy.
_BYLINE = re.compile(r"\b(?:(?:additional\s+)?reporting|writing|editing|edited|"
                     r"reportage|redaction)\s+(?:by|to)\b|\bby\s+[A-Z][a-z]+\s+[A-Z][a-z]+\s*[,;]?\s*"
                     r"(?:Associated Press|AP|Reuters|AFP|staff)\b", re.IGNORECASE)


def byline_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of credit lines in ``text`` ("(Reporting by …; Editing by …)"):
    from the bracket before the first credit cue to the end of its line or bracket."""
    spans: list[tuple[int, int]] = []
    end = 0
    for m in _BYLINE.finditer(text):
        if m.start() < end:
            continue
        stop = len(text)
        for closer in (")", "\n"):
            at = text.find(closer, m.end())
            if at != -1:
                stop = min(stop, at + 1)
        start = text.rfind("(", end, m.start())
        start = start if start != -1 and m.start() - start < 40 else m.start()
        spans.append((start, stop))
        end = stop
    return spans


# --- significance ----------------------------------------------------------------------

def significance(ops: Sequence[WordOp], frequencies: Sequence[int] | None = None) -> Significance:
    """What one passage is (``copy``, ``formula`` or ``template``) and why.

    ``ops`` is the passage's word alignment, this article on side ``a``;
    ``frequencies`` gives, for each op with a word on side ``a`` (in order), how many
    articles of the collection hold a key n-gram around that word (None: only these two).
    Words of credit lines weigh nothing.
    """
    counts = _counts_by_op(ops, frequencies)
    in_credit = _credit_words(ops)
    matched = [(k, op) for k, op in enumerate(ops) if op.a and op.kind in ("exact", "variant", "near")]
    facts = facts_of(ops)
    if not matched:
        return Significance("formula", 0.0, 0, 0, len(facts), "no matching words")
    dfs = sorted(counts[k] for k, _ in matched)
    level = max(2, dfs[len(dfs) // 4])
    unexplained = [(k, op) for k, op in matched if counts[k] <= FORMULA_FACTOR * level and k not in in_credit]
    explained = len(matched) - len(unexplained)
    # A word swapped in place (spin) still holds the copy's order: half a plain word.
    fact_at = {k for k, _, _ in facts}
    swapped = sum(SWAP_WEIGHT for k, op in enumerate(ops)
                  if op.kind == "substituted" and op.a and k not in fact_at and k not in in_credit)
    information = round(sum(_weight(ops, k) for k, _ in unexplained) + swapped, 2)
    if facts:
        # Apart from its facts and the words next to them, is there anything left? A
        # template of another event shares the frame and differs at who, where, when, how many.
        near_fact = {k + d for k, _, _ in facts for d in (-2, -1, 1, 2)}
        frame = sum(_weight(ops, k) for k, op in unexplained if k not in near_fact and fact_kind(op.a) is None)
        if frame < COPY_BITS:
            return Significance("template", information, len(matched), explained, len(facts),
                                f"{len(facts)} fact(s) differ and the rest is formula ({frame:.1f} bits)")
    if len(matched) >= ALWAYS_COPY_WORDS and len(in_credit) < len(matched) // 2:
        return Significance("copy", information, len(matched), explained, len(facts),
                            f"{len(matched)} matching words")
    needed = bits_needed(level)
    if information >= needed:
        return Significance("copy", information, len(matched), explained, len(facts),
                            f"{information:.1f} bits in words no common phrase explains")
    why = "mostly a credit line (byline)" if len(in_credit) * 2 >= len(matched) else \
        f"{explained} of {len(matched)} words in phrases common in the collection"
    return Significance("formula", information, len(matched), explained, len(facts),
                        f"only {information:.1f} bits ({needed:.0f} needed): {why}")


def bits_needed(held_by: int) -> float:
    """Information a passage held by ``held_by`` articles needs to be a copy: COPY_BITS
    for two, more for each doubling, since a phrase many articles hold is a stock phrase
    unless it is long (a wire story's reprints are).

    >>> bits_needed(2), bits_needed(16)
    (11.0, 23.0)
    """
    return COPY_BITS + BITS_PER_DOUBLING * math.log2(max(2, held_by) / 2)


def _weight(ops: Sequence[WordOp], k: int) -> float:
    """What a matched word tells of copying. Names, numbers and dates are the facts of an
    event, which every report of it shares without copying a word ("Chief Executive Bob
    Diamond", "$3.8 billion, or $1.33 per share"): they weigh NAME_WEIGHT. Wording weighs
    WORD_BASE and more the rarer it is."""
    word = ops[k].a
    kind = fact_kind(word)
    if kind in ("number", "date") or kind == "name" and not _opens_sentence(ops, k):
        return NAME_WEIGHT
    return WORD_BASE + RARITY_SCALE * rarity(word)


def _credit_words(ops: Sequence[WordOp]) -> set[int]:
    """Indexes of the ops whose word here lies in a credit line."""
    text, at = [], []
    length = 0
    for k, op in enumerate(ops):
        if op.a:
            at.append((length, k))
            text.append(op.a)
            length += len(op.a) + 1
    spans = byline_spans(" ".join(text))
    return {k for start, k in at if any(lo <= start < hi for lo, hi in spans)} if spans else set()


def _counts_by_op(ops: Sequence[WordOp], frequencies: Sequence[int] | None) -> list[int]:
    """Each op's collection count (2 for ops without a word here, or when unknown)."""
    counts = [2] * len(ops)
    if frequencies is None:
        return counts
    it = iter(frequencies)
    for k, op in enumerate(ops):
        if op.a:
            counts[k] = max(2, next(it, 2))
    return counts
