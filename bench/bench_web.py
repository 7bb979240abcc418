"""Response times of `newstrace serve` on a collection of at least 20,000 articles.

    python bench/bench_web.py [--source-db /tmp/newstrace-chronam.db] [--articles 20000]

The collection: a fully traced store (by default the Chronicling America January-March
store that bench/bench_chronam.py leaves in /tmp: 6,970 front pages, with passages,
clusters and signals) copied and replicated until it holds --articles articles. Each
replica gets its own ids (suffix "~k") and dates moved k quarters later, and carries its
own copy of the passages, clusters, copy edges, signals and quotations, so every table
grows by the same factor. It is a larger collection of real pages, not 20,000 distinct ones.

The server runs as `newstrace serve` in its own process; requests go over loopback HTTP
from this one. Each URL is requested once cold, then timed over repeated requests
(median and 95th percentile). Writes bench/results/web.md and web.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"

# Tables copied per replica, with the columns holding article ids.
_ARTICLE_COLUMNS = {
    "articles": ("id", "duplicate_of"),
    "alignments": ("a_article", "b_article"),
    "signals": ("article",),
    "quotes": ("article",),
}


def replicate(source: str, target: str, articles: int) -> int:
    """Copy ``source`` to ``target`` and replicate its rows until it holds ``articles`` articles."""
    for suffix in ("", "-wal", "-shm"):
        Path(target + suffix).unlink(missing_ok=True)
    src = sqlite3.connect(source)
    src.execute(f"VACUUM INTO '{target}'")
    src.close()
    db = sqlite3.connect(target)
    db.execute("PRAGMA journal_mode=WAL")
    base = db.execute("SELECT count(*) FROM articles").fetchone()[0]
    copies = -(-articles // base)
    max_cluster = db.execute("SELECT coalesce(max(id), 0) FROM clusters").fetchone()[0]
    db.execute("DELETE FROM shingles")  # the candidate index is not served
    for k in range(1, copies):
        suffix = f"~{k}"
        shift = f"+{3 * k} months"
        with db:
            db.execute(
                "INSERT INTO articles (id, url, source, title, published, language, text, text_hash,"
                " duplicate_of, origin_file, origin_line, run_id)"
                " SELECT id || ?, url, source, title,"
                " CASE WHEN published IS NULL THEN NULL ELSE strftime('%Y-%m-%d', published, ?) END,"
                " language, text, text_hash || ?, duplicate_of || ?, origin_file, origin_line, run_id"
                " FROM articles WHERE id NOT LIKE '%~%'", (suffix, shift, suffix, suffix))
            db.execute(
                "INSERT INTO alignments (a_article, a_start, a_end, b_article, b_start, b_end, score,"
                " similarity, exact, variant, substituted, gaps, ops, run_id)"
                " SELECT a_article || ?, a_start, a_end, b_article || ?, b_start, b_end, score, similarity,"
                " exact, variant, substituted, gaps, ops, run_id FROM alignments"
                " WHERE a_article NOT LIKE '%~%'", (suffix, suffix))
            db.execute("INSERT INTO signals SELECT article || ?, reused_share, originality, sources, spin_rate,"
                       " stitched_score, recycled_chars, spin_hints, details FROM signals"
                       " WHERE article NOT LIKE '%~%'", (suffix,))
            offset = k * max_cluster
            db.execute("INSERT INTO clusters (id, size, earliest, first_published, ordering, run_id)"
                       " SELECT id + ?, size, (SELECT json_group_array(value || ?) FROM json_each(earliest)),"
                       " first_published, ordering, run_id FROM clusters WHERE id <= ?",
                       (offset, suffix, max_cluster))
            db.execute("INSERT INTO cluster_spans SELECT cluster_id + ?, article || ?, start, end"
                       " FROM cluster_spans WHERE cluster_id <= ?", (offset, suffix, max_cluster))
            db.execute("INSERT INTO copy_edges SELECT cluster_id + ?, child || ?, parent || ?, evidence"
                       " FROM copy_edges WHERE cluster_id <= ?", (offset, suffix, suffix, max_cluster))
    with db:
        # Trim to the asked-for size from the last replica (and what refers to those articles).
        extra = db.execute("SELECT count(*) FROM articles").fetchone()[0] - articles
        if extra > 0:
            last = f"%~{copies - 1}"
            doomed = [r[0] for r in db.execute(
                "SELECT id FROM articles WHERE id LIKE ? AND id NOT IN"
                " (SELECT duplicate_of FROM articles WHERE duplicate_of IS NOT NULL)"
                " ORDER BY id DESC LIMIT ?", (last, extra))]
            db.execute("CREATE TEMP TABLE doomed (id TEXT PRIMARY KEY)")
            db.executemany("INSERT INTO doomed VALUES (?)", [(d,) for d in doomed])
            for table, column in (("alignments", "a_article"), ("alignments", "b_article"),
                                  ("signals", "article"), ("quotes", "article"), ("cluster_spans", "article"),
                                  ("copy_edges", "child"), ("copy_edges", "parent"),
                                  ("compared_pairs", "a_article"), ("compared_pairs", "b_article")):
                db.execute(f"DELETE FROM {table} WHERE {column} IN (SELECT id FROM doomed)")
            db.execute("DELETE FROM articles WHERE id IN (SELECT id FROM doomed)")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    total = db.execute("SELECT count(*) FROM articles").fetchone()[0]
    db.close()
    return total


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[float, int, int]:
    t0 = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as r:
        body = r.read()
        status = r.status
    return time.perf_counter() - t0, status, len(body)


def measure(base: str, path: str, repeat: int) -> dict:
    cold, status, size = _get(base + path)
    if status != 200:
        raise RuntimeError(f"{path}: HTTP {status}")
    times = sorted(_get(base + path)[0] for _ in range(repeat))
    return {"path": path, "bytes": size, "cold_ms": round(cold * 1000, 1),
            "median_ms": round(statistics.median(times) * 1000, 1),
            "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))] * 1000, 1)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--source-db", default="/tmp/newstrace-chronam.db")
    ap.add_argument("--db", default="/tmp/newstrace-web-bench.db")
    ap.add_argument("--articles", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--sample", type=int, default=30, help="random article pages to time")
    ap.add_argument("--keep", action="store_true", help="reuse --db if it exists")
    args = ap.parse_args()
    if not Path(args.source_db).exists():
        sys.exit(f"{args.source_db}: no traced store; run bench/bench_chronam.py first (or give --source-db)")

    t0 = time.perf_counter()
    if args.keep and Path(args.db).exists():
        total = sqlite3.connect(args.db).execute("SELECT count(*) FROM articles").fetchone()[0]
    else:
        total = replicate(args.source_db, args.db, args.articles)
    build = time.perf_counter() - t0
    counts = {t: sqlite3.connect(args.db).execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("articles", "alignments", "clusters", "signals", "quotes")}

    port = _free_port()
    exe = shutil.which("newstrace") or str(Path(sys.executable).with_name("newstrace"))
    server = subprocess.Popen([exe, "-q", "serve", "--db", args.db, "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        t_start = time.perf_counter()
        while True:
            try:
                _get(base + "/openapi.json")
                break
            except OSError:
                if server.poll() is not None or time.perf_counter() - t_start > 300:
                    raise RuntimeError("the server did not start: " + server.stderr.read().decode())
                time.sleep(0.2)
        startup = time.perf_counter() - t_start

        rng = random.Random(1916)
        db = sqlite3.connect(args.db)
        ids = [r[0] for r in db.execute("SELECT id FROM articles ORDER BY id")]
        sample = rng.sample(ids, min(args.sample, len(ids)))
        heaviest = db.execute("SELECT a_article, count(*) n FROM (SELECT a_article FROM alignments UNION ALL"
                              " SELECT b_article FROM alignments) GROUP BY a_article ORDER BY n DESC LIMIT 1"
                              ).fetchone()
        biggest_cluster = db.execute("SELECT id FROM clusters ORDER BY size DESC LIMIT 1").fetchone()[0]
        db.close()

        def article(aid: str, suffix: str = "") -> str:
            return "/articles/" + urllib.parse.quote(aid, safe="/") + suffix

        rows = [measure(base, "/", args.repeat), measure(base, "/overview.json", args.repeat)]
        pages = [measure(base, article(a), max(3, args.repeat // 4)) for a in sample]
        rows.append({"path": f"/articles/{{id}} ({len(pages)} random articles)",
                     "bytes": round(statistics.median(p["bytes"] for p in pages)),
                     "cold_ms": round(statistics.median(p["cold_ms"] for p in pages), 1),
                     "median_ms": round(statistics.median(p["median_ms"] for p in pages), 1),
                     "p95_ms": round(sorted(p["median_ms"] for p in pages)[int(0.95 * (len(pages) - 1))], 1)})
        rows.append({**measure(base, article(heaviest[0]), args.repeat),
                     "path": f"{article(heaviest[0])} (most passages: {heaviest[1]})"})
        rows.append(measure(base, article(sample[0], ".json"), args.repeat))
        for path in ("/articles", "/articles?q=submarine", "/articles?q=%22federal+reserve%22",
                     "/articles?q=war&sort=reused", "/clusters", f"/clusters/{biggest_cluster}", "/outlets",
                     "/quotes"):
            rows.append(measure(base, path, args.repeat))
    finally:
        server.terminate()
        server.wait(10)

    result = {"articles": total, "tables": counts, "build_seconds": round(build, 1),
              "server_start_seconds": round(startup, 1), "requests": rows,
              "cpu": os.cpu_count()}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "web.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = [
        "# Web interface response times",
        "",
        f"`python bench/bench_web.py` — {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, shared machine.",
        "",
        f"Collection: {total:,} articles ({counts['alignments']:,} passages, {counts['clusters']:,} clusters, "
        f"{counts['signals']:,} articles with signals, {counts['quotes']:,} quotations): the traced "
        f"Chronicling America January–March store replicated (see the script's docstring). "
        f"Built in {build:.0f} s; server ready in {startup:.1f} s (it computes the overview once at start).",
        "",
        "Times are for one request over loopback HTTP to `newstrace serve` in its own process, after one "
        "cold request; the target is under 300 ms for the overview and an article page.",
        "",
        "| page | bytes | cold ms | median ms | p95 ms |",
        "|---|---:|---:|---:|---:|",
    ]
    lines += [f"| `{r['path']}` | {r['bytes']:,} | {r['cold_ms']} | {r['median_ms']} | {r['p95_ms']} |"
              for r in rows]
    (RESULTS / "web.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
