"""Cut text into word tokens with offsets and give each a spin-robust match key.

A key is the same for an alias and its canonical form ("USA" and "United States"),
for British and American spellings ("defence", "defense") and for inflections
("talks", "talked"), so that spun copies share keys with their source.
"""

from __future__ import annotations

import re
import struct
import sys
import unicodedata
import zlib
from array import array
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import snowballstemmer

from .._core import word_spans
from ..errors import SettingsError
from ..model import Token
from .text import repair

# British spellings and the American forms they are keyed to; applied before stemming.
_SPELLING = [
    (re.compile(r"(..)our(s?)$"), r"\1or\2"),  # colour, labour (not four, your)
    (re.compile(r"(...)is(e|ed|es|ing|ation|ations)$"), r"\1iz\2"),  # organise
    (re.compile(r"(..)ys(e|ed|es|ing)$"), r"\1yz\2"),  # analyse
    (re.compile(r"(..[^aeiou])tre(s?)$"), r"\1ter\2"),  # centre, theatre
    (re.compile(r"(..)ence$"), r"\1ense"),  # defence, offence
    (re.compile(r"(..)ogue(s?)$"), r"\1og\2"),  # catalogue
    (re.compile(r"(..)ll(ed|ing|er)$"), r"\1l\2"),  # travelled
]

# Endings at least one of the patterns above needs: most words skip the patterns.
_SPELLING_ENDINGS = ("our", "ours", "ise", "ised", "ises", "ising", "isation", "isations", "yse", "ysed", "yses",
                     "ysing", "tre", "tres", "ence", "ogue", "ogues", "lled", "lling", "ller")

_stemmer = snowballstemmer.stemmer("english")


def _irregular_forms() -> dict[str, str]:
    table = resources.files("newstrace").joinpath("data/irregular.txt").read_text("utf-8")
    forms = {}
    for line in table.splitlines():
        words = line.split()
        if words and not line.startswith("#"):
            for word in words[1:]:
                forms.setdefault(word, words[0])
    return forms


_IRREGULAR = _irregular_forms()


@lru_cache(maxsize=500_000)
def word_key(word: str) -> str:
    """Return the match key of one word: folded, respelled and stemmed.

    >>> word_key("Defence") == word_key("defense"), word_key("talks") == word_key("talked")
    (True, True)
    """
    w = word.casefold()
    if not w.isascii():
        w = unicodedata.normalize("NFKD", w)
    if not w.isalnum():
        w = "".join(c for c in w if c.isalnum())
    if w.endswith("s") and (word.endswith("'s") or word.endswith("’s")):
        w = w[:-1]
    w = _IRREGULAR.get(w, w)
    if len(w) > 5 and w.endswith(_SPELLING_ENDINGS):
        for pattern, repl in _SPELLING:
            w2 = pattern.sub(repl, w)
            if w2 != w:
                w = w2
                break
    # Interned: the same key is one string in every token that has it.
    return sys.intern(_stemmer.stemWord(w) if w.isalpha() else w)


@dataclass(frozen=True, slots=True)
class AliasTable:
    """Alias forms keyed by their first word: (form words, case-sensitive, canonical key).

    ``hints`` holds the forms marked ``*`` in the table: forms spinners use.
    """

    by_first: dict[str, tuple[tuple[tuple[str, ...], bool, str], ...]]
    hints: frozenset[tuple[str, ...]] = frozenset()
    hint_pattern: re.Pattern | None = None
    # What token_columns has learnt of each word: (key, the alias forms it may open).
    word_memory: dict = field(default_factory=dict, compare=False, hash=False, repr=False)


def _form_words(form: str) -> list[str]:
    return [form[s:e] for s, e in zip(*word_spans(form))]


def parse_aliases(lines: list[str], source: str) -> dict[str, list[str]]:
    """Parse alias lines into {canonical: [forms]}; raise SettingsError naming the line."""
    groups: dict[str, list[str]] = {}
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        forms = [f.strip() for f in line.split("|")]
        if len(forms) < 2 or not all(forms) or not all(_form_words(f.lstrip("*")) for f in forms):
            raise SettingsError(
                f"{source}:{number}: an alias line needs two or more non-empty forms "
                f"separated by '|', got {line!r}"
            )
        groups.setdefault(forms[0], []).extend(forms[1:])
    return groups


