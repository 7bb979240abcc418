"""The local engine against the Spark engine (local mode) on the same input and machine.

    python bench/bench_engines.py [--corpus ../shared/data/spinbench-dev] [--master local[2]]

Writes the corpus as one JSON Lines file, then runs the whole pipeline without quotations
(ingest, candidates, alignment, provenance) with each engine: the local engine into a
store, Spark into Parquet. Checks that both found the same passages and clusters, and
writes the times and their ratio to bench/results/engines.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from newstrace.engines import spark as spark_engine
from newstrace.pipeline import detect_reuse, ingest, trace_provenance
from newstrace.pan import collection_documents, read_document
from newstrace.store import open_store

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(Path(__file__).resolve().parents[2] / "shared" / "data" / "spinbench-dev"))
    ap.add_argument("--master", default="local[2]")
    args = ap.parse_args()
    corpus = Path(args.corpus)
    with tempfile.TemporaryDirectory(prefix="newstrace-engines-") as tmp:
        tmp = Path(tmp)
        data = tmp / "collection.jsonl"
        with data.open("w", encoding="utf-8") as f:
            for name, folder in collection_documents(corpus).items():
                f.write(json.dumps({"id": name, "text": read_document(corpus / folder / name)}) + "\n")

        t = time.perf_counter()
        with open_store(tmp / "local.db") as store:
            ingest(store, [data])
            detected = detect_reuse(store)
            trace_provenance(store)
            local_seconds = time.perf_counter() - t
            local = {"passages": store.count("alignments"), "clusters": store.count("clusters")}

        t = time.perf_counter()
        spark = spark_engine.session(args.master)
        start_seconds = time.perf_counter() - t
        t = time.perf_counter()
        summary = spark_engine.run([data], tmp / "out", spark=spark)
        spark_seconds = time.perf_counter() - t
        spark.stop()

    same = local["passages"] == summary["passages"] and local["clusters"] == summary["clusters"]
    ratio = spark_seconds / local_seconds
    result = {"corpus": corpus.name, "documents": summary["articles"], "local_seconds": round(local_seconds, 1),
              "local_stages": detected.seconds, "spark_seconds": round(spark_seconds, 1),
              "spark_session_seconds": round(start_seconds, 1), "spark_stages": summary["seconds"],
              "ratio": round(ratio, 2), "same_counts": same, "passages": summary["passages"],
              "clusters": summary["clusters"], "master": args.master, "cpus": os.cpu_count()}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "engines.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = [
        "# Local engine and Spark engine on the same input",
        "",
        f"`python bench/bench_engines.py --master {args.master}` — {time.strftime('%Y-%m-%d')}, "
        f"{os.cpu_count()} cores, shared machine.",
        "",
        f"{corpus.name} as one JSON Lines file ({summary['articles']:,} documents); ingest, candidates, "
        f"alignment and provenance (no quotations). Both found {summary['passages']:,} passages and "
        f"{summary['clusters']:,} clusters" + ("" if same else " — **the counts differ**") + ".",
        "",
        "| engine | seconds | stages |",
        "|---|---:|---|",
        f"| local (processes, SQLite store) | {local_seconds:.1f} | "
        + ", ".join(f"{k} {v:.1f} s" for k, v in detected.seconds.items()) + " |",
        f"| Spark {args.master} (Parquet out) | {spark_seconds:.1f} | "
        + ", ".join(f"{k} {v:.1f} s" for k, v in summary["seconds"].items())
        + f"; session start {start_seconds:.1f} s, not counted |",
        "",
        f"Spark takes {ratio:.2f}× the local engine's time.",
    ]
    (RESULTS / "engines.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
