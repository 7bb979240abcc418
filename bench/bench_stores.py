"""The SQLite store against the PostgreSQL store: the same local-engine trace into each.

    python bench/bench_stores.py --postgres postgresql://USER:PASSWORD@HOST/DATABASE
        [--corpus ../shared/data/spinbench-dev]

Writes the corpus as one JSON Lines file, then runs ingest, detection and provenance into
a new SQLite file and into a new database on the PostgreSQL server (created beside the
one the URL names, dropped afterwards), checks that both stores hold the same passages
and clusters, and writes each stage's seconds and the ratios to bench/results/stores.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from newstrace.pipeline import detect_reuse, ingest, trace_provenance
from newstrace.pan import collection_documents, read_document
from newstrace.store import open_store
from newstrace.store.postgres import redacted

RESULTS = Path(__file__).resolve().parent / "results"


def trace(location: str, data: Path) -> dict:
    """The whole trace of ``data`` into the store at ``location``: seconds by stage, and what it holds."""
    seconds = {}
    with open_store(location) as store:
        t = time.perf_counter()
        ingest(store, [data])
        seconds["ingest"] = time.perf_counter() - t
        t = time.perf_counter()
        detected = detect_reuse(store)
        seconds["detect"] = time.perf_counter() - t
        t = time.perf_counter()
        trace_provenance(store)
        seconds["provenance"] = time.perf_counter() - t
        passages = sorted(tuple(r) for r in store.conn.execute(
            "SELECT a_article, a_start, a_end, b_article, b_start, b_end, ops FROM alignments").fetchall())
        clusters = sorted(tuple(r) for r in store.conn.execute("SELECT id, size, earliest FROM clusters").fetchall())
    return {"seconds": seconds, "detect_stages": detected.seconds, "passages": passages, "clusters": clusters}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(Path(__file__).resolve().parents[2] / "shared" / "data" / "spinbench-dev"))
    ap.add_argument("--postgres", default=os.environ.get("NEWSTRACE_TEST_POSTGRES"),
                    help="a database on the server, as a user who may create databases")
    args = ap.parse_args()
    if not args.postgres:
        raise SystemExit("give --postgres postgresql://USER:PASSWORD@HOST/DATABASE")
    import psycopg

    corpus = Path(args.corpus)
    name = f"newstrace_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(args.postgres, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        with tempfile.TemporaryDirectory(prefix="newstrace-stores-") as tmp:
            data = Path(tmp) / "collection.jsonl"
            with data.open("w", encoding="utf-8") as f:
                for doc, folder in collection_documents(corpus).items():
                    f.write(json.dumps({"id": doc, "text": read_document(corpus / folder / doc)}) + "\n")
            lite = trace(str(Path(tmp) / "store.db"), data)
            pg = trace(urlunsplit(urlsplit(args.postgres)._replace(path="/" + name)), data)
    finally:
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    same = lite["passages"] == pg["passages"] and lite["clusters"] == pg["clusters"]
    total = {k: sum(r["seconds"].values()) for k, r in (("sqlite", lite), ("postgres", pg))}
    result = {"corpus": corpus.name, "server": redacted(args.postgres), "same_results": same,
              "passages": len(lite["passages"]), "clusters": len(lite["clusters"]),
              "sqlite": {k: round(v, 2) for k, v in lite["seconds"].items()},
              "postgres": {k: round(v, 2) for k, v in pg["seconds"].items()},
              "ratio": round(total["postgres"] / total["sqlite"], 2)}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "stores.json").write_text(json.dumps(result, indent=2) + "\n")
    stages = list(lite["seconds"])
    lines = [
        "# SQLite store and PostgreSQL store, the same trace",
        "",
        f"`python bench/bench_stores.py --postgres …` — {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, "
        "shared machine; the PostgreSQL server on the same machine (loopback TCP).",
        "",
        f"{corpus.name} as one JSON Lines file; the local engine's ingest, detection and provenance into each "
        f"store. Both hold {result['passages']:,} passages and {result['clusters']:,} clusters"
        + ("" if same else " — **the stores differ**") + ".",
        "",
        "| store | " + " | ".join(f"{s} s" for s in stages) + " | total s |",
        "|---|" + "---:|" * (len(stages) + 1),
    ]
    for label, r in (("SQLite file", lite), ("PostgreSQL", pg)):
        lines.append(f"| {label} | " + " | ".join(f"{r['seconds'][s]:.1f}" for s in stages)
                     + f" | {sum(r['seconds'].values()):.1f} |")
    lines += ["", f"PostgreSQL takes {result['ratio']:.2f}× the SQLite store's time."]
    (RESULTS / "stores.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
