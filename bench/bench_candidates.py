"""Candidate pairs: newstrace's windowed shingle index against datasketch's MinHashLSH.

    python bench/bench_candidates.py [--corpus ../shared/data/spinbench-dev]

Whole-collection mode on a PAN corpus: every document (suspicious, source and
distractor) is one article, and each method must find the gold pairs (the listed pairs
holding reuse) among all pairs of the collection, without the pairs list. All methods
get the same documents and the same shingles (newstrace's hashed key 4-grams, computed
once and timed apart); the times compared are those of the candidate stage itself:

- newstrace: `find_candidates` (DF cutoff, then 3 shared shingles within 30 words, each
  shingle pairing its holders with the earliest and the 4 published just before them);
- MinHashLSH over whole documents (the usual near-duplicate pipeline): one MinHash per
  document (128 permutations), insert all, query each, at several Jaccard thresholds;
- MinHashLSH over overlapping windows (how one adapts it to passages): one MinHash per
  window of 50 shingles, every 25 shingles; insert all windows, query each; a pair of
  documents is a candidate when any of their windows collide.

Writes bench/results/candidates.md and candidates.json.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np
from datasketch import MinHash, MinHashLSH

from newstrace.candidates import find_candidates, shingles
from newstrace.normalize import token_columns
from newstrace.pan import collection_documents, gold, read_document
from newstrace.settings import Settings

RESULTS = Path(__file__).resolve().parent / "results"
NUM_PERM = 128


def _identity32(x) -> int:
    """Shingles are already 64-bit hashes: MinHash takes their low 32 bits as they are."""
    return int(x) & 0xFFFFFFFF


def minhash(values: np.ndarray) -> MinHash:
    m = MinHash(num_perm=NUM_PERM, hashfunc=_identity32, seed=1)
    if len(values):
        m.update_batch(values.tolist())
    return m


def lsh_pairs(keys: list[tuple[str, int]], sketches: list[MinHash], threshold: float) -> tuple[set, float]:
    """Insert every sketch, query each; document pairs of colliding sketches, and the seconds."""
    t = time.perf_counter()
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    for key, m in zip(keys, sketches):
        lsh.insert(key, m, check_duplication=False)
    pairs = set()
    for (doc, _), m in zip(keys, sketches):
        for other, _ in lsh.query(m):
            if other != doc:
                pairs.add((min(doc, other), max(doc, other)))
    return pairs, time.perf_counter() - t


def recall(found: set, wanted: set) -> float:
    return len(found & wanted) / len(wanted) if wanted else 0.0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(Path(__file__).resolve().parents[2] / "shared" / "data" / "spinbench-dev"))
    ap.add_argument("--window", type=int, default=50, help="shingles per MinHash window")
    ap.add_argument("--step", type=int, default=25, help="shingles between window starts")
    args = ap.parse_args()
    corpus = Path(args.corpus)
    if not corpus.exists():
        sys.exit(f"{corpus}: no such corpus")
    settings = Settings()

    docs = collection_documents(corpus)
    wanted = set()
    for kind, (cases, pairs) in gold(corpus).items():
        if cases and pairs:
            with_reuse = {(c.susp, c.src) for c in cases}
            wanted |= {(min(a, b), max(a, b)) for a, b in pairs if (a, b) in with_reuse}

    t = time.perf_counter()
    shingled = []
    for name, folder in docs.items():
        hashes, positions = shingles(token_columns(read_document(corpus / folder / name))[2], settings.ngram)
        shingled.append((name, hashes, positions))
    t_shingles = time.perf_counter() - t
    n_shingles = sum(len(h) for _, h, _ in shingled)

    rows = []
    t = time.perf_counter()
    ours = {(c.a, c.b) for c in find_candidates(shingled, settings)}
    t_ours = time.perf_counter() - t
    rows.append({"method": "newstrace find_candidates (3 shingles within 30 words, DF cutoff 2%, "
                           f"each holder of a shingle paired with the earliest and the {settings.max_partners} just before it)",
                 "seconds": round(t_ours, 3), "sketch_seconds": 0.0, "pairs": len(ours),
                 "recall": round(recall(ours, wanted), 4)})

    # Whole documents.
    t = time.perf_counter()
    doc_sketches = [minhash(h) for _, h, _ in shingled]
    t_doc_sketch = time.perf_counter() - t
    doc_keys = [(name, 0) for name, _, _ in shingled]
    for threshold in (0.5, 0.2, 0.1, 0.05):
        found, seconds = lsh_pairs(doc_keys, doc_sketches, threshold)
        rows.append({"method": f"MinHashLSH, whole documents, threshold {threshold}",
                     "seconds": round(t_doc_sketch + seconds, 3), "sketch_seconds": round(t_doc_sketch, 3),
                     "pairs": len(found), "recall": round(recall(found, wanted), 4)})

    # Overlapping windows of each document's shingles, in text order.
    t = time.perf_counter()
    win_keys, win_sketches = [], []
    for name, hashes, positions in shingled:
        in_order = hashes[np.argsort(positions, kind="stable")]
        starts = range(0, max(1, len(in_order) - args.window + args.step), args.step)
        for k, start in enumerate(starts):
            win_keys.append((name, k))
            win_sketches.append(minhash(in_order[start:start + args.window]))
    t_win_sketch = time.perf_counter() - t
    # The LSH keys must be unique: key each window by "document#window".
    for threshold in (0.5, 0.3, 0.2):
        t = time.perf_counter()
        lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        for (name, k), m in zip(win_keys, win_sketches):
            lsh.insert(f"{name}#{k}", m, check_duplication=False)
        found = set()
        for (name, _), m in zip(win_keys, win_sketches):
            for key in lsh.query(m):
                other = key.rsplit("#", 1)[0]
                if other != name:
                    found.add((min(name, other), max(name, other)))
        seconds = time.perf_counter() - t
        rows.append({"method": f"MinHashLSH, windows of {args.window} shingles every {args.step}, "
                               f"threshold {threshold}",
                     "seconds": round(t_win_sketch + seconds, 3), "sketch_seconds": round(t_win_sketch, 3),
                     "pairs": len(found), "recall": round(recall(found, wanted), 4)})

    for r in rows[1:]:
        r["time_ratio_vs_newstrace"] = round(r["seconds"] / max(t_ours, 1e-9), 1)
    result = {"corpus": str(corpus), "documents": len(docs), "gold_pairs": len(wanted),
              "shingles": n_shingles, "shingle_seconds": round(t_shingles, 1),
              "windows": len(win_keys), "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
              "rows": rows}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "candidates.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = [
        "# Candidate stage: newstrace against datasketch MinHashLSH",
        "",
        f"`python bench/bench_candidates.py` — {time.strftime('%Y-%m-%d')}, one process, shared 2-core machine.",
        "",
        f"{corpus.name}, whole-collection mode: {len(docs):,} documents, {len(wanted)} gold pairs (listed pairs "
        f"holding reuse) among {len(docs) * (len(docs) - 1) // 2:,} possible pairs. Shingles (hashed key "
        f"4-grams, {n_shingles:,} in all) are computed once for every method in {t_shingles:.1f} s and not "
        f"counted below. MinHash: {NUM_PERM} permutations; its time includes making the sketches "
        f"({len(win_keys):,} windows for the windowed runs).",
        "",
        "| method | seconds | × newstrace time | candidate pairs | recall of gold pairs |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {r['method']} | {r['seconds']:.2f} | {r.get('time_ratio_vs_newstrace', 1.0)} | "
                     f"{r['pairs']:,} | {r['recall']:.3f} |")
    (RESULTS / "candidates.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