def load_aliases(extra_files: tuple[str, ...] = ()) -> AliasTable:
    """Load the shipped alias table plus the user's files (same format)."""
    shipped = resources.files("newstrace").joinpath("data/aliases.txt").read_text("utf-8")
    groups = parse_aliases(shipped.splitlines(), "newstrace/data/aliases.txt")
    for path in extra_files:
        try:
            text = Path(path).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise SettingsError(f"{path}: cannot read alias file: {exc}") from exc
        for canonical, forms in parse_aliases(text.splitlines(), path).items():
            groups.setdefault(canonical, []).extend(forms)
    return _build_table(tuple((c, tuple(f)) for c, f in groups.items()))


@lru_cache(maxsize=8)
def _build_table(groups: tuple[tuple[str, tuple[str, ...]], ...]) -> AliasTable:
    by_first: dict[str, list] = {}
    hints = set()
    for canonical, forms in groups:
        key = "=" + "_".join(word_key(w) for w in _form_words(canonical.lstrip("*")))
        for form in (canonical, *forms):
            hinted = form.startswith("*")
            words = _form_words(form.lstrip("*"))
            exact_case = any(c.isupper() for w in words for c in w[1:]) or (
                len(words) == 1 and len(words[0]) <= 3 and words[0].isupper()
            )
            norm = tuple(w if exact_case else w.casefold() for w in words)
            by_first.setdefault(norm[0].casefold(), []).append((norm, exact_case, key))
            if hinted:
                hints.add(norm)
    return AliasTable(
        {k: tuple(sorted(v, key=lambda f: -len(f[0]))) for k, v in by_first.items()},
        frozenset(hints),
        _hint_pattern(hints, by_first),
    )


def _hint_pattern(hints: set, by_first: dict) -> re.Pattern | None:
    """One regular expression for every hint form, longest first, case as the table says."""
    exact = {form: case for forms in by_first.values() for form, case, _ in forms}
    parts = []
    for form in sorted(hints, key=lambda f: -sum(map(len, f))):
        body = r"\s+".join(re.escape(w) for w in form)
        parts.append(body if exact.get(form) else f"(?i:{body})")
    return re.compile(r"(?<![\w.])(?:" + "|".join(parts) + r")(?![\w])") if parts else None


DEFAULT_ALIASES: AliasTable | None = None


def default_aliases() -> AliasTable:
    global DEFAULT_ALIASES
    if DEFAULT_ALIASES is None:
        DEFAULT_ALIASES = load_aliases()
    return DEFAULT_ALIASES


def tokenize(text: str, aliases: AliasTable | None = None) -> list[Token]:
    """Return the word tokens of ``text`` with offsets into ``text`` itself.

    The text is repaired first; offsets are mapped back to the characters given.
    Alias forms spanning several words become one token.

    >>> [t.key for t in tokenize("The U.S. and the Russian Federation")]
    ['the', '=unit_state', 'and', 'the', '=russia']
    """
    starts, ends, keys = token_columns(text, aliases)
    return [Token(s, e, k, text[s:e]) for s, e, k in zip(starts, ends, keys)]


# Words whose keys are remembered per alias table before the memory is cleared: OCR'd
# archives have millions of distinct misspellings.
_WORD_MEMORY = 500_000


