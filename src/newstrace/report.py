"""Per-article reports of shared passages, as plain data (the JSON of `report --json` and the
API); :mod:`newstrace.render` makes text and HTML of them."""

from __future__ import annotations

from collections.abc import Iterator

from .model import Alignment, Article
from .dates import earlier
from .errors import NotFound
from .store import Store

SCHEMA_ID = "https://newstrace.example/schemas/trace-1.json"


def article_meta(article: Article) -> dict:
    """An article's id, title, outlet, date and URL."""
    return {"id": article.id, "title": article.title, "source": article.source,
            "published": article.published, "url": article.url}


def _passage(al: Alignment, this: Article, other: Article, words: bool) -> dict:
    passage = {
        "other": article_meta(other),
        "this_span": {"start": al.a.start, "end": al.a.end, "text": this.text[al.a.start:al.a.end]},
        "other_span": {"start": al.b.start, "end": al.b.end, "text": other.text[al.b.start:al.b.end]},
        "other_is_earlier": earlier(other.published, this.published),
        "score": al.score,
        "similarity": al.similarity,
        "words": {"exact": al.exact, "variant": al.variant, "substituted": al.substituted,
                  "gaps": al.gaps},
    }
    if words:
        passage["alignment"] = [{"kind": o.kind, "this": o.a, "other": o.b} for o in al.ops]
        passage["differences"] = [{"kind": o.kind, "this": o.a, "other": o.b}
                                  for o in al.ops if o.kind != "exact"]
    return passage


def shared_passages(store: Store, article: Article, other_id: str | None = None,
                    words: bool = True) -> list[dict]:
    """The passages ``article`` shares (with ``other_id`` only, if given), each with its source;
    without ``words``, the word-by-word alignment is left in the store."""
    canonical = store.duplicate_of(article.id) or article.id
    cache: dict[str, Article] = {article.id: article}
    passages = []
    for al in store.alignments(canonical, words=words, other=other_id):
        other = cache.get(al.b.article) or cache.setdefault(al.b.article, store.article(al.b.article))
        passages.append(_passage(al, article, other, words))
    return passages


def article_report(store: Store, article_id: str, words: bool = True) -> dict:
    """Everything known about one article's shared passages, as JSON-ready data."""
    article = store.article(article_id)
    if article is None:
        raise NotFound(f"no article {article_id!r} in the store")
    duplicate_of = store.duplicate_of(article_id)
    passages = shared_passages(store, article, words=words)
    signals = _with_fact_offsets(store, article, store.signals(article_id))
    quotes = store.quotes(article_id)
    return {
        **article_meta(article),
        "origin": {"file": article.origin.file, "line": article.origin.line} if article.origin else None,
        "length": len(article.text),
        "duplicate_of": duplicate_of,
        "duplicates": store.duplicates_of(article_id),
        "shared": passages,
        "signals": signals,
        "quotes": quotes,
        "statements": store.statements(article_id),
        "clusters": [_cluster_here(c, article_id, signals, quotes) for c in store.clusters(article_id)],
    }


def _cluster_here(cluster: dict, article_id: str, signals: dict | None, quotes: list[dict]) -> dict:
    """A cluster as one of its articles sees it: its spans there, the copy it most likely
    came from (only where that is a claim the signals make), and for a shared quotation
    the quotations and speakers the span lies in."""
    spans = [s for s in cluster["spans"] if s["article"] == article_id]
    edge = next((e for e in cluster["edges"] if e["child"] == article_id), None)
    claims = {c["parent"]: c for c in (signals or {}).get("claims", [])}
    parent = edge["parent"] if edge and cluster.get("kind", "reuse") == "reuse" else None
    return {
        "id": cluster["id"], "size": cluster["size"], "kind": cluster.get("kind", "reuse"),
        "earliest": cluster["earliest"], "first_published": cluster["first_published"],
        "ordering": cluster["ordering"],
        "copied_from": parent if parent in (signals or {}).get("copied_from", []) else None,
        "evidence": edge["evidence"] if edge else None,
        "claim": claims.get(parent),
        "quoted": sorted({(q["speaker"] or "unattributed", q["quote_id"]) for q in quotes for s in spans
                          if q["start"] < s["end"] and s["start"] < q["end"]}) if cluster.get("kind") == "quotation"
        else [],
        "spans": spans,
    }


def _word_span(text: str, passage: list[int], word: str, nth: int) -> tuple[int, int] | None:
    """Offsets in ``text`` of the ``nth`` occurrence (from 0) of the word ``word`` in the
    passage at ``passage``, or None."""
    from .normalize import token_columns

    starts, ends, _ = token_columns(text[passage[0]:passage[1]])
    found = [(passage[0] + s, passage[0] + e) for s, e in zip(starts, ends)
             if text[passage[0] + s:passage[0] + e] == word]
    return found[nth] if nth < len(found) else None


