"""What bounding partners per shingle (the ``max_partners`` setting) keeps and loses.

    python bench/bench_partners.py [--months 01 02 03] [--db /tmp/newstrace-partners.db] [--k 0 1 2 4 8]

Traces Chronicling America (January-March 1916 by default) once with every candidate
pair (``max_partners`` 0) into ``--db`` (kept and reused when it exists), then for each
k finds the candidate pairs with ``max_partners`` = k and rebuilds provenance from the
passages of those pairs only (a pair's passages do not depend on which other pairs are
aligned, so no pair is aligned twice). Against the exhaustive run it reports:

- candidate pairs and the seconds the candidate stage took, the passages of the kept pairs;
- reused-text recall: of the characters the exhaustive run marks as having appeared
  earlier elsewhere, the share the bounded run marks too;
- same earliest source / same copied-from: among characters both runs mark, the share
  whose earliest source (or the copy it was most likely taken from) is the same.

Writes bench/results/partners.md and partners.json.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from newstrace.candidates import find_candidates
from newstrace.candidates import shingle_config
from newstrace.pipeline import detect_reuse, ingest
from newstrace.candidates import phrase_frequency, shingle_frequency
from newstrace.model import ArticleMeta
from newstrace.provenance import stored_words, trace, with_duplicates
from newstrace.settings import Settings
from newstrace.store import open_store

RESULTS = Path(__file__).resolve().parent / "results"
_NONE = np.iinfo(np.int64).max


def reused_by_char(signals, meta, ids) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per article with reuse: each character's earliest source and copied-from (ids; _NONE: not reused)."""
    out = {}
    for article, s in signals.items():
        if not s.reused_spans:
            continue
        origin = np.full(meta[article].length, _NONE, dtype=np.int64)
        parent = np.full(meta[article].length, _NONE, dtype=np.int64)
        for span, source, copied_from in s.reused_spans:
            cut = slice(span.start, span.end)
            origin[cut] = np.minimum(origin[cut], ids[source])
            parent[cut] = np.minimum(parent[cut], ids.get(copied_from, _NONE - 1))
        out[article] = origin, parent
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / "shared"))
    ap.add_argument("--months", nargs="+", default=["01", "02", "03"])
    ap.add_argument("--db", default="/tmp/newstrace-partners.db")
    ap.add_argument("--k", nargs="+", type=int, default=[0, 1, 2, 4, 8])
    args = ap.parse_args()
    exhaustive = Settings(max_partners=0)
    files = [Path(args.shared) / "data" / "chronam-1916" / f"chronam-1916-{m}.jsonl.gz" for m in args.months]
    fresh = not Path(args.db).exists()
    with open_store(args.db) as store:
        if fresh:
            ingest(store, files, exhaustive)
            detect_reuse(store, exhaustive)
        meta, duplicates = {}, defaultdict(list)
        for a in store.articles():
            meta[a.id] = ArticleMeta(a.id, a.published, a.source, len(a.text))
            if canonical := store.duplicate_of(a.id):
                duplicates[canonical].append(a.id)
        shingled = list(store.stream_shingles(shingle_config(exhaustive)))
        published = {i: m.published for i, m in meta.items()}
        alignments = store.alignments(words=False)
        words = stored_words(store.alignment_words, duplicates)
        frequency = phrase_frequency(shingle_frequency([h for _, h, _ in shingled]), exhaustive)
        ids = {i: k for k, i in enumerate(sorted(meta))}
        lengths = {i: m.length for i, m in meta.items()}

        rows, base = [], None
        for k in sorted(args.k):
            clock = time.perf_counter()
            pairs = {(c.a, c.b) for c in find_candidates(shingled, Settings(max_partners=k), published)}
            seconds = time.perf_counter() - clock
            kept = [al for al in alignments if (min(al.a.article, al.b.article), max(al.a.article, al.b.article))
                    in pairs]
            clusters, signals = trace(meta, with_duplicates(kept, duplicates, lengths), exhaustive.recycled_days,
                                      exhaustive.link_chars, words, frequency)
            chars = reused_by_char(signals, meta, ids)
            row = {"max_partners": k, "candidate_seconds": round(seconds, 1), "pairs": len(pairs),
                   "passages": len(kept), "clusters": sum(1 for c in clusters if c.kind != "formula"),
                   "reused_chars": int(sum((o != _NONE).sum() for o, _ in chars.values()))}
            if base is None:
                base = chars
            both = same_origin = same_parent = 0
            for article, (origin, parent) in base.items():
                if article not in chars:
                    continue
                o2, p2 = chars[article]
                marked = (origin != _NONE) & (o2 != _NONE)
                both += int(marked.sum())
                same_origin += int((marked & (origin == o2)).sum())
                same_parent += int((marked & (parent == p2)).sum())
            total = int(sum((o != _NONE).sum() for o, _ in base.values()))
            row.update(reused_recall=round(both / max(1, total), 4), same_source=round(same_origin / max(1, both), 4),
                       same_copied_from=round(same_parent / max(1, both), 4))
            rows.append(row)
            print(json.dumps(row), flush=True)

    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "partners.json").write_text(json.dumps(rows, indent=2) + "\n", "utf-8")
    lines = [f"# Partners per shingle: Chronicling America 1916, months {', '.join(args.months)}", "",
             f"`python bench/bench_partners.py --k {' '.join(map(str, sorted(args.k)))}` — "
             f"{time.strftime('%Y-%m-%d')}; {len(meta):,} pages. Each row: the candidate pairs with that "
             "`max_partners` (0: every two holders of a shingle), and provenance rebuilt from their passages, "
             "compared with the exhaustive run (k = 0).", "",
             "| max_partners | candidate s | pairs | passages | clusters | reused chars | reused-text recall "
             "| same earliest source | same copied-from |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['max_partners']} | {r['candidate_seconds']} | {r['pairs']:,} | {r['passages']:,} | "
                     f"{r['clusters']:,} | {r['reused_chars']:,} | {r['reused_recall']:.3f} | {r['same_source']:.3f} "
                     f"| {r['same_copied_from']:.3f} |")
    lines += ["", "Reused-text recall: the share of the characters the exhaustive run marks as having appeared "
              "earlier elsewhere that this run marks too. Same earliest source / copied-from: among the "
              "characters both runs mark, the share given the same earliest source (the same copy it was "
              "most likely taken from)."]
    (RESULTS / "partners.md").write_text("\n".join(lines) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
