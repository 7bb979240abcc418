"""Agency and outlet credits in an article's text: "(Reuters) -", "— AFP", "AFP Tuesday 3 Oct 2017",
"told SANA", "SANA reported". An agency the copies of a passage credit is their common
source, in the collection or not: an outlet reprinting it did not copy another outlet
that reprints it too.

The agencies and the forms the text writes them in are ``data/agencies.txt``; a user
extends the table with files of the same format.
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


@lru_cache(maxsize=64)
def organisation(outlet: str | None, extra_files: tuple[str, ...] = ()) -> str | None:
    """The table's name for an input's outlet given by one of its forms, or None.

    >>> organisation("nyt"), organisation("huff-post"), organisation("www.nytimes.com"), organisation("Daily Planet")
    ('The New York Times', 'HuffPost', 'The New York Times', None)
    """
    if not outlet:
        return None
    wanted = _folded(outlet)
    for name, forms in _table(extra_files).items():
        if any(_folded(f) == wanted for f in (name, *forms)):
            return name
    return None


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
    return re.compile(rf"\b(?:{names})\b"), agency_of


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
