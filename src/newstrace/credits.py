"""Agency and outlet credits in an article's text: "(Reuters) -", "— AFP", "AFP Tuesday 3 Oct 2017",
"told SANA", "SANA reported". An agency the copies of a passage credit is their common
source, in the collection or not: an outlet reprinting it did not copy another outlet
that reprints it too.

The agencies and the forms the text writes them in are ``data/agencies.txt``; a user
extends the table with files of the same format. Any other name the text gives in a
credit's place ("Meridian Press —", "By the Harbor Daily", "says the Ogden Standard") is
read too (:func:`credited_names`): the outlets of a collection are no table's.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .errors import SettingsError
from .model import Credit


# What stands around an agency's name when the text credits it, not when it reports on it:
# just before it (matched against the text that ends there) or just after it.
_BEFORE = re.compile(r"(?:\(\s*|[-–—]\s*|\b(?:told|to|according to|by|from|via|cited|quoted|citing|quoting|"
                     r"source:)\s+(?:[Tt]he\s+)?)$")
_AFTER = re.compile(r"\s*\)|\s*[-–—]|\s+(?:reported|reports|said|says|quoted|cited|news agency|agency reported|"
                    r"[Ll]eased [Ww]ire|LEASED WIRE|"
                    r"reporters?|correspondent|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|\d{1,2}\s+[A-Z][a-z]{2})\b")
# How far before a name its credit cue may start.
_CUE_CHARS = 20


def parse_agencies(lines: list[str], source: str) -> dict[str, tuple[str, ...]]:
    """Agency name -> the forms written for it, from lines of an agency table."""
    table: dict[str, tuple[str, ...]] = {}
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, bar, forms = line.partition("|")
        found = tuple(f.strip() for f in forms.split("|") if f.strip()) if bar else ()
        if not name.strip() or not found:
            raise SettingsError(f"{source}:{number}: expected 'Agency | form | form …'")
        table[name.strip()] = table.get(name.strip(), ()) + found
    return table


@lru_cache(maxsize=8)
def _table(extra_files: tuple[str, ...] = ()) -> dict[str, tuple[str, ...]]:
    table = parse_agencies(resources.files("newstrace").joinpath("data/agencies.txt").read_text("utf-8").splitlines(),
                           "agencies.txt")
    for path in extra_files:
        try:
            lines = Path(path).read_text("utf-8").splitlines()
        except OSError as exc:
            raise SettingsError(f"{path}: cannot read agency table: {exc.strerror}") from exc
        for name, forms in parse_agencies(lines, path).items():
            table[name] = table.get(name, ()) + forms
    return table


def _folded(name: str) -> str:
    name = name.lower().removeprefix("www.").removeprefix("the ")
    name = re.sub(r"\.(?:com|org|net|co\.uk)$", "", name)
    return re.sub(r"[^0-9a-z]", "", name)


@lru_cache(maxsize=8)
def _names_by_form(extra_files: tuple[str, ...] = ()) -> dict[str, str]:
    """Each form of the table (and its names) folded, and the name it stands for: the first
    listed wins."""
    found: dict[str, str] = {}
    for name, forms in _table(extra_files).items():
        for form in (name, *forms):
            found.setdefault(_folded(form), name)
    return found


def organisation(outlet: str | None, extra_files: tuple[str, ...] = ()) -> str | None:
    """The table's name for an input's outlet given by one of its forms, or None.

    >>> organisation("nyt"), organisation("huff-post"), organisation("www.nytimes.com"), organisation("Daily Planet")
    ('The New York Times', 'HuffPost', 'The New York Times', None)
    """
    if not outlet:
        return None
    return _names_by_form(extra_files).get(_folded(outlet))


@lru_cache(maxsize=8)
def agency_pattern(extra_files: tuple[str, ...] = ()) -> tuple[re.Pattern, dict[str, str]]:
    """The pattern finding every agency's written forms in the table (and ``extra_files``),
    and each form's agency."""
    table = _table(extra_files)
    agency_of: dict[str, str] = {}
    for name, forms in table.items():
        for form in forms:
            # As written, and in capitals (a headline's "REUTERS"); case is kept otherwise,
            # since "AP" and "Ap" are not the same word (and matching without case is slow).
            for written in (form, form.upper()):
                agency_of.setdefault(written, name)
    # Grouped by first letter: the engine tries one branch at a word, not every form.
    by_first: dict[str, list[str]] = {}
    for form in sorted(agency_of, key=len, reverse=True):
        by_first.setdefault(form[0], []).append(re.escape(form[1:]))
    names = "|".join(f"{re.escape(first)}(?:{'|'.join(rest)})" for first, rest in by_first.items())
    return re.compile(rf"\b(?:{names})(?!\w)"), agency_of  # a form may end in a stop ("A. P.")


