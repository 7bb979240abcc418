"""Web pages' main text, against the article-extraction benchmark's true text.

    python bench/bench_extract.py [--shared ../shared]

For each of the benchmark's 181 news pages: the text newstrace stores from the page (its
HTML reader: trafilatura's main text with the page's own metadata), beside the text of its
paragraphs and headings alone (the reader before trafilatura). Precision, recall and F1 of the
words (as multisets, lower case) against `articleBody`, averaged over pages. Writes
bench/results/extraction.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

from newstrace.ingest.html import extract_html, page_fields

ROOT = Path(__file__).resolve().parents[1]


def _words(text: str | None) -> Counter:
    return Counter(re.findall(r"\w+", (text or "").lower()))


def scores(found: str, truth: str) -> tuple[float, float, float]:
    f, t = _words(found), _words(truth)
    both = sum((f & t).values())
    p, r = both / max(1, sum(f.values())), both / max(1, sum(t.values()))
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    folder = Path(ap.parse_args().shared) / "data" / "article-extraction"
    if not folder.is_dir():
        sys.exit(f"needs {folder} (the shared data folder beside the project)")
    truth = json.loads((folder / "ground-truth.json").read_text("utf-8"))
    methods = {"newstrace (trafilatura's main text, the page's metadata)": lambda h: page_fields(h)["text"],
               "paragraphs and headings (the reader before)": lambda h: extract_html(h)["text"]}
    found = {name: [] for name in methods}
    seconds = Counter()
    for key, item in sorted(truth.items()):
        page = gzip.open(folder / "html" / f"{key}.html.gz").read().decode("utf-8", "replace")
        for name, method in methods.items():
            clock = time.perf_counter()
            text = method(page)
            seconds[name] += time.perf_counter() - clock
            found[name].append(scores(text, item["articleBody"]))
    lines = ["# Web pages' main text", "",
             f"`python bench/bench_extract.py` — {time.strftime('%Y-%m-%d')}; the {len(truth)} pages of the "
             "article-extraction benchmark, words of the stored text against `articleBody` (averaged over pages).",
             "", "| reader | precision | recall | F1 | seconds |", "|---|---:|---:|---:|---:|"]
    for name, rows in found.items():
        p, r, f = (sum(x[k] for x in rows) / len(rows) for k in range(3))
        lines.append(f"| {name} | {p:.3f} | {r:.3f} | **{f:.3f}** | {seconds[name]:.1f} |")
    (ROOT / "bench" / "results" / "extraction.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
