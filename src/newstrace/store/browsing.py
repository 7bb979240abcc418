"""The queries behind the web pages and the HTTP API (:mod:`newstrace.browse` checks what
a person asked for and shapes the answers). Read-only; each gives plain dicts."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

SNIPPET_OPEN, SNIPPET_CLOSE = "\x02", "\x03"  # marks around search hits in snippets; escaped text never holds them

# Orders of the article list, by name: relevance is the best match first (BM25, or
# PostgreSQL's cover density), without a search by date.
ARTICLE_SORTS = {"relevance": "h.rank, a.id",
                 "published": "a.published IS NULL, a.published, a.id",
                 "-published": "a.published IS NULL, a.published DESC, a.id",
                 "reused": "coalesce(g.reused_share, 0) DESC, a.id",
                 "id": "a.id"}
# A cluster's label: the first characters of its earliest copy.
_LABEL_CHARS = 120
_ARTICLE_KEYS = ("id", "title", "source", "published", "duplicate_of", "reused_share", "originality",
                 "source_count", "spin_rate", "recycled_chars", "spin_hints", "snippet")
_VARIANT_KEYS = ("article", "start", "end", "text", "speaker", "speaker_as_written", "how", "cue",
                 "secondary_source", "variant", "first_appearance", "reattributed", "conflicting", "source",
                 "published", "title", "kind", "speaker_org")
# First appearances, then those known to come later, then those not known (undated).
_FIRST_APPEARANCE_FIRST = "CASE {q}.first_appearance WHEN 1 THEN 0 WHEN 0 THEN 1 ELSE 2 END"


def search_terms(text: str) -> list[list[str]]:
    """What a person typed as a search: phrases of words, each of which must occur
    ("quoted words" as one phrase, any other word alone). Operators are not interpreted,
    so no input is a syntax error."""
    phrases = re.findall(r'"([^"]*)"|(\S+)', text)
    return [words for quoted, bare in phrases if (words := re.findall(r"\w+", quoted or bare))]


class Browsing:
    """The browsing queries of a store. Each database's store says how it searches:
    ``_search_query`` (what a person typed, as the database's query), ``_SEARCH_HITS`` (the
    articles matching it, by rank, with the key of the row holding the text: ``fts``),
    ``_TEXT_KEY`` (that key's column) and ``_SNIPPET`` (the snippet of one such row)."""

    conn = None
    _SEARCH_HITS = _TEXT_KEY = _SNIPPET = ""

    def _search_query(self, text: str) -> str:
        raise NotImplementedError

    def rows_in(self, sql: str, values, batch: int = 500) -> Iterator[tuple]:
        """The rows of ``sql`` whose ``{marks}`` stands for the placeholders of a list of
        values ("… WHERE id IN ({marks})"), asked for ``values`` a batch at a time (a statement
        holds a bounded number of placeholders)."""
        values = sorted(set(values))
        for k in range(0, len(values), batch):
            part = values[k:k + batch]
            yield from self.conn.execute(sql.format(marks=", ".join("?" * len(part))), part)

    def article_names(self, ids) -> dict[str, dict]:
        """How a page names each of some articles: id, title, outlet and date."""
        return {i: {"id": i, "title": title, "source": source, "published": published}
                for i, title, source, published in self.rows_in(
                    "SELECT id, title, source, published FROM articles WHERE id IN ({marks})", ids)}

    def overview_counts(self) -> dict:
        names = ("articles", "distinct_texts", "outlets", "passages", "clusters", "quotes", "articles_with_reuse")
        return dict(zip(names, self.conn.execute(
            """SELECT (SELECT count(*) FROM articles),
                      (SELECT count(*) FROM articles WHERE duplicate_of IS NULL),
                      (SELECT count(DISTINCT source) FROM articles),
                      (SELECT count(*) FROM alignments),
                      (SELECT count(*) FROM clusters),
                      (SELECT count(*) FROM quotes),
                      (SELECT count(*) FROM signals WHERE reused_share > 0)""").fetchone()))

    def most_copied(self, top: int) -> list[dict]:
        """The articles first in the most copied reuse clusters."""
        return [{"id": a, "title": t, "source": s, "published": p, "clusters": n, "copies": copies}
                for a, t, s, p, n, copies in self.conn.execute(
                    """SELECT a.id, a.title, a.source, a.published, count(*), sum(cl.size) - count(*)
                       FROM clusters cl, json_each(cl.earliest) e JOIN articles a ON a.id = e.value
                       WHERE json_array_length(cl.earliest) = 1 AND cl.kind = 'reuse'
                       GROUP BY a.id ORDER BY sum(cl.size) DESC, a.id LIMIT ?""", (top,))]

    def most_copying_outlets(self, top: int) -> list[dict]:
        return [{"source": s, "articles": n, "mean_reused_share": round(m, 4), "reusing_articles": r}
                for s, n, m, r in self.conn.execute(
                    """SELECT a.source, count(*), avg(g.reused_share), count(*) FILTER (WHERE g.reused_share > 0)
                       FROM signals g JOIN articles a ON a.id = g.article
                       WHERE a.source IS NOT NULL GROUP BY a.source
                       HAVING count(*) FILTER (WHERE g.reused_share > 0) > 0
                       ORDER BY avg(g.reused_share) * count(*) DESC, a.source LIMIT ?""", (top,))]

    def reuse_by_month(self) -> list[dict]:
        return [{"month": m, "articles": n, "reusing_articles": r, "mean_reused_share": round(s or 0.0, 4)}
                for m, n, r, s in self.conn.execute(
                    """SELECT substr(a.published, 1, 7) AS month, count(*),
                              count(*) FILTER (WHERE g.reused_share > 0), avg(coalesce(g.reused_share, 0))
                       FROM articles a LEFT JOIN signals g ON g.article = a.id
                       WHERE a.published IS NOT NULL GROUP BY month ORDER BY month""")]

    def find_articles(self, q: str | None, outlet: str | None, date_from: str | None, date_to: str | None,
                      min_reused: float | None, sort: str, limit: int, offset: int) -> tuple[int, list[dict] | None]:
        """(how many match, the page of them) for a search and filters, in ``sort`` order
        (a key of ARTICLE_SORTS); the page is None when the search holds no words."""
        where, args = [], []
        match = None
        if q and q.strip():
            match = self._search_query(q)
            if not match:
                return 0, None
        if outlet:
            where.append("a.source = ?")
            args.append(outlet)
        if date_from:
            where.append("a.published >= ?")
            args.append(date_from)
        if date_to:
            where.append("substr(a.published, 1, ?) <= ?")
            args.extend([len(date_to), date_to])
        if min_reused is not None:
            where.append("coalesce(g.reused_share, 0) >= ?")
            args.append(min_reused)
        # A search matches once (MATERIALIZED), then drives the query through the index; an
        # exact duplicate has no text of its own and matches through its stored copy.
        key = self._TEXT_KEY
        hits = (f"""WITH hits AS MATERIALIZED ({self._SEARCH_HITS}),
                   matched AS (SELECT a.id AS id, h.fts AS fts, h.rank AS rank
                               FROM hits h JOIN articles a ON a.{key} = h.fts
                               UNION ALL
                               SELECT dup.id, h.fts, h.rank FROM hits h JOIN articles c ON c.{key} = h.fts
                               JOIN articles dup ON dup.duplicate_of = c.id) """ if match else "")
        sql_from = (("FROM matched h JOIN articles a ON a.id = h.id" if match else "FROM articles a")
                    + " LEFT JOIN signals g ON g.article = coalesce(a.duplicate_of, a.id)"
                    + (" WHERE " + " AND ".join(where) if where else ""))
        head = [match] if match else []
        total = self.conn.execute(f"{hits}SELECT count(*) {sql_from}", head + args).fetchone()[0]
        rows = self.conn.execute(
            f"{hits}SELECT a.id, a.title, a.source, a.published, a.duplicate_of, g.reused_share, g.originality,"
            f" g.sources, g.spin_rate, g.recycled_chars, g.spin_hints, {'h.fts' if match else 'NULL'}"
            f" {sql_from} ORDER BY {ARTICLE_SORTS[sort]} LIMIT ? OFFSET ?", head + args + [limit, offset]).fetchall()
        items = [dict(zip(_ARTICLE_KEYS, r)) for r in rows]
        for item in items:  # snippets for this page only: they cost a pass over each text
            if item["snippet"] is not None:
                item["snippet"] = self.conn.execute(self._SNIPPET, (match, item["snippet"])).fetchone()[0]
        return total, items

    def cluster_list(self, min_size: int, kind: str | None, limit: int, offset: int) -> tuple[int, list[dict]]:
        """(how many, the page of them): clusters largest first, with their spread over time and outlets."""
        where, args = "c.size >= ?", [min_size]
        if kind:
            where += " AND c.kind = ?"
            args.append(kind)
        total = self.conn.execute(f"SELECT count(*) FROM clusters c WHERE {where}", args).fetchone()[0]
        rows = self.conn.execute(
            f"""SELECT c.id, c.size, c.kind, c.phrase_df, c.earliest, c.first_published, c.ordering,
                      (SELECT min(a.published) FROM cluster_spans s JOIN articles a ON a.id = s.article
                       WHERE s.cluster_id = c.id),
                      (SELECT max(a.published) FROM cluster_spans s JOIN articles a ON a.id = s.article
                       WHERE s.cluster_id = c.id),
                      (SELECT count(DISTINCT a.source) FROM cluster_spans s JOIN articles a ON a.id = s.article
                       WHERE s.cluster_id = c.id),
                      (SELECT CASE WHEN s."end" - s.start > ?
                              THEN substr(coalesce(a.text, d.text), CAST(s.start + 1 AS INTEGER), CAST(? AS INTEGER))
                                   || '…'
                              ELSE substr(coalesce(a.text, d.text), CAST(s.start + 1 AS INTEGER),
                                          CAST(s."end" - s.start AS INTEGER)) END
                       FROM cluster_spans s JOIN articles a ON a.id = s.article
                       LEFT JOIN articles d ON d.id = a.duplicate_of WHERE s.cluster_id = c.id
                       ORDER BY a.published IS NULL, a.published, s.article, s.start LIMIT 1)
               FROM clusters c WHERE {where} ORDER BY c.size DESC, c.id LIMIT ? OFFSET ?""",
            [_LABEL_CHARS, _LABEL_CHARS] + args + [limit, offset]).fetchall()
        return total, [{"id": cid, "size": size, "kind": kind, "phrase_df": df, "earliest": json.loads(earliest),
                        "first_published": first, "ordering": ordering, "first_date": lo, "last_date": hi,
                        "outlets": outlets, "label": " ".join((label or "").split())}
                       for cid, size, kind, df, earliest, first, ordering, lo, hi, outlets, label in rows]

    def cluster_copies(self, cluster_id: int) -> tuple[dict | None, list[dict], list[dict]]:
        """One cluster (None when there is none), its copies earliest first with their text
        and the articles they are in, and its copy edges."""
        row = self.conn.execute("SELECT id, size, earliest, first_published, ordering, kind, phrase_df FROM clusters"
                                " WHERE id = ?", (cluster_id,)).fetchone()
        if row is None:
            return None, [], []
        cluster = {"id": row[0], "size": row[1], "earliest": json.loads(row[2]), "first_published": row[3],
                   "ordering": row[4], "kind": row[5], "phrase_df": row[6]}
        copies = [{"article": art, "title": title, "source": source, "published": published, "start": start,
                   "end": end, "passage": text[start:end]}
                  for art, start, end, title, source, published, text in self.conn.execute(
                      """SELECT s.article, s.start, s."end", a.title, a.source, a.published, coalesce(a.text, d.text)
                         FROM cluster_spans s JOIN articles a ON a.id = s.article
                         LEFT JOIN articles d ON d.id = a.duplicate_of
                         WHERE s.cluster_id = ? ORDER BY a.published IS NULL, a.published, s.article, s.start""",
                      (cluster_id,))]
        edges = [{"child": ch, "parent": pa, "evidence": ev} for ch, pa, ev in self.conn.execute(
            "SELECT child, parent, evidence FROM copy_edges WHERE cluster_id = ? ORDER BY child", (cluster_id,))]
        return cluster, copies, edges

    def outlet_list(self, limit: int, offset: int) -> tuple[int, list[dict]]:
        """(how many, the page of them): outlets with their article counts, how much of their
        text is reused, and how often they published a passage first."""
        total = self.conn.execute("SELECT count(DISTINCT coalesce(source, '')) FROM articles").fetchone()[0]
        rows = self.conn.execute(
            """WITH firsts AS (
                   SELECT coalesce(a.source, '') AS source, count(*) AS n FROM clusters c, json_each(c.earliest) e
                   JOIN articles a ON a.id = e.value WHERE json_array_length(c.earliest) = 1 AND c.kind = 'reuse'
                   GROUP BY coalesce(a.source, '')),
               outlets AS (
                   SELECT a.source AS source, count(*) AS n, min(a.published) AS first_date,
                          max(a.published) AS last_date, avg(coalesce(g.reused_share, 0)) AS reused
                   FROM articles a LEFT JOIN signals g ON g.article = a.id
                   GROUP BY a.source ORDER BY count(*) DESC, a.source LIMIT ? OFFSET ?)
               SELECT o.source, o.n, o.first_date, o.last_date, o.reused, coalesce(f.n, 0)
               FROM outlets o LEFT JOIN firsts f ON f.source = coalesce(o.source, '')
               ORDER BY o.n DESC, o.source""",
            (limit, offset)).fetchall()
        keys = ("source", "articles", "first_date", "last_date", "mean_reused_share", "first_in_clusters")
        return total, [dict(zip(keys, r)) for r in rows]

    def outlet_copies(self, examples: int = 20) -> dict[str | None, dict[str | None, dict]]:
        """Who copies whom, from the "copied from" claims (high and medium confidence; an
        outlet's reuse of its own text left out): for each copying outlet, each outlet it
        copied from with the articles and passages claimed and some of the (article, earlier
        copy) pairs."""
        outlet = dict(self.conn.execute("SELECT id, source FROM articles"))
        found: dict = {}
        for article, details in self.signal_details():
            spans = details.get("reused_spans", [])
            for claim in details.get("claims", []):
                if claim["confidence"] == "low" or claim.get("own_outlet"):
                    continue
                cell = found.setdefault(outlet.get(article), {}).setdefault(
                    outlet.get(claim["parent"]), {"articles": 0, "passages": 0, "claims": []})
                cell["articles"] += 1
                cell["passages"] += sum(1 for r in spans if r.get("copied_from") == claim["parent"])
                if len(cell["claims"]) < examples:
                    cell["claims"].append({"article": article, "parent": claim["parent"]})
        return found

    def quote_group_list(self, speaker: str | None, limit: int, offset: int,
                         kind: str = "quotation") -> tuple[int, list[dict]]:
        """(how many, the page of them): quotations (or terms) grouped across articles, most
        repeated first."""
        where, args = "WHERE q.kind = ?", [kind]
        if speaker:
            where += " AND q.quote_id IN (SELECT quote_id FROM quotes WHERE speaker = ?)"
            args.append(speaker)
        total = self.conn.execute(f"SELECT count(DISTINCT q.quote_id) FROM quotes q {where}", args).fetchone()[0]
        rows = self.conn.execute(
            f"""SELECT q.quote_id, count(*), count(DISTINCT q.article), max(q.conflicting),
                       group_concat(DISTINCT q.speaker),
                       (SELECT text FROM quotes f WHERE f.quote_id = q.quote_id
                        ORDER BY {_FIRST_APPEARANCE_FIRST.format(q="f")}, f.article LIMIT 1)
                FROM quotes q {where} GROUP BY q.quote_id ORDER BY count(DISTINCT q.article) DESC, q.quote_id
                LIMIT ? OFFSET ?""", args + [limit, offset]).fetchall()
        return total, [{"quote_id": qid, "kind": kind, "occurrences": n, "articles": arts, "conflicting": bool(conf),
                        "speakers": sorted(s.split(",")) if s else [], "text": text}
                       for qid, n, arts, conf, s, text in rows]

    def conflicting_quote_groups(self, limit: int) -> dict:
        """How many quotations are given to more than one speaker, and the first of them."""
        count = self.conn.execute("SELECT count(DISTINCT quote_id) FROM quotes WHERE conflicting = 1").fetchone()[0]
        rows = self.conn.execute(
            """SELECT quote_id, group_concat(DISTINCT speaker), min(text) FROM quotes WHERE conflicting = 1
               GROUP BY quote_id ORDER BY count(DISTINCT article) DESC, quote_id LIMIT ?""", (limit,)).fetchall()
        return {"count": count, "quotations": [{"quote_id": q, "speakers": sorted(s.split(",")) if s else [],
                                                "text": text} for q, s, text in rows]}

    def quote_variants(self, quote_id: str) -> list[dict]:
        """One quotation in every article, first appearance first."""
        rows = self.conn.execute(
            f"""SELECT q.article, q.start, q."end", q.text, q.speaker, q.speaker_as_written, q.how, q.cue,
                      q.secondary_source, q.variant, q.first_appearance, q.reattributed, q.conflicting, a.source,
                      a.published, a.title, q.kind, q.speaker_org
               FROM quotes q JOIN articles a ON a.id = q.article WHERE q.quote_id = ?
               ORDER BY {_FIRST_APPEARANCE_FIRST.format(q="q")}, a.published IS NULL, a.published, q.article,
                        q.start""", (quote_id,)).fetchall()
        variants = [dict(zip(_VARIANT_KEYS, r)) for r in rows]
        for v in variants:
            for flag in ("first_appearance", "reattributed", "conflicting"):
                v[flag] = None if v[flag] is None else bool(v[flag])
        return variants

    def story_list(self, order: str, limit: int, offset: int) -> tuple[int, list[dict]]:
        """(how many, the page of them): stories, the largest or the newest first."""
        by = {"size": "s.size DESC, s.id", "newest": "s.last_published IS NULL, s.last_published DESC, s.id"}[order]
        total = self.conn.execute("SELECT count(*) FROM stories").fetchone()[0]
        rows = self.conn.execute(
            f"""SELECT s.id, s.label, s.size, s.first, s.first_published, s.last_published,
                       (SELECT count(DISTINCT a.source) FROM story_members m JOIN articles a ON a.id = m.article
                        WHERE m.story = s.id)
                FROM stories s ORDER BY {by} LIMIT ? OFFSET ?""", (limit, offset)).fetchall()
        return total, [{"story": sid, "label": label, "size": size, "first": json.loads(first),
                        "first_published": lo, "last_published": hi, "outlets": outlets}
                       for sid, label, size, first, lo, hi, outlets in rows]

    def story_articles(self, story_ids) -> dict[int, list[str]]:
        """The articles of some stories (all with None), in order of publication."""
        where, args = "", []
        if story_ids is not None:
            args = sorted(set(story_ids))
            where = f"WHERE m.story IN ({', '.join('?' * len(args))})" if args else "WHERE 0 = 1"
        found: dict[int, list[str]] = {}
        for story, article in self.conn.execute(
                f"""SELECT m.story, m.article FROM story_members m JOIN articles a ON a.id = m.article {where}
                    ORDER BY m.story, a.published IS NULL, a.published, a.id""", args):
            found.setdefault(story, []).append(article)
        return found

    def story_row(self, story_id: int) -> dict | None:
        row = self.conn.execute("SELECT id, label, size, first, first_published, last_published FROM stories"
                                " WHERE id = ?", (story_id,)).fetchone()
        if row is None:
            return None
        sid, label, size, first, lo, hi = row
        return {"story": sid, "label": label, "size": size, "first": json.loads(first), "first_published": lo,
                "last_published": hi}

    def story_of(self, article_id: str) -> dict | None:
        """The story an article is in: its id and label."""
        row = self.conn.execute("SELECT s.id, s.label, s.size FROM story_members m JOIN stories s ON s.id = m.story"
                                " WHERE m.article = ?", (article_id,)).fetchone()
        return {"story": row[0], "label": row[1], "size": row[2]} if row else None

    def story_clusters(self, story_id: int) -> list[dict]:
        """The clusters two or more of a story's articles are in, with how many of them."""
        rows = self.conn.execute(
            """SELECT c.id, c.kind, c.size, count(DISTINCT s.article) FROM cluster_spans s
               JOIN story_members m ON m.article = s.article JOIN clusters c ON c.id = s.cluster_id
               WHERE m.story = ? GROUP BY c.id, c.kind, c.size HAVING count(DISTINCT s.article) > 1
               ORDER BY count(DISTINCT s.article) DESC, c.id""", (story_id,)).fetchall()
        return [{"id": cid, "kind": kind, "size": size, "in_story": n} for cid, kind, size, n in rows]

    def stories_one_passage_holds(self, story_ids) -> set[int]:
        """Of some stories, those one reprinted passage runs through whole: a reuse cluster
        holds every article of the story (exact copies are in their original's clusters)."""
        rows = self.rows_in(
            """SELECT m.story, s.cluster_id, count(DISTINCT m.article), st.size FROM story_members m
               JOIN stories st ON st.id = m.story JOIN cluster_spans s ON s.article = m.article
               JOIN clusters c ON c.id = s.cluster_id AND c.kind = 'reuse'
               WHERE m.story IN ({marks}) GROUP BY m.story, s.cluster_id, st.size""", story_ids)
        return {story for story, _, held, size in rows if held == size}

    def story_quotes(self, story_id: int) -> list[dict]:
        """The quotations a story's articles print, the most repeated first."""
        rows = self.conn.execute(
            """SELECT q.quote_id, count(DISTINCT q.article), group_concat(DISTINCT q.speaker), min(q.text)
               FROM quotes q JOIN story_members m ON m.article = q.article WHERE m.story = ? AND q.kind = 'quotation'
               GROUP BY q.quote_id ORDER BY count(DISTINCT q.article) DESC, q.quote_id""", (story_id,)).fetchall()
        return [{"quote_id": qid, "articles": n, "speakers": sorted(s.split(",")) if s else [], "text": text}
                for qid, n, s, text in rows]
