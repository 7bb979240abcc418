"""Per-article reports of shared passages: as plain data (JSON), and as readable text."""

from __future__ import annotations

import re
import shutil
import textwrap

from .model import Alignment, Article
from .store import Store

SCHEMA_ID = "https://newstrace.example/schemas/trace-1.json"


def _meta(article: Article) -> dict:
    return {"id": article.id, "title": article.title, "source": article.source,
            "published": article.published, "url": article.url}


def _passage(al: Alignment, this: Article, other: Article) -> dict:
    return {
        "other": _meta(other),
        "this_span": {"start": al.a.start, "end": al.a.end, "text": this.text[al.a.start:al.a.end]},
        "other_span": {"start": al.b.start, "end": al.b.end, "text": other.text[al.b.start:al.b.end]},
        "score": al.score,
        "similarity": al.similarity,
        "words": {"exact": al.exact, "variant": al.variant, "substituted": al.substituted,
                  "gaps": al.gaps},
        "alignment": [{"kind": o.kind, "this": o.a, "other": o.b} for o in al.ops],
        "differences": [{"kind": o.kind, "this": o.a, "other": o.b}
                        for o in al.ops if o.kind != "exact"],
    }


def article_report(store: Store, article_id: str) -> dict:
    """Everything known about one article's shared passages, as JSON-ready data."""
    article = store.article(article_id)
    if article is None:
        raise KeyError(article_id)
    canonical = store.duplicate_of(article_id) or article_id
    cache: dict[str, Article] = {article_id: article}
    passages = []
    for al in store.alignments(canonical):
        other = cache.get(al.b.article) or cache.setdefault(al.b.article, store.article(al.b.article))
        passages.append(_passage(al, article, other))
    return {
        **_meta(article),
        "origin": {"file": article.origin.file, "line": article.origin.line} if article.origin else None,
        "length": len(article.text),
        "duplicate_of": store.duplicate_of(article_id),
        "duplicates": store.duplicates_of(article_id),
        "shared": passages,
    }


def trace_report(store: Store, summary: dict | None = None) -> dict:
    """The report of every article in the store, with the run summary and skipped input."""
    return {
        "$schema": SCHEMA_ID,
        "store": store.path,
        "summary": summary or {},
        "skipped": [{"file": s.file, "line": s.line, "reason": s.reason} for s in store.skips()],
        "articles": [article_report(store, a.id) for a in store.articles()],
    }


# --- text rendering ---------------------------------------------------------

_MARK = {  # how a word is marked in each column when the two sides differ
    "variant": ("~", "~"), "near": ("~", "~"), "substituted": ("[", "]"),
    "inserted": ("{+", "+}"), "deleted": ("{-", "-}"), "gap": ("", ""),
}
_COLOUR = {"variant": "33", "near": "33", "substituted": "31", "inserted": "36", "deleted": "36"}


def _word(kind: str, word: str, colour: bool) -> str:
    if kind == "exact" or not word:
        return word
    left, right = _MARK.get(kind, ("", ""))
    marked = f"{left}{word}{right}"
    if colour and kind in _COLOUR:
        return f"\033[{_COLOUR[kind]}m{marked}\033[0m"
    return marked


def _visible_len(s: str) -> int:
    return len(re.sub(r"\033\[[0-9;]*m", "", s))


def side_by_side(ops: list[dict], width: int, colour: bool = False) -> list[str]:
    """Lay the aligned words out in two columns, differing words marked."""
    col = max(20, (width - 3) // 2)
    rows: list[tuple[str, str]] = []
    left: list[str] = []
    right: list[str] = []
    lw = rw = 0
    for op in ops:
        a = _word(op["kind"], op["this"], colour)
        b = _word(op["kind"], op["other"], colour)
        la, lb = _visible_len(a), _visible_len(b)
        if (lw + la + 1 > col or rw + lb + 1 > col) and (left or right):
            rows.append((" ".join(left), " ".join(right)))
            left, right, lw, rw = [], [], 0, 0
        if a:
            left.append(a)
            lw += la + 1
        if b:
            right.append(b)
            rw += lb + 1
    if left or right:
        rows.append((" ".join(left), " ".join(right)))
    return [f"{l}{' ' * (col - _visible_len(l))} | {r}" for l, r in rows]


def render_text(report: dict, colour: bool = False, width: int | None = None) -> str:
    """Render a trace report for a person to read."""
    width = width or min(160, shutil.get_terminal_size((120, 20)).columns)
    out: list[str] = []
    s = report.get("summary") or {}
    if s:
        out.append("newstrace: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in s.items()))
    for skip in report.get("skipped", []):
        where = f"{skip['file']}:{skip['line']}" if skip["line"] else skip["file"]
        out.append(f"skipped {where}: {skip['reason']}")
    for art in report["articles"]:
        head = f"{art['id']}: {art['title']!s}"
        meta = ", ".join(x for x in (art.get("source"), art.get("published")) if x)
        out.append("")
        out.append("=" * min(width, 100))
        out.append(head + (f" ({meta})" if meta else ""))
        if art.get("duplicate_of"):
            out.append(f"  exact duplicate of {art['duplicate_of']}")
        if not art["shared"]:
            out.append("  no passage shared with another article")
            continue
        for p in art["shared"]:
            o = p["other"]
            ometa = ", ".join(x for x in (o.get("source"), o.get("published")) if x)
            w = p["words"]
            out.append("")
            out.append(f"  shares [{p['this_span']['start']}:{p['this_span']['end']}] with "
                       f"{o['id']} [{p['other_span']['start']}:{p['other_span']['end']}]"
                       + (f" ({ometa})" if ometa else ""))
            out.append(f"  similarity {p['similarity']:.2f}: {w['exact']} words exact, "
                       f"{w['variant']} variant, {w['substituted']} substituted, {w['gaps']} gaps")
            out.append(textwrap.indent("\n".join(side_by_side(p["alignment"], width - 4, colour)), "    "))
    out.append("")
    out.append("marks: ~variant~ (alias, spelling, inflection, OCR)  [substituted]  "
               "{-only here-}  {+only in the other+}")
    return "\n".join(out)
