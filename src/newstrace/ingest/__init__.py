"""Read articles from files: folders of .txt, JSON Lines, CSV, HTML pages (gzip or not).

:func:`read_articles` yields :class:`~newstrace.model.Article` records and, for
input that cannot be read, :class:`~newstrace.model.Skip` records (or raises
:class:`~newstrace.errors.InputError` when ``on_error="raise"``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import InputError
from ..model import Article, Skip
from .records import FIELDS, ReadSettings, parse_mapping
from .readers import READERS, reader_for

__all__ = ["FIELDS", "ReadSettings", "read_articles", "parse_mapping", "supported_suffixes"]

log = logging.getLogger(__name__)


def supported_suffixes() -> list[str]:
    """File endings newstrace reads (each also gzip-compressed, with .gz)."""
    return sorted(READERS)


def _files(path: Path, unreadable: list[InputError], passed_over: list[str] | None = None) -> Iterator[Path]:
    """The files under ``path`` (or ``path`` itself) in name order; a folder that cannot be
    listed is added to ``unreadable``, not passed over without a word, and a file of a type
    newstrace does not read to ``passed_over``."""
    if not path.is_dir():
        yield path
        return

    def cannot_list(exc: OSError) -> None:
        unreadable.append(InputError(exc.filename or str(path), None,
                                     f"cannot read the folder: {exc.strerror or exc}",
                                     "check that it exists and is readable"))

    found = []
    for folder, subfolders, names in os.walk(path, onerror=cannot_list, followlinks=False):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        for name in names:
            child = Path(folder) / name
            # A broken link is yielded too: its reader reports it rather than it vanishing.
            if name.startswith(".") or not (child.is_file() or child.is_symlink()):
                continue
            if reader_for(child) is None:
                # Said where it is seen (not only with -v): a folder of .docx or .pdf files
                # would otherwise ingest nothing without a word.
                log.warning("%s: not an article file type (newstrace reads %s), passed over", child,
                            ", ".join(supported_suffixes()))
                if passed_over is not None:
                    passed_over.append(str(child))
                continue
            found.append(child)
    yield from sorted(found)


def read_articles(
    paths: Iterable[str | Path],
    mapping: dict[str, str] | None = None,
    on_error: str = "raise",
    reading: ReadSettings = ReadSettings(),
    passed_over: list[str] | None = None,
) -> Iterator[Article | Skip]:
    """Yield the articles in ``paths`` (files or folders), in a stable order.

    ``mapping`` renames input fields (``{"title": "headline"}``) for JSON Lines
    and CSV. With ``on_error="skip"``, unreadable items are yielded as Skip
    records instead of raising InputError. Files of types newstrace does not read are added
    to ``passed_over`` (and named in a warning).

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "a1.txt").write_text("Title\\n\\nBody text.")
    >>> [(a.id, a.title) for a in read_articles([d])]
    [('a1', 'Title')]
    """
    if on_error not in {"raise", "skip"}:
        raise ValueError("on_error must be 'raise' or 'skip'")
    for root in paths:
        root = Path(root)
        if not root.exists():
            error = InputError(str(root), None, "no such file or folder")
            if on_error == "raise":
                raise error
            yield Skip(str(root), None, error.problem)
            continue
        unreadable: list[InputError] = []
        for file in _files(root, unreadable, passed_over):
            reader = reader_for(file)
            try:
                if reader is None:
                    raise InputError(str(file), None, "unsupported file type",
                                     "use " + ", ".join(supported_suffixes()))
                for item in reader(file, mapping or {}, reading):
                    if isinstance(item, InputError):
                        if on_error == "raise":
                            raise item
                        yield Skip(item.file, item.line, item.problem)
                    else:
                        yield item
            except InputError as error:
                if on_error == "raise":
                    raise
                yield Skip(error.file, error.line, error.problem)
        for error in unreadable:  # known once the walk is done: its files were read first
            if on_error == "raise":
                raise error
            yield Skip(error.file, error.line, error.problem)
