"""Detection benchmark: PAN scores and speed on the shared corpora.

    python bench/bench_detection.py [--shared ../shared] [--out bench/results]

Runs, in one process so the figures are comparable:
  1. spinbench-dev pairwise (told the pairs), scored per kind;
  2. spinbench-dev as one collection (newstrace finds the pairs), scored on the
     listed pairs and with every detected pair counted; extra pairs sampled for reading;
  3. pan-indonesian (every suspicious document against every source).
Writes bench/results/detection.md and detection.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from newstrace.pan import (collection_documents, detect_collection, detect_pairs, format_scores,
                           gold, read_cases, read_document, read_pairs, score_corpus)
from newstrace.settings import Settings


def peak_mb() -> dict:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"driver_mb": round(own), "largest_worker_mb": round(children)}


def extra_sample(corpus: Path, out: Path, k: int = 20, seed: int = 7) -> tuple[int, int, list[str]]:
    """Detections in pairs the gold does not list: count of pairs, of passages, and a sample."""
    listed = {p for _, (_, pairs) in gold(corpus).items() if pairs for p in pairs}
    docs = collection_documents(corpus)
    extra = [d for x in sorted(out.glob("*.xml")) for d in read_cases(x, "detected-plagiarism")
             if (d.susp, d.src) not in listed]
    pairs = {(d.susp, d.src) for d in extra}
    lines = []
    for d in random.Random(seed).sample(extra, min(k, len(extra))):
        a = read_document(corpus / docs[d.susp] / d.susp)[d.susp_start:d.susp_end]
        b = read_document(corpus / docs[d.src] / d.src)[d.src_start:d.src_end]
        lines.append(f"- **{d.susp} [{d.susp_start}:{d.susp_end}] ~ {d.src} [{d.src_start}:{d.src_end}]**\n"
                     f"  - A: {' '.join(a.split())[:400]!r}\n  - B: {' '.join(b.split())[:400]!r}")
    return len(pairs), len(extra), lines


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / "shared"))
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent / "results"))
    args = ap.parse_args()
    data = Path(args.shared) / "data"
    results = Path(args.out)
    results.mkdir(parents=True, exist_ok=True)
    settings = Settings()
    report: dict = {"settings": settings.to_dict(), "machine": platform.platform(),
                    "python": sys.version.split()[0], "date": time.strftime("%Y-%m-%d %H:%M")}
    md = [f"# Detection benchmark ({report['date']})", "",
          f"`python bench/bench_detection.py` on {report['machine']}, Python {report['python']}, "
          "2 cores; default settings.", ""]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        spin = data / "spinbench-dev"
        t0 = time.perf_counter()
        detect_pairs(spin, tmp / "pairwise", settings)
        pair_s = time.perf_counter() - t0
        pairwise = score_corpus(spin, tmp / "pairwise")
        n_pairs = len(read_pairs(spin))
        md += ["## spinbench-dev, pairwise (told the pairs)", "", "```", format_scores(pairwise), "```", "",
               f"{n_pairs} pairs in {pair_s:.1f} s ({n_pairs / pair_s:.1f} pairs/s, one process).", ""]

        stats: dict = {}
        t0 = time.perf_counter()
        files, passages = detect_collection(spin, tmp / "collection", settings, stats=stats)
        coll_s = time.perf_counter() - t0
        listed_scores = score_corpus(spin, tmp / "collection")
        all_scores = score_corpus(spin, tmp / "collection", collection=True)
        n_docs = len(collection_documents(spin))
        extra_pairs, extra_passages, sample = extra_sample(spin, tmp / "collection")
        sec = stats["seconds"]
        md += ["## spinbench-dev, whole collection (newstrace finds the pairs)", "",
               f"{n_docs} documents (susp, src, distractors) in one collection.", "",
               "Scored on the listed pairs (`pan score`):", "", "```", format_scores(listed_scores), "```", "",
               f"Every detected pair counted (`pan score --collection`): overall "
               f"{all_scores['overall'].plagdet:.4f} (precision {all_scores['overall'].precision:.4f}).", "",
               f"- total {coll_s:.1f} s: {n_docs / coll_s:.1f} articles/s end to end",
               f"- shingles {sec['shingles']:.1f} s ({n_docs / max(sec['shingles'], 1e-9):.0f} articles/s)",
               f"- candidates {sec['candidates']:.2f} s: {stats['candidate_pairs']} candidate pairs "
               f"({stats['candidate_pairs'] / max(sec['candidates'], 1e-9):,.0f} pairs/s)",
               f"- alignment {sec['align']:.1f} s ({stats['pairs_aligned'] / max(sec['align'], 1e-9):.0f} pairs/s)",
               f"- peak memory: {peak_mb()}",
               f"- {files} pairs with passages, {passages} passages; {extra_pairs} pairs "
               f"({extra_passages} passages) are not listed in the gold.", "",
               "### 20 passages from pairs the gold does not list (seeded sample, for reading)", ""] + sample + [""]

        indo = data / "pan-indonesian"
        t0 = time.perf_counter()
        detect_pairs(indo, tmp / "indo", settings)
        indo_s = time.perf_counter() - t0
        indo_scores = score_corpus(indo, tmp / "indo")
        md += ["## pan-indonesian (every suspicious document against every source)", "",
               "```", format_scores(indo_scores), "```", "",
               f"{len(read_pairs(indo))} pairs in {indo_s:.1f} s.", ""]
    report.update({
        "spinbench_pairwise": {k: _row(v) for k, v in pairwise.items()},
        "spinbench_collection_listed": {k: _row(v) for k, v in listed_scores.items()},
        "spinbench_collection_all": _row(all_scores["overall"]),
        "spinbench_collection_stats": stats | {"total_s": round(coll_s, 2), "extra_pairs": extra_pairs,
                                               "extra_passages": extra_passages},
        "pan_indonesian": {k: _row(v) for k, v in indo_scores.items()},
        "peak_memory": peak_mb(),
    })
    (results / "detection.md").write_text("\n".join(md), "utf-8")
    (results / "detection.json").write_text(json.dumps(report, indent=2), "utf-8")
    print("\n".join(md))
    return 0


def _row(s) -> dict:
    return {f: getattr(s, f) for f in ("precision", "recall", "granularity", "plagdet", "cases", "detections")}


if __name__ == "__main__":
    sys.exit(main())
