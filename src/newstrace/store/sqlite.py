"""The SQLite store: plain tables, WAL, foreign keys, a schema version, one writer.

Any SQLite tool can read the file. Writes go through one connection in
transactions, so an interrupted run keeps every batch it committed and readers
never see half a batch.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from ..errors import StoreError
from ..model import Alignment, Article, Origin, Skip, Span, WordOp
from ..normalize import repair

SCHEMA_VERSION = 5

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    command TEXT NOT NULL,
    started TEXT NOT NULL,
    finished TEXT,
    settings TEXT NOT NULL,
    summary TEXT
);
CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    url TEXT,
    source TEXT,
    title TEXT NOT NULL DEFAULT '',
    published TEXT,
    language TEXT,
    text TEXT,                      -- NULL for an exact duplicate: see duplicate_of
    text_hash TEXT NOT NULL,        -- sha1 of the repaired, whitespace-folded text
    duplicate_of TEXT REFERENCES articles(id),
    origin_file TEXT,
    origin_line INTEGER,
    run_id INTEGER REFERENCES runs(id),
    CHECK ((text IS NULL) = (duplicate_of IS NOT NULL))
);
CREATE INDEX articles_text_hash ON articles(text_hash);
CREATE INDEX articles_published ON articles(published);
CREATE TABLE skips (
    id INTEGER PRIMARY KEY,
    run_id INTEGER REFERENCES runs(id),
    file TEXT NOT NULL,
    line INTEGER,
    reason TEXT NOT NULL,
    UNIQUE (file, line, reason)
);
CREATE TABLE shingles (
    article TEXT NOT NULL REFERENCES articles(id),
    config TEXT NOT NULL,           -- n-gram size and alias files the hashes were made with
    hashes BLOB NOT NULL,           -- sorted little-endian uint64 hashes of key n-grams
    positions BLOB NOT NULL,        -- little-endian uint32 word position of each hash's first occurrence
    PRIMARY KEY (article, config)
) WITHOUT ROWID;
CREATE TABLE compared_pairs (
    a_article TEXT NOT NULL REFERENCES articles(id),
    b_article TEXT NOT NULL REFERENCES articles(id),
    run_id INTEGER REFERENCES runs(id),
    PRIMARY KEY (a_article, b_article),
    CHECK (a_article < b_article)
) WITHOUT ROWID;
CREATE TABLE alignments (
    id INTEGER PRIMARY KEY,
    a_article TEXT NOT NULL REFERENCES articles(id),
    a_start INTEGER NOT NULL,
    a_end INTEGER NOT NULL,
    b_article TEXT NOT NULL REFERENCES articles(id),
    b_start INTEGER NOT NULL,
    b_end INTEGER NOT NULL,
    score REAL NOT NULL,
    similarity REAL NOT NULL,
    exact INTEGER NOT NULL,
    variant INTEGER NOT NULL,
    substituted INTEGER NOT NULL,
    gaps INTEGER NOT NULL,
    ops TEXT NOT NULL,              -- JSON list of [kind, word in a, word in b]
    run_id INTEGER REFERENCES runs(id),
    CHECK (a_article < b_article),
    UNIQUE (a_article, a_start, a_end, b_article, b_start, b_end)
);
CREATE INDEX alignments_b ON alignments(b_article);
-- Provenance is recomputed as a whole from the alignments and replaced in one transaction.
CREATE TABLE clusters (
    id INTEGER PRIMARY KEY,
    size INTEGER NOT NULL,          -- member articles
    earliest TEXT NOT NULL,         -- JSON list of article ids (several when tied, none when undated)
    first_published TEXT,
    ordering TEXT NOT NULL,         -- how the earliest was decided, or why it could not be
    run_id INTEGER REFERENCES runs(id)
);
CREATE TABLE cluster_spans (
    cluster_id INTEGER NOT NULL REFERENCES clusters(id) ON DELETE CASCADE,
    article TEXT NOT NULL REFERENCES articles(id),
    start INTEGER NOT NULL,
    end INTEGER NOT NULL
);
CREATE INDEX cluster_spans_article ON cluster_spans(article);
CREATE INDEX cluster_spans_cluster ON cluster_spans(cluster_id);
CREATE TABLE copy_edges (
    cluster_id INTEGER NOT NULL REFERENCES clusters(id) ON DELETE CASCADE,
    child TEXT NOT NULL REFERENCES articles(id),
    parent TEXT REFERENCES articles(id),
    evidence TEXT NOT NULL
);
CREATE INDEX copy_edges_cluster ON copy_edges(cluster_id);
CREATE TABLE signals (
    article TEXT PRIMARY KEY REFERENCES articles(id),
    reused_share REAL NOT NULL,
    originality REAL NOT NULL,
    sources INTEGER NOT NULL,
    spin_rate REAL NOT NULL,
    stitched_score REAL NOT NULL,
    recycled_chars INTEGER NOT NULL,
    spin_hints INTEGER NOT NULL,
    details TEXT NOT NULL           -- JSON: the passages, swaps and hints behind the figures
);
CREATE TABLE quotes (
    id INTEGER PRIMARY KEY,
    article TEXT NOT NULL REFERENCES articles(id),
    start INTEGER NOT NULL,         -- the quoted text, without its marks
    end INTEGER NOT NULL,
    text TEXT NOT NULL,
    speaker TEXT,                   -- canonical name; NULL when unattributed
    speaker_as_written TEXT,
    speaker_start INTEGER,
    speaker_end INTEGER,
    how TEXT NOT NULL,              -- named | pronoun | unattributed
    cue TEXT,
    cue_start INTEGER,
    cue_end INTEGER,
    secondary_source TEXT,
    evidence TEXT NOT NULL,
    quote_id TEXT NOT NULL,         -- equal for the same quotation across articles
    variant TEXT NOT NULL,          -- exact | trimmed | extended | spun | reworded, against the group's first
    first_appearance INTEGER NOT NULL,  -- 1 in the article(s) where the quotation appears first
    conflicting INTEGER NOT NULL    -- 1 when the group is attributed to more than one speaker
);
CREATE INDEX quotes_article ON quotes(article);
CREATE INDEX quotes_quote_id ON quotes(quote_id);
"""

