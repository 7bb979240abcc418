"""Quote extraction and attribution measured on PolNeAR (the dev split by default).

    python bench/bench_quotes.py [--shared ../shared] [--splits dev]

Gold: brat attributions (Source, Cue, Content). A *direct quote* is an attribution
whose content is wholly inside quotation marks. For those, the benchmark reports
content precision/recall/F1 (overlap and exact), and, over matched quotes, how
often the speaker span, the cue span and the speaker name agree with the gold. Over
all attributions (with the parse) it reports the same matching, and Citron's measures
(counted attribution by attribution as Citron's evaluation does, and span by span)
beside the agreement of PolNeAR's own annotators on the articles two of them
annotated. The attribution models are fitted to the train split
(bench/train_attributions.py), so dev is the split to read.
Writes bench/results/quotes.md.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from types import SimpleNamespace

from newstrace import pipeline
from newstrace.normalize import joined_lines
from newstrace.quotes import extract_quotes, group_quotes
from newstrace.quotes.attribute import _is_name, core_name, given_names
from newstrace.quotes.evaluation import (PRONOUNS, as_roles, citron_rows, holds_a_name, overlaps, score_all, score_citron,
                                         score_sayings, score_spans, span_rows)
from newstrace.quotes.utterances import utterances
from newstrace.settings import Settings
from newstrace.store import open_store
from newstrace.quotes.training import first_annotators, read_brat
from newstrace.quotes.parse import ParsedArticle, attributions, engine_name, load_parser

_MARKS = "“”\"‘’«»„"


def is_direct(text: str, spans: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The inner span of a content that is wholly quoted, else None. A content may be
    annotated with its marks (and a comma or full stop after the closing one) or
    without them."""
    s, e = spans[0][0], spans[-1][1]
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e - s < 2:
        return None
    if text[s] in _MARKS:
        close = e - 1 if text[e - 1] in _MARKS else e - 2 if text[e - 1] in ".," and text[e - 2] in _MARKS else None
        if close is not None and close > s + 1:
            return s + 1, close
        return None
    if s > 0 and text[s - 1] in _MARKS and e < len(text) and text[e] in _MARKS:
        return s, e
    return None


def agreement(root: Path, splits: list[str]) -> tuple[dict, int]:
    """The span measures between the two annotators of the articles annotated twice: what
    people agree on, the most a model can be expected to reach on this corpus."""
    c, n = defaultdict(int), 0
    for split in splits:
        by: dict[str, list[Path]] = defaultdict(list)
        for ann in sorted((root / split / "attributions").glob("*.ann")):
            by[ann.stem.rsplit("_", 1)[0]].append(ann)
        for name, anns in by.items():
            if len(anns) < 2:
                continue
            n += 1
            text = (root / split / "text" / f"{name}.txt").read_text("utf-8")
            first, second = ([ev for ev in read_brat(a) if "Content" in ev] for a in anns[:2])
            score_spans(c, text, first, second)
            score_citron(c, text, first, second)
            score_all(c, text, first, [_as_found(ev, text) for ev in second])
    return c, n


def _as_found(event: dict, text: str) -> SimpleNamespace:
    """One annotator's attribution as score_all reads ours: each role's spans as one span
    from its first to its last character, the source's words as the speaker."""
    def whole(role):
        spans = event.get(role) or []
        return (min(s for s, _ in spans), max(e for _, e in spans)) if spans else None

    source = whole("Source")
    return SimpleNamespace(content=whole("Content"), source=source, cue=whole("Cue"),
                           speaker=text[source[0]:source[1]] if source else None)


def norm(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text).strip().lower()


