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


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y",
                 "%a, %d %b %Y %H:%M:%S %z", "%Y%m%d", "%d.%m.%Y")


def parse_published(value, file: str, line: int | None) -> str | None:
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
    raise InputError(file, line, f"cannot read the published date {text!r}",
                     "use an ISO date such as 2015-09-30 or 2015-09-30T14:05:00+00:00")


@dataclass(frozen=True, slots=True)
class Limits:
    """What one input may hold, so that memory stays bounded: the longest article text read
    (a longer one is skipped: memory is several times the text) and the most a file may
    hold once decompressed (a small .gz can hold gigabytes). Settings max_article_mb and
    max_file_mb."""

    article_chars: int = 10_000_000
    file_bytes: int = 2**30

    @classmethod
    def of(cls, settings) -> "Limits":
        return cls(int(settings.max_article_mb * 1_000_000), int(settings.max_file_mb * 2**20))


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


def make_article(fields: dict, file: str, line: int | None, default_id: str, limits: Limits = Limits()) -> Article:
    """Build an Article from mapped fields, raising InputError for missing or empty text."""
    file = printable_name(file)
    text = fields.get("text")
    if text is None:
        raise InputError(file, line, "no text field", "name it with --map text=COLUMN")
    if not isinstance(text, str):
        raise InputError(file, line, f"the text field is a {type(text).__name__}, not a string")
    if not text.strip():
        raise InputError(file, line, "empty article: the text is blank")
    if len(text) > limits.article_chars:
        raise InputError(file, line, f"the text is {len(text):,} characters, more than the longest article read "
                                     f"({limits.article_chars:,}; setting max_article_mb)")
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
        published=parse_published(fields.get("published"), file, line),
        language=_plain(fields.get("language"), "language", file, line),
        origin=Origin(file, line),
    )
