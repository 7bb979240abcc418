"""One reader per file type: each yields Articles, or InputErrors for bad records.

A reader raises InputError when the whole file is unusable and yields one when
only a record is, so that a skipping run keeps the rest of the file.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import logging
import io
import json
import sys
import time
import zlib
from dataclasses import replace
from urllib.parse import urlsplit
from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import InputError
from ..model import Article
from .html import extract_html, page_fields
from .records import FIELDS, ReadSettings, column_for, date_order_of, make_article

log = logging.getLogger(__name__)

Reader = Callable[[Path, dict, ReadSettings], Iterator["Article | InputError"]]


def read_text_file(path: Path, reading: ReadSettings = ReadSettings()) -> str:
    """Read a file (gunzipping .gz) as UTF-8 (or as UTF-16 where a byte-order mark says
    so), keeping newlines as they are and dropping a leading byte-order mark."""
    try:
        if path.suffix == ".gz":
            try:
                with gzip.open(path) as fh:
                    data = fh.read(reading.file_bytes + 1)
            except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
                raise InputError(str(path), None, f"not a valid gzip file: {exc}") from exc
        else:
            with open(path, "rb") as fh:
                data = fh.read(reading.file_bytes + 1)
    except OSError as exc:
        raise InputError(str(path), None, f"cannot read the file: {exc.strerror or exc}",
                         "check that it exists and is readable") from exc
    if len(data) > reading.file_bytes:
        raise InputError(str(path), None, f"the file holds more than {reading.file_bytes >> 20} MB of text "
                                          "(setting max_file_mb)", "split it into smaller files")
    if reading.encoding != "auto":
        try:
            return data.decode(reading.encoding).removeprefix("\ufeff")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise InputError(str(path), line, f"not {reading.encoding} at byte {exc.start}",
                             "state the file's encoding with --encoding, or leave it to newstrace (auto)") from None
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return _utf16(path, data, "utf-16")
    head = data[:200]
    for order, zeros in (("utf-16-le", head[1::2]), ("utf-16-be", head[::2])):
        # UTF-16 without a byte-order mark: every other byte of Latin text is zero.
        if len(zeros) >= 8 and zeros.count(0) >= 0.9 * len(zeros):
            return _utf16(path, data, order)
    try:
        # Text that decodes is text: a stray NUL costs its record (make_article), not the file.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if b"\x00" in data[:8192]:
            raise InputError(str(path), None, "binary file (it holds NUL bytes)",
                             "newstrace reads UTF-8 text, JSON Lines, CSV and HTML") from None
        first = exc.start
    # UTF-8 with stray bytes of another encoding (an export edited on Windows): each byte that
    # is not UTF-8 is read as Windows-1252, where it is almost always from, and the lines
    # repaired are named, so that one bad byte costs no row, let alone the file.
    del _REPAIRED[:]
    text = data.decode("utf-8-sig", errors="newstrace-cp1252")
    lines = sorted({data.count(b"\n", 0, at) + 1 for at in _REPAIRED})
    log.warning("%s: %d byte(s) that are not UTF-8 read as Windows-1252, on line(s) %s%s (the first at byte %d)",
                path, len(_REPAIRED), ", ".join(map(str, lines[:20])), " …" if len(lines) > 20 else "", first)
    return text


# Where the last decoding read bytes as Windows-1252 (see read_text_file).
_REPAIRED: list[int] = []


def _as_windows_1252(error: UnicodeDecodeError) -> tuple[str, int]:
    _REPAIRED.append(error.start)
    return error.object[error.start:error.end].decode("cp1252", errors="replace"), error.end


codecs.register_error("newstrace-cp1252", _as_windows_1252)


def _utf16(path: Path, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding).removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise InputError(str(path), None, f"invalid UTF-16 at byte {exc.start}") from exc


def read_txt(path: Path, mapping: dict, reading: ReadSettings = ReadSettings()) -> Iterator[Article | InputError]:
    """A plain-text article, the file name its id. The first non-empty line is its title when
    a body follows it and it is no paragraph (at most _TITLE_CHARS); a file of one line (a
    dump with one article per file) is an article without a title."""
    text = read_text_file(path, reading)
    lines = [line.strip() for line in text.splitlines()]
    filled = [line for line in lines if line]
    if not filled:
        raise InputError(str(path), None, "empty article: the file is blank")
    title = filled[0] if len(filled) > 1 and len(filled[0]) <= _TITLE_CHARS else ""
    stem = path.name[: -len(".gz")] if path.name.endswith(".gz") else path.name
    yield make_article({"title": title, "text": text}, str(path), None, default_id=Path(stem).stem, reading=reading)


# A first line longer than this is the text's first paragraph, not its title.
_TITLE_CHARS = 300


def read_jsonl(path: Path, mapping: dict, reading: ReadSettings = ReadSettings()) -> Iterator[Article | InputError]:
    """JSON Lines: one article object per line."""
    text = read_text_file(path, reading)
    for number, line in enumerate(text.splitlines(), 1):
        item = parse_jsonl_line(line, str(path), number, mapping, reading)
        if item is not None:
            yield item


def parse_jsonl_line(line: str, file: str, number: int, mapping: dict, reading: ReadSettings = ReadSettings()
                     ) -> Article | InputError | None:
    """One line of a JSON Lines file: an article, the error that stops it, or None if blank."""
    if not line.strip():
        return None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return InputError(file, number, f"malformed JSON: {exc.msg} at column {exc.colno}",
                          "each line must be one JSON object")
    except RecursionError:
        return InputError(file, number, "malformed JSON: nested too deeply to read",
                          "each line must be one JSON object of fields")
    if not isinstance(record, dict):
        return InputError(file, number, f"expected a JSON object, got {type(record).__name__}")
    return record_article(record, file, number, mapping, reading)


def record_article(record: dict, file: str, number: int, mapping: dict, reading: ReadSettings = ReadSettings()
                   ) -> Article | InputError:
    """An article from one record (a JSON object, a Parquet row) with its fields found by name."""
    fields = {}
    for field in FIELDS:
        column = column_for(field, record, mapping)
        if column is not None:
            fields[field] = record[column]
    if "text" not in fields and "text" in mapping:
        return InputError(file, number, f"no field {mapping['text']!r} for the text",
                          f"fields are {', '.join(record)}")
    stem = Path(Path(file).name.removesuffix(".gz")).stem
    try:
        return make_article(fields, file, number, default_id=f"{stem}-{number}", reading=reading)
    except InputError as error:
        return error


def read_csv(path: Path, mapping: dict, reading: ReadSettings = ReadSettings()) -> Iterator[Article | InputError]:
    """CSV (or TSV) with a header row; columns are found by name or by ``mapping``."""
    text = read_text_file(path, reading)
    delimiter = "\t" if ".tsv" in path.suffixes else ","
    csv.field_size_limit(sys.maxsize)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        columns = reader.fieldnames or []
    except csv.Error as error:  # a header row with a quotation mark it never closes
        raise InputError(str(path), 1, f"the header row is not CSV: {error}",
                         "the first line names the columns, separated by commas") from None
    missing = [f"{f}={c}" for f, c in mapping.items() if c not in columns]
    if missing or column_for("text", columns, mapping) is None:
        raise InputError(
            str(path), 1,
            f"no column for {', '.join(missing) if missing else 'the text'}; the columns are "
            f"{', '.join(columns) or '(none)'}",
            "map them with --map text=COLUMN",
        )
    where = {f: column_for(f, columns, mapping) for f in FIELDS}
    if where["published"] is not None and reading.date_order == "auto":
        # The order of day and month is the column's: one date only one way read decides it
        # for every row (4/5/2017 beside 13/5/2017 is the 4th of May).
        order = date_order_of(row.get(where["published"]) for row in csv.DictReader(
            io.StringIO(text, newline=""), delimiter=delimiter))
        if order:
            reading = replace(reading, date_order=order)
    stem = Path(path.name.removesuffix(".gz")).stem
    lines = text.splitlines(keepends=True)
    before = 0  # lines of the file before the text the reader reads
    while True:
        start = before + reader.line_num + 1
        try:
            for row in reader:
                fields = {f: row[c] for f, c in where.items() if c is not None}
                try:
                    yield make_article(fields, str(path), start, default_id=f"{stem}-{start}", reading=reading)
                except InputError as error:
                    yield error
                start = before + reader.line_num + 1
            return
        except csv.Error as exc:
            # Malformed quoting (a quotation mark opened and never closed would swallow every
            # row after it): the row is skipped, and reading goes on at the line after its start.
            yield InputError(str(path), start, f"malformed CSV: {exc}",
                             "a quotation mark opened in this row is not closed as CSV expects")
            before = start
            reader = csv.DictReader(io.StringIO("".join(lines[before:]), newline=""), fieldnames=columns,
                                    delimiter=delimiter, strict=True)


def read_html(path: Path, mapping: dict, reading: ReadSettings = ReadSettings()) -> Iterator[Article | InputError]:
    """An HTML page: its main text and metadata (:func:`~newstrace.ingest.html.page_fields`)."""
    page = page_fields(read_text_file(path, reading))
    stem = Path(path.name.removesuffix(".gz")).stem
    fields = {k: v for k, v in page.items() if v}
    if "source" not in fields and fields.get("url"):
        fields["source"] = urlsplit(fields["url"]).hostname  # the site's host when it names itself nowhere
    yield make_article(fields, str(path), None, default_id=stem, reading=reading)


def read_warc(path: Path, mapping: dict, reading: ReadSettings = ReadSettings()) -> Iterator[Article | InputError]:
    """A web crawl (WARC, or ARC, gzipped or not): each HTML page it holds (a response record)
    is an article, with its URL and, where the page states none, the crawl's date; read a
    record at a time, so that memory holds one page, not the crawl."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    stem = Path(path.name.removesuffix(".gz")).stem
    other: list[int] = []  # responses that are no HTML page (images, scripts, feeds...)
    try:
        with open(path, "rb") as fh:
            for number, record in enumerate(ArchiveIterator(fh, arc2warc=True), 1):
                if record.rec_type != "response" or record.http_headers is None:
                    continue  # requests, metadata, the crawl's own records
                kind = record.http_headers.get_header("Content-Type") or ""
                if "html" not in kind.lower():
                    other.append(number)
                    continue
                body = record.content_stream().read(reading.file_bytes + 1)
                if len(body) > reading.file_bytes:
                    yield InputError(str(path), number, "the page holds more than "
                                     f"{reading.file_bytes >> 20} MB (setting max_file_mb)")
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                page = page_fields(_page_text(body, kind))
                fields = {k: v for k, v in page.items() if v}
                fields.setdefault("url", url)
                crawled = record.rec_headers.get_header("WARC-Date")
                if "published" not in fields and crawled:
                    fields["published"] = crawled
                if "source" not in fields and url:
                    fields["source"] = urlsplit(url).hostname
                try:
                    yield make_article(fields, str(path), number, default_id=url or f"{stem}-{number}", reading=reading)
                except InputError as error:
                    yield error
    except ArchiveLoadFailed as exc:
        raise InputError(str(path), None, f"not a WARC or ARC file: {exc}") from None
    except OSError as exc:
        raise InputError(str(path), None, f"cannot read the file: {exc.strerror or exc}") from None
    finally:
        if other:
            log.warning("%s: %d response(s) that are no HTML page passed over (records %s%s)", path, len(other),
                        ", ".join(map(str, other[:10])), " …" if len(other) > 10 else "")