def token_columns(text: str, aliases: AliasTable | None = None) -> tuple[list[int], list[int], list[str]]:
    """The tokens of ``text`` as three columns: starts, ends and keys (see :func:`tokenize`).

    Cheaper than Tokens where thousands of articles are cut up: a word's key, or the
    alias forms it may open, is looked up once per distinct word.
    """
    aliases = aliases or default_aliases()
    fixed = repair(text)
    word_starts, word_ends = word_spans(fixed.text)
    fixed_text = fixed.text
    words = [fixed_text[s:e] for s, e in zip(word_starts, word_ends)]
    known = aliases.word_memory
    if len(known) > _WORD_MEMORY:
        known.clear()
    # (key, alias forms it may open) of every word, in whole-list passes: a page has
    # thousands of words, and a loop of Python statements per word is the cost here.
    def learn(word: str) -> tuple:
        facts = known[word] = (word_key(word), aliases.by_first.get(_base(word).casefold()))
        return facts

    found = [known.get(w) or learn(w) for w in words]
    keys = [facts[0] for facts in found]
    starts, ends = list(word_starts), list(word_ends)
    merges = []  # (first word, words, alias key) of the alias forms found, in order
    covered = -1
    for i in [k for k, facts in enumerate(found) if facts[1]]:
        if i <= covered:
            continue
        for form, exact_case, alias_key in found[i][1]:
            n = len(form)
            if i + n > len(words):
                continue
            if n > 1:  # most candidates fail on their second word: test it first
                second = _base(words[i + 1])
                if (second if exact_case else second.casefold()) != form[1]:
                    continue
            got = tuple(_base(w) for w in words[i : i + n])
            if not exact_case:
                got = tuple(w.casefold() for w in got)
            if got == form:
                merges.append((i, n, alias_key))
                covered = i + n - 1
                break
    for i, n, alias_key in reversed(merges):  # from the end, so earlier indexes stay put
        keys[i] = alias_key
        ends[i] = ends[i + n - 1]
        del starts[i + 1 : i + n], ends[i + 1 : i + n], keys[i + 1 : i + n]
    if fixed.layers:
        starts, ends = fixed.to_original_all(starts), fixed.to_original_all(ends)
    if "\xad" in text or "- " in text or "-\n" in text or "-\r\n" in text:
        _join_broken_words(text, starts, ends, keys)
    return starts, ends, keys



@dataclass(frozen=True, slots=True)
class WordColumns:
    """A text's words as columns, made once and kept (packed) beside its shingles: every later
    reader — each aligning worker, often several times, the story profile — gets them back
    several times faster than it could tokenize the text again. ``lengths`` and ``folded``
    are of each word as written whole (see :func:`unbroken`), case-folded."""

    starts: array
    ends: array
    keys: list[str]
    lengths: array
    folded: list[str]

    @classmethod
    def of(cls, text: str, aliases: AliasTable | None = None) -> WordColumns:
        starts, ends, keys = token_columns(text, aliases)
        surfaces = [unbroken(text[s:e]) for s, e in zip(starts, ends)]
        return cls(array("i", starts), array("i", ends), keys, array("i", map(len, surfaces)),
                   [w.casefold() for w in surfaces])

    def packed(self) -> bytes | None:
        """The columns as bytes to store (read back by :meth:`unpacked`); None when a word
        holds a character the packing uses to separate them (the text is tokenized again)."""
        every = "".join(self.keys) + "".join(self.folded)
        if "\x00" in every or "\x01" in every:
            return None
        # The keys, then the folded words, each left empty where it is its key.
        joined = "\x00".join(self.keys) + "\x01" + "\x00".join(["" if k == f else f
                                                                for k, f in zip(self.keys, self.folded)])
        starts = np.frombuffer(self.starts, dtype=np.int32)
        numbers = np.concatenate([np.diff(starts, prepend=0), np.frombuffer(self.ends, dtype=np.int32) - starts,
                                  np.frombuffer(self.lengths, dtype=np.int32)]).astype("<i4")
        head = struct.pack("<BI", _PACKING, len(self.keys))
        return zlib.compress(head + numbers.tobytes() + joined.encode("utf-8"), 1)

    @classmethod
    def unpacked(cls, packed: bytes) -> WordColumns | None:
        """The columns :meth:`packed` stored; None for bytes of another packing."""
        raw = zlib.decompress(packed)
        version, n = struct.unpack_from("<BI", raw)
        if version != _PACKING:
            return None
        numbers = np.frombuffer(raw, dtype="<i4", count=3 * n, offset=5).astype(np.int32)
        starts = np.cumsum(numbers[:n], dtype=np.int32)
        keys, folded = raw[5 + 12 * n:].decode("utf-8").split("\x01")
        keys = keys.split("\x00")[:n]  # no words: "".split gives one empty one
        folded = [f or k for k, f in zip(keys, folded.split("\x00"))]
        return cls(array("i", starts.tobytes()), array("i", (starts + numbers[n:2 * n]).tobytes()), keys,
                   array("i", numbers[2 * n:].tobytes()), folded)


