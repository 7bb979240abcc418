"""Reports as people read them: text for a terminal (with colour on one) and one
self-contained HTML page, from the plain data of :mod:`newstrace.report`."""

from __future__ import annotations

import re
import shutil
import textwrap


# --- text rendering ---------------------------------------------------------

def percent(x: float | None) -> str:
    """A share as a whole percentage that never reads as none or all when it is not: a page
    of 200,000 characters reusing one paragraph has "<1%" of its text reused, not "0%"."""
    if x is None:
        return "–"
    if 0 < x < 0.005:
        return "<1%"
    if 0.995 <= x < 1:
        return ">99%"
    return f"{x:.0%}"


def appearance(q: dict) -> str:
    """Where a quotation stands among its appearances, as a reader is told it."""
    if q["first_appearance"]:
        return "first appearance"
    if q["first_appearance"] is None:
        return "undated: first appearance unknown" + ("" if q["variant"] == "exact" else f" ({q['variant']})")
    return f"{q['variant']}, seen earlier"


def _signal_lines(art: dict) -> list[str]:
    sig = art.get("signals")
    if not sig:
        return []
    sure = {e["source"]: e["confidence"] for e in sig.get("earliest", [])}
    lines = [f"  originality {percent(sig['originality'])}: {percent(sig['reused_share'])} of the text appeared "
             f"earlier elsewhere, from {sig['source_count']} earliest source(s)"
             + (": " + ", ".join(s + (f" ({sure[s]} confidence)" if sure.get(s, "high") != "high" else "")
                                 for s in sig["sources"]) if sig["sources"] else "")]
    for f in sig.get("facts_differ", []):
        lines.append(f"  fact that differs ({f['kind']}): this copy says {f['this']!r} where its source "
                     f"{f['source_article']} says {f['source']!r}")
    for c in sig.get("claims", []):
        if c["confidence"] == "low":
            lines.append(f"  shares {c['words']} words with the earlier {c['parent']}, not claimed as copied: "
                         f"{c['evidence']}")
        else:
            said = "reuses its own outlet's text of" if c.get("own_outlet") else "copied from"
            lines.append(f"  {said} {c['parent']} ({c['confidence']} confidence: {c['evidence']})")
    if sig.get("date_doubt"):
        lines.append(f"  date in doubt: {sig['date_doubt']}")
    if sig.get("common_sources"):
        lines.append(f"  common source credited by this article and the copy it matches: "
                     f"{', '.join(sig['common_sources'])} (an agency, not necessarily in the collection)")
    if sig.get("credits"):
        lines.append("  credits: " + ", ".join(sorted({c["agency"] for c in sig["credits"]})))
    if sig["swaps"]:
        swaps = ", ".join(f"{w['copy_word']!r} for {w['source_word']!r}" for w in sig["swaps"][:12])
        lines.append(f"  spin rate {percent(sig['spin_rate'])}; swaps against the source: {swaps}")
    for r in sig["recycled"]:
        lines.append(f"  recycled: [{r['start']}:{r['end']}] first published {r['first_published']} "
                     f"by {r['source']}")
    if sig["stitched_score"] >= 0.5 and sig["source_count"] >= 3:
        lines.append(f"  stitched from {sig['source_count']} sources (score {sig['stitched_score']:.2f})")
    if sig["spin_hints"]:
        hints = ", ".join(f"{h['text']!r} at {h['start']}" for h in sig["spin_hints"])
        lines.append(f"  spin hints (alias forms spinners use, no source needed): {hints}")
    for c in art.get("clusters", []):
        quoted = "; both quote " + ", ".join(who for who, _ in c["quoted"]) if c.get("quoted") else ""
        lines.append(f"  {c.get('kind', 'reuse')} cluster {c['id']} ({c['size']} articles): {c['ordering']}{quoted}")
    for q in art.get("quotes", []):
        who = q["speaker"] or "unattributed"
        who += f" ({q['speaker_org']})" if q.get("speaker_org") else ""
        if q["how"] == "pronoun":
            who += f" (“{q['speaker_as_written']}”)"
        text = clip(q["text"], 70)
        lines.append(f"  quote [{q['start']}:{q['end']}] {who}: “{text}”"
                     + ("" if q["first_appearance"] else f" ({appearance(q)})")
                     + (" — re-attributed: the first appearance names another speaker" if q["reattributed"] else "")
                     + (" — conflicting attributions" if q["conflicting"] else ""))
    for st in art.get("statements", []):
        who = st["speaker"] or "no source found"
        who += f" ({st['speaker_org']})" if st.get("speaker_org") else ""
        text = clip(st["text"], 70)
        lines.append(f"  statement [{st['start']}:{st['end']}] {who} ({st['cue']}): {text}")
    return lines