def _with_fact_offsets(store: Store, article: Article, signals: dict | None) -> dict | None:
    """The signals with each fact that differs located in both texts (``start``/``end``
    here, ``source_start``/``source_end`` in its source)."""
    if not signals or not signals.get("facts_differ"):
        return signals
    texts: dict[str, str] = {article.id: article.text}
    facts = []
    for f in signals["facts_differ"]:
        source = texts.get(f["source_article"])
        if source is None:
            other = store.article(f["source_article"])
            source = texts[f["source_article"]] = other.text if other else ""
        here = _word_span(article.text, f["this_passage"], f["this"], f["this_nth"])
        there = _word_span(source, f["source_passage"], f["source"], f["source_nth"])
        facts.append({"kind": f["kind"], "this": f["this"], "source": f["source"],
                      "source_article": f["source_article"],
                      "start": here[0] if here else None, "end": here[1] if here else None,
                      "source_start": there[0] if there else None, "source_end": there[1] if there else None})
    return {**signals, "facts_differ": facts}


def trace_head(store: Store, summary: dict | None = None) -> dict:
    """What a trace report says before its articles: the run summary and skipped input."""
    return {"$schema": SCHEMA_ID, "store": store.location, "summary": summary or {},
            "skipped": [{"file": s.file, "line": s.line, "reason": s.reason} for s in store.skips()]}


def article_reports(store: Store) -> Iterator[dict]:
    """The report of every article in the store, in id order, one at a time: a collection's
    reports are never held at once."""
    for article_id in store.article_ids():
        yield article_report(store, article_id)


def trace_report(store: Store, summary: dict | None = None) -> dict:
    """The report of every article in the store, with the run summary and skipped input
    (:func:`trace_head` and :func:`article_reports` give it in parts)."""
    return {**trace_head(store, summary), "articles": list(article_reports(store))}


# The stories a trace's summary names (the largest, of two articles or more).
STORIES_SHOWN = 3


def collection_summary(store: Store, summary: dict | None = None, top: int = 5) -> dict:
    """What a person reads first after a trace: counts, the most reused articles, the largest
    reuse clusters with a line of their text, the largest stories, and the claims that need a look (dates the
    text contradicts, copies that change a fact of their source, quotations given to
    different speakers)."""
    counts = store.overview_counts()
    claims = doubts = 0
    changed: list[dict] = []
    dated: list[dict] = []
    for article_id, details in store.signal_details():
        claims += sum(c["confidence"] != "low" for c in details.get("claims", []))
        if details.get("date_doubt"):
            doubts += 1
            if len(dated) < top:
                dated.append({**_named(store, article_id), "doubt": details["date_doubt"]})
        facts = details.get("facts_differ", [])
        if facts and len(changed) < top:
            changed.append({**_named(store, article_id), "facts": [
                {"kind": f["kind"], "this": f["this"], "source": f["source"],
                 "source_article": f["source_article"]} for f in facts[:3]]})
        elif facts:
            changed.append({"id": article_id})
    clusters = []
    for c in store.cluster_list(2, "reuse", top, 0)[1]:
        copies = store.cluster_copies(c["id"])[1]
        first = copies[0] if copies else {}
        clusters.append({**c, "excerpt": " ".join(first.get("passage", "").split())[:160],
                         "earliest_titles": [_named(store, i) for i in c["earliest"][:2]]})
    total, reused = store.find_articles(None, None, None, None, 1e-9, "reused", top, 0)
    stories = with_several_events_maybe(store, [{**s, "first_titles": [_named(store, i) for i in s["first"][:1]]}
                                                for s in store.story_list("size", STORIES_SHOWN, 0)[1] if s["size"] > 1])
    return {"store": store.location, "summary": summary or {}, "counts": {**counts, "copy_claims": claims},
            "skipped": store.count("skips"), "most_reused": reused, "reusing_articles": total,
            "largest_clusters": clusters, "largest_stories": stories, "date_doubts": {"count": doubts, "articles": dated},
            "facts_changed": {"count": len(changed), "articles": [c for c in changed if "facts" in c]},
            "conflicting_quotations": store.conflicting_quote_groups(top)}


def with_several_events_maybe(store: Store, stories: list[dict]) -> list[dict]:
    """Stories (rows with "story", "size" and "first_published"), each with whether it may join
    several events: it has several articles, they are undated (without dates, two events of one
    company or campaign are not told apart) and no reprinted passage runs through all of them."""
    undated = {s["story"] for s in stories if s["size"] > 1 and not s["first_published"]}
    held = store.stories_one_passage_holds(undated)
    return [{**s, "several_events_maybe": s["story"] in undated and s["story"] not in held} for s in stories]


def _named(store: Store, article_id: str) -> dict:
    article = store.article(article_id)
    return {"id": article_id, "title": article.title if article else "", "source": article.source if article else None,
            "published": article.published if article else None}