# Each entry upgrades a store from the version before it; open_store applies them in order.
_MIGRATIONS = {
    2: """
-- Full-text search over titles and texts (duplicates have no text of their own).
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text, content='articles', content_rowid='rowid',
    tokenize='porter unicode61 remove_diacritics 2');
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');
CREATE INDEX articles_source ON articles(source);
CREATE INDEX articles_duplicate_of ON articles(duplicate_of);
CREATE INDEX clusters_size ON clusters(size);
CREATE INDEX signals_reused ON signals(reused_share);
""",
    3: """
-- What a cluster is: reuse (a passage that travelled), recurring (one outlet repeating
-- itself) or formula (common phrasing), and the evidence for formula.
ALTER TABLE clusters ADD COLUMN kind TEXT NOT NULL DEFAULT 'reuse';
ALTER TABLE clusters ADD COLUMN phrase_df REAL;
CREATE INDEX clusters_kind_size ON clusters(kind, size);
""",
    4: """
-- Attributions without quotation marks (reported speech, stances, "according to"), found
-- by the parse; speaker fields as in quotes.
CREATE TABLE statements (
    id INTEGER PRIMARY KEY,
    article TEXT NOT NULL REFERENCES articles(id),
    start INTEGER NOT NULL,         -- what is attributed
    end INTEGER NOT NULL,
    text TEXT NOT NULL,
    speaker TEXT,                   -- canonical name; NULL when the parse finds no source
    speaker_as_written TEXT,
    speaker_start INTEGER,
    speaker_end INTEGER,
    how TEXT NOT NULL,              -- named | pronoun | unattributed
    cue TEXT,
    cue_start INTEGER,
    cue_end INTEGER,
    evidence TEXT NOT NULL
);
CREATE INDEX statements_article ON statements(article);
""",
    5: """
-- A quotation given to someone other than its first appearance names. Filled by the next
-- run's quote stage, which rewrites every quotation.
ALTER TABLE quotes ADD COLUMN reattributed INTEGER NOT NULL DEFAULT 0;
""",
}