_MARK = {  # how a word is marked in each column when the two sides differ
    "variant": ("~", "~"), "near": ("~", "~"), "substituted": ("[", "]"),
    "inserted": ("{+", "+}"), "deleted": ("{-", "-}"), "gap": ("", ""),
}
_COLOUR = {"variant": "33", "near": "33", "substituted": "31", "inserted": "36", "deleted": "36"}


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 3] + "..."


def _word(kind: str, word: str, colour: bool) -> str:
    if kind == "exact" or not word:
        return word
    left, right = _MARK.get(kind, ("", ""))
    marked = f"{left}{word}{right}"
    if colour and kind in _COLOUR:
        return f"\033[{_COLOUR[kind]}m{marked}\033[0m"
    return marked


def _source_colour(article_id: str) -> int:
    """A stable terminal colour (31-36) for a source article."""
    return 31 + sum(article_id.encode()) % 6


def _visible_len(s: str) -> int:
    return len(re.sub(r"\033\[[0-9;]*m", "", s))


def op_rows(ops: list[dict], width: int, measure=len) -> list[list[dict]]:
    """Cut aligned words into rows no wider than ``width`` on either side, so each row
    shows the same stretch of both texts."""
    rows: list[list[dict]] = [[]]
    left = right = 0
    for op in ops:
        la = measure(op["this"]) + 1 if op["this"] else 0
        lb = measure(op["other"]) + 1 if op["other"] else 0
        if (left + la > width or right + lb > width) and rows[-1]:
            rows.append([])
            left = right = 0
        rows[-1].append(op)
        left, right = left + la, right + lb
    return rows if rows[-1] else []


