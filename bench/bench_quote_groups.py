"""Quotations followed across a real archive: how they group and how their copies differ.

    python bench/bench_quote_groups.py [--shared ../shared] [--months 01]

Reads the chosen months of chronam-1916 (front pages of 1916, OCR'd, full of real
reprints), finds their quotations with the rules (no parse: OCR'd text parses poorly and
the grouping is what is measured), and reports the groups that span articles: how many,
the largest, the variants of the later copies against the first appearance, and how many
copies are re-attributed. Writes bench/results/quote-groups.md; prints also a fixed
sample of each variant to read (corpus text stays out of the results file).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from newstrace.pipeline import collect_quotes, ingest
from newstrace.store import open_store

_SAMPLE = 3


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / "shared"))
    ap.add_argument("--months", nargs="+", default=["01"])
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent / "results" / "quote-groups.md"))
    args = ap.parse_args()
    files = [Path(args.shared) / "data" / "chronam-1916" / f"chronam-1916-{m}.jsonl.gz" for m in args.months]
    with tempfile.TemporaryDirectory(prefix="newstrace-bench-") as tmp, open_store(Path(tmp) / "q.db") as store:
        ingest(store, [str(f) for f in files])
        started = time.perf_counter()
        collect_quotes(store)
        seconds = time.perf_counter() - started
        quotes = store.quotes()
    groups = defaultdict(list)
    for q in quotes:
        groups[q["quote_id"]].append(q)
    spanning = [g for g in groups.values() if len({q["article"] for q in g}) > 1]
    copies = [q for g in spanning for q in g if not q["first_appearance"]]
    kinds = Counter(q["variant"] for q in copies)
    largest = sorted((len(g) for g in groups.values()), reverse=True)[:5]
    conflicting = sum(any(q["conflicting"] for q in g) for g in spanning)
    lines = [
        f"# Quotations across chronam-1916 (months {', '.join(args.months)})",
        "",
        (f"`python bench/bench_quote_groups.py --months {' '.join(args.months)}` — "
         f"{len({q['article'] for q in quotes})} articles with quotations, {len(quotes)} quotations; "
         f"finding, attributing and grouping them took {seconds:.1f} s (rules, no parse)."),
        "",
        (f"- groups in more than one article: {len(spanning)}; the largest groups: "
         f"{', '.join(map(str, largest))} quotations"),
        f"- later copies: {len(copies)}; variants: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()),
        (f"- re-attributed copies: {sum(q['reattributed'] for q in copies)}; groups with conflicting "
         f"attributions: {conflicting}"),
    ]
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines), "", "A fixed sample of each variant (first appearance → copy), to read:", sep="\n")
    rng = random.Random(1916)
    for kind, _ in kinds.most_common():
        pairs = [(g, q) for g in spanning for q in g if q["variant"] == kind and not q["first_appearance"]]
        for g, q in rng.sample(pairs, min(_SAMPLE, len(pairs))):
            # The copy is measured against the first appearance its variant is read from,
            # which is its own variant's "exact" (several articles may appear first).
            first = next(x for x in g if x["first_appearance"] and x["variant"] == "exact")
            print(f"- {kind}: “{_line(first['text'])}” → “{_line(q['text'])}”")


def _line(text: str, width: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


if __name__ == "__main__":
    main()
