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
``COPY_BITS`` and its wording beside names and figures ``PHRASE_BITS``; a shared ``phrase``
(text reuse, but too short for a claim) when only the first; otherwise a ``formula``. A
short passage of clean text that two articles share alone, whose words align loosely, or a
phrase reworded inside sentences told otherwise, is ``restated``: the same facts told again
in other words, no shared text. Bylines and credit lines are formula whatever
their names ("(Reporting by …; Editing by …)"). A passage whose differing words are facts
(who, where, when, how many) with nothing but formula beside them is a ``template``: the
same house formula told of another event. A copy with a changed fact keeps its wording, so
it stays a copy: its facts that differ lead its report.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from .model import WordOp
from .normalize import unbroken

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
# Text shared with less information than this in its wording (names, numbers and dates
# left out) is reused text (PAN counts it), but a phrase too short to say one article took
# it from the other: a clause of background restated, a name with its title, a poll's
# figures, a fragment of a release both drew on. Read on PolNeAR's texts
# (docs/claims-sample-polnear.md).
PHRASE_BITS = 20.0
# ... and this much more for each doubling of the articles that hold its rarest quarter.
BITS_PER_DOUBLING = 4.0
# Passages this long in matched words are copies whatever their words: no formula runs so
# long, and a template shares little beside its facts (a long copy's changed facts are
# reported as facts that differ).
ALWAYS_COPY_WORDS = 60
# A shorter passage of clean text, the only one its two articles share, whose words align this
# loosely (a quarter of them or more reworded, added or dropped) is the same facts told again
# in other words: a restatement of
# background ("Fisker has fired 75 percent of its workforce … It has not built a car since
# July" / "Fisker fired the bulk of its workforce … The company has not built a car since
# July"), not shared text. A spun copy swaps words in place and keeps the rest: spinbench's
# spun cases align at 0.78 and more. OCR'd text is exempt: there the scanner, not a writer,
# garbles the words.
RESTATED_SHARE = 0.75
# A phrase (see PHRASE_BITS) is shared text only when copied near word for word, or whole
# sentences on both sides: a clause reworded inside sentences told otherwise is a fact
# restated ("Amazon.com Inc founder Jeff Bezos bought The Washington Post for $250 million,"
# / "… will buy the Washington Post newspaper for $250 million").
VERBATIM_SHARE = 0.95

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


@lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    """The word's frequency in English on wordfreq's Zipf scale (log10 per billion words;
    0 for a word the table does not hold). Imported on first use: the table takes a moment."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


def rarity(word: str) -> float:
    """How much rarer than everyday words ``word`` is in English news (0 to RARITY_MAX).

    >>> rarity("the"), rarity("said"), rarity("Konashenkov") > 3
    (0.0, 0.0, True)
    """
    return max(0.0, min(RARITY_MAX, RARITY_FROM_ZIPF - zipf(word)))


# --- facts ---------------------------------------------------------------------------

_NUMBER = re.compile(r"^[$€£]?\d")
_NUMBER_WORDS = frozenset("""zero one two three four five six seven eight nine ten eleven twelve thirteen
fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety
hundred hundreds thousand thousands million millions billion billions dozen dozens scores first second third
fourth fifth sixth seventh eighth ninth tenth half several few many some all none no""".split())
_MONTHS = frozenset("""january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec""".split())
_DAYS = frozenset("""monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri
sat sun today yesterday tomorrow tonight""".split())


@lru_cache(maxsize=200_000)
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
# word capitalised ("Court of Appeal" spun to "Woo of Prayer"), so a fact that differs
# only where the words around it say it is a name...
_COMMON_AS_WORD = 4.5
# ... and a word this common ("The", "But", "He") opens a sentence: it weighs as wording.
_FUNCTION_WORD = 6.0


_CLEAN_NUMBER = re.compile(r"^[$€£]?\d[\d,.]*(?:st|nd|rd|th|s|%)?$")
_NUMBER_VALUES = {w: str(v) for v, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}


def _value(word: str) -> str | None:
    """What a number or date word says, so that "15" and "fifteen", "Jan" and "January"
    are the same fact; None for a number that OCR garbled ("40S")."""
    bare = word.strip(".,;:!?\"'()[]“”‘’")
    if bare.lstrip("$€£")[:1].isdigit():
        return re.sub(r"[^\d.]", "", bare).strip(".") if _CLEAN_NUMBER.match(bare) else None
    bare = bare.lower()
    if bare in _MONTHS or bare in _DAYS:
        return bare if bare in ("today", "yesterday", "tomorrow", "tonight") else bare[:3]
    return _NUMBER_VALUES.get(bare, bare)


def facts_of(ops: Sequence[WordOp]) -> list[tuple[int, WordOp, str]]:
    """The substitutions that change a fact: (index in ``ops``, the op, its kind:
    number, date, person, place, organisation or other).

    A number for another number of a different value, a date word for another, or a name
    for another name: capitalised in both texts, known to the English table (an unknown one
    is more likely an OCR garble: "Hi-ewster" for "Brewster"), and either rare as a common
    word or a person by the words around it. A weekday for another aligns as a near match
    and is a fact too; a number or name one letter off is OCR noise. A number for a word ("billion" for
    "bln") and a common word capitalised (a sentence's first word; "Woo" for "Court") are
    spelling or spin, which the spin rate counts."""
    found = []
    for k, op in enumerate(ops):
        if op.kind not in ("substituted", "near") or not op.a or not op.b:
            continue
        ka, kb = fact_kind(op.a), fact_kind(op.b)
        if ka == kb == "date" and _value(op.a) != _value(op.b):  # "Tuesday", "Thursday" align as near
            found.append((k, op, "date"))
        elif op.kind == "near":  # a number or a name one letter off is OCR noise
            continue
        elif ka == kb == "number" and None not in (_value(op.a), _value(op.b)) and _value(op.a) != _value(op.b):
            found.append((k, op, "number"))
        elif ka == kb == "name" and zipf(op.a) > 0 and zipf(op.b) > 0:
            kind = name_kind(ops, k)
            if kind == "person" or _is_name(op.a) and _is_name(op.b):
                found.append((k, op, kind))
    return found


# A passage with this share of its words one letter off (or more) is OCR'd text.
_OCR_NEAR_SHARE = 0.03


# ...or with this share of its words garbled: words of three letters or more that English
# does not hold and that are no name ("tlie", "frirnds", "afTMting", "Peparlni'lit"), which
# clean text next to never has.
_OCR_GARBLED_SHARE = 0.03


def _scanned(ops: Sequence[WordOp]) -> bool:
    """Whether a passage is OCR'd text: more of its words one letter off, or garbled, than
    clean text gives."""
    words = sum(1 for op in ops if op.a)
    if sum(op.kind == "near" for op in ops) > max(1, _OCR_NEAR_SHARE * words):
        return True
    both = [w for op in ops for w in (op.a, op.b) if w]
    return sum(map(_garbled, both)) > max(1, _OCR_GARBLED_SHARE * len(both))


@lru_cache(maxsize=1 << 18)  # a collection's words recur: "the" is asked for in every passage
def _garbled(word: str) -> bool:
    """A word no writer wrote: letters English does not hold, in no name's case pattern."""
    letters = "".join(c for c in word if c.isalpha())
    if len(letters) < 3 or word.istitle() and word.isalpha() or word.isupper():
        return False
    return zipf(word.lower()) == 0


def word_changes(ops: Sequence[WordOp]) -> tuple[dict[int, str], set[int]]:
    """Of a passage's changed words, those that are no spin: each with its kind (a fact's
    kind, see :func:`facts_of`, or "noise"), and, apart, the facts a report may state. Whether
    the passage is OCR'd text and which words change a fact are read once here for both.

    A fact a report may state lies in a passage that is no OCR'd text (where "1016" for "1915"
    and "Goo" for "Geo" are the scanner's, not the writer's), between words that match on
    both sides. Noise is neither spin nor a fact: in OCR'd text (:func:`_scanned`) every
    changed word — the scanner's garbles, fragments and misreadings ("cial" for "In", "tho"
    for "the") cannot be told from a writer's changes, so a scanned reprint has no spin;
    elsewhere the slips — a word replaced by one a letter or two off ("form" for "from"), by a
    piece of it ("man" for "German": a word broken by a line or a column), or by itself on two
    lines — and the pairs no rewording makes (:func:`_rewordable`)."""
    scanned = _scanned(ops)
    facts = facts_of(ops)
    changed = {k: kind for k, _, kind in facts}
    for k, op in enumerate(ops):
        if op.kind in ("substituted", "variant") and op.a and op.b and k not in changed and (
                scanned or _same_words(op.a, op.b)
                or op.kind == "substituted" and (slip(op.a, op.b) or not _rewordable(op.a, op.b))):
            changed[k] = "noise"
    if scanned:
        return changed, set()
    matched = [op.kind in ("exact", "variant") for op in ops]
    return changed, {k for k, _, _ in facts if 0 < k < len(ops) - 1 and matched[k - 1] and matched[k + 1]}


# Text whose words open with a capital this often is headlines, titles or a masthead: prose
# capitalises its names and its sentences' first words (a fifth of its words or fewer).
HEADLINE_SHARE = 0.6
_LETTERED = re.compile(r"[^\W\d_][\w'’-]*")


def headline_case(text: str) -> bool:
    """Whether ``text`` is written in headline case (see ``HEADLINE_SHARE``), the short
    words a headline leaves in lower case ("of", "a", "to") not counted.

    >>> headline_case("GOP Candidates Reject The Idea Of A Wage Hike. Rand Paul Scores Direct Hit On Trump.")
    True
    >>> headline_case("The minister said on Monday that the Skarra Reef would be closed to shipping.")
    False
    """
    words = [w for w in _LETTERED.findall(text) if len(w) > 3 or w[0].isupper()]
    return len(words) >= 5 and sum(w[0].isupper() for w in words) >= HEADLINE_SHARE * len(words)


# Words at least this common in English (wordfreq's Zipf scale: a few times in a hundred
# million words) are words a writer chooses.
_WRITTEN_ZIPF = 2.5


def rewordings(ops: Sequence[WordOp]) -> list[tuple[str, str]]:
    """The words a writer chose in place of the source's: (source word, copy word), lower
    case, for each substitution that is neither a fact, nor noise (:func:`word_changes`),
    nor a slip (:func:`slip`: "ship" for "steamship", a word broken by a line; "die" for
    "the", a misreading), of two words English writes (wordfreq: a scanner's garble is none).
    None in OCR'd text (:func:`_scanned`)."""
    if _scanned(ops):
        return []
    changed, _ = word_changes(ops)
    return [(op.b.lower(), op.a.lower()) for k, op in enumerate(ops)
            if op.kind in ("variant", "substituted") and k not in changed and _rewordable(op.a, op.b)
            and not slip(op.a, op.b) and min(zipf(op.a.lower()), zipf(op.b.lower())) >= _WRITTEN_ZIPF]


def _rewordable(a: str, b: str) -> bool:
    """Whether a writer rewording a text could have put one word for the other: two words of
    three letters or more, neither of them a number, and not two names (a name for another is
    a fact or a misreading; see :func:`facts_of`). A figure for a word ("58" for
    "Certified") or a letter for one is the alignment's stray pairing, not a choice of words."""
    if len(a) < 3 or len(b) < 3 or not any(c.isalpha() for c in a) or not any(c.isalpha() for c in b):
        return False
    if any(c.isdigit() for c in a + b):
        return False
    return not (a[:1].isupper() and b[:1].isupper() and min(zipf(a), zipf(b)) < _COMMON_ZIPF)


# Words this common (wordfreq's Zipf scale) capitalised are a sentence's first word, not a name.
_COMMON_ZIPF = 4.0


def _same_words(a: str, b: str) -> bool:
    """The same words but for case, spacing and breaks ("United\nStates", "United States")."""
    return " ".join(unbroken(a).casefold().split()) == " ".join(unbroken(b).casefold().split())


def slip(a: str, b: str) -> bool:
    """Whether two words differ as a slip does: a letter or two (one in words of three letters
    or fewer), or the one a piece of the other; never two numbers (a number one figure off
    is a fact to weigh, see :func:`facts_of`)."""
    a, b = unbroken(a).casefold(), unbroken(b).casefold()
    if a.isdigit() and b.isdigit():
        return False
    if a == b or a.startswith(b) or b.startswith(a) or a.endswith(b) or b.endswith(a):
        return True
    return Levenshtein.distance(a, b) <= (1 if max(len(a), len(b)) <= 3 else 2)


# The question of the event each kind of fact answers.
_QUESTION = {"person": "who", "place": "where", "organisation": "where", "other": "where", "date": "when",
             "number": "how many"}


def _is_name(word: str, common: float = _COMMON_AS_WORD) -> bool:
    """A capitalised word or an acronym that is no word this ``common`` in English (Zipf)
    capitalised. The word itself must tell: its neighbours carry no stops."""
    return fact_kind(word) == "name" and zipf(word.lower()) < common


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

def significance(ops: Sequence[WordOp], frequencies: Sequence[int] | None = None,
                 source_frequencies: Callable[[], Sequence[int]] | None = None) -> Significance:
    """What one passage is (``copy``, ``phrase``, ``formula`` or ``template``) and why.

    ``ops`` is the passage's word alignment, this article on side ``a``;
    ``frequencies`` gives, for each op with a word on side ``a`` (in order), how many
    articles of the collection hold a key n-gram around that word (None: only these two);
    ``source_frequencies`` gives the same for the words on side ``b``, asked only when a
    fact differs: they tell a template (each report's facts its own) from a copy that
    changed a fact. Words of credit lines weigh nothing. Whether a copy or phrase is only
    facts told again is :func:`restatement`'s to say.
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
    information = round(sum(_weight(op.a) for _, op in unexplained) + swapped, 2)
    needed = bits_needed(level)
    if facts:
        # Another event told in the same words: nothing but formula beside its facts, or a
        # frame that recurs beyond these two articles while each side's facts are its own
        # (held by few of the articles holding the frame). A copy with a toll raised or an
        # actor swapped keeps its wording, and its source's facts are its other copies'
        # too: it stays a copy, and its facts that differ lead its report.
        near_fact = {k + d for k, _, _ in facts for d in (-2, -1, 1, 2)}
        frame = sum(_weight(op.a) for k, op in unexplained if k not in near_fact and fact_kind(op.a) is None)
        source_counts = _counts_by_op(ops, source_frequencies() if source_frequencies else None, "b")
        own_facts = level > 2 and all(2 * max(counts[k], source_counts[k]) < level for k, _, _ in facts)
        if frame < needed or own_facts:
            differ = ", ".join(sorted({_QUESTION[kind] for _, _, kind in facts}))
            return Significance("template", information, len(matched), explained, len(facts),
                                f"{differ} differ; beside them {frame:.1f} bits ({needed:.0f} make a copy)"
                                if frame < needed else f"{differ} differ, each side's its own; the rest is "
                                f"held by {level} articles")
    if len(matched) >= ALWAYS_COPY_WORDS and len(in_credit) < len(matched) // 2:
        return Significance("copy", information, len(matched), explained, len(facts),
                            f"{len(matched)} matching words")
    # Names, numbers and dates are what every report of an event shares: a copy needs
    # wording of its own besides them.
    wording = wording_bits(op.a for _, op in unexplained) + swapped
    if information >= needed and wording >= PHRASE_BITS:
        return Significance("copy", information, len(matched), explained, len(facts),
                            f"{information:.1f} bits in words no common phrase explains")
    if information >= needed:
        return Significance("phrase", information, len(matched), explained, len(facts),
                            f"{wording:.1f} bits of wording beside names and figures: a phrase too short to tell "
                            f"a copy from a source both drew on or a fact restated ({PHRASE_BITS:.0f} make a copy)")
    why = "mostly a credit line (byline)" if len(in_credit) * 2 >= len(matched) else \
        f"{explained} of {len(matched)} words in phrases common in the collection"
    return Significance("formula", information, len(matched), explained, len(facts),
                        f"only {information:.1f} bits ({needed:.0f} needed): {why}")




def restatement(judged: Significance, ops: Sequence[WordOp], in_sentences: Callable[[], bool]) -> Significance:
    """A copy or phrase of clean text that is only its facts told again in other words: shorter
    than ALWAYS_COPY_WORDS, its words aligning under RESTATED_SHARE, or a phrase aligning under
    VERBATIM_SHARE that is not whole sentences in both articles (``in_sentences``, asked
    only then; see :func:`whole_sentences`). Asked only of a passage its two articles share alone (see
    :func:`newstrace.provenance.judge_passages`): a loose piece among others is part of an
    edited reprint. OCR'd text is left as it is: there the scanner garbles the words."""
    if judged.kind not in ("copy", "phrase") or judged.words >= ALWAYS_COPY_WORDS or _scanned(ops):
        return judged
    share = aligned_share(ops)
    if share < RESTATED_SHARE:
        return replace(judged, kind="restated",
                       reason=f"only {share:.0%} of its words align: the same facts told in other words")
    if judged.kind == "phrase" and share < VERBATIM_SHARE and not in_sentences():
        return replace(judged, kind="restated", reason=f"a clause reworded ({share:.0%} of its words align) "
                                                       "inside sentences told otherwise: the same facts told again")
    return judged


def aligned_share(ops: Sequence[WordOp]) -> float:
    """The share of a passage's words that align, on its longer side (gaps between the parts
    of a joined passage left out).

    >>> aligned_share([WordOp("exact", "a", "a"), WordOp("substituted", "b", "c"), WordOp("deleted", "d", "")])
    0.3333333333333333
    """
    matched = sum(op.kind in ("exact", "variant", "near") for op in ops)
    longer = max(sum(bool(op.a) for op in ops if op.kind != "gap"), sum(bool(op.b) for op in ops if op.kind != "gap"))
    return matched / longer if longer else 0.0


# A sentence ends at a stop (quotes and brackets after it), a closing bracket ("(Editing by
# …)") or a line's end; a passage may begin or end this many words inside one (the
# alignment leaves a changed word at its edge: "The firm's $[44.6 bln warchest …").
_SENTENCE_BREAK = re.compile(r"[.!?][\"'”’)\]]*\s|\)\s|\n")
EDGE_WORDS = 2
# Characters looked at beyond a passage's edge for the break before or after it.
_SENTENCE_LOOK = 300


def whole_sentences(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` begins and ends where sentences do, but for EDGE_WORDS.

    >>> text = "He left. They said so to the press, and went. Then"
    >>> whole_sentences(text, 9, 45), whole_sentences(text, 22, 45), whole_sentences(text, 9, 34)
    (True, False, False)
    """
    window = max(0, start - _SENTENCE_LOOK)
    opened = max((m.end() for m in _SENTENCE_BREAK.finditer(text, window, start)), default=window)
    closed = _SENTENCE_BREAK.search(text, max(start, end - 3), end + _SENTENCE_LOOK)
    stop = closed.start() + 1 if closed else min(len(text), end + _SENTENCE_LOOK)
    return len(text[opened:start].split()) <= EDGE_WORDS and len(text[end:stop].split()) <= EDGE_WORDS


def bits_needed(held_by: int) -> float:
    """Information a passage held by ``held_by`` articles needs to be a copy: COPY_BITS
    for two, more for each doubling, since a phrase many articles hold is a stock phrase
    unless it is long (a wire story's reprints are).

    >>> bits_needed(2), bits_needed(16)
    (11.0, 23.0)
    """
    return COPY_BITS + BITS_PER_DOUBLING * math.log2(max(2, held_by) / 2)


def wording_bits(words: Iterable[str], facts: bool = False) -> float:
    """What some words tell of their having one origin, beside their names, numbers and dates
    (as a copy's wording is weighed against PHRASE_BITS); with ``facts``, those too, each as a
    name weighs (a quotation is told apart by them: "the Persia at 1:05 p.m.")."""
    return sum(_weight(w) for w in words if facts or fact_kind(w) is None)


@lru_cache(maxsize=200_000)
def _weight(word: str) -> float:
    """What a matched word tells of copying. Names, numbers and dates are the facts of an
    event, which every report of it shares without copying a word ("Chief Executive Bob
    Diamond", "$3.8 billion, or $1.33 per share"): they weigh NAME_WEIGHT. Wording weighs
    WORD_BASE and more the rarer it is."""
    if fact_kind(word) in ("number", "date") or _is_name(word, _FUNCTION_WORD):
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


def _counts_by_op(ops: Sequence[WordOp], frequencies: Sequence[int] | None, side: str = "a") -> list[int]:
    """Each op's collection count on ``side`` (2 for ops without a word there, or when unknown)."""
    counts = [2] * len(ops)
    if frequencies is None:
        return counts
    it = iter(frequencies)
    for k, op in enumerate(ops):
        if getattr(op, side):
            counts[k] = max(2, next(it, 2))
    return counts