def as_sayings(root: Path, splits: list[str]) -> list[str]:
    """What ``newstrace quotes --json --statements`` prints for the splits' articles (the same
    calls, into a store in a temporary folder), scored as a quote extractor's evaluation
    scores records (:func:`score_sayings`), beside the stored passages listed one by one."""
    counts = {(way, threshold, only): defaultdict(int) for way in ("passages", "sayings")
              for threshold in (0.3, 0.8) for only in (False, True)}
    for split in splits:
        with tempfile.TemporaryDirectory() as tmp, open_store(str(Path(tmp) / "polnear.db")) as store:
            settings = Settings(speakers="parse")
            pipeline.ingest(store, [str(root / split / "text")], settings, {})
            pipeline.collect_quotes(store, settings)
            passages, said = store.quotes(), store.statements()
            ways = {"passages": passages + said, "sayings": utterances(passages, said)}
            for name, ann in first_annotators(root, split).items():
                text = (root / split / "text" / f"{name}.txt").read_text("utf-8")
                gold = [ev for ev in read_brat(ann) if "Content" in ev]
                for (way, threshold, only), c in counts.items():
                    score_sayings(c, text, gold, [r for r in ways[way] if r["article"] == name], threshold, only)
    lines = ["`newstrace quotes --json --statements` on the same articles, its records scored as a quote extractor's "
             "evaluation scores them: each gold attribution takes, of the records not yet taken, the one covering the "
             "largest share of its content's characters, when that share passes the threshold; the speaker is right "
             "when our speaker's words overlap the gold source. Sayings: the records the command prints (passages of "
             "one attribution joined, quotations inside a statement of their speaker listed with it: "
             "newstrace.quotes.utterances); passages: the stored quotations and statements one by one. Of saying: "
             "only the gold attributions whose cue holds a word of saying (quotations and reported speech, what a "
             "quote extractor is asked for; a record taken by another attribution counts neither way).", "",
             "| records | gold | threshold | precision | recall | F1 | speaker accuracy |", "|---|---|---|---|---|---|---|"]
    for (way, threshold, only), c in counts.items():
        p, r = c["found"] / max(1, c["found"] + c["wrong"]), c["found"] / max(1, c["found"] + c["missed"])
        f = 2 * p * r / (p + r) if p + r else 0.0
        lines.append(f"| {way} | {'of saying' if only else 'all'} | {threshold} | {p:.3f} | {r:.3f} | {f:.3f} | "
                     f"{c['speaker_ok'] / max(1, c['found']):.3f} |")
    return lines


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / "shared"))
    ap.add_argument("--splits", nargs="+", default=["dev"],
                    help="dev by default: the attribution models are fitted to train (bench/train_attributions.py)")
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent / "results" / "quotes.md"))
    ap.add_argument("--engine", choices=["rules", "nlp"], default="nlp",
                    help="nlp: spaCy parse with rules (the [nlp] extra); rules: rules only")
    args = ap.parse_args()
    parser = load_parser() if args.engine == "nlp" else None
    if args.engine == "nlp" and parser is None:
        raise SystemExit("the nlp engine needs the [nlp] extra: pip install 'newstrace[nlp]'")
    root = Path(args.shared) / "data" / "polnear"
    c, spans = defaultdict(int), defaultdict(int)
    started = time.perf_counter()
    n_docs = 0
    collection, named_in_full = [], {}  # every quotation; gold full names of matched ones
    for split in args.splits:
        for name, ann in first_annotators(root, split).items():
            text = (root / split / "text" / f"{name}.txt").read_text("utf-8")
            n_docs += 1
            gold = []
            contents = []
            events = read_brat(ann)
            for ev in events:
                if "Content" in ev:
                    contents.extend(ev["Content"])
                    inner = is_direct(text, ev["Content"])
                    if inner:
                        gold.append((inner, ev.get("Source"), ev.get("Cue")))
            flowing = joined_lines(text)  # paragraphs as collect_quotes parses them
            parsed = ParsedArticle(parser, flowing) if parser is not None else None
            ours = extract_quotes(name, text, parsed)
            collection.extend(ours)
            if parsed is not None:
                found = attributions(flowing, ours, parsed)
                score_all(c, text, [ev for ev in events if "Content" in ev], found)
                score_spans(spans, text, [ev for ev in events if "Content" in ev], [as_roles(a, text) for a in found])
                score_citron(spans, text, [ev for ev in events if "Content" in ev], [as_roles(a, text) for a in found])
            c["gold"] += len(gold)
            c["ours"] += len(ours)
            # A quotation inside any attributed content (a quoted phrase in indirect
            # speech too) is a real quotation, not a false positive.
            c["ours_in_content"] += sum(1 for q in ours if any(overlaps((q.start, q.end), x) for x in contents))
            used = set()
            for q in ours:
                hit = next((g for k, g in enumerate(gold) if k not in used and overlaps((q.start, q.end), g[0])), None)
                if hit is None:
                    continue
                used.add(gold.index(hit))
                c["tp"] += 1
                g_span, g_src, g_cue = hit
                if norm(text[q.start:q.end]) == norm(text[g_span[0]:g_span[1]]):
                    c["exact"] += 1
                if g_src:
                    src_text = " ".join(text[s:e] for s, e in g_src)
                    named = src_text.strip().lower() not in PRONOUNS
                    c["with_source"] += 1
                    c["named_source"] += named
                    if q.speaker_start is not None and any(overlaps((q.speaker_start, q.speaker_end), s) for s in g_src):
                        c["source_ok"] += 1
                        c["named_ok"] += named
                    if q.speaker_start is not None:
                        c["source_found"] += 1
                    full = core_name(src_text)
                    if holds_a_name(src_text) and " " in full and _is_name(full):
                        named_in_full[(q.article, q.start)] = src_text
                    if holds_a_name(src_text):
                        c["canonical_source"] += 1
                        c["canonical_ok"] += bool(q.speaker and q.speaker.split()[-1].lower() in src_text.lower())
                if g_cue:
                    c["with_cue"] += 1
                    if q.cue_start is not None:
                        c["cue_found"] += 1
                        if any(overlaps((q.cue_start, q.cue_end), s) for s in g_cue):
                            c["cue_ok"] += 1
    secs = time.perf_counter() - started
    # Across the collection: the speakers group_quotes gives the quotations whose gold source
    # names someone in full, right when the first and last words of our name are in it
    # ("Elijah E. Cummings" for "Rep. Elijah Cummings"; not "Melania Trump" for "Donald Trump").
    across = {(q.article, q.start): q.speaker for g in group_quotes(collection, {}) for q in g.members}
    most_quoted = Counter(s for s in across.values() if s).most_common(6)
    # PolNeAR's gold source of a "he" or "she" is the pronoun, not who it stands for: what can
    # be counted is how often ours is a name the given-name table says is of the other gender.
    names = given_names()
    he_she = [q for q in collection if q.how == "pronoun" and (q.speaker_as_written or "").lower() in ("he", "she")]
    other_gender = sum(1 for q in he_she if q.speaker and names.get(q.speaker.split()[0], q.speaker_as_written.lower())
                       != q.speaker_as_written.lower())
    unresolved = sum(1 for q in he_she if not q.speaker)

    def same_person(ours: str | None, gold: str) -> bool:
        words, said = (ours or "").lower().split(), set(re.findall(r"[\w.’'-]+", gold.lower()))
        return len(words) > 1 and words[0] in said and words[-1] in said

    c["across"] = len(named_in_full)
    c["across_ok"] = sum(same_person(across.get(k), gold) for k, gold in named_in_full.items())

    def f1(p, r):
        return 2 * p * r / (p + r) if p + r else 0.0

    p, r = c["ours_in_content"] / max(1, c["ours"]), c["tp"] / max(1, c["gold"])
    pe, re_ = c["exact"] / max(1, c["ours"]), c["exact"] / max(1, c["gold"])
    sp = c["source_ok"] / max(1, c["source_found"])
    sr = c["source_ok"] / max(1, c["with_source"])
    cp = c["cue_ok"] / max(1, c["cue_found"])
    cr = c["cue_ok"] / max(1, c["with_cue"])
    lines = [
        f"# Quotes on PolNeAR ({', '.join(args.splits)}): {engine_name(parser)}", "",
        f"`python bench/bench_quotes.py --engine {args.engine} --splits {' '.join(args.splits)}` — {n_docs} articles in {secs:.1f} s "
        f"(first annotator's file per article).", "",
        "Direct quotes (attributions whose content is wholly inside quotation marks):", "",
        "| measure | precision | recall | F1 |", "|---|---|---|---|",
        f"| content, overlap (precision: our quotes inside any gold content) | {p:.3f} | {r:.3f} | {f1(p, r):.3f} |",
        f"| content, exact | {pe:.3f} | {re_:.3f} | {f1(pe, re_):.3f} |",
        f"| source (speaker) span, over matched quotes | {sp:.3f} | {sr:.3f} | {f1(sp, sr):.3f} |",
        f"| cue span, over matched quotes | {cp:.3f} | {cr:.3f} | {f1(cp, cr):.3f} |", "",
        f"- named-speaker accuracy (gold source is a name; our speaker span overlaps it): "
        f"{c['named_ok'] / max(1, c['named_source']):.4f} ({c['named_ok']} of {c['named_source']})",
        f"- canonical speaker (gold source holds a name, a description such as \"the president\" left out; "
        f"our canonical name's surname occurs in it): {c['canonical_ok'] / max(1, c['canonical_source']):.3f} "
        f"({c['canonical_ok']} of {c['canonical_source']})",
        f"- canonical speaker across the collection (where the gold source names someone in full, the first "
        f"and last words of the name group_quotes gives over all the articles of the splits are in it): "
        f"{c['across_ok'] / max(1, c['across']):.3f} ({c['across_ok']} of {c['across']}); the most quoted: "
        + ", ".join(f"{name} {n}" for name, n in most_quoted),
        f"- quotations whose speaker is \"he\" or \"she\": {len(he_she)}; resolved to a name whose given name is of "
        f"the other gender (data/given-names.txt) {other_gender}, left unresolved {unresolved}",
        f"- counts: gold direct quotes {c['gold']}, ours {c['ours']}, matched {c['tp']}", "",
        "Exact precision still counts against direct quotes only.",
    ]
    if parser is not None:
        rows = [("content, overlap", c["all_match"] / max(1, c["all_ours"]), c["all_match"] / max(1, c["all_gold"])),
                ("source span (overlap, within matched attributions)", c["all_source_ok"] / max(1, c["all_ours_source"]),
                 c["all_source_ok"] / max(1, c["all_gold_source"])),
                ("cue span (overlap, within matched attributions)", c["all_cue_ok"] / max(1, c["all_ours_cue"]),
                 c["all_cue_ok"] / max(1, c["all_gold_cue"]))]
        people, n_twice = agreement(root, ["train", "dev"])
        theirs = [(people["all_match"] / max(1, people["all_ours"]), people["all_match"] / max(1, people["all_gold"])),
                  (people["all_source_ok"] / max(1, people["all_ours_source"]),
                   people["all_source_ok"] / max(1, people["all_gold_source"])),
                  (people["all_cue_ok"] / max(1, people["all_ours_cue"]),
                   people["all_cue_ok"] / max(1, people["all_gold_cue"]))]
        lines += ["", "All attributions (quoted or not: reported speech, beliefs, \"according to\"), matched one to one "
                      "by overlapping content, beside PolNeAR's two annotators measured the same way against each other "
                      f"on the {n_twice} articles both annotated (the second's attributions as ours):", "",
                  "| measure | precision | recall | F1 | annotators' F1 |", "|---|---|---|---|---|"]
        lines += [f"| {name} | {p_:.3f} | {r_:.3f} | {f1(p_, r_):.3f} | {f1(*agreed):.3f} |"
                  for (name, p_, r_), agreed in zip(rows, theirs)]
        lines += ["", f"- canonical speaker, over matched attributions whose gold source holds a name (our "
                      f"canonical name's last word occurs in it): {c['all_named_ok'] / max(1, c['all_named']):.3f} "
                      f"({c['all_named_ok']} of {c['all_named']})",
                  f"- counts: gold attributions {c['all_gold']} ({c['all_gold_source']} with a source), "
                  f"ours {c['all_ours']}, matched {c['all_match']}"]
        # Citron's figures on PARC 3.0's test split (its model card, en_2021-11-15).
        citron = {"cue, exact": 0.823, "source, exact": 0.820, "content, exact": 0.593, "cue, word overlap": 0.768,
                  "source, word overlap": 0.853, "content, word overlap": 0.833,
                  "all spans (cue, source, content), word overlap": 0.832}
        lines += ["", "The same attributions measured as Citron's evaluation counts them, attribution by attribution "
                      "(exact: an attribution is right on its cue when a gold one has the same cue span; on its source "
                      "or content when a gold one whose cue overlaps has the same spans of that role; word overlap: "
                      "the words each of ours shares with each gold attribution against the words of all of each, "
                      "so that a word two overlapping attributions of ours both hold counts twice: ours overlap only "
                      "where the models are sure of both, the annotators' never), "
                      f"beside two PolNeAR annotators measured against each other on the {n_twice} articles both "
                      "annotated (train and dev: what people agree on, the most a model can be expected to reach on "
                      "this corpus) and Citron's own figures on PARC 3.0 (a different corpus):", "",
                  "| measure | precision | recall | F1 | annotators' F1 | Citron F1 (PARC 3.0) |",
                  "|---|---|---|---|---|---|"]
        for (name, p_, r_), (_, pp, pr) in zip(citron_rows(spans), citron_rows(people)):
            theirs = f"{citron[name]:.3f}" if name in citron else ""
            lines.append(f"| {name} | {p_:.3f} | {r_:.3f} | {f1(p_, r_):.3f} | {f1(pp, pr):.3f} | {theirs} |")
        lines += ["", "And span by span, each role's spans pooled over the article (a span that several attributions "
                      "share counted once; exact: equal once edge marks are trimmed; word overlap: our words inside gold "
                      "spans of the role against all our words and all gold words):", "",
                  "| measure | precision | recall | F1 | annotators' F1 |", "|---|---|---|---|---|"]
        for (name, p_, r_), (_, pp, pr) in zip(span_rows(spans), span_rows(people)):
            lines.append(f"| {name} | {p_:.3f} | {r_:.3f} | {f1(p_, r_):.3f} | {f1(pp, pr):.3f} |")
        lines += ["", *as_sayings(root, args.splits)]
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", "utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
