"""The PostgreSQL store: the store's tables and statements on a server, for several users
and processes sharing one corpus.

Open it with ``open_store("postgresql://user:password@host/database")`` (or pass that URL
as ``--db``); the database must exist, and the tables are created in it on first use.
:class:`PostgresStore` runs the statements of :class:`~newstrace.store.base.Store` through a
connection that takes ``?`` placeholders and makes ``with conn:`` one transaction, as
sqlite3's connection does. Readers see only committed transactions (PostgreSQL's MVCC),
as with SQLite's WAL.

Needs the ``postgres`` extra (psycopg 3).
"""

from __future__ import annotations

from ..errors import StoreError, require_extra
from .base import Store
from .browsing import SNIPPET_CLOSE, SNIPPET_OPEN, search_terms
from .location import redacted
from .schema import SCHEMA_VERSION, created, upgrade

def _pyformat(sql: str, with_args: bool) -> str:
    """A statement with ``?`` placeholders as psycopg takes it (``%s``; a literal ``%`` doubled)."""
    return (sql.replace("%", "%%") if with_args else sql).replace("?", "%s")


def _number_loader():
    from psycopg.adapt import Loader

    class NumberLoader(Loader):
        """A numeric as an int when it is whole as written, else a float."""

        def load(self, data) -> int | float:
            text = bytes(data).decode()
            return float(text) if any(c in text for c in ".eEN") else int(text)
    return NumberLoader


class _Connection:
    """A psycopg connection that answers the sqlite3 calls the store makes. It runs in
    autocommit mode; ``with conn:`` is one transaction, as sqlite3's is."""

    def __init__(self, raw, writer: bool):
        self.raw = raw
        self.writer = writer
        self._transactions: list = []

    def execute(self, sql: str, args=()):
        args = tuple(args)
        return self.raw.execute(_pyformat(sql, bool(args)), args or None)

    def executemany(self, sql: str, rows) -> None:
        rows = list(rows)
        if rows:
            with self.raw.cursor() as cur:
                cur.executemany(_pyformat(sql, True), rows)

    def __enter__(self) -> "_Connection":
        transaction = self.raw.transaction()
        transaction.__enter__()
        if self.writer and not self._transactions:
            # One writer at a time, as in SQLite: a store's writes read before they write
            # (is this id or text already stored?), which two writers at once would race.
            self.raw.execute("SELECT pg_advisory_xact_lock(hashtext('newstrace writer'))")
        self._transactions.append(transaction)
        return self

    def __exit__(self, *exc):
        return self._transactions.pop().__exit__(*exc)

    def close(self) -> None:
        self.raw.close()


class PostgresStore(Store):
    """A newstrace store in a PostgreSQL database. Open it with :func:`open_postgres`."""

    dialect = "postgres"
    _SEARCH_HITS = ("SELECT id AS fts, -ts_rank_cd(fts, query) AS rank FROM articles,"
                    " to_tsquery('english', ?) query WHERE fts @@ query")
    _TEXT_KEY = "id"
    _SNIPPET = ("SELECT ts_headline('english', coalesce(text, ''), to_tsquery('english', ?),"
                f" 'StartSel={SNIPPET_OPEN}, StopSel={SNIPPET_CLOSE}, MaxWords=16, MinWords=8')"
                " FROM articles WHERE id = ?")

    def _search_query(self, text: str) -> str:
        """The search as a tsquery: phrases of adjacent words, all of them."""
        return " & ".join("(" + " <-> ".join(words) + ")" for words in search_terms(text))

    def _begin_writing(self) -> None:
        pass  # ``with conn:`` has taken the writers' lock (_Connection)

    def wal_position(self) -> str:
        """The server's write-ahead log position, which moves with every commit to it."""
        return self.conn.execute("SELECT pg_current_wal_lsn()::text").fetchone()[0]


def open_postgres(url: str, create: bool = True, read_only: bool = False) -> PostgresStore:
    """Open the store in the PostgreSQL database at ``url``, creating its tables when the
    database has none (unless ``create`` is false or ``read_only``)."""
    psycopg = require_extra("psycopg", "a PostgreSQL store", "postgres")
    shown = redacted(url)
    try:
        raw = psycopg.connect(url, autocommit=True)
    except psycopg.Error as exc:
        raise StoreError(f"{shown}: cannot connect to PostgreSQL: {str(exc).strip()}") from None
    # sum() and avg() of integers are numeric in PostgreSQL: read them as SQLite gives them.
    raw.adapters.register_loader("numeric", _number_loader())
    conn = _Connection(raw, writer=not read_only)
    try:
        if read_only:
            conn.execute("SET default_transaction_read_only = on")
        with conn:
            # One process creates the tables; others wait here, then find them.
            conn.execute("SELECT pg_advisory_xact_lock(hashtext('newstrace schema'))")
            has_meta = conn.execute("SELECT to_regclass('meta') IS NOT NULL").fetchone()[0]
            if not has_meta:
                tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
                                      ).fetchone()[0]
                if tables:
                    raise StoreError(f"{shown}: this database holds other tables and is not a newstrace store")
                if read_only or not create:
                    raise StoreError(f"{shown}: no newstrace store in this database; create it with "
                                     f"'newstrace ingest PATH --db {shown}'")
                for statement in created("postgres"):
                    raw.execute(statement)
                conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            version = int(conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0])
            while not read_only and version < SCHEMA_VERSION:
                version += 1
                for statement in upgrade("postgres", version):
                    raw.execute(statement)
                conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))
    except psycopg.Error as exc:
        raw.close()
        raise StoreError(f"{shown}: cannot open as a newstrace store: {str(exc).strip()}") from None
    except StoreError:
        raw.close()
        raise
    if version != SCHEMA_VERSION:
        raw.close()
        raise StoreError(f"{shown}: store schema version {version}, this newstrace reads version {SCHEMA_VERSION}")
    return PostgresStore(conn, url, shown)
