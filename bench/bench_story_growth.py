"""What grouping arriving articles into stories costs as the store grows.

    python bench/bench_story_growth.py [--shared ../shared] [--sizes 1000 3000 6000] [--add 100]
                                       [--pieces K] [--out stories-growth.md]

For each store size N: the first N pages of chronam-1916 (by date) are ingested and grouped
whole (``pipeline.group_stories``); then the next ``--add`` pages are ingested and grouped
incrementally, and that second grouping is timed. If the cost follows the new articles, the
second figure stays about the same as N grows, while the whole grouping grows with N.

chronam holds 7,000 pages; a store of 100,000 articles is made of them with ``--pieces K``:
each page is cut into K pieces of about equal length at line ends, each piece an article of
the page's paper and date (a front page holds several stories; the cuts do not follow them,
so the pieces are a load of real text, not real articles). ``--sizes`` and ``--add`` then count
pieces. Writes bench/results/stories-growth.md, or ``--out``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
import time
from pathlib import Path

from newstrace.pipeline import group_stories, ingest
from newstrace.store import open_store

ROOT = Path(__file__).resolve().parents[1]


def pages(data: Path, wanted: int) -> list[dict]:
    found = []
    for month in ("01", "02", "03"):
        with gzip.open(data / f"chronam-1916-{month}.jsonl.gz", "rt", encoding="utf-8") as f:
            found += [json.loads(line) for line in f]
        if len(found) >= wanted:
            break
    found.sort(key=lambda r: (r.get("date") or "", r["id"]))
    return found[:wanted]


def pieces(page: dict, k: int) -> list[dict]:
    """A page cut into ``k`` pieces of about equal length at line ends, each a record of its own."""
    lines = page["text"].splitlines(keepends=True)
    size = max(1, len(page["text"]) // k)
    cut, current, length = [], [], 0
    for line in lines:
        current.append(line)
        length += len(line)
        if length >= size and len(cut) < k - 1:
            cut.append("".join(current))
            current, length = [], 0
    cut.append("".join(current))
    return [{**page, "id": f"{page['id']}#{n}", "text": text} for n, text in enumerate(cut) if text.strip()]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000, 6000])
    ap.add_argument("--add", type=int, default=100)
    ap.add_argument("--pieces", type=int, default=1, help="cut each page into this many articles")
    ap.add_argument("--out", default="stories-growth.md", help="the results file, in bench/results/")
    args = ap.parse_args()
    data = Path(args.shared) / "data" / "chronam-1916"
    if not data.is_dir():
        sys.exit(f"needs {data}")
    wanted = max(args.sizes) + args.add
    if args.pieces > 1:  # a page may give fewer pieces (short, or long lines): pages enough to fill
        everything = [piece for page in pages(data, 2 * -(-wanted // args.pieces))
                      for piece in pieces(page, args.pieces)][:wanted]
    else:
        everything = pages(data, wanted)
    if len(everything) < wanted:
        sys.exit(f"chronam-1916 gives {len(everything):,} articles, not {wanted:,}: more --pieces")
    rows = []
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            first = Path(tmp) / "first.jsonl"
            later = Path(tmp) / "later.jsonl"
            first.write_text("".join(json.dumps(r) + "\n" for r in everything[:n]))
            later.write_text("".join(json.dumps(r) + "\n" for r in everything[n:n + args.add]))
            with open_store(Path(tmp) / "s.db") as store:
                ingest(store, [first])
                clock = time.perf_counter()
                whole = group_stories(store)
                whole_seconds = time.perf_counter() - clock
                weighed_at = store.story_grouping()[1]  # the distinct articles (exact copies apart)
                ingest(store, [later])
                clock = time.perf_counter()
                grown = group_stories(store)
                grown_seconds = time.perf_counter() - clock
                incremental = store.story_grouping()[1] == weighed_at
            rows.append((n, whole_seconds, whole["stories"], grown_seconds, grown["stories_made"], incremental))
            print(rows[-1], flush=True)
    made_of = (f"chronam-1916 front pages cut into {args.pieces} pieces each (an article a piece)"
               if args.pieces > 1 else "chronam-1916 front pages")
    command = f"--sizes {' '.join(map(str, args.sizes))} --add {args.add}" + (
        f" --pieces {args.pieces}" if args.pieces > 1 else "")
    lines = ["# Stories as the store grows", "",
             f"`python bench/bench_story_growth.py {command}` — "
             f"{time.strftime('%Y-%m-%d')}; {made_of} in order of date, 2 cores.", "",
             f"| store | grouped whole | stories | {args.add} more grouped | stories made again | incremental |",
             "|---:|---:|---:|---:|---:|---|"]
    lines += [f"| {n:,} | {w:.1f} s | {s:,} | {g:.1f} s | {m:,} | {'yes' if inc else 'no'} |"
              for n, w, s, g, m, inc in rows]
    (ROOT / "bench" / "results" / args.out).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
