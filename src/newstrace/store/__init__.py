"""Where articles and results live: a SQLite file by default, or a PostgreSQL database.

:func:`open_store` opens either by its location; :class:`Store` is what both give (its
statements in :mod:`.base` and :mod:`.browsing`, its tables in :mod:`.schema`).
"""

from __future__ import annotations

from pathlib import Path

from .base import (PASSAGE_COLUMNS, PROVENANCE_TABLES, STORY_TABLES, Store, passage, passage_row, provenance_rows,
                   story_rows)
from .location import is_server, redacted
from .schema import SCHEMA_VERSION, column_kinds, columns

__all__ = ["PASSAGE_COLUMNS", "PROVENANCE_TABLES", "SCHEMA_VERSION", "STORY_TABLES", "Store", "column_kinds", "columns", "is_server",
           "open_store", "passage", "passage_row", "provenance_rows", "redacted", "state_mark",
           "story_rows"]


def open_store(location: str | Path, create: bool = True, read_only: bool = False) -> Store:
    """Open (or create) the store at ``location``: a SQLite file, or a ``postgresql://`` URL
    (the ``postgres`` extra), checking its schema version and upgrading an older one.

    ``read_only`` opens an existing store for reading only (the web server does): it
    neither creates nor upgrades anything.

    >>> import tempfile, os
    >>> s = open_store(os.path.join(tempfile.mkdtemp(), "t.db")); s.count("articles")
    0
    """
    location = str(location)
    if is_server(location):
        from .postgres import open_postgres

        return open_postgres(location, create, read_only)
    from .sqlite import open_sqlite

    return open_sqlite(location, create, read_only)


def state_mark(location) -> tuple:
    """What changes whenever a writer commits to the store at ``location``: a file's and its
    WAL's times and sizes, read without opening the store; a server's write-ahead log
    position."""
    if is_server(location):
        with open_store(location, read_only=True) as store:
            return (store.wal_position(),)
    from .sqlite import file_state

    return file_state(location)
