"""Turn raw fields into an Article: field mapping, dates, checks."""

from __future__ import annotations

from dataclasses import dataclass

import math
import re
from datetime import datetime

from ..errors import InputError, SettingsError, printable_name
from ..model import Article, Origin

FIELDS = ("id", "url", "source", "title", "published", "language", "text")

# Names an input field commonly goes by, tried in order when no mapping is given.
_SYNONYMS = {
    "id": ("id", "doc_id", "article_id", "uid", "guid"),
    "url": ("url", "link", "uri"),
    "source": ("source", "outlet", "publisher", "site", "newspaper", "media"),
    "title": ("title", "headline", "heading"),
    "published": ("published", "date", "pubdate", "published_at", "datetime", "publish_date"),
    "language": ("language", "lang"),
    "text": ("text", "body", "content", "article", "maintext"),
}


def parse_mapping(pairs: list[str] | None) -> dict[str, str]:
    """Parse ``["title=headline,published=date", ...]`` into ``{"title": "headline", ...}``."""
    mapping = {}
    for pair in (p for group in pairs or () for p in group.split(",")):
        field, sep, column = pair.partition("=")
        field = field.strip()
        if not sep or not column.strip():
            raise SettingsError(f"--map {pair!r}: expected FIELD=COLUMN, e.g. title=headline")
        if field not in FIELDS:
            raise SettingsError(f"--map {pair!r}: unknown field {field!r}; fields are {', '.join(FIELDS)}")
        mapping[field] = column.strip()
    return mapping


def column_for(field: str, columns, mapping: dict[str, str]) -> str | None:
    """The input column that holds ``field``, or None."""
    if field in mapping:
        return mapping[field] if mapping[field] in columns else None
    for name in _SYNONYMS[field]:
        if name in columns:
            return name
    return None


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d %B %Y", "%d %b %Y",
                 "%d %B, %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y", "%b. %d, %Y",
                 "%A, %B %d, %Y", "%a, %d %b %Y %H:%M:%S %z", "%a, %d %b %Y %H:%M:%S GMT", "%d %b %Y %H:%M",
                 "%Y%m%d", "%d.%m.%Y")
# A date of numbers with the day and month in either order: 4/5/2017, 04-05-2017 14:30.
_NUMERIC_DATE = re.compile(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4}|\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")


def date_order_of(values) -> str | None:
    """Which comes first in a file's (or a column's) numeric dates: "day" when one of them
    can only be read day first (13/4/2017), "month" when one can only be read month first
    (4/13/2017), None when every one reads both ways."""
    orders = set()
    for value in values:
        m = _NUMERIC_DATE.fullmatch(str(value).strip()) if value else None
        if m:
            first, second = int(m.group(1)), int(m.group(2))
            if first > 12 >= second:
                orders.add("day")
            elif second > 12 >= first:
                orders.add("month")
    return orders.pop() if len(orders) == 1 else None


def _numeric_date(m: re.Match, order: str) -> str | None:
    first, second, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    month, day = (first, second) if order == "month" else (second, first)
    year += 2000 if year < 100 and len(m.group(3)) == 2 and year < 70 else 1900 if year < 100 else 0
    try:
        when = datetime(year, month, day, int(m.group(4) or 0), int(m.group(5) or 0), int(m.group(6) or 0))
    except ValueError:
        return None
    return when.isoformat() if m.group(4) else when.date().isoformat()


def parse_published(value, file: str, line: int | None, date_order: str = "auto") -> str | None:
    """Return an ISO 8601 date or datetime string, or None when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError(file, line, f"cannot read the published date {value!r}",
                         "use an ISO date such as 2015-09-30 or 2015-09-30T14:05:00+00:00")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(int(value))
    text = str(value).strip()
    iso = re.sub(r"Z$", "+00:00", text)
    try:
        parsed = datetime.fromisoformat(iso)
        return parsed.date().isoformat() if len(text) <= 10 else parsed.isoformat()
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        has_time = "%H" in fmt
        return parsed.isoformat() if has_time else parsed.date().isoformat()
    numeric = _NUMERIC_DATE.fullmatch(text)
    if numeric:
        order = date_order if date_order != "auto" else date_order_of([text])
        if order is None:
            raise InputError(file, line, f"the published date {text!r} reads both ways (day or month first)",
                             "say which with --date-order month or --date-order day")
        found = _numeric_date(numeric, order)
        if found:
            return found
    raise InputError(file, line, f"cannot read the published date {text!r}",
                     "use an ISO date such as 2015-09-30 or 2015-09-30T14:05:00+00:00")


@dataclass(frozen=True, slots=True)
class ReadSettings:
    """What the readers take from the settings: the most one input may hold, so that memory
    stays bounded — the longest article text read (a longer one is skipped: memory is several
    times the text) and the most a file may hold once decompressed (a small .gz can hold
    gigabytes) — and which comes first in a date written 4/5/2017 (``date_order``: month,
    day, or auto: found from a file's dates)."""

    article_chars: int = 10_000_000
    file_bytes: int = 2**30
    date_order: str = "auto"
    encoding: str = "auto"  # or a codec's name: how every file's bytes are read as text

    @classmethod
    def of(cls, settings) -> "ReadSettings":
        return cls(int(settings.max_article_mb * 1_000_000), int(settings.max_file_mb * 2**20), settings.date_order,
                   settings.encoding)


def _plain(value, name: str, file: str, line: int | None) -> str | None:
    """A field's value as text: None when empty; a list or an object is no text."""
    if value is None or value == "":
        return None
    if isinstance(value, (dict, list, tuple)):
        raise InputError(file, line, f"the {name} field is a {type(value).__name__}, not a string")
    text = str(value).strip()
    if not _encodes(text):
        raise InputError(file, line, f"the {name} field holds a lone surrogate, which no UTF-8 text can hold")
    return text or None


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def make_article(fields: dict, file: str, line: int | None, default_id: str, reading: ReadSettings = ReadSettings()) -> Article:
    """Build an Article from mapped fields, raising InputError for missing or empty text."""
    file = printable_name(file)
    text = fields.get("text")
    if text is None:
        raise InputError(file, line, "no text field", "name it with --map text=COLUMN")
    if not isinstance(text, str):
        raise InputError(file, line, f"the text field is a {type(text).__name__}, not a string")
    if not text.strip():
        raise InputError(file, line, "empty article: the text is blank")
    if len(text) > reading.article_chars:
        raise InputError(file, line, f"the text is {len(text):,} characters, more than the longest article read "
                                     f"({reading.article_chars:,}; setting max_article_mb)")
    if "\x00" in text:
        raise InputError(file, line, "the text holds NUL characters: is this a binary file?")
    if not _encodes(text):
        raise InputError(file, line, "the text holds a lone surrogate, which no UTF-8 text can hold")
    ident = _plain(fields.get("id"), "id", file, line) or printable_name(default_id)
    return Article(
        id=ident,
        text=text,
        title=_plain(fields.get("title"), "title", file, line) or "",
        url=_plain(fields.get("url"), "url", file, line),
        source=_plain(fields.get("source"), "source", file, line),
        published=parse_published(fields.get("published"), file, line, reading.date_order),
        language=_plain(fields.get("language"), "language", file, line),
        origin=Origin(file, line),
    )