def agency_credits(text: str, extra_files: tuple[str, ...] = ()) -> list[Credit]:
    """Every agency credit in ``text``, in order.

    >>> [(c.agency, c.start) for c in agency_credits("DAMASCUS, (SANA) - Troops advanced, Rami Abdel Rahman told AFP.")]
    [('SANA', 11), ('AFP', 59)]
    >>> agency_credits("Reuters shares fell 3 percent on Monday.")
    []
    """
    pattern, agency_of = agency_pattern(extra_files)
    found = []
    for m in pattern.finditer(text):
        if not (_BEFORE.search(text, max(0, m.start() - _CUE_CHARS), m.start()) or _AFTER.match(text, m.end())):
            continue
        found.append(Credit(agency_of[m.group()], m.start(), m.end()))
    return found


# A name as a credit writes it: capitalised words, "of", "the", "and" or "&" between them.
_NAME = r"[A-Z][\w.&'’]*(?:[ \t]+(?:of|the|and|&|[A-Z][\w.&'’]*)){0,5}"
# The places a text credits a name in: a credit line opening a paragraph ("Meridian Press —",
# "By Meridian Press"), in brackets and a dash and a name closing a paragraph...
_SIGNED_NAME = (
    re.compile(rf"(?m)^[ \t]*(?:By[ \t]+(?:the[ \t]+)?)?(?P<line>{_NAME})[ \t]*(?:[—–]|--|-[ \t])"
               rf"|^[ \t]*By[ \t]+(?:the[ \t]+)?(?P<byline>{_NAME})[ \t]*$"),
    re.compile(rf"\((?P<bracket>{_NAME})\)"),
    re.compile(rf"(?m)[—–][ \t]*(?:the[ \t]+)?(?P<closing>{_NAME})[ \t]*\.?[ \t]*$"))
# ...after a cue ("according to the", "reprinted from")...
_CUES = ("according to", "told", "reported by", "reprinted from", "courtesy of", "from", "via", "quoted by",
         "cited by", "says", "said")
_CUE = re.compile(rf"\b(?i:{'|'.join(_CUES)})[ \t]+(?:[Tt]he[ \t]+)?")
# (found by the cues without their first letter, in lower case and in capitals, and checked
# whole after: many times faster on a page of 20,000 characters than trying every cue, in
# any case, at every word)
_CUE_TAIL = re.compile(rf"(?:{'|'.join(sorted({c[1:] for c in _CUES} | {c[1:].upper() for c in _CUES}))})[ \t]")
# ...and before a cue ("the Harbor Daily reported"): the cue found first, the name read back.
_TELLING = re.compile(r"[ \t]+(?:reported|reports|said|says|wrote|writes)\b")
_NAME_AT = re.compile(_NAME)
_NAME_ENDING = re.compile(rf"(?:^|(?<=[^\w.&'’]))({_NAME})$")
# Words joined across a sentence's end ("Salvage. The Harbor Daily") are two names.
_TRAILING = re.compile(r"(?:[ \t]+(?:of|the|and|&))+$")
_SENTENCE_BREAK = re.compile(r"(?<=[a-z]{2})\.[ \t]+")


def credited_names(text: str) -> list[Credit]:
    """Every name ``text`` gives where a credit stands, as written (``agency``), in order,
    with the credit's ``form``: ``line``, ``byline``, ``bracket`` or ``closing`` (a credit
    line: an outlet signing its own text) or ``cued`` and ``teller`` (a name the text tells
    of). A claim that one outlet copied another rests on one of them naming the outlet.
    Places and people stand there too ("WASHINGTON —", "By Ann Lee"); only a name that is an
    outlet's counts for anything.

    >>> [c.agency for c in credited_names("Meridian Press — A ship ran aground. The Harbor Daily reported.")]
    ['Meridian Press', 'The Harbor Daily']
    """
    found = []
    for pattern in _SIGNED_NAME:
        for m in pattern.finditer(text):
            found.append(_named(m.start(m.lastgroup), m.group(m.lastgroup), m.lastgroup))
    for m in _CUE_TAIL.finditer(text):
        cue = _CUE.match(text, m.start() - 1) if m.start() else None
        name = _NAME_AT.match(text, cue.end()) if cue else None
        if name:
            found.append(_named(name.start(), name.group(), "cued"))
    for m in _TELLING.finditer(text):
        name = _NAME_ENDING.search(text, max(0, m.start() - 80), m.start())
        if name:
            found.append(_named(name.start(1), name.group(1), "teller"))
    return sorted(found, key=lambda c: (c.start, c.end))


def _named(start: int, name: str, form: str) -> Credit:
    """The credit of a name read at ``start``: its last words but "of", "the"; told before a
    cue, what follows the last sentence's end in it, else what precedes the first."""
    name = _TRAILING.sub("", name)
    pieces = _SENTENCE_BREAK.split(name)
    if form == "teller" and len(pieces) > 1:
        start += name.rindex(pieces[-1])
        name = pieces[-1]
    else:
        name = _TRAILING.sub("", pieces[0])
    return Credit(name, start, start + len(name), form)


def names_outlet(name: str, outlet: str | None) -> bool:
    """Whether a name as a text writes it is ``outlet`` (as the input gives it).

    >>> names_outlet("THE OGDEN STANDARD", "Ogden standard"), names_outlet("The New York Times", "nyt")
    (True, True)
    """
    if not outlet:
        return False
    wanted = _folded(outlet)
    if wanted and _folded(name) == wanted:
        return True
    known = organisation(outlet)
    return known is not None and known == organisation(name)