def side_by_side(ops: list[dict], width: int, colour: bool = False) -> list[str]:
    """Lay the aligned words out in two columns, differing words marked."""
    col = max(20, (width - 3) // 2)
    lines = []
    for row in op_rows(ops, col, measure=lambda w: len(w) + 2):  # room for the marks
        left = " ".join(_word(op["kind"], op["this"], colour) for op in row if op["this"])
        right = " ".join(_word(op["kind"], op["other"], colour) for op in row if op["other"])
        lines.append(f"{left}{' ' * max(0, col - _visible_len(left))} | {right}")
    return lines


def render_text(report: dict, colour: bool = False, width: int | None = None) -> str:
    """Render a trace report (:func:`~newstrace.report.trace_report`) for a person to read."""
    width = width or terminal_width()
    parts = [head_text(report)] + [article_text(art, colour, width) for art in report["articles"]] + [MARKS]
    return "\n".join(p for p in parts if p)


def terminal_width() -> int:
    return min(160, shutil.get_terminal_size((120, 20)).columns)


# How the side-by-side alignments mark words, said once after them.
MARKS = "\nmarks: ~variant~ (alias, spelling, inflection, OCR)  [substituted]  {-only here-}  {+only in the other+}"


def head_text(head: dict) -> str:
    """The run summary and skipped input of a trace report (:func:`~newstrace.report.trace_head`)."""
    out: list[str] = []
    s = head.get("summary") or {}
    if s:
        out.append("newstrace: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in s.items()))
    for skip in head.get("skipped", []):
        where = f"{skip['file']}:{skip['line']}" if skip["line"] else skip["file"]
        out.append(f"skipped {where}: {skip['reason']}")
    return "\n".join(out)


def article_text(art: dict, colour: bool = False, width: int = 120) -> str:
    """One article's report as text: its signals and claims, then each shared passage beside its source."""
    head = f"{art['id']}: {art['title']!s}"
    meta = ", ".join(x for x in (art.get("source"), art.get("published")) if x)
    out = ["", "=" * min(width, 100), head + (f" ({meta})" if meta else "")]
    if art.get("duplicate_of"):
        out.append(f"  exact duplicate of {art['duplicate_of']}")
    out.extend(_signal_lines(art))
    if not art["shared"]:
        out.append("  no passage shared with another article")
    for p in art["shared"]:
        o = p["other"]
        ometa = ", ".join(x for x in (o.get("source"), o.get("published")) if x)
        w = p["words"]
        out.append("")
        order = {True: "earlier", False: "not earlier", None: "order unknown"}[p["other_is_earlier"]]
        name = f"{o['id']} [{p['other_span']['start']}:{p['other_span']['end']}]"
        if colour:
            name = f"\033[1;{_source_colour(o['id'])}m{name}\033[0m"
        out.append(f"  shares [{p['this_span']['start']}:{p['this_span']['end']}] with "
                   f"{name} ({', '.join(x for x in (ometa, order) if x)})")
        out.append(f"  similarity {p['similarity']:.2f}: {w['exact']} words exact, "
                   f"{w['variant']} variant, {w['substituted']} substituted, {w['gaps']} gaps")
        out.append(textwrap.indent("\n".join(side_by_side(p["alignment"], width - 4, colour)), "    "))
    return "\n".join(out)


def _titled(a: dict, width: int = 60) -> str:
    """An article as a person names it: its title (or id), outlet and date, and its id."""
    meta = ", ".join(x for x in (a.get("source"), (a.get("published") or "")[:10]) if x)
    title = clip(" ".join((a.get("title") or "").split()) or a["id"], width)
    return f"{title}" + (f" ({meta})" if meta else "") + (f" [{a['id']}]" if title != a["id"] else "")


def story_spread(story: dict) -> str:
    """When a story's articles were published, as a listing says it; an undated story that
    may join several events says so (report.with_several_events_maybe)."""
    if story["first_published"]:
        return f"{story['first_published'][:10]} .. {story['last_published'][:10]}"
    return "undated, one subject (perhaps several events)" if story["several_events_maybe"] else "undated"


def render_summary(s: dict, next_steps: list[tuple[str, str]]) -> str:
    """What a trace found, on a screen or two (:func:`~newstrace.report.collection_summary`),
    with where to go next (``next_steps``: command and what it shows)."""
    c = s["counts"]
    out = [f"newstrace: {c['articles']:,} articles ({c['distinct_texts']:,} distinct texts, {c['outlets']:,} outlets); "
           f"{c['passages']:,} shared passages in {c['clusters']:,} clusters; {c['copy_claims']:,} \"copied from\" "
           f"claims; {c['quotes']:,} quotations"]
    if s["skipped"]:
        out.append(f"{s['skipped']:,} input item(s) skipped (listed with --all; kept in the store's skips table)")
    if s["summary"].get("passed_over"):
        out.append(f"{s['summary']['passed_over']:,} file(s) of types newstrace does not read passed over "
                   "(named in the warnings above)")
    out += ["", f"Most reused articles (of {s['reusing_articles']:,} that reuse text published earlier elsewhere)"]
    out += [f"  {percent(a['reused_share']):>4}  {_titled(a)}" for a in s["most_reused"]] or ["  none"]
    out += ["", "Largest reuse clusters"]
    for k in s["largest_clusters"]:
        spread = f"{k['first_date'][:10]} .. {k['last_date'][:10]}" if k["first_date"] else "undated"
        first = "; ".join(_titled(a, 40) for a in k["earliest_titles"]) or "earliest unknown"
        out.append(f"  {k['size']} articles, {k['outlets']} outlets, {spread} (cluster {k['id']}; first: {first})")
        out.append(f"      “{clip(k['excerpt'], 110)}”")
    if not s["largest_clusters"]:
        out.append("  none")
    out += ["", "Largest stories (articles that report one event)"]
    for k in s["largest_stories"]:
        spread = story_spread(k)
        first = "; ".join(_titled(a, 40) for a in k["first_titles"]) or "first unknown"
        out.append(f"  {k['size']} articles, {k['outlets']} outlets, {spread}: {clip(k['label'] or '(no names)', 40)} "
                   f"(story {k['story']}; first: {first})")
    if not s["largest_stories"]:
        out.append("  none")
    look = []
    if s["date_doubts"]["count"]:
        look.append(f"  {s['date_doubts']['count']:,} article(s) whose text contradicts their publication date:")
        look += [f"    {_titled(a)}: {a['doubt']}" for a in s["date_doubts"]["articles"]]
    if s["facts_changed"]["count"]:
        look.append(f"  {s['facts_changed']['count']:,} copie(s) that state a fact otherwise than their source:")
        for a in s["facts_changed"]["articles"]:
            facts = ", ".join(f"{f['this']!r} where {f['source_article']} says {f['source']!r}" for f in a["facts"])
            look.append(f"    {_titled(a)}: {facts}")
    if s["conflicting_quotations"]["count"]:
        look.append(f"  {s['conflicting_quotations']['count']:,} quotation(s) given to different speakers:")
        look += [f"    “{clip(q['text'], 60)}” — {', '.join(q['speakers'])} (quote {q['quote_id']})"
                 for q in s["conflicting_quotations"]["quotations"]]
    out += ["", "Claims that need a look"] + (look or ["  none"])
    out += ["", "Next"] + [f"  {command:<44} {what}" for command, what in next_steps]
    return "\n".join(out)


# --- HTML ---------------------------------------------------------------------

_PALETTE = ["#ffd6a5", "#caffbf", "#9bf6ff", "#bdb2ff", "#ffc6ff", "#fdffb6", "#a0c4ff", "#ffadad"]

_CSS = """
body{font:16px/1.5 Georgia,serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.5rem}.meta{color:#555}.text{white-space:pre-wrap;border:1px solid #ddd;padding:1rem}
mark{padding:0 .1em;border-radius:.2em}mark a{color:inherit;text-decoration:none}
.legend span{display:inline-block;margin:.2rem .5rem .2rem 0;padding:0 .4rem;border-radius:.2em}
table.sbs{width:100%;border-collapse:collapse;font-size:.9rem}table.sbs td{vertical-align:top;width:50%;
padding:.3rem;border-top:1px solid #eee}.variant,.near{background:#fff3b0}.substituted{background:#ffc9c9}
.deleted,.inserted{background:#c9e4ff}.signals li{margin:.2rem 0}details{margin:.5rem 0}
"""


def highlight_pieces(text: str, passages: list[dict]) -> list[tuple[int, int, list[int]]]:
    """Cut ``text`` where shared passages start and end: ``(start, end, indexes of the
    passages covering that piece)``, in text order."""
    cuts = sorted({0, len(text)} | {p["this_span"][k] for p in passages for k in ("start", "end")})
    spans = [(p["this_span"]["start"], p["this_span"]["end"]) for p in passages]
    return [(lo, hi, [k for k, (s, e) in enumerate(spans) if s <= lo and hi <= e])
            for lo, hi in zip(cuts, cuts[1:])]


def source_colours(passages: list[dict]) -> dict[str, str]:
    """A background colour for each source article, in order of its first passage."""
    colour: dict[str, str] = {}
    for p in passages:
        colour.setdefault(p["other"]["id"], _PALETTE[len(colour) % len(_PALETTE)])
    return colour


def render_html(report: dict, text: str) -> str:
    """One self-contained HTML page for an article report. Every piece of article data is escaped."""
    from html import escape

    passages = report["shared"]
    others = {p["other"]["id"]: p["other"] for p in reversed(passages)}
    colour = source_colours(passages)
    body = []
    for lo, hi, covering in highlight_pieces(text, passages):
        piece = escape(text[lo:hi])
        if covering:
            k = covering[0]
            sid = passages[k]["other"]["id"]
            title = escape("also in " + ", ".join(sorted({passages[j]["other"]["id"] for j in covering})), quote=True)
            piece = (f'<mark style="background:{colour[sid]}" title="{title}">'
                     f'<a href="#passage-{k}">{piece}</a></mark>')
        body.append(piece)
    legend = "".join(
        f'<span style="background:{colour[sid]}">'
        f'{escape(" · ".join(x for x in (sid, o["source"], o["published"]) if x))}</span>'
        for sid, o in ((sid, others[sid]) for sid in colour))
    blocks = []
    for k, p in enumerate(passages):
        rows = "".join(
            f'<tr><td class="{escape(op["kind"])}">{escape(op["this"])}</td>'
            f'<td class="{escape(op["kind"])}">{escape(op["other"])}</td></tr>'
            for op in p["alignment"])
        w = p["words"]
        blocks.append(
            f'<details id="passage-{k}"><summary>[{p["this_span"]["start"]}:{p["this_span"]["end"]}] '
            f'shared with {escape(p["other"]["id"])} — similarity {p["similarity"]:.2f}, {w["exact"]} exact, '
            f'{w["variant"]} variant, {w["substituted"]} substituted</summary>'
            f'<table class="sbs"><tr><th>this article</th><th>{escape(p["other"]["id"])}</th></tr>{rows}</table>'
            f'</details>')
    signals = []
    sig = report.get("signals")
    if sig:
        signals.append(f"<li>originality {percent(sig['originality'])}; {percent(sig['reused_share'])} appeared earlier "
                       f"elsewhere; earliest sources: {escape(', '.join(sig['sources']) or 'none')}</li>")
        for f in sig.get("facts_differ", []):
            signals.append(f"<li class=\"fact\">fact that differs ({escape(f['kind'])}): this copy says "
                           f"<b>{escape(f['this'])}</b> where its source {escape(f['source_article'])} says "
                           f"<b>{escape(f['source'])}</b></li>")
        for c in sig.get("claims", []):
            said = ("reuses its own outlet's text of" if c.get("own_outlet") else "copied from") \
                if c["confidence"] != "low" else f"shares {c['words']} words with, not claimed as copied:"
            signals.append(f"<li>{said} {escape(c['parent'])} ({escape(c['confidence'])} confidence: "
                           f"{escape(c['evidence'])})</li>")
        if sig.get("date_doubt"):
            signals.append(f"<li>date in doubt: {escape(sig['date_doubt'])}</li>")
        if sig.get("common_sources"):
            signals.append("<li>common source (credited by both): " + escape(", ".join(sig["common_sources"])) + "</li>")
        if sig["swaps"]:
            signals.append("<li>spin rate {}; swaps: {}</li>".format(percent(sig["spin_rate"]), escape(", ".join(
                f"{w['copy_word']} for {w['source_word']}" for w in sig["swaps"]))))
        for r in sig["recycled"]:
            signals.append(f"<li>recycled [{r['start']}:{r['end']}] first published "
                           f"{escape(str(r['first_published']))} by {escape(r['source'])}</li>")
        if sig["spin_hints"]:
            signals.append("<li>spin hints: " + escape(", ".join(h["text"] for h in sig["spin_hints"])) + "</li>")
    meta = " · ".join(escape(x) for x in (report.get("source"), report.get("published"), report["id"]) if x)
    said = _html_quotes(report, escape)
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<title>{escape(report.get("title") or report["id"])} — newstrace</title><style>{_CSS}</style></head>'
            f'<body><h1>{escape(report.get("title") or report["id"])}</h1><p class="meta">{meta}</p>'
            f'<ul class="signals">{"".join(signals)}</ul><div class="legend">{legend}</div>'
            f'<div class="text">{"".join(body)}</div><h2>Shared passages</h2>{"".join(blocks)}{said}</body></html>')


def _html_quotes(report: dict, escape) -> str:
    """The report's quotations (speaker, how it was found, where else they appear) and
    statements as HTML lists, every piece of article text escaped."""
    def who(q: dict) -> str:
        name = escape(q["speaker"] or "unattributed")
        if q.get("speaker_org"):
            name += f' <span class="meta">({escape(q["speaker_org"])})</span>'
        if q["how"] == "pronoun":
            name += f" (“{escape(q['speaker_as_written'] or '')}”)"
        return name + (f' <span class="meta">({escape(q["cue"])})</span>' if q.get("cue") else "")

    items = []
    for q in report.get("quotes", []):
        seen = escape(appearance(q))
        flags = "".join(f" — {flag}" for flag, on in (("re-attributed", q["reattributed"]),
                                                     ("conflicting attributions", q["conflicting"])) if on)
        items.append(f"<li>“{escape(q['text'])}” — {who(q)} · {seen}{flags}</li>")
    out = f"<h2>Quotations</h2><ul>{''.join(items)}</ul>" if items else ""
    statements = [f"<li>{who(s)}: {escape(s['text'])}</li>" for s in report.get("statements", [])]
    if statements:
        out += f"<h2>Statements</h2><ul>{''.join(statements)}</ul>"
    return out


def _by_speaker(found: list[dict]) -> list[str]:
    """Quotations or statements under their speakers, the unattributed last."""
    by_speaker: dict = {}
    for q in found:
        by_speaker.setdefault(q["speaker"] or "(unattributed)", []).append(q)
    lines = []
    for speaker in sorted(by_speaker, key=lambda s: (s == "(unattributed)", s.lower())):
        lines.append(f"\n{speaker}")
        for q in by_speaker[speaker]:
            how = "" if q["how"] == "named" else f" [{q['how']}: {q['speaker_as_written'] or '-'}]"
            how += f"; of {q['speaker_org']}" if q.get("speaker_org") else ""
            extra = ""
            if q["kind"] == "quotation":
                ids = " + ".join(part["quote_id"] for part in q.get("parts") or [q])  # a saying of several passages
                extra = f"; quote {ids} " + appearance(q)
                extra += ", re-attributed" if q["reattributed"] else ""
                extra += " CONFLICTING ATTRIBUTIONS" if q["conflicting"] else ""
            lines.append(f"  {q['article']} [{q['start']}:{q['end']}] “{clip(q['text'], 100)}” "
                         f"({q['cue'] or 'no cue'}{how}{extra})")
    return lines


def quotes_text(engine: str, quotes: list[dict], statements: list[dict] | None, terms: list[dict] | None) -> str:
    """The quotes command's listing: quotations by speaker, then the statements and the terms
    when asked for (None: not asked)."""
    head = f"quotations found by {engine}: {len(quotes)}"
    head += "" if statements is None else f"; statements: {len(statements)}"
    head += "" if terms is None else f"; terms: {len(terms)}"
    lines = [head, *_by_speaker(quotes)]
    if statements:
        lines += ["", "", "Statements (without quotation marks)", *_by_speaker(statements)]
    if terms:
        lines += ["", "", "Terms (words held up in marks that nobody is said to speak)"]
        lines += [f"  {q['article']} [{q['start']}:{q['end']}] “{clip(q['text'], 100)}”" for q in terms]
    return "\n".join(lines)