def _page_text(body: bytes, content_type: str) -> str:
    """A page's bytes as text, by the charset its headers name (UTF-8, else Windows-1252)."""
    charset = content_type.lower().partition("charset=")[2].split(";")[0].strip(" \"'") or "utf-8"
    try:
        return body.decode(charset)
    except (LookupError, UnicodeDecodeError):
        return body.decode("utf-8", errors="newstrace-cp1252")


def read_feed(path: Path, mapping: dict, reading: ReadSettings = ReadSettings()) -> Iterator[Article | InputError]:
    """An RSS or Atom feed: each entry that carries its text (its content, else its summary)
    is an article, with its title, link, date and the feed's title as outlet."""
    import feedparser

    feed = feedparser.parse(read_text_file(path, reading))
    if not feed.entries:
        why = feed.get("bozo_exception") or "it holds no entries"
        raise InputError(str(path), None, f"not an RSS or Atom feed, or an empty one: {why}")
    outlet = feed.feed.get("title")
    stem = Path(path.name.removesuffix(".gz")).stem
    for number, entry in enumerate(feed.entries, 1):
        html = (entry.get("content") or [{}])[0].get("value") or entry.get("summary") or ""
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        fields = {"title": entry.get("title"), "url": entry.get("link"), "source": outlet,
                  "text": extract_html(html)["text"] if html else None,
                  "published": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", when) if when else None}
        try:
            yield make_article({k: v for k, v in fields.items() if v}, str(path), number,
                               default_id=entry.get("id") or entry.get("link") or f"{stem}-{number}", reading=reading)
        except InputError as error:
            yield error


READERS: dict[str, Reader] = {
    ".txt": read_txt,
    ".jsonl": read_jsonl,
    ".ndjson": read_jsonl,
    ".csv": read_csv,
    ".tsv": read_csv,
    ".html": read_html,
    ".warc": read_warc,
    ".arc": read_warc,
    ".rss": read_feed,
    ".atom": read_feed,
    ".htm": read_html,
}


def reader_for(path: Path) -> Reader | None:
    """The reader for a file name (``a.jsonl.gz`` is read as JSON Lines), or None."""
    name = path.name.lower().removesuffix(".gz")
    return READERS.get(Path(name).suffix)
