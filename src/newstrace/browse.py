"""Read-only views of a store for people browsing a collection: the data behind the
web pages and the HTTP API, as plain dicts ready for JSON.

Every list is paged (:class:`Page`). Nothing here writes to the store.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass

from .errors import BadQuery, NotFound
from .report import article_meta, article_report, shared_passages
from .store import Store

MAX_LIMIT = 500
SNIPPET_OPEN, SNIPPET_CLOSE = "\x02", "\x03"  # marks around search hits in snippets; escaped text never holds them


@dataclass(slots=True)
class Page:
    items: list
    total: int
    limit: int
    offset: int

    def as_dict(self) -> dict:
        return asdict(self)


def _check_paging(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise BadQuery(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
    if offset < 0:
        raise BadQuery(f"offset must be 0 or more, not {offset}")


def search_terms(text: str) -> list[list[str]]:
    """What a person typed as a search: phrases of words, each of which must occur
    ("quoted words" as one phrase, any other word alone). Operators are not interpreted,
    so no input is a syntax error."""
    phrases = re.findall(r'"([^"]*)"|(\S+)', text)
    return [words for quoted, bare in phrases if (words := re.findall(r"\w+", quoted or bare))]


def fts_query(text: str) -> str:
    """The search as an FTS5 query (SQLite)."""
    return " ".join('"' + " ".join(words) + '"' for words in search_terms(text))


def tsquery(text: str) -> str:
    """The search as a tsquery (PostgreSQL): phrases of adjacent words, all of them."""
    return " & ".join("(" + " <-> ".join(words) + ")" for words in search_terms(text))


# The full-text search of each store: the query made of what a person typed, the articles
# matching it (by rank, best first, with the key of the row holding the text), that key's
# column, and the snippet of one such row.
_SEARCH = {
    "sqlite": (fts_query,
               "SELECT rowid AS fts, rank FROM articles_fts WHERE articles_fts MATCH ?",
               "rowid",
               f"SELECT snippet(articles_fts, -1, '{SNIPPET_OPEN}', '{SNIPPET_CLOSE}', '…', 16)"
               " FROM articles_fts WHERE articles_fts MATCH ? AND rowid = ?"),
    "postgres": (tsquery,
                 "SELECT id AS fts, -ts_rank_cd(fts, query) AS rank FROM articles,"
                 " to_tsquery('english', ?) query WHERE fts @@ query",
                 "id",
                 "SELECT ts_headline('english', coalesce(text, ''), to_tsquery('english', ?),"
                 f" 'StartSel={SNIPPET_OPEN}, StopSel={SNIPPET_CLOSE}, MaxWords=16, MinWords=8')"
                 " FROM articles WHERE id = ?"),
}


def overview(store: Store, top: int = 10) -> dict:
    """Counts, most-copied sources, most-copying outlets, largest clusters, reuse by month."""
    c = store.conn
    counts = dict(zip(
        ("articles", "distinct_texts", "outlets", "passages", "clusters", "quotes", "articles_with_reuse"),
        c.execute("""SELECT (SELECT count(*) FROM articles),
                            (SELECT count(*) FROM articles WHERE duplicate_of IS NULL),
                            (SELECT count(DISTINCT source) FROM articles),
                            (SELECT count(*) FROM alignments),
                            (SELECT count(*) FROM clusters),
                            (SELECT count(*) FROM quotes),
                            (SELECT count(*) FROM signals WHERE reused_share > 0)""").fetchone()))
    most_copied = [
        {"id": a, "title": t, "source": s, "published": p, "clusters": n, "copies": copies}
        for a, t, s, p, n, copies in c.execute(
            """SELECT a.id, a.title, a.source, a.published, count(*), sum(cl.size) - count(*)
               FROM clusters cl, json_each(cl.earliest) e JOIN articles a ON a.id = e.value
               WHERE json_array_length(cl.earliest) = 1 AND cl.kind = 'reuse'
               GROUP BY a.id ORDER BY sum(cl.size) DESC, a.id LIMIT ?""", (top,))]
    copying = [
        {"source": s, "articles": n, "mean_reused_share": round(m, 4), "reusing_articles": r}
        for s, n, m, r in c.execute(
            """SELECT a.source, count(*), avg(g.reused_share), count(*) FILTER (WHERE g.reused_share > 0)
               FROM signals g JOIN articles a ON a.id = g.article
               WHERE a.source IS NOT NULL GROUP BY a.source HAVING count(*) FILTER (WHERE g.reused_share > 0) > 0
               ORDER BY avg(g.reused_share) * count(*) DESC, a.source LIMIT ?""", (top,))]
    by_month = [
        {"month": m, "articles": n, "reusing_articles": r, "mean_reused_share": round(s or 0.0, 4)}
        for m, n, r, s in c.execute(
            """SELECT substr(a.published, 1, 7) AS month, count(*), count(*) FILTER (WHERE g.reused_share > 0),
                      avg(coalesce(g.reused_share, 0))
               FROM articles a LEFT JOIN signals g ON g.article = a.id
               WHERE a.published IS NOT NULL GROUP BY month ORDER BY month""")]
    return {"counts": counts, "most_copied": most_copied, "most_copying_outlets": copying,
            "largest_clusters": clusters(store, kind="reuse", limit=top).items, "reuse_by_month": by_month}


_SORTS = {"relevance": "h.rank, a.id",  # best match first (BM25); without a search, by date
          "published": "a.published IS NULL, a.published, a.id",
          "-published": "a.published IS NULL, a.published DESC, a.id",
          "reused": "coalesce(g.reused_share, 0) DESC, a.id",
          "id": "a.id"}


def articles(store: Store, q: str | None = None, outlet: str | None = None,
             date_from: str | None = None, date_to: str | None = None,
             min_reused: float | None = None, sort: str | None = None,
             limit: int = 50, offset: int = 0) -> Page:
    """Articles matching a full-text query and filters, with their signals and a snippet.
    ``sort`` defaults to relevance with a search, else to publication date."""
    _check_paging(limit, offset)
    searching = bool(q and q.strip())
    if sort is None or (sort == "relevance" and not searching):
        sort = "relevance" if searching else "published"
    if sort not in _SORTS:
        raise BadQuery(f"sort must be one of {', '.join(_SORTS)}, not {sort!r}")
    if min_reused is not None and not 0 <= min_reused <= 1:
        raise BadQuery(f"min_reused is a share between 0 and 1, not {min_reused}")
    for name, value in (("from", date_from), ("to", date_to)):
        if value is not None and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
            raise BadQuery(f"{name} must be a date as YYYY, YYYY-MM or YYYY-MM-DD, not {value!r}")
    where, args = [], []
    query_of, matching, text_row, snippet = _SEARCH[store.dialect]
    match = None
    if q and q.strip():
        match = query_of(q)
        if not match:
            raise BadQuery(f"the search {q!r} holds no words")
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
    # A search matches once (MATERIALIZED), then drives the query through the index; an exact
    # duplicate has no text of its own and matches through its stored copy.
    hits = (f"""WITH hits AS MATERIALIZED ({matching}),
               matched AS (SELECT a.id AS id, h.fts AS fts, h.rank AS rank
                           FROM hits h JOIN articles a ON a.{text_row} = h.fts
                           UNION ALL
                           SELECT dup.id, h.fts, h.rank FROM hits h JOIN articles c ON c.{text_row} = h.fts
                           JOIN articles dup ON dup.duplicate_of = c.id) """ if match else "")
    sql_from = (("FROM matched h JOIN articles a ON a.id = h.id" if match else "FROM articles a")
                + " LEFT JOIN signals g ON g.article = coalesce(a.duplicate_of, a.id)"
                + (" WHERE " + " AND ".join(where) if where else ""))
    head = [match] if match else []
    total = store.conn.execute(f"{hits}SELECT count(*) {sql_from}", head + args).fetchone()[0]
    rows = store.conn.execute(
        f"{hits}SELECT a.id, a.title, a.source, a.published, a.duplicate_of, g.reused_share, g.originality,"
        f" g.sources, g.spin_rate, g.recycled_chars, g.spin_hints, {'h.fts' if match else 'NULL'}"
        f" {sql_from} ORDER BY {_SORTS[sort]} LIMIT ? OFFSET ?", head + args + [limit, offset]).fetchall()
    keys = ("id", "title", "source", "published", "duplicate_of", "reused_share", "originality",
            "source_count", "spin_rate", "recycled_chars", "spin_hints", "snippet")
    items = [dict(zip(keys, r)) for r in rows]
    for item in items:  # snippets for this page only: they cost a pass over each text
        if item["snippet"] is not None:
            item["snippet"] = store.conn.execute(snippet, (match, item["snippet"])).fetchone()[0]
    return Page(items, total, limit, offset)


def _earlier_sources_first(passages: list[dict]) -> list[dict]:
    """Where passages overlap, the page links the first one: put earlier sources first."""
    return sorted(passages, key=lambda p: (p["other_is_earlier"] is not True, p["other"]["published"] or "~",
                                           p["this_span"]["start"], p["other"]["id"]))


def article(store: Store, article_id: str, words: bool = True) -> dict:
    """One article with its text, passages (each with its source), clusters, quotations and
    signals. Without ``words``, passages leave out their word-by-word alignment."""
    report = article_report(store, article_id, words)
    if report["origin"]:  # the server's folders are nobody's business: the file's name
        report["origin"] = {**report["origin"], "file": _file_name(report["origin"]["file"])}
    report["text"] = store.article(article_id).text
    report["shared"] = _earlier_sources_first(report["shared"])
    return report


def _file_name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def pair(store: Store, a: str, b: str) -> dict:
    """The passages two articles share, word by word."""
    this, other = store.article(a), store.article(b)
    for name, found in ((a, this), (b, other)):
        if found is None:
            raise NotFound(f"no article {name!r} in the store")
    target = store.duplicate_of(b) or b
    passages = _earlier_sources_first(shared_passages(store, this, target))
    return {"a": article_meta(this),
            "b": passages[0]["other"] if passages else article_meta(other),
            "passages": passages}


CLUSTER_KINDS = ("reuse", "recurring", "formula", "template", "quotation", "phrase")


def clusters(store: Store, min_size: int = 2, kind: str | None = None, limit: int = 50,
             offset: int = 0) -> Page:
    """Reuse clusters, largest first, with their spread over time and outlets; ``kind``
    keeps one kind (reuse, recurring, formula)."""
    _check_paging(limit, offset)
    if kind is not None and kind not in CLUSTER_KINDS:
        raise BadQuery(f"kind must be one of {', '.join(CLUSTER_KINDS)}, not {kind!r}")
    where, args = "c.size >= ?", [min_size]
    if kind:
        where += " AND c.kind = ?"
        args.append(kind)
    total = store.conn.execute(f"SELECT count(*) FROM clusters c WHERE {where}", args).fetchone()[0]
    rows = store.conn.execute(
        f"""SELECT c.id, c.size, c.kind, c.phrase_df, c.earliest, c.first_published, c.ordering,
                  (SELECT min(a.published) FROM cluster_spans s JOIN articles a ON a.id = s.article
                   WHERE s.cluster_id = c.id),
                  (SELECT max(a.published) FROM cluster_spans s JOIN articles a ON a.id = s.article
                   WHERE s.cluster_id = c.id),
                  (SELECT count(DISTINCT a.source) FROM cluster_spans s JOIN articles a ON a.id = s.article
                   WHERE s.cluster_id = c.id)
           FROM clusters c WHERE {where} ORDER BY c.size DESC, c.id LIMIT ? OFFSET ?""",
        args + [limit, offset]).fetchall()
    items = [{"id": cid, "size": size, "kind": kind, "phrase_df": df, "earliest": json.loads(earliest),
              "first_published": first, "ordering": ordering, "first_date": lo, "last_date": hi,
              "outlets": outlets}
             for cid, size, kind, df, earliest, first, ordering, lo, hi, outlets in rows]
    return Page(items, total, limit, offset)


def cluster(store: Store, cluster_id: int, excerpt: int = 300) -> dict:
    """One cluster: its copies earliest first, each with an excerpt, and the copy tree."""
    c = store.conn
    row = c.execute("SELECT id, size, earliest, first_published, ordering, kind, phrase_df FROM clusters"
                    " WHERE id = ?", (cluster_id,)).fetchone()
    if row is None:
        raise NotFound(f"no cluster {cluster_id} in the store")
    copies = []
    for art, start, end, title, source, published, text in c.execute(
            """SELECT s.article, s.start, s.end, a.title, a.source, a.published, coalesce(a.text, d.text)
               FROM cluster_spans s JOIN articles a ON a.id = s.article
               LEFT JOIN articles d ON d.id = a.duplicate_of
               WHERE s.cluster_id = ? ORDER BY a.published IS NULL, a.published, s.article, s.start""",
            (cluster_id,)):
        passage = text[start:end]
        copies.append({"article": art, "title": title, "source": source, "published": published,
                       "start": start, "end": end,
                       "excerpt": passage if len(passage) <= excerpt else passage[:excerpt] + "…"})
    edges = [{"child": ch, "parent": pa, "evidence": ev} for ch, pa, ev in c.execute(
        "SELECT child, parent, evidence FROM copy_edges WHERE cluster_id = ? ORDER BY child", (cluster_id,))]
    tree = copy_tree(edges)
    members = {c["article"]: c for c in copies}

    def describe(nodes):
        for n in nodes:
            m = members.get(n["article"], {})
            n["source"], n["published"] = m.get("source"), m.get("published")
            describe(n["children"])
    describe(tree)
    return {"id": row[0], "size": row[1], "earliest": json.loads(row[2]), "first_published": row[3],
            "ordering": row[4], "kind": row[5], "phrase_df": row[6], "copies": copies, "edges": edges,
            "tree": tree}


def copy_tree(edges: list[dict]) -> list[dict]:
    """Nest copy edges into trees: ``[{"article", "evidence", "children": [...]}, ...]``, roots first."""
    nodes = {e["child"]: {"article": e["child"], "evidence": e["evidence"], "children": []} for e in edges}
    roots = []
    for e in edges:
        parent = nodes.get(e["parent"]) if e["parent"] else None
        if parent is None and e["parent"]:
            parent = nodes.setdefault(e["parent"], {"article": e["parent"], "evidence": "", "children": []})
            roots.append(parent)
        (parent["children"] if parent is not None else roots).append(nodes[e["child"]])
    return roots


def outlets(store: Store, limit: int = 50, offset: int = 0) -> Page:
    """Outlets with their article counts, how much of their text is reused, and how often
    they published a passage first."""
    _check_paging(limit, offset)
    total = store.conn.execute("SELECT count(DISTINCT coalesce(source, '')) FROM articles").fetchone()[0]
    rows = store.conn.execute(
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
    return Page([dict(zip(keys, r)) for r in rows], total, limit, offset)


def quote_groups(store: Store, speaker: str | None = None, limit: int = 50, offset: int = 0) -> Page:
    """Quotations grouped across articles, most repeated first."""
    _check_paging(limit, offset)
    where, args = "", []
    if speaker:
        where, args = "WHERE quote_id IN (SELECT quote_id FROM quotes WHERE speaker = ?)", [speaker]
    total = store.conn.execute(f"SELECT count(DISTINCT quote_id) FROM quotes {where}", args).fetchone()[0]
    rows = store.conn.execute(
        f"""SELECT q.quote_id, count(*), count(DISTINCT q.article), max(q.conflicting),
                   group_concat(DISTINCT q.speaker),
                   (SELECT text FROM quotes f WHERE f.quote_id = q.quote_id ORDER BY f.first_appearance DESC,
                    f.article LIMIT 1)
            FROM quotes q {where} GROUP BY q.quote_id ORDER BY count(DISTINCT q.article) DESC, q.quote_id
            LIMIT ? OFFSET ?""", args + [limit, offset]).fetchall()
    items = [{"quote_id": qid, "occurrences": n, "articles": arts, "conflicting": bool(conf),
              "speakers": sorted(s.split(",")) if s else [], "text": text}
             for qid, n, arts, conf, s, text in rows]
    return Page(items, total, limit, offset)


def quote_group(store: Store, quote_id: str) -> dict:
    """One quotation's variants in every article, first appearance first."""
    rows = store.conn.execute(
        """SELECT q.article, q.start, q.end, q.text, q.speaker, q.speaker_as_written, q.how, q.cue,
                  q.secondary_source, q.variant, q.first_appearance, q.reattributed, q.conflicting, a.source,
                  a.published, a.title
           FROM quotes q JOIN articles a ON a.id = q.article WHERE q.quote_id = ?
           ORDER BY q.first_appearance DESC, a.published IS NULL, a.published, q.article, q.start""",
        (quote_id,)).fetchall()
    if not rows:
        raise NotFound(f"no quotation {quote_id!r} in the store")
    keys = ("article", "start", "end", "text", "speaker", "speaker_as_written", "how", "cue",
            "secondary_source", "variant", "first_appearance", "reattributed", "conflicting", "source", "published",
            "title")
    variants = [dict(zip(keys, r)) for r in rows]
    for v in variants:
        for flag in ("first_appearance", "reattributed", "conflicting"):
            v[flag] = bool(v[flag])
    return {"quote_id": quote_id, "conflicting": any(v["conflicting"] for v in variants),
            "speakers": sorted({v["speaker"] for v in variants if v["speaker"]}),
            "first": [v for v in variants if v["first_appearance"]], "variants": variants}
