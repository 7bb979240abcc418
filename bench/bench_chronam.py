"""Reprint clusters in Chronicling America front pages of January-March 1916.

    python bench/bench_chronam.py [--months 01 02 03] [--db /tmp/chronam.db] [--shared ../shared]

Ingests the pages (outlet = newspaper, published = issue date), detects reuse,
builds provenance, and writes bench/results/chronam.md: stage times, peak memory,
number of clusters and their size distribution, the 20 largest clusters with
their earliest paper and date, and 30 clusters drawn at random (seeded) with the
text of the earliest copy and one later copy, for a person to judge.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import resource
import time
from pathlib import Path

from newstrace.pipeline import detect_reuse, ingest, trace_provenance
from newstrace.settings import Settings
from newstrace.store import open_store


def claims_line(store) -> str:
    """How many earlier copies each confidence holds, the stated ones across outlets and
    within one, those held back for want of a tie to the earlier outlet, and the pages whose
    date is in doubt."""
    confidence = collections.Counter()
    stated = collections.Counter()
    untied = doubts = 0
    for (details,) in store.conn.execute("SELECT details FROM signals"):
        sig = json.loads(details)
        for c in sig.get("claims", []):
            confidence[c["confidence"]] += 1
            if c["confidence"] != "low":
                stated["one outlet's own text" if c.get("own_outlet") else "across outlets"] += 1
            untied += "nothing ties this copy" in c["evidence"]
        doubts += bool(sig.get("date_doubt"))
    return (f"- copy claims (page, earlier copy) by confidence: {dict(sorted(confidence.items()))}; "
            f"stated: {dict(sorted(stated.items()))}; held back for nothing tying the copy to the earlier "
            f"outlet (a wire both may have taken): {untied}; pages whose date the text contradicts: {doubts}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / "shared"))
    ap.add_argument("--months", nargs="+", default=["01", "02", "03"])
    ap.add_argument("--db", default="/tmp/newstrace-chronam.db")
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent / "results" / "chronam.md"))
    ap.add_argument("--resume", action="store_true",
                    help="keep the store of an interrupted run: only what is missing is done")
    ap.add_argument("--provenance-only", action="store_true",
                    help="rebuild provenance on a store whose detection is done (and report)")
    args = ap.parse_args()
    files = [Path(args.shared) / "data" / "chronam-1916" / f"chronam-1916-{m}.jsonl.gz" for m in args.months]
    if not (args.resume or args.provenance_only):
        for suffix in ("", "-wal", "-shm"):
            Path(args.db + suffix).unlink(missing_ok=True)
    settings = Settings()
    times = {}
    with open_store(args.db) as store:
        det = None
        if not args.provenance_only:
            t = time.perf_counter()
            ingest(store, files, settings)
            times["ingest"] = time.perf_counter() - t
            t = time.perf_counter()
            det = detect_reuse(store, settings)
            times["detect"] = time.perf_counter() - t
        t = time.perf_counter()
        trace_provenance(store, settings)
        times["provenance"] = time.perf_counter() - t
        clusters = store.clusters()
        texts = {}

        def text(article, start, end):
            if article not in texts:
                texts[article] = store.article(article).text
            return " ".join(texts[article][start:end].split())

        buckets = collections.Counter("2" if s == 2 else "3-5" if s <= 5 else "6-10" if s <= 10
                                      else "11-50" if s <= 50 else ">50" for s in (c["size"] for c in clusters))
        md = [f"# Reprint clusters, Chronicling America 1916 (months {', '.join(args.months)})", "",
              f"`python bench/bench_chronam.py --months {' '.join(args.months)}` — default settings, 2 cores.", "",
              f"- pages: {store.count('articles')} "
              f"({store.conn.execute('SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL').fetchone()[0]}"
              " exact duplicates)",
              (f"- ingest {times['ingest']:.0f} s; detection {times['detect']:.0f} s "
               f"(shingles {det.seconds['shingles']:.0f} s, candidates {det.seconds['candidates']:.0f} s, "
               f"alignment {det.seconds['align']:.0f} s); provenance {times['provenance']:.0f} s" if det else
               f"- provenance only (detection done earlier): {times['provenance']:.0f} s"),
              (f"- {det.candidates} candidate pairs, {det.passages} passages" if det else
               f"- {store.count('alignments')} passages"),
              f"- peak memory: driver {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB, "
              f"largest worker {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024} MB",
              f"- clusters: {len(clusters)}; by size: " + ", ".join(f"{k}: {buckets[k]}" for k in
                                                                  ("2", "3-5", "6-10", "11-50", ">50")),
              "- by kind: " + ", ".join(
                  f"{kind} {sum(c['kind'] == kind for c in clusters)} (largest "
                  f"{max((c['size'] for c in clusters if c['kind'] == kind), default=0)} pages)"
                  for kind in ("reuse", "recurring", "formula", "template", "quotation", "phrase")),
              claims_line(store),
              "", "## The 20 largest clusters of kind reuse (passages that travelled between papers)", ""]
        for c in [c for c in clusters if c["kind"] == "reuse"][:20]:
            first = c["earliest"][0] if c["earliest"] else None
            span = next((s for s in c["spans"] if s["article"] == first), c["spans"][0])
            outlets = len({s["source"] for s in c["spans"]})
            dates = sorted(s["published"] for s in c["spans"] if s["published"])
            md.append(f"- **cluster {c['id']}**: {c['size']} pages, {outlets} papers, {dates[0]} .. {dates[-1]}; "
                      f"earliest: {span['source']!r} {span['published']} ({c['ordering']})")
            md.append(f"  - {text(span['article'], span['start'], span['end'])[:300]!r}")
        md += ["", "## 30 reuse clusters drawn at random (seed 1916), for reading", ""]
        reuse = [c for c in clusters if c["kind"] == "reuse"]
        for c in random.Random(1916).sample(reuse, min(30, len(reuse))):
            first = c["earliest"][0] if c["earliest"] else None
            span = next((s for s in c["spans"] if s["article"] == first), c["spans"][0])
            other = next((s for s in c["spans"] if s["article"] != span["article"]), None)
            md.append(f"- **cluster {c['id']}** ({c['size']} pages, kind {c['kind']}, phrase df "
                      f"{c['phrase_df']}): earliest {span['source']!r} {span['published']} — {c['ordering']}")
            md.append(f"  - earliest: {text(span['article'], span['start'], span['end'])[:400]!r}")
            if other:
                md.append(f"  - copy ({other['source']!r}, {other['published']}): "
                          f"{text(other['article'], other['start'], other['end'])[:400]!r}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(md) + "\n", "utf-8")
    print("\n".join(md[:12]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