PROVENANCE_COLUMNS = {
    "clusters": ("id", "size", "earliest", "first_published", "ordering", "run_id", "kind", "phrase_df"),
    "cluster_spans": ("cluster_id", "article", "start", "end"),
    "copy_edges": ("cluster_id", "child", "parent", "evidence"),
    "signals": ("article", "reused_share", "originality", "sources", "spin_rate", "stitched_score",
                "recycled_chars", "spin_hints", "details"),
}


def provenance_rows(clusters, signals: dict, hints: dict, run_id: int | None) -> dict[str, list[tuple]]:
    """The rows of the provenance tables (see PROVENANCE_COLUMNS) for clusters and signals."""
    rows: dict[str, list[tuple]] = {table: [] for table in PROVENANCE_COLUMNS}
    for c in clusters:
        rows["clusters"].append((c.id, len(c.articles), json.dumps(list(c.earliest)), c.first_published,
                                 c.ordering, run_id, c.kind, c.phrase_df))
        rows["cluster_spans"].extend((c.id, s.article, s.start, s.end) for s in c.spans)
        rows["copy_edges"].extend((c.id, e.child, e.parent, e.evidence) for e in c.edges)
    for article, sig in signals.items():
        details = {
            "sources": list(sig.sources),
            "copied_from": list(sig.copied_from),
            "reused_spans": [{"start": r[0].start, "end": r[0].end, "source": r[1], "copied_from": r[2]}
                             for r in sig.reused_spans],
            "swaps": [{"source_word": w.source_word, "copy_word": w.copy_word, "kind": w.kind,
                       "count": w.count} for w in sig.swaps],
            "recycled": [{"start": r[0].start, "end": r[0].end, "source": r[1], "first_published": r[2]}
                         for r in sig.recycled],
            "spin_hints": [{"start": h[0], "end": h[1], "text": h[2]} for h in hints.get(article, [])],
            "facts_differ": [{"kind": f.kind, "this": f.this, "source": f.source, "source_article": f.source_article,
                              "this_passage": [f.this_span.start, f.this_span.end], "this_nth": f.this_nth,
                              "source_passage": [f.source_span.start, f.source_span.end],
                              "source_nth": f.source_nth} for f in sig.facts_differ],
            "credits": [{"agency": c.agency, "start": c.start, "end": c.end} for c in sig.credits],
            "common_sources": list(sig.common_sources),
            "claims": [{"parent": c.parent, "words": c.words, "confidence": c.confidence, "evidence": c.evidence,
                        "own_outlet": c.own_outlet}
                       for c in sig.claims],
            "date_doubt": sig.date_doubt,
            "earliest": [{"source": e.source, "confidence": e.confidence, "evidence": e.evidence}
                         for e in sig.earliest],
        }
        rows["signals"].append((article, sig.reused_share, sig.originality, len(sig.sources), sig.spin_rate,
                                sig.stitched_score, sig.recycled_chars, len(hints.get(article, [])),
                                json.dumps(details, ensure_ascii=False)))
    return rows


def text_hash(text: str) -> str:
    """Hash of an article's repaired text with white space folded: equal for exact duplicates."""
    folded = " ".join(repair(text).text.split())
    return hashlib.sha1(folded.encode("utf-8")).hexdigest()


@dataclass(slots=True)
class IngestSummary:
    """What one ingest did."""

    added: int = 0
    duplicates: int = 0
    unchanged: int = 0
    skipped: int = 0
    skip_reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"added": self.added, "duplicates": self.duplicates,
                "unchanged": self.unchanged, "skipped": self.skipped}


