"""Claims where nothing was copied and where much was: what the significance judgement
(newstrace.significance) keeps as copies.

    python bench/bench_claims.py [--shared ../shared]

* spinbench-modern-dev (modern wire news; no reuse outside the gold): PAN plagdet of the
  whole-collection run, every detected pair counted, and pairwise.
* spinbench-dev (1916 newspaper text): plagdet on the listed pairs, whole collection and
  pairwise.
* PolNeAR's texts (924 articles, seven US outlets, 2015-16; their outlet and date from
  metadata.tsv): the "copied from" claims the trace makes, with the words they share, and
  a random sample of 30 printed for reading.

Figures go to bench/results/claims.md.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from newstrace.pipeline import detect_reuse, trace_provenance
from newstrace.model import Article
from newstrace.pan import (collection_documents, detect_collection, detect_pairs, gold, read_cases, read_document,
                           score_corpus)
from newstrace.model import IngestSummary
from newstrace.store import open_store

RESULTS = Path(__file__).resolve().parent / "results" / "claims.md"


def outside_gold(corpus: Path, detections: Path, shown: int = 3) -> list[str]:
    """The passages the collection run finds between documents the gold lists no case for,
    counted by the kinds of the two documents (suspicious, source, distractor), with a few to
    read: what keeps every-pair plagdet below pairwise."""
    listed = set().union(*(pairs for _, pairs in gold(corpus).values() if pairs is not None))
    outside = [d for xml in sorted(detections.glob("*.xml")) for d in read_cases(xml, "detected-plagiarism")
               if (d.susp, d.src) not in listed]
    kinds = Counter(" and ".join(sorted({d.susp.split("-")[0], d.src.split("-")[0]})) for d in outside)
    docs = collection_documents(corpus)
    lines = [f"- {corpus.name}: {len(outside)} passages outside the gold pairs; between "
             + ", ".join(f"{kind} documents {n}" for kind, n in kinds.most_common())]
    for d in random.Random(15).sample(outside, min(shown, len(outside))):
        text = read_document(corpus / docs[d.susp] / d.susp)[d.susp_start:d.susp_end]
        lines.append(f"  - {d.susp} and {d.src}: “{' '.join(text.split())[:200]}”")
    return lines


def pan_rows(corpus: Path, tmp: Path, notes: list[str]) -> list[str]:
    rows = []
    clock = time.perf_counter()
    detect_collection(corpus, tmp / "collection")
    seconds = time.perf_counter() - clock
    notes += outside_gold(corpus, tmp / "collection")
    listed = score_corpus(corpus, tmp / "collection")["overall"]
    every = score_corpus(corpus, tmp / "collection", collection=True)["overall"]
    detect_pairs(corpus, tmp / "pairs")
    pairwise = score_corpus(corpus, tmp / "pairs")["overall"]
    rows.append(f"| {corpus.name} | {pairwise.plagdet:.3f} | {listed.plagdet:.3f} | {every.plagdet:.3f} "
                f"(precision {every.precision:.3f}, {every.detections} passages for {every.cases} cases) | {seconds:.0f} s |")
    return rows


def polnear_claims(polnear: Path, tmp: Path, sample: int = 30) -> list[str]:
    meta = {}
    with open(polnear / "metadata.tsv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            meta[row["filename"]] = row
    articles = []
    for split in ("train", "dev"):
        for path in sorted((polnear / split / "text").glob("*.txt")):
            m = meta.get(path.stem, {})
            articles.append(Article(id=path.stem, text=path.read_text("utf-8"), title=m.get("title", ""),
                                    source=m.get("publisher"), published=m.get("publication_date")))
    with open_store(tmp / "polnear.db") as store:
        store.add_batch(articles, None, IngestSummary())
        detect_reuse(store)
        trace_provenance(store)
        claims = []
        confidence: Counter = Counter()
        held_back: Counter = Counter()
        doubts = 0
        for a in articles:
            sig = store.signals(a.id) or {}
            doubts += bool(sig.get("date_doubt"))
            for claim in sig.get("claims", []):
                confidence[claim["confidence"]] += 1
                if claim["confidence"] == "low":
                    held_back[claim["evidence"].split(":")[0].split(" matching words")[0].strip("0123456789 ")
                              or "too few matching words"] += 1
            for span in sig.get("reused_spans", []):
                if span["copied_from"] and span["copied_from"] in sig["copied_from"]:
                    words = len(a.text[span["start"]:span["end"]].split())
                    claims.append((a.id, span["copied_from"], span["start"], span["end"], words))
        kinds = Counter(c["kind"] for c in store.clusters())
        texts = {a.id: a for a in articles}
        reuse = [c for c in store.clusters() if c["kind"] == "reuse"]
        cluster_lines = [f"- reuse clusters drawn at random (seed 27): {min(sample, len(reuse))} of {len(reuse)}"]
        for c in sorted(random.Random(27).sample(reuse, min(sample, len(reuse))), key=lambda c: c["id"]):
            cluster_lines.append(f"  - cluster {c['id']} ({c['size']} articles; {c['ordering']})")
            for sp in c["spans"][:3]:
                a = texts[sp["article"]]
                cluster_lines.append(f"    - {a.id} ({a.source}, {a.published}) [{sp['start']}:{sp['end']}]: "
                                     f"“{' '.join(a.text[sp['start']:sp['end']].split())[:240]}”")
    lines = [f"- articles: {len(articles)}; \"copied from\" claims (passage, parent): {len(claims)} in "
             f"{len({c[0] for c in claims})} articles; sharing 40 words or more: {sum(c[4] >= 40 for c in claims)}; "
             f"same outlet: {sum(texts[c[0]].source == texts[c[1]].source for c in claims)}",
             f"- claims (article, earlier copy) by confidence: {dict(sorted(confidence.items()))}; held back "
             f"(low): {dict(held_back.most_common())}",
             f"- clusters by kind: {dict(sorted(kinds.items()))}; articles whose date the text contradicts: {doubts}"]
    rng = random.Random(19)
    for art, parent, start, end, words in sorted(rng.sample(claims, min(sample, len(claims)))):
        a, p = texts[art], texts[parent]
        lines.append(f"  - {art} ({a.source}, {a.published}) from {parent} ({p.source}, {p.published}), "
                     f"{words} words: “{' '.join(a.text[start:end].split())[:300]}”")
    return lines + cluster_lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--only", choices=("pan", "polnear"),
                        help="run one part and print it (the results file is written by a whole run)")
    args = parser.parse_args(argv)
    data = args.shared / "data"
    out = ["# Claims: copies, formulas and templates", "",
           "`python bench/bench_claims.py` (newstrace.significance; one setting for every corpus).", "",
           "| corpus | plagdet pairwise | collection, listed pairs | collection, every pair | collection run |",
           "|---|---|---|---|---|"]
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="newstrace-claims-") as tmp:
        tmp = Path(tmp)
        for name in ("spinbench-modern-dev", "spinbench-dev"):
            if (data / name).is_dir() and args.only != "polnear":
                (tmp / name).mkdir()
                out += pan_rows(data / name, tmp / name, notes)
        if notes:
            out += ["", "Every-pair passages outside the gold pairs (the collection run's false positives, "
                    "as the gold counts them):", "", *notes]
        if (data / "polnear").is_dir() and args.only != "pan":
            out += ["", "## PolNeAR texts traced", ""] + polnear_claims(data / "polnear", tmp)
    text = "\n".join(out) + "\n"
    if not args.only:
        RESULTS.parent.mkdir(exist_ok=True)
        RESULTS.write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
