"""Read-only views of a store for people browsing a collection: the data behind the
web pages and the HTTP API, as plain dicts ready for JSON.

Every list is paged (:class:`Page`). Nothing here writes to the store.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from .errors import BadQuery, NotFound
from .report import article_meta, article_report, shared_passages, with_several_events_maybe
from .store import Store
from .stories import Profile, Weights, shared_names
from .store.browsing import ARTICLE_SORTS, SNIPPET_CLOSE, SNIPPET_OPEN

__all__ = ["CLUSTER_KINDS", "MAX_LIMIT", "SNIPPET_CLOSE", "SNIPPET_OPEN", "Page", "article", "articles", "cluster",
           "clusters", "copy_matrix", "copy_tree", "outlets", "overview", "pair", "quote_group", "quote_groups", "stories",
           "story", "STORY_ORDERS"]

MAX_LIMIT = 500
STORY_ORDERS = ("size", "newest")


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


def overview(store: Store, top: int = 10) -> dict:
    """Counts, most-copied sources, most-copying outlets, largest clusters, reuse by month."""
    return {"counts": store.overview_counts(), "most_copied": store.most_copied(top),
            "most_copying_outlets": store.most_copying_outlets(top),
            "largest_clusters": clusters(store, kind="reuse", limit=top).items, "reuse_by_month": store.reuse_by_month()}


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
    if sort not in ARTICLE_SORTS:
        raise BadQuery(f"sort must be one of {', '.join(ARTICLE_SORTS)}, not {sort!r}")
    if min_reused is not None and not 0 <= min_reused <= 1:
        raise BadQuery(f"min_reused is a share between 0 and 1, not {min_reused}")
    for name, value in (("from", date_from), ("to", date_to)):
        if value is not None and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
            raise BadQuery(f"{name} must be a date as YYYY, YYYY-MM or YYYY-MM-DD, not {value!r}")
    total, items = store.find_articles(q, outlet, date_from, date_to, min_reused, sort, limit, offset)
    if items is None:
        raise BadQuery(f"the search {q!r} holds no words")
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
    report["named"] = store.article_names(_named_in(report))
    report["story"] = store.story_of(article_id)
    return report


def _named_in(report: dict) -> set[str]:
    """The articles a report names by id (sources, parents, clusters' earliest), which its
    page names by title, outlet and date."""
    sig = report["signals"] or {}
    ids = set(sig.get("sources", [])) | set(sig.get("copied_from", []))
    ids |= {c["parent"] for c in sig.get("claims", [])} | {e["source"] for e in sig.get("earliest", [])}
    ids |= {r["source"] for key in ("reused_spans", "recycled") for r in sig.get(key, [])}
    ids |= {f["source_article"] for f in sig.get("facts_differ", [])}
    ids |= {i for c in report["clusters"] for i in c["earliest"]} | {c["copied_from"] for c in report["clusters"]}
    ids |= {report["duplicate_of"], *report["duplicates"]}
    return ids - {None}


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


CLUSTER_KINDS = ("reuse", "recurring", "formula", "template", "quotation", "phrase", "restated")


def clusters(store: Store, min_size: int = 2, kind: str | None = None, limit: int = 50,
             offset: int = 0) -> Page:
    """Clusters, largest first, with their spread over time and outlets; ``kind`` keeps one
    kind (CLUSTER_KINDS)."""
    _check_paging(limit, offset)
    if kind is not None and kind not in CLUSTER_KINDS:
        raise BadQuery(f"kind must be one of {', '.join(CLUSTER_KINDS)}, not {kind!r}")
    total, items = store.cluster_list(min_size, kind, limit, offset)
    named = store.article_names(i for c in items for i in c["earliest"])
    for c in items:
        c["earliest_articles"] = [named[i] for i in c["earliest"] if i in named]
    return Page(items, total, limit, offset)


def cluster(store: Store, cluster_id: int, excerpt: int = 300) -> dict:
    """One cluster: its copies earliest first, each with an excerpt, and the copy tree."""
    found, copies, edges = store.cluster_copies(cluster_id)
    if found is None:
        raise NotFound(f"no cluster {cluster_id} in the store")
    for c in copies:
        passage = c.pop("passage")
        c["excerpt"] = passage if len(passage) <= excerpt else passage[:excerpt] + "…"
    tree = copy_tree(edges)
    members = {c["article"]: c for c in copies}

    def describe(nodes):
        for n in nodes:
            m = members.get(n["article"], {})
            n["title"], n["source"], n["published"] = m.get("title"), m.get("source"), m.get("published")
            describe(n["children"])
    describe(tree)
    return {**found, "copies": copies, "edges": edges, "tree": tree}


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
    total, items = store.outlet_list(limit, offset)
    copies = store.outlet_copies()
    named = store.article_names(i for by_source in copies.values() for cell in by_source.values()
                                for c in cell["claims"] for i in (c["article"], c["parent"]))
    for item in items:  # rows copy from columns: passages, articles, and the claims behind them
        item["copied_from"] = [
            {"outlet": source, "articles": cell["articles"], "passages": cell["passages"],
             "claims": [{"article": named.get(c["article"], {"id": c["article"]}),
                         "parent": named.get(c["parent"], {"id": c["parent"]})} for c in cell["claims"]]}
            for source, cell in sorted(copies.get(item["source"], {}).items(),
                                       key=lambda kv: (-kv[1]["articles"], kv[0] or ""))]
    return Page(items, total, limit, offset)


def copy_matrix(items: list[dict], size: int = 10) -> dict:
    """Who copies whom among the outlets of a page of :func:`outlets`: the ``size`` outlets
    copying the most articles (rows) and the ``size`` most copied from (columns), each cell
    the claims between them."""
    copying: dict = {}
    copied: dict = {}
    cells = {}
    for item in items:
        for cell in item["copied_from"]:
            copying[item["source"]] = copying.get(item["source"], 0) + cell["articles"]
            copied[cell["outlet"]] = copied.get(cell["outlet"], 0) + cell["articles"]
            cells[item["source"], cell["outlet"]] = cell
    rows = sorted(copying, key=lambda o: (-copying[o], o or ""))[:size]
    columns = sorted(copied, key=lambda o: (-copied[o], o or ""))[:size]
    return {"outlets": columns, "rows": [{"outlet": row, "cells": [cells.get((row, col)) for col in columns]}
                                          for row in rows]}


QUOTE_KINDS = ("quotation", "term")


def quote_groups(store: Store, speaker: str | None = None, limit: int = 50, offset: int = 0,
                 kind: str = "quotation") -> Page:
    """Quotations (or, with ``kind`` term, the terms: scare quotes and titles) grouped across
    articles, most repeated first."""
    _check_paging(limit, offset)
    if kind not in QUOTE_KINDS:
        raise BadQuery(f"kind must be one of {', '.join(QUOTE_KINDS)}, not {kind!r}")
    total, items = store.quote_group_list(speaker, limit, offset, kind)
    return Page(items, total, limit, offset)


def quote_group(store: Store, quote_id: str) -> dict:
    """One quotation's variants in every article, first appearance first."""
    variants = store.quote_variants(quote_id)
    if not variants:
        raise NotFound(f"no quotation {quote_id!r} in the store")
    return {"quote_id": quote_id, "kind": variants[0]["kind"], "conflicting": any(v["conflicting"] for v in variants),
            "speakers": sorted({v["speaker"] for v in variants if v["speaker"]}),
            "first": [v for v in variants if v["first_appearance"]], "variants": variants}


def stories(store: Store, order: str = "size", limit: int = 50, offset: int = 0, members: bool = False) -> Page:
    """Stories, the largest or the newest first (``order``: STORY_ORDERS), each with its
    earliest articles named; with ``members``, each with all its articles' ids too."""
    _check_paging(limit, offset)
    if order not in STORY_ORDERS:
        raise BadQuery(f"order must be one of {', '.join(STORY_ORDERS)}, not {order!r}")
    total, items = store.story_list(order, limit, offset)
    items = with_several_events_maybe(store, items)
    named = store.article_names(i for s in items for i in s["first"])
    held = store.story_articles([s["story"] for s in items]) if members else {}
    for s in items:
        s["first_articles"] = [named[i] for i in s["first"] if i in named]
        if members:
            s["articles"] = held.get(s["story"], [])
    return Page(items, total, limit, offset)


def story(store: Store, story_id: int) -> dict:
    """One story: its articles in order of publication, its timeline by outlet (each outlet's
    articles, the outlets in the order they first reported), the clusters and quotations its
    articles share, and the facts its copies state otherwise than their sources."""
    found = store.story_row(story_id)
    if found is None:
        raise NotFound(f"no story {story_id} in the store")
    ids = store.story_articles([story_id]).get(story_id, [])
    named = store.article_names(ids)
    articles = [named[i] for i in ids if i in named]
    timeline: dict[str | None, list[dict]] = {}
    for a in articles:
        timeline.setdefault(a["source"], []).append(a)
    in_story = set(ids)
    facts = []
    for a in articles:
        signals = store.signals(a["id"]) or {}
        facts += [{**f, "article": a["id"]} for f in signals.get("facts_differ", []) if f["source_article"] in in_story]
    profiles = [Profile.unpacked(a, packed) for a, packed in sorted(store.story_profiles(ids).items())]
    keys = {k for p in profiles for k in p.names}
    weights = Weights(store.story_word_counts(keys), store.story_grouping()[0])  # as the grouping weighed them
    return {**with_several_events_maybe(store, [found])[0], "articles": articles,
            "timeline": [{"outlet": outlet, "articles": items} for outlet, items in timeline.items()],
            "shared_names": shared_names(profiles, weights),
            "clusters": store.story_clusters(story_id), "quotations": store.story_quotes(story_id),
            "facts_differ": facts}