def canonical_order(published: str | None, article_id: str) -> tuple:
    """Which of several exact copies is stored (the smallest): the earliest published, then the
    smallest id."""
    return (published is None, published or "", article_id)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _insert(table: str, columns, verb: str = "INSERT") -> str:
    """The statement that inserts one row of ``columns`` into ``table``."""
    return f"{verb} INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


PASSAGE_COLUMNS = ("a_article", "a_start", "a_end", "b_article", "b_start", "b_end", "score", "similarity",
                   "exact", "variant", "substituted", "gaps", "ops")


def passage_row(al: Alignment) -> tuple:
    """A passage as the store keeps it (PASSAGE_COLUMNS): the article with the smaller id
    first, the word alignment as JSON. Aligning workers send these rows, not Alignments:
    they cross between processes many times faster."""
    if al.a.article > al.b.article:
        al = al.swapped()
    return (al.a.article, al.a.start, al.a.end, al.b.article, al.b.start, al.b.end, al.score, al.similarity,
            al.exact, al.variant, al.substituted, al.gaps,
            json.dumps([[o.kind, o.a, o.b] for o in al.ops], ensure_ascii=False))


class Store:
    """A newstrace SQLite file. Open it with :func:`open_store`."""

    dialect = "sqlite"

    def __init__(self, conn: sqlite3.Connection, path: str):
        self.conn = conn
        self.path = path

    @property
    def location(self) -> str:
        """Where the store is, as it may be shown (a server's password left out)."""
        from .postgres import redacted

        return redacted(self.path)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # runs -----------------------------------------------------------------
    def start_run(self, command: str, settings: dict) -> int:
        with self.conn:
            cur = self.conn.execute(
                "INSERT INTO runs (command, started, settings) VALUES (?, ?, ?)",
                (command, _now(), json.dumps(settings, sort_keys=True)))
        return cur.lastrowid

    def finish_run(self, run_id: int, summary: dict) -> None:
        with self.conn:
            self.conn.execute("UPDATE runs SET finished = ?, summary = ? WHERE id = ?",
                              (_now(), json.dumps(summary, sort_keys=True), run_id))

    # articles -------------------------------------------------------------
    def add_batch(self, items: Iterable[Article | Skip], run_id: int | None,
                  summary: IngestSummary) -> None:
        """Store one batch of articles and skips in a single transaction, which holds the
        store's write lock from its first read: an id checked is an id this batch inserts,
        whatever another process ingests at once."""
        with self.conn:
            self._begin_writing()
            for item in items:
                if isinstance(item, Skip):
                    self._add_skip(item, run_id, summary)
                else:
                    self._add_article(item, run_id, summary)

    def _begin_writing(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def _add_skip(self, skip: Skip, run_id: int | None, summary: IngestSummary) -> None:
        # A skip without a line (a whole file) is recorded once too: UNIQUE holds NULLs apart.
        if skip.line is not None or not self.conn.execute(
                "SELECT 1 FROM skips WHERE file = ? AND line IS NULL AND reason = ?", (skip.file, skip.reason)).fetchone():
            self.conn.execute("INSERT OR IGNORE INTO skips (run_id, file, line, reason) VALUES (?, ?, ?, ?)",
                              (run_id, skip.file, skip.line, skip.reason))
        summary.skipped += 1
        summary.skip_reasons.append(f"{skip.file}{':' + str(skip.line) if skip.line else ''}: {skip.reason}")

    def _add_article(self, article: Article, run_id: int | None, summary: IngestSummary) -> None:
        digest = text_hash(article.text)
        row = self.conn.execute("SELECT text_hash, origin_file, origin_line FROM articles WHERE id = ?",
                                (article.id,)).fetchone()
        origin = article.origin or Origin("")
        if row is not None:
            if row[0] == digest:
                summary.unchanged += 1
                return
            where = f"{row[1]}:{row[2]}" if row[2] else row[1]
            self._add_skip(Skip(origin.file, origin.line,
                                f"id {article.id!r} was already ingested from {where} with another "
                                "text; give this article another id"), run_id, summary)
            return
        first = self.conn.execute(
            "SELECT id, published FROM articles WHERE text_hash = ? AND duplicate_of IS NULL",
            (digest,)).fetchone()
        canonical = None
        if first is not None:
            canonical = first[0]
            if canonical_order(article.published, article.id) < canonical_order(first[1], first[0]):
                canonical = None  # the newcomer takes over; see _demote below
        self.conn.execute(
            "INSERT INTO articles (id, url, source, title, published, language, text, text_hash,"
            " duplicate_of, origin_file, origin_line, run_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (article.id, article.url, article.source, article.title, article.published,
             article.language, None if canonical else article.text, digest, canonical,
             origin.file, origin.line, run_id))
        if first is not None and canonical is None:
            self._demote(first[0], article.id)
        if first is not None:
            summary.duplicates += 1
        else:
            summary.added += 1

    def _demote(self, old: str, new: str) -> None:
        """Make ``new`` the stored copy of a text ``old`` held, so the choice of the
        stored copy (earliest published, then smallest id) does not depend on ingest order.
        ``old``'s results are dropped; the next detection run recomputes them for ``new``."""
        self.conn.execute("UPDATE articles SET duplicate_of = ? WHERE duplicate_of = ?", (new, old))
        self.conn.execute("UPDATE articles SET text = NULL, duplicate_of = ? WHERE id = ?", (new, old))
        for table, columns in (("alignments", ("a_article", "b_article")),
                               ("compared_pairs", ("a_article", "b_article")),
                               ("shingles", ("article",))):
            where = " OR ".join(f"{c} = ?" for c in columns)
            self.conn.execute(f"DELETE FROM {table} WHERE {where}", (old,) * len(columns))

    def _article(self, row) -> Article:
        return Article(id=row[0], url=row[1], source=row[2], title=row[3], published=row[4],
                       language=row[5], text=row[6], origin=Origin(row[7], row[8]))

    _ARTICLE_COLUMNS = ("a.id, a.url, a.source, a.title, a.published, a.language,"
                        " coalesce(a.text, d.text), a.origin_file, a.origin_line")

    def article(self, article_id: str) -> Article | None:
        row = self.conn.execute(
            f"SELECT {self._ARTICLE_COLUMNS} FROM articles a LEFT JOIN articles d"
            " ON d.id = a.duplicate_of WHERE a.id = ?", (article_id,)).fetchone()
        return self._article(row) if row else None

    def articles(self, distinct_only: bool = False) -> Iterator[Article]:
        """All articles ordered by id; with ``distinct_only``, exact duplicates are left out."""
        where = "WHERE a.duplicate_of IS NULL" if distinct_only else ""
        for row in self.conn.execute(
                f"SELECT {self._ARTICLE_COLUMNS} FROM articles a LEFT JOIN articles d"
                f" ON d.id = a.duplicate_of {where} ORDER BY a.id"):
            yield self._article(row)

    def publication_dates(self) -> dict[str, str | None]:
        """The publication date (or None) of every distinct article (exact duplicates left
        out), by id: what the candidate stage orders by, without the texts."""
        return dict(self.conn.execute("SELECT id, published FROM articles WHERE duplicate_of IS NULL ORDER BY id"))

    def duplicates_of(self, article_id: str) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT id FROM articles WHERE duplicate_of = ? ORDER BY id", (article_id,))]

    def duplicate_of(self, article_id: str) -> str | None:
        row = self.conn.execute("SELECT duplicate_of FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    def count(self, table: str) -> int:
        if not re.fullmatch(r"[a-z_]+", table):
            raise ValueError(table)
        return self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def skips(self) -> list[Skip]:
        return [Skip(*r) for r in self.conn.execute("SELECT file, line, reason FROM skips ORDER BY id")]

    # candidate index -----------------------------------------------------
    def shingled(self, config: str) -> set[str]:
        """The articles whose shingles made with ``config`` are stored."""
        return {r[0] for r in self.conn.execute("SELECT article FROM shingles WHERE config = ?", (config,))}

    def shingle_count(self, config: str) -> int:
        """How many shingles (hashes) the distinct articles hold in all, made with ``config``."""
        return self.conn.execute("SELECT coalesce(sum(length(hashes)), 0) / 8 FROM shingles WHERE config = ?",
                                 (config,)).fetchone()[0]

    def stream_shingles(self, config: str, batch: int = 1000) -> Iterator[tuple[str, np.ndarray, np.ndarray]]:
        """(article, hashes, positions) of every article with shingles made with ``config``,
        in id order, read ``batch`` articles at a time: memory holds one batch."""
        after = ""
        while True:
            rows = self.conn.execute("SELECT article, hashes, positions FROM shingles WHERE config = ? AND article > ?"
                                     " ORDER BY article LIMIT ?", (config, after, batch)).fetchall()
            for a, h, p in rows:
                yield a, np.frombuffer(h, dtype="<u8"), np.frombuffer(p, dtype="<u4")
            if len(rows) < batch:
                return
            after = rows[-1][0]

    def add_shingles(self, items: Iterable[tuple[str, tuple[np.ndarray, np.ndarray]]], config: str) -> None:
        with self.conn:
            self.conn.executemany(
                "INSERT OR REPLACE INTO shingles (article, config, hashes, positions) VALUES (?, ?, ?, ?)",
                [(a, config, h.astype("<u8").tobytes(), p.astype("<u4").tobytes()) for a, (h, p) in items])

    # alignments -----------------------------------------------------------
    def compared(self) -> set[tuple[str, str]]:
        return set(self.conn.execute("SELECT a_article, b_article FROM compared_pairs"))

    def add_alignments(self, pairs: Iterable[tuple[str, str]], rows: Iterable[tuple], run_id: int | None) -> None:
        """Record compared pairs and the passages found in them (rows made by
        :func:`passage_row`), in one transaction."""
        with self.conn:
            self.conn.executemany(
                "INSERT OR IGNORE INTO compared_pairs (a_article, b_article, run_id) VALUES (?, ?, ?)",
                [(min(a, b), max(a, b), run_id) for a, b in pairs])
            self.conn.executemany(_insert("alignments", (*PASSAGE_COLUMNS, "run_id"), "INSERT OR IGNORE"),
                                  [(*r, run_id) for r in rows])

    # provenance -------------------------------------------------------------
    def replace_provenance(self, clusters, signals: dict, hints: dict, run_id: int | None) -> None:
        """Replace all clusters, copy edges and signals in one transaction."""
        self.replace_provenance_rows(provenance_rows(clusters, signals, hints, run_id))

    def replace_provenance_rows(self, rows: dict[str, list[tuple]]) -> None:
        """Replace the provenance tables with ``rows`` (table -> rows in PROVENANCE_COLUMNS
        order), in one transaction: what :func:`provenance_rows` makes, or another engine wrote."""
        with self.conn:
            for table in ("copy_edges", "cluster_spans", "clusters", "signals"):
                self.conn.execute(f"DELETE FROM {table}")
            for table in ("clusters", "cluster_spans", "copy_edges", "signals"):
                self.conn.executemany(_insert(table, PROVENANCE_COLUMNS[table]), rows.get(table, []))

    _QUOTE_COLUMNS = ("article", "start", "end", "text", "speaker", "speaker_as_written", "speaker_start",
                      "speaker_end", "how", "cue", "cue_start", "cue_end", "secondary_source", "evidence",
                      "quote_id", "variant", "first_appearance", "reattributed", "conflicting")

    def replace_quotes(self, rows: list[tuple]) -> None:
        """Replace all quotations (rows in the order of _QUOTE_COLUMNS) in one transaction."""
        self._replace("quotes", self._QUOTE_COLUMNS, rows)

    STATEMENT_COLUMNS = ("article", "start", "end", "text", "speaker", "speaker_as_written", "speaker_start",
                         "speaker_end", "how", "cue", "cue_start", "cue_end", "evidence")

    def replace_statements(self, rows: list[tuple]) -> None:
        """Replace all statements (rows in the order of STATEMENT_COLUMNS) in one transaction."""
        self._replace("statements", self.STATEMENT_COLUMNS, rows)

    def _replace(self, table: str, columns, rows: list[tuple]) -> None:
        with self.conn:
            self.conn.execute(f"DELETE FROM {table}")
            self.conn.executemany(_insert(table, columns), rows)

    def statements(self, article_id: str) -> list[dict]:
        """One article's attributions without quotation marks, in text order."""
        rows = self.conn.execute(f"SELECT {', '.join(self.STATEMENT_COLUMNS)} FROM statements WHERE article = ?"
                                 " ORDER BY start, end", (article_id,))
        return [dict(zip(self.STATEMENT_COLUMNS, r)) for r in rows]

    def quotes(self, article_id: str | None = None) -> list[dict]:
        sql = f"SELECT {', '.join(self._QUOTE_COLUMNS)} FROM quotes"
        args: tuple = ()
        if article_id is not None:
            sql += " WHERE article = ?"
            args = (article_id,)
        rows = self.conn.execute(sql + " ORDER BY article, start", args).fetchall()
        out = []
        for r in rows:
            q = dict(zip(self._QUOTE_COLUMNS, r))
            for flag in ("first_appearance", "reattributed", "conflicting"):
                q[flag] = bool(q[flag])
            out.append(q)
        return out

    def signals(self, article_id: str) -> dict | None:
        row = self.conn.execute(
            "SELECT reused_share, originality, sources, spin_rate, stitched_score, recycled_chars,"
            " spin_hints, details FROM signals WHERE article = ?", (article_id,)).fetchone()
        if row is None:
            return None
        keys = ("reused_share", "originality", "source_count", "spin_rate", "stitched_score",
                "recycled_chars", "spin_hint_count")
        return {**dict(zip(keys, row[:7])), **json.loads(row[7])}

    def clusters(self, article_id: str | None = None, limit: int | None = None) -> list[dict]:
        """Clusters, largest first (or those holding ``article_id``), with spans and copy edges."""
        sql = "SELECT id, size, earliest, first_published, ordering, kind, phrase_df FROM clusters"
        args: list = []
        if article_id is not None:
            sql += " WHERE id IN (SELECT cluster_id FROM cluster_spans WHERE article = ?)"
            args.append(article_id)
        sql += " ORDER BY size DESC, id"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        out = []
        for cid, size, earliest, first, ordering, kind, phrase_df in self.conn.execute(sql, args).fetchall():
            spans = self.conn.execute(
                "SELECT s.article, s.start, s.end, a.source, a.published FROM cluster_spans s"
                " JOIN articles a ON a.id = s.article WHERE cluster_id = ?"
                " ORDER BY a.published IS NOT NULL, a.published, s.article",  # undated first, in both stores
                (cid,)).fetchall()
            edges = self.conn.execute(
                "SELECT child, parent, evidence FROM copy_edges WHERE cluster_id = ? ORDER BY child",
                (cid,)).fetchall()
            out.append({
                "id": cid, "size": size, "earliest": json.loads(earliest), "first_published": first,
                "ordering": ordering, "kind": kind, "phrase_df": phrase_df,
                "spans": [{"article": a, "start": s, "end": e, "source": src, "published": pub}
                          for a, s, e, src, pub in spans],
                "edges": [{"child": c, "parent": p, "evidence": ev} for c, p, ev in edges],
            })
        return out

    def alignments(self, article_id: str | None = None, words: bool = True,
                   other: str | None = None) -> list[Alignment]:
        """Stored passages, all or those of one article (that article on side ``a``), or of
        one pair (with ``other``). Without ``words`` the word alignment is left in the store
        (``ops`` is empty): the whole collection's words take gigabytes."""
        sql = ("SELECT a_article, a_start, a_end, b_article, b_start, b_end, score, similarity,"
               f" exact, variant, substituted, gaps, {'ops' if words else 'NULL'} FROM alignments")
        args: tuple = ()
        if article_id is not None and other is not None:
            sql += " WHERE a_article = ? AND b_article = ?"
            args = (min(article_id, other), max(article_id, other))
        elif article_id is not None:
            sql += " WHERE a_article = ? OR b_article = ?"
            args = (article_id, article_id)
        out = []
        for r in self.conn.execute(sql + " ORDER BY a_article, a_start, b_article, b_start", args):
            ops = tuple(WordOp(*o) for o in json.loads(r[12])) if words else ()
            al = Alignment(Span(r[0], r[1], r[2]), Span(r[3], r[4], r[5]), r[6], r[7], r[8], r[9],
                           r[10], r[11], ops)
            if article_id is not None and al.a.article != article_id:
                al = al.swapped()
            out.append(al)
        return out

    def alignment_words(self, a: Span, b: Span) -> tuple[WordOp, ...] | None:
        """The stored word alignment of the passage between ``a`` and ``b`` (``a``'s article
        sorting first, as stored), or None."""
        row = self.conn.execute(
            "SELECT ops FROM alignments WHERE a_article = ? AND a_start = ? AND a_end = ?"
            " AND b_article = ? AND b_start = ? AND b_end = ?",
            (a.article, a.start, a.end, b.article, b.start, b.end)).fetchone()
        return tuple(WordOp(*o) for o in json.loads(row[0])) if row else None


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
            _run_script(conn, _SCHEMA)
            conn.execute("INSERT INTO meta VALUES ('schema_version', '1')")
        version = int(conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0])
        while version < SCHEMA_VERSION and version + 1 in _MIGRATIONS:
            version += 1
            _run_script(conn, _MIGRATIONS[version])
            conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    finally:
        conn.isolation_level = ""  # back to sqlite3's transactions for ``with conn:``
    return version


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    """Run a script's statements one by one inside the transaction begun (executescript
    would commit it first)."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            conn.execute(statement)
            statement = ""
    conn.execute(statement)  # what follows the last statement: comments or nothing


def is_server(location) -> bool:
    """Whether a store location names a PostgreSQL database rather than a SQLite file."""
    return str(location).startswith(("postgresql://", "postgres://"))


def state_mark(location) -> tuple:
    """What changes whenever a writer commits to the store at ``location``: a file's and its
    WAL's times and sizes, read without opening the store; a server's write-ahead log
    position."""
    if is_server(location):
        with open_store(location, read_only=True) as store:
            return (store.wal_position(),)
    marks = []
    for suffix in ("", "-wal"):
        try:
            st = os.stat(str(location) + suffix)
            marks.append((st.st_mtime_ns, st.st_size))
        except FileNotFoundError:
            marks.append(None)
    return tuple(marks)


def column_types(table: str) -> dict[str, str]:
    """The declared SQLite type of each column of a store table (current schema version)."""
    with open_store(":memory:") as store:
        return {name: kind for _, name, kind, *_ in store.conn.execute(f"PRAGMA table_info({table})")}


def open_store(path: str | Path, create: bool = True, read_only: bool = False) -> Store:
    """Open (or create) a store file, check its schema version and upgrade an older one.

    ``read_only`` opens an existing store for reading only (the web server does): it
    neither creates nor upgrades anything. A ``postgresql://`` URL opens the store in that
    PostgreSQL database instead (see :mod:`newstrace.store.postgres`).

    >>> import tempfile, os
    >>> s = open_store(os.path.join(tempfile.mkdtemp(), "t.db")); s.count("articles")
    0
    """
    path = str(path)
    if is_server(path):
        from .postgres import open_postgres

        return open_postgres(path, create, read_only)
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
    return Store(conn, path)
