"""The store's tables and every statement that reads or writes them, for both databases.

:class:`Store` holds the SQL both SQLite and PostgreSQL run alike (``?`` placeholders,
which the PostgreSQL connection passes as its own); what differs — opening, locking,
full-text search — is in :mod:`.sqlite` and :mod:`.postgres`. Rows are made from records
and read back by column name, from the one schema (:mod:`.schema`). The queries behind
the web pages are in :class:`~newstrace.store.browsing.Browsing`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone

import numpy as np

from ..dates import canonical_order
from ..model import (Alignment, Article, IngestSummary, Origin, QuoteGroup, ReuseCluster, Signals, Skip, Span,
                     Statement, Story, WordOp)
from ..normalize import text_hash
from .browsing import Browsing
from .schema import columns, quoted

PROVENANCE_TABLES = ("clusters", "cluster_spans", "copy_edges", "signals")
STORY_TABLES = ("stories", "story_members", "story_terms", "story_words", "story_profiles")
# A passage as the store keeps it (see passage_row).
PASSAGE_COLUMNS = columns("alignments", keys=False)
_QUOTE_FIELDS = ("article", "start", "end", "text", "speaker", "speaker_as_written", "speaker_start", "speaker_end",
                 "how", "cue", "cue_start", "cue_end", "secondary_source", "evidence", "kind", "speaker_org")


def provenance_rows(clusters: list[ReuseCluster], signals: dict[str, Signals], hints: dict,
                    run_id: int | None) -> dict[str, list[dict]]:
    """The rows of the provenance tables (PROVENANCE_TABLES), by column name, for clusters
    and signals: what :meth:`Store.replace_provenance_rows` writes."""
    rows: dict[str, list[dict]] = {table: [] for table in PROVENANCE_TABLES}
    for c in clusters:
        rows["clusters"].append({"id": c.id, "size": len(c.articles), "earliest": json.dumps(list(c.earliest)),
                                 "first_published": c.first_published, "ordering": c.ordering, "run_id": run_id,
                                 "kind": c.kind, "phrase_df": c.phrase_df})
        rows["cluster_spans"].extend({"cluster_id": c.id, "article": s.article, "start": s.start, "end": s.end}
                                     for s in c.spans)
        rows["copy_edges"].extend({"cluster_id": c.id, "child": e.child, "parent": e.parent, "evidence": e.evidence}
                                  for e in c.edges)
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
        rows["signals"].append({"article": article, "reused_share": sig.reused_share,
                                "originality": sig.originality, "sources": len(sig.sources),
                                "spin_rate": sig.spin_rate, "stitched_score": sig.stitched_score,
                                "recycled_chars": sig.recycled_chars, "spin_hints": len(hints.get(article, [])),
                                "details": json.dumps(details, ensure_ascii=False)})
    return rows


def story_rows(stories: list[Story], terms: dict[str, list[str]], words: dict[str, int],
               profiles: dict[str, bytes], run_id: int | None) -> dict[str, list[dict]]:
    """The rows of the story tables (STORY_TABLES), by column name: what
    :meth:`Store.replace_story_rows` writes."""
    return {"stories": [{"id": s.id, "label": s.label, "size": len(s.articles), "first": json.dumps(list(s.first)),
                         "first_published": s.start, "last_published": s.end, "run_id": run_id} for s in stories],
            "story_members": [{"article": a, "story": s.id, "hood": s.hood} for s in stories for a in s.articles],
            "story_terms": [{"term": t, "article": a} for a, ts in sorted(terms.items()) for t in ts],
            "story_words": [{"key": k, "df": df} for k, df in sorted(words.items())],
            "story_profiles": [{"article": a, "profile": p} for a, p in sorted(profiles.items())]}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _insert(table: str, names, conflict: str = "") -> str:
    """The statement that inserts one row of the columns ``names`` into ``table``; with
    ``conflict``, what to do with a row whose key is already stored."""
    return (f"INSERT INTO {table} ({', '.join(map(quoted, names))}) VALUES ({', '.join('?' * len(names))})"
            + (f" ON CONFLICT {conflict}" if conflict else ""))


def _values(rows: Iterable[dict], names) -> list[tuple]:
    return [tuple(row.get(n) for n in names) for row in rows]


def passage_row(al: Alignment) -> tuple:
    """A passage as the store keeps it (PASSAGE_COLUMNS): the article with the smaller id
    first, the word alignment as JSON. Aligning workers send these rows, not Alignments:
    they cross between processes many times faster."""
    if al.a.article > al.b.article:
        al = al.swapped()
    return (al.a.article, al.a.start, al.a.end, al.b.article, al.b.start, al.b.end, al.score, al.similarity,
            al.exact, al.variant, al.substituted, al.gaps,
            json.dumps([[o.kind, o.a, o.b] for o in al.ops], ensure_ascii=False))


class Store(Browsing):
    """A newstrace store: open it with :func:`newstrace.store.open_store`. ``conn`` answers
    ``execute``/``executemany`` with ``?`` placeholders, and ``with conn:`` is one transaction."""

    dialect = ""

    def __init__(self, conn, path: str, location: str):
        self.conn = conn
        self.path = path
        self.location = location  # where the store is, as it may be shown (no password)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # runs -----------------------------------------------------------------
    def start_run(self, command: str, settings: dict) -> int:
        with self.conn:
            return self.conn.execute("INSERT INTO runs (command, started, settings) VALUES (?, ?, ?) RETURNING id",
                                     (command, _now(), json.dumps(settings, sort_keys=True))).fetchone()[0]

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
        """Take the store's write lock at the start of a transaction (each database its way)."""
        raise NotImplementedError

    def _add_skip(self, skip: Skip, run_id: int | None, summary: IngestSummary) -> None:
        # A skip without a line (a whole file) is recorded once too: UNIQUE holds NULLs apart.
        if skip.line is not None or not self.conn.execute(
                "SELECT 1 FROM skips WHERE file = ? AND line IS NULL AND reason = ?", (skip.file, skip.reason)).fetchone():
            self.conn.execute(_insert("skips", ("run_id", "file", "line", "reason"), "DO NOTHING"),
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
        self.conn.execute(_insert("articles", columns("articles")), (
            article.id, article.url, article.source, article.title, article.published, article.language,
            None if canonical else article.text, digest, canonical, origin.file, origin.line, run_id))
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
        for table, sides in (("alignments", ("a_article", "b_article")),
                             ("compared_pairs", ("a_article", "b_article")),
                             ("shingles", ("article",))):
            where = " OR ".join(f"{c} = ?" for c in sides)
            self.conn.execute(f"DELETE FROM {table} WHERE {where}", (old,) * len(sides))

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

    def texts(self, ids: Iterable[str]) -> dict[str, str]:
        """The texts of the articles asked for that the store holds, by id."""
        return {i: a.text for i in sorted(ids) if (a := self.article(i)) is not None}

    def articles(self, distinct_only: bool = False) -> Iterator[Article]:
        """All articles ordered by id; with ``distinct_only``, exact duplicates are left out."""
        where = "WHERE a.duplicate_of IS NULL" if distinct_only else ""
        for row in self.conn.execute(
                f"SELECT {self._ARTICLE_COLUMNS} FROM articles a LEFT JOIN articles d"
                f" ON d.id = a.duplicate_of {where} ORDER BY a.id"):
            yield self._article(row)

    def quote_engine(self) -> str | None:
        """What found the stored quotations (the rules, or the parse), if a finished run found
        them after the store's last new articles; None when they are to be found (again)."""
        engine = None
        for (summary,) in self.conn.execute("SELECT summary FROM runs WHERE finished IS NOT NULL ORDER BY id"):
            told = json.loads(summary or "{}")
            if told.get("added") or told.get("duplicates"):
                engine = None
            if "quote_engine" in told:
                engine = told["quote_engine"]
        return engine

    def close_ids(self, wanted: str, limit: int = 3) -> list[str]:
        """Ids of stored articles a person may have meant by ``wanted``: the id with a file
        name's ending (``.txt``) or without it, ids holding it, then ids a few letters off."""
        import difflib

        ids = self.article_ids()
        stem = wanted.rsplit(".", 1)[0] if "." in wanted else wanted
        found = [i for i in ids if i != wanted and (i.rsplit(".", 1)[0] == stem or wanted in i)]
        found += difflib.get_close_matches(wanted, ids, n=limit, cutoff=0.75)
        return list(dict.fromkeys(found))[:limit]

    def article_ids(self) -> list[str]:
        """Every article's id, in order."""
        return [r[0] for r in self.conn.execute("SELECT id FROM articles ORDER BY id")]

    def publication_dates(self) -> dict[str, str | None]:
        """The publication date (or None) of every distinct article (exact duplicates left
        out), by id: what the candidate stage orders by, without the texts."""
        return dict(self.conn.execute("SELECT id, published FROM articles WHERE duplicate_of IS NULL ORDER BY id"))

    def catalogue(self) -> list[tuple[str, str | None, str | None, str | None]]:
        """Every article's (id, publication date, outlet, the article it duplicates or None),
        in order of id, without the texts."""
        return list(self.conn.execute("SELECT id, published, source, duplicate_of FROM articles ORDER BY id"))

    def duplicates_of(self, article_id: str) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT id FROM articles WHERE duplicate_of = ? ORDER BY id", (article_id,))]

    def duplicate_map(self) -> dict[str, tuple[str, str | None]]:
        """Every exact duplicate, with the article it duplicates and its own publication date."""
        return {i: (of, published) for i, of, published in self.conn.execute(
            "SELECT id, duplicate_of, published FROM articles WHERE duplicate_of IS NOT NULL")}

    def titles(self) -> dict[str, str]:
        """Every distinct article's title."""
        return dict(self.conn.execute("SELECT id, title FROM articles WHERE duplicate_of IS NULL"))

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

    def add_shingles(self, items: Iterable[tuple[str, tuple[np.ndarray, np.ndarray], bytes | None]],
                     config: str) -> None:
        """Store articles' shingles (hashes, positions) and their words' packed columns."""
        with self.conn:
            self.conn.executemany(
                _insert("shingles", ("article", "config", "hashes", "positions", "tokens"),
                        "(article, config) DO UPDATE SET hashes = excluded.hashes, positions = excluded.positions,"
                        " tokens = excluded.tokens"),
                [(a, config, h.astype("<u8").tobytes(), p.astype("<u4").tobytes(), tokens)
                 for a, (h, p), tokens in items])

    def text_and_tokens(self, article_id: str, config: str) -> tuple[str, bytes | None] | None:
        """An article's text and its words' packed columns stored with its shingles made with
        ``config`` (None when not stored); None for an article not in the store."""
        row = self.conn.execute(
            "SELECT coalesce(a.text, d.text), s.tokens FROM articles a LEFT JOIN articles d ON d.id = a.duplicate_of"
            " LEFT JOIN shingles s ON s.article = a.id AND s.config = ? WHERE a.id = ?", (config, article_id)).fetchone()
        return (row[0], None if row[1] is None else bytes(row[1])) if row else None

    # alignments -----------------------------------------------------------
    def compared(self) -> set[tuple[str, str]]:
        return set(self.conn.execute("SELECT a_article, b_article FROM compared_pairs"))

    def add_alignments(self, pairs: Iterable[tuple[str, str]], rows: Iterable[tuple], run_id: int | None) -> None:
        """Record compared pairs and the passages found in them (rows made by
        :func:`passage_row`), in one transaction."""
        with self.conn:
            self.conn.executemany(
                _insert("compared_pairs", ("a_article", "b_article", "run_id"), "DO NOTHING"),
                [(min(a, b), max(a, b), run_id) for a, b in pairs])
            self.conn.executemany(_insert("alignments", (*PASSAGE_COLUMNS, "run_id"), "DO NOTHING"),
                                  [(*r, run_id) for r in rows])

    # provenance -------------------------------------------------------------
    def replace_provenance(self, clusters: list[ReuseCluster], signals: dict[str, Signals], hints: dict,
                           run_id: int | None) -> None:
        """Replace all clusters, copy edges and signals in one transaction."""
        self.replace_provenance_rows(provenance_rows(clusters, signals, hints, run_id))

    def replace_provenance_rows(self, rows: dict[str, list[dict]]) -> None:
        """Replace the provenance tables with ``rows`` (table -> rows by column name), in one
        transaction: what :func:`provenance_rows` makes, or another engine wrote."""
        with self.conn:
            for table in reversed(PROVENANCE_TABLES):
                self.conn.execute(f"DELETE FROM {table}")
            for table in PROVENANCE_TABLES:
                names = columns(table)
                self.conn.executemany(_insert(table, names), _values(rows.get(table, []), names))

    # quotations ----------------------------------------------------------------
    def replace_quotes(self, groups: Iterable[QuoteGroup], statements: Iterable[Statement]) -> None:
        """Replace all quotations (each group's members, with what the group tells of each)
        and statements, in one transaction."""
        rows = []
        for group in groups:
            for q, first, variant, reattributed in zip(group.members, group.first_appearance, group.variants,
                                                        group.reattributed):
                rows.append({**{f: getattr(q, f) for f in _QUOTE_FIELDS}, "quote_id": group.quote_id,
                             "variant": variant, "first_appearance": None if first is None else int(first),
                             "reattributed": int(reattributed), "conflicting": int(group.conflicting)})
        rows.sort(key=lambda r: (r["article"], r["start"]))
        said = [{n: getattr(s, n) for n in columns("statements", keys=False)} for s in statements]
        with self.conn:
            for table, found in (("quotes", rows), ("statements", said)):
                names = columns(table, keys=False)
                self.conn.execute(f"DELETE FROM {table}")
                self.conn.executemany(_insert(table, names), _values(found, names))

    # stories ------------------------------------------------------------------
    def story_hoods(self) -> dict[str, str]:
        """Every grouped article that is no exact duplicate, with its neighbourhood."""
        return dict(self.conn.execute("SELECT m.article, m.hood FROM story_members m JOIN articles a ON a.id = m.article"
                                      " WHERE a.duplicate_of IS NULL"))

    def displaced_from_stories(self) -> dict[str, str]:
        """The articles grouped as distinct that have since become exact duplicates (a copy
        printed earlier arrived and took their place), with their neighbourhoods."""
        return dict(self.conn.execute(
            "SELECT m.article, m.hood FROM story_members m JOIN articles a ON a.id = m.article"
            " JOIN story_profiles p ON p.article = m.article WHERE a.duplicate_of IS NOT NULL"))

    def story_grouping(self) -> tuple[int, int]:
        """How many articles the story weights count, and how many they counted at the last
        grouping of the whole store."""
        found = dict(self.conn.execute("SELECT key, value FROM meta WHERE key IN ('stories_n', 'stories_weighed_at')"))
        return int(found.get("stories_n", 0)), int(found.get("stories_weighed_at", 0))

    def story_word_counts(self, keys: Iterable[str]) -> dict[str, int]:
        """How many grouped articles hold each of ``keys`` (those none holds left out)."""
        return dict(self.rows_in("SELECT key, df FROM story_words WHERE key IN ({marks})", keys))

    def lookup_terms(self, articles: Iterable[str]) -> dict[str, list[str]]:
        """Some grouped articles' lookup terms."""
        found: dict[str, list[str]] = {}
        for term, article in self.rows_in("SELECT term, article FROM story_terms WHERE article IN ({marks})", articles):
            found.setdefault(article, []).append(term)
        return found

    def articles_by_terms(self, terms: Iterable[str]) -> dict[str, list[str]]:
        """The grouped articles each of ``terms`` is a lookup term of."""
        found: dict[str, list[str]] = {}
        for term, article in self.rows_in("SELECT term, article FROM story_terms WHERE term IN ({marks})", terms):
            found.setdefault(term, []).append(article)
        return found

    def hood_members(self, hoods: Iterable[str]) -> list[str]:
        """The articles (no exact duplicates) of some neighbourhoods."""
        return sorted(r[0] for r in self.rows_in(
            "SELECT m.article FROM story_members m JOIN articles a ON a.id = m.article"
            " WHERE a.duplicate_of IS NULL AND m.hood IN ({marks})", hoods))

    def write_stories(self, stories: list[Story], terms: dict[str, list[str]], words: dict[str, int],
                      profiles: dict[str, bytes], n: int, whole: bool, run_id: int | None,
                      displaced: Iterable[str] = ()) -> None:
        """Store stories made anew, in one transaction: with ``whole``, every story (and every
        article's lookup terms and the word counts) replaced; else the stories of the
        neighbourhoods they were made from replaced, the new articles' ``terms`` and the word
        counts ``words`` of the new articles added (less those of the ``displaced``: articles
        that became exact duplicates, whose terms and profiles go); the packed ``profiles``
        made. ``n``: the articles the counts count."""
        self.replace_story_rows(story_rows(stories, terms, words, profiles, run_id), n, whole, displaced)

    def replace_story_rows(self, rows: dict[str, list[dict]], n: int, whole: bool = True,
                           displaced: Iterable[str] = ()) -> None:
        """Write the rows :func:`story_rows` makes (or another engine wrote): see write_stories."""
        members = [r["article"] for r in rows["story_members"]]
        upsert = _insert("meta", ("key", "value"), "(key) DO UPDATE SET value = excluded.value")
        with self.conn:
            self._begin_writing()
            if whole:
                for table in STORY_TABLES:
                    self.conn.execute(f"DELETE FROM {table}")
                self.conn.execute(upsert, ("stories_weighed_at", str(n)))
            else:
                for k in range(0, len(members), 500):
                    part = members[k:k + 500]
                    marks = ", ".join("?" * len(part))
                    self.conn.execute("DELETE FROM stories WHERE id IN (SELECT story FROM story_members"
                                      f" WHERE article IN ({marks}))", part)
                    self.conn.execute(f"DELETE FROM story_members WHERE article IN ({marks})", part)
                gone = sorted(displaced)
                for k in range(0, len(gone), 500):
                    marks = ", ".join("?" * len(gone[k:k + 500]))
                    for table in ("story_terms", "story_profiles"):
                        self.conn.execute(f"DELETE FROM {table} WHERE article IN ({marks})", gone[k:k + 500])
            self.conn.execute(upsert, ("stories_n", str(n)))
            for table in STORY_TABLES:
                names = columns(table)
                conflict = {"story_terms": "DO NOTHING",
                            "story_words": "(key) DO UPDATE SET df = story_words.df + excluded.df",
                            "story_profiles": "(article) DO UPDATE SET profile = excluded.profile"}.get(table, "")
                self.conn.executemany(_insert(table, names, conflict), _values(rows.get(table, []), names))

    def story_profiles(self, articles: Iterable[str]) -> dict[str, bytes]:
        """The stored profiles of some articles (packed), those stored."""
        return {a: bytes(p) for a, p in self.rows_in(
            "SELECT article, profile FROM story_profiles WHERE article IN ({marks})", articles)}

    def reuse_clusters(self, touching: Iterable[str] | None = None
                       ) -> Iterator[tuple[list[str], list[tuple[str, str]]]]:
        """Each reuse cluster's articles and copy edges (child, parent); with ``touching``, only
        the clusters holding one of those articles."""
        if touching is None:
            wanted = "SELECT id FROM clusters WHERE kind = 'reuse'"
            ids = [r[0] for r in self.conn.execute(wanted)]
        else:
            ids = [r[0] for r in self.rows_in(
                "SELECT DISTINCT s.cluster_id FROM cluster_spans s JOIN clusters c ON c.id = s.cluster_id"
                " WHERE c.kind = 'reuse' AND s.article IN ({marks})", touching)]
        members: dict[int, set[str]] = {}
        for cluster, article in self.rows_in("SELECT cluster_id, article FROM cluster_spans"
                                             " WHERE cluster_id IN ({marks})", ids):
            members.setdefault(cluster, set()).add(article)
        edges: dict[int, list[tuple[str, str]]] = {}
        for cluster, child, parent in self.rows_in("SELECT cluster_id, child, parent FROM copy_edges"
                                                   " WHERE parent IS NOT NULL AND cluster_id IN ({marks})", ids):
            edges.setdefault(cluster, []).append((child, parent))
        for cluster, articles in sorted(members.items()):
            yield sorted(articles), edges.get(cluster, [])

    def story_ids(self) -> dict[str, int]:
        """Every grouped article's story."""
        return dict(self.conn.execute("SELECT article, story FROM story_members"))

    def statements(self, article_id: str | None = None) -> list[dict]:
        """One article's attributions without quotation marks (or every article's), in text order."""
        names = columns("statements", keys=False)
        where, args = ("WHERE article = ?", (article_id,)) if article_id is not None else ("", ())
        rows = self.conn.execute(f"SELECT {_select(names)} FROM statements {where}"
                                 ' ORDER BY article, start, "end"', args)
        return [{**dict(zip(names, r)), "kind": "statement"} for r in rows]

    def quotes(self, article_id: str | None = None, kinds: Iterable[str] = ("quotation",)) -> list[dict]:
        """The quotations (and with ``kinds``, the terms) of one article or of all, in text order."""
        names = columns("quotes", keys=False)
        kinds = tuple(kinds)
        sql = f"SELECT {_select(names)} FROM quotes WHERE kind IN ({', '.join('?' * len(kinds))})"
        args: tuple = kinds
        if article_id is not None:
            sql += " AND article = ?"
            args += (article_id,)
        rows = self.conn.execute(sql + " ORDER BY article, start", args).fetchall()
        out = []
        for r in rows:
            q = dict(zip(names, r))
            for flag in ("first_appearance", "reattributed", "conflicting"):
                q[flag] = None if q[flag] is None else bool(q[flag])
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

    def signal_details(self) -> Iterator[tuple[str, dict]]:
        """Every article's signal details (the passages, claims and doubts behind its
        figures), in id order, read a batch at a time."""
        after = ""
        while True:
            rows = self.conn.execute("SELECT article, details FROM signals WHERE article > ? ORDER BY article LIMIT 500",
                                     (after,)).fetchall()
            for article, details in rows:
                yield article, json.loads(details)
            if len(rows) < 500:
                return
            after = rows[-1][0]

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
                'SELECT s.article, s.start, s."end", a.source, a.published FROM cluster_spans s'
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
            al = passage(r, ops)
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

    def dump(self, table: str) -> list[tuple]:
        """Every row of a table, as stored, leaving out the row numbers the database gives and
        the run that wrote a row (what two stores holding the same results differ in)."""
        names = columns(table, keys=False)
        return self.conn.execute(f"SELECT {_select(names)} FROM {table}").fetchall()


def _select(names) -> str:
    return ", ".join(map(quoted, names))


def passage(row, ops: tuple[WordOp, ...] = ()) -> Alignment:
    """A stored passage (a row of PASSAGE_COLUMNS, the words apart) as an Alignment."""
    return Alignment(Span(row[0], row[1], row[2]), Span(row[3], row[4], row[5]), row[6], row[7], row[8], row[9],
                     row[10], row[11], ops)
