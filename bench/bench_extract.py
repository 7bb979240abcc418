"""Web pages' main text, against the article-extraction benchmark's true text, and web crawls.

    python bench/bench_extract.py [--shared ../shared] [--crawl-pages 10000]

For each of the benchmark's 181 news pages: the text newstrace stores from the page (its
HTML reader: trafilatura's main text with the page's own metadata), beside the text of its
paragraphs and headings alone (the reader before trafilatura), scored as the benchmark's own
`evaluate.py` scores (its shingle matching, loaded from the shared folder), and as the words
(multisets, lower case) against `articleBody`. Then the pages written as one WARC file are
ingested (181 articles expected), and a crawl of ``--crawl-pages`` pages (the same pages under
other URLs) is read in a process of its own: pages per second and its peak memory. Writes
bench/results/extraction.md.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from io import BytesIO
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


def _official(folder: Path):
    """The benchmark's own scorer (evaluate.py in the shared folder), loaded, not copied."""
    spec = importlib.util.spec_from_file_location("article_extraction_evaluate", folder / "evaluate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _write_crawl(path: Path, pages: list[str], count: int) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for k in range(count):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                f"https://news.example/{k}", "response", payload=BytesIO(pages[k % len(pages)].encode("utf-8")),
                http_headers=headers, warc_headers_dict={"WARC-Date": "2020-01-01T00:00:00Z"}))


_READ_CRAWL = """import resource, sys, time
from newstrace.ingest import read_articles
clock = time.perf_counter()
n = sum(1 for _ in read_articles([sys.argv[1]], on_error="skip"))
print(n, time.perf_counter() - clock, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--crawl-pages", type=int, default=10_000)
    args = ap.parse_args()
    folder = Path(args.shared) / "data" / "article-extraction"
    if not folder.is_dir():
        sys.exit(f"needs {folder} (the shared data folder beside the project)")
    truth = json.loads((folder / "ground-truth.json").read_text("utf-8"))
    official = _official(folder)
    methods = {"newstrace (trafilatura's main text, the page's metadata)": lambda h: page_fields(h)["text"],
               "paragraphs and headings (the reader before)": lambda h: extract_html(h)["text"]}
    found = {name: [] for name in methods}
    matched = {name: [] for name in methods}
    seconds = Counter()
    pages = []
    for key, item in sorted(truth.items()):
        page = gzip.open(folder / "html" / f"{key}.html.gz").read().decode("utf-8", "replace")
        pages.append(page)
        for name, method in methods.items():
            clock = time.perf_counter()
            text = method(page)
            seconds[name] += time.perf_counter() - clock
            found[name].append(scores(text, item["articleBody"]))
            matched[name].append(official.string_shingle_matching(true=item["articleBody"], pred=text))
    lines = ["# Web pages' main text", "",
             f"`python bench/bench_extract.py` — {time.strftime('%Y-%m-%d')}; the {len(truth)} pages of the "
             "article-extraction benchmark, the stored text against `articleBody`: as the benchmark's evaluate.py "
             "scores (shingles), and as words (averaged over pages).",
             "", "| reader | F1 (evaluate.py) | precision | recall | F1 (words) | seconds |",
             "|---|---:|---:|---:|---:|---:|"]
    for name, rows in found.items():
        m = official.metrics_from_tp_fp_fns(matched[name])
        f = sum(x[2] for x in rows) / len(rows)
        lines.append(f"| {name} | **{m['f1']:.3f}** | {m['precision']:.3f} | {m['recall']:.3f} | {f:.3f} | "
                     f"{seconds[name]:.1f} |")
    with tempfile.TemporaryDirectory(prefix="newstrace-crawl-") as tmp:
        small, large = Path(tmp) / "pages.warc.gz", Path(tmp) / "crawl.warc.gz"
        _write_crawl(small, pages, len(pages))
        from newstrace.ingest import read_articles

        stored = sum(1 for _ in read_articles([small], on_error="skip"))
        _write_crawl(large, pages, args.crawl_pages)
        out = subprocess.run([sys.executable, "-c", _READ_CRAWL, str(large)], capture_output=True, text=True,
                             check=True).stdout.split()
        n, spent, peak_kb = int(out[0]), float(out[1]), int(out[2])
    lines += ["", f"The {len(pages)} pages written as one WARC file: {stored} articles read. A crawl of {n:,} "
              f"pages (the same pages under other URLs) read in {spent:.0f} s, {n / spent:.0f} pages/s, "
              f"peak memory {peak_kb / 1024:.0f} MB (a record at a time)."]
    (ROOT / "bench" / "results" / "extraction.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
