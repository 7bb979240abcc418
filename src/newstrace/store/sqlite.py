"""The SQLite store: one file, WAL, foreign keys, one writer at a time.

Any SQLite tool can read the file. Writes go through one connection in transactions, so
an interrupted run keeps every batch it committed and readers never see half a batch.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from ..errors import StoreError
from .base import Store
from .browsing import SNIPPET_CLOSE, SNIPPET_OPEN, search_terms
from .schema import SCHEMA_VERSION, created, upgrade


class SQLiteStore(Store):
    """A newstrace store in a SQLite file. Open it with :func:`open_sqlite`."""

    dialect = "sqlite"
    _SEARCH_HITS = "SELECT rowid AS fts, rank FROM articles_fts WHERE articles_fts MATCH ?"
    _TEXT_KEY = "rowid"
    _SNIPPET = (f"SELECT snippet(articles_fts, -1, '{SNIPPET_OPEN}', '{SNIPPET_CLOSE}', '…', 16)"
                " FROM articles_fts WHERE articles_fts MATCH ? AND rowid = ?")

    def _search_query(self, text: str) -> str:
        """The search as an FTS5 query: each phrase quoted, all of them."""
        return " ".join('"' + " ".join(words) + '"' for words in search_terms(text))

    def _begin_writing(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")


def file_state(path) -> tuple:
    """What changes whenever a writer commits to a store file: the file's and its WAL's times
    and sizes, read without opening the store."""
    marks = []
    for suffix in ("", "-wal"):
        try:
            st = os.stat(str(path) + suffix)
            marks.append((st.st_mtime_ns, st.st_size))
        except FileNotFoundError:
            marks.append(None)
    return tuple(marks)


def store_problem(exc: sqlite3.OperationalError) -> str:
    """What an error of SQLite's means to the person running newstrace."""
    message = str(exc)
    if "locked" in message or "busy" in message:
        return ("the store is busy: another process has held it longer than this one waits "
                "(NEWSTRACE_BUSY_SECONDS, 30 s by default); let it finish or stop it, then rerun")
    if "full" in message:
        return "the disk holding the store is full: free space and rerun"
    return f"the store cannot be used: {message}"


def busy_seconds() -> float:
    """How long a process waits for another that holds the store (NEWSTRACE_BUSY_SECONDS,
    default 30) before it gives up with an error."""
    try:
        return max(0.0, float(os.environ.get("NEWSTRACE_BUSY_SECONDS", "30")))
    except ValueError:
        raise StoreError(f"NEWSTRACE_BUSY_SECONDS must be a number of seconds, not "
                         f"{os.environ['NEWSTRACE_BUSY_SECONDS']!r}") from None


def _write_ahead(conn: sqlite3.Connection, wait: float = 30.0) -> None:
    """Put the store in WAL mode. Switching a new file's mode needs it alone, and SQLite
    answers "locked" at once rather than waiting while another process opens it: so wait
    here, as for any other lock."""
    deadline = time.monotonic() + wait
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _read_version(conn: sqlite3.Connection, path) -> int:
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone():
        raise StoreError(f"{path}: this SQLite file is not a newstrace store")
    return int(conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0])


def _created_or_upgraded(conn: sqlite3.Connection, path) -> int:
    """Create the store's tables, or bring them to this version, as one step across
    processes: two processes opening a new store at once, one creates it and the other
    finds it made (SQLite's write lock, taken first, orders them)."""
    conn.isolation_level = None  # the transaction is ours to begin and end
    conn.execute("BEGIN IMMEDIATE")
    try:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone():
            if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                raise StoreError(f"{path}: this SQLite file is not a newstrace store")
            for statement in created("sqlite"):
                conn.execute(statement)
            conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        version = int(conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0])
        while version < SCHEMA_VERSION:
            version += 1
            for statement in upgrade("sqlite", version):
                conn.execute(statement)
            conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    finally:
        conn.isolation_level = ""  # back to sqlite3's transactions for ``with conn:``
    return version


def open_sqlite(path: str, create: bool = True, read_only: bool = False) -> SQLiteStore:
    """Open (or create) a store file, check its schema version and upgrade an older one.
    ``read_only`` opens an existing store for reading only: it neither creates nor upgrades
    anything."""
    if (read_only or not create) and not Path(path).exists():
        raise StoreError(f"{path}: no such store; create it with 'newstrace ingest PATH --db {path}'")
    try:
        if read_only:
            conn = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True, timeout=busy_seconds(),
                                   check_same_thread=False)
        else:
            conn = sqlite3.connect(path, timeout=busy_seconds())
            _write_ahead(conn, busy_seconds())
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA synchronous=NORMAL")
        version = _read_version(conn, path) if read_only else _created_or_upgraded(conn, path)
    except sqlite3.OperationalError as exc:
        raise StoreError(f"{path}: {store_problem(exc)}") from exc
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: cannot open as a newstrace store: {exc}") from exc
    if version != SCHEMA_VERSION:
        conn.close()
        hint = (" (open it once with a newstrace command that writes, such as 'newstrace ingest',"
                " to upgrade it)" if version < SCHEMA_VERSION else "")
        raise StoreError(f"{path}: store schema version {version}, this newstrace reads "
                         f"version {SCHEMA_VERSION}{hint}")
    return SQLiteStore(conn, path, path)