# The layout of packed WordColumns: stored columns of another layout are made again.
_PACKING = 1

# Where a word is broken across a line: a hyphen at a line's end ("Rail-\nroad"; in scanned
# pages whose lines were joined, "Presi- dent"), or a soft hyphen, which marks where a word
# may be broken, before a space or a line break ("dur\xad ing").
_LINE_BREAK_IN_WORD = re.compile(r"-[ \t]*\r?\n[ \t]*|-[ \t]+|\xad[ \t]*(?:\r?\n[ \t]*)?")


def _join_broken_words(text: str, starts: list[int], ends: list[int], keys: list[str]) -> None:
    """Make one token of each word broken across a line (the columns changed in place): its
    span covers both parts, its key is the whole word's. The next part must start in lower
    case ("Jan-\nMayen" is two names) and be no function word ("pre- and post-war")."""
    first = {e: k for k, e in enumerate(ends)}
    first.update({e + 1: k for k, e in enumerate(ends) if e < len(text) and text[e] == "\xad"})
    joins = []
    for m in _LINE_BREAK_IN_WORD.finditer(text):
        k = first.get(m.start()) if text[m.start()] == "-" else first.get(m.start(), first.get(m.start() + 1))
        if k is None or k + 1 >= len(starts) or starts[k + 1] != m.end() or not text[m.end()].islower():
            continue
        if keys[k + 1] in STOPWORDS and "\n" not in m.group():
            continue
        if keys[k].startswith("=") or keys[k + 1].startswith("="):
            continue  # an alias form: a name, not a broken word
        joins.append(k)
    for k in reversed(joins):
        keys[k] = word_key(unbroken(text[starts[k]:ends[k + 1]]))
        ends[k] = ends[k + 1]
        del starts[k + 1], ends[k + 1], keys[k + 1]


def unbroken(word: str) -> str:
    """A word as written whole: soft hyphens and breaks across lines taken out.

    >>> unbroken("Rail-\\nroad"), unbroken("dur\\xad ing"), unbroken("well-known")
    ('Railroad', 'during', 'well-known')
    """
    if "\xad" not in word and "\n" not in word and "- " not in word:
        return word
    return _LINE_BREAK_IN_WORD.sub("", word).replace("\xad", "")


def spin_hints(text: str, aliases: AliasTable | None = None) -> list[tuple[int, int, str]]:
    """Spans of alias forms that spinners use (marked ``*`` in the alias table).

    >>> spin_hints("Russian Federation troops and the USA.")
    [(0, 18, 'Russian Federation'), (34, 37, 'USA')]
    """
    aliases = aliases or default_aliases()
    if aliases.hint_pattern is None:
        return []
    return [(m.start(), m.end(), m.group()) for m in aliases.hint_pattern.finditer(text)]


def _base(word: str) -> str:
    """The word without a possessive ending: aliases match "Russia's" as "Russia"."""
    return word[:-2] if word.endswith(("'s", "’s")) else word

_FUNCTION_WORDS = """a an the and or but nor of in on at to for from by with without about as into
onto upon over under than then that this these those there here is are was were be been being
am has have had having do does did not no so if it its he him his she her hers they them their
we us our you your i me my who whom whose which what when where why how all any each both some
such other more most much many few only very can could will would shall should may might must
also just too up down out off said says one two mr mrs""".split()

STOPWORDS = frozenset(word_key(w) for w in _FUNCTION_WORDS)


def is_weak(key: str) -> bool:
    """Tell whether a key is too common or short to anchor a match on its own."""
    return key in STOPWORDS or len(key) <= 2
