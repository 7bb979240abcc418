"""How the cost of a whole trace grows with the collection: Chronicling America 1916.

    python bench/bench_scale.py [--fractions 0.125 0.25 0.5 1] [--months 01 02 03] [--sample pages|days]

For each fraction, a deterministic sample of the pages is traced from scratch in a fresh
store, in a process of its own. Two ways to grow a collection: ``--sample pages`` takes
every k-th page by id (more papers over the same weeks: the copies of each wire story
multiply, which is where reuse detection gets quadratic); ``--sample days`` takes the
pages of the first days (an archive growing over time). A smaller sample is part of a
larger one. Settings come from NEWSTRACE_* variables as in the CLI (for instance
NEWSTRACE_MAX_PARTNERS=0 to pair every two holders of a shingle). Stages: ingest, shingles, candidates, alignment, provenance. Reports seconds,
articles/s and words/s per stage, peak memory (driver, largest worker, and the whole
process tree's proportional set size), and fits the
exponent b of time = a * pages^b on the whole trace and on each stage (b = 1: linear).
Writes bench/results/scale.md and scale.json.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def input_output_fit(rows: list[dict]) -> tuple[float, float, float]:
    """Least-squares a, b >= 0 of total seconds = a · pages + b · passages over the samples,
    and the largest relative error of that fit on one sample."""
    import numpy as np

    x = np.array([[r["pages"], r["passages"]] for r in rows], dtype=float)
    y = np.array([r["total_seconds"] for r in rows], dtype=float)
    (a, b), *_ = np.linalg.lstsq(x, y, rcond=None)
    if min(a, b) < 0:  # one term alone explains the samples better than a negative cost can
        a, b = max(((y @ x[:, 0] / (x[:, 0] @ x[:, 0]), 0.0), (0.0, y @ x[:, 1] / (x[:, 1] @ x[:, 1]))),
                   key=lambda ab: -np.sum((x @ ab - y) ** 2))
    return float(a), float(b), float(np.max(np.abs(x @ [a, b] - y) / y))


def sample(files: list[Path], fraction: float, out: Path, by: str = "pages") -> tuple[int, int]:
    """Write every (1/fraction)-th page by id (``by`` "pages"), or the first ``fraction`` of
    the pages by date (``by`` "days"), to ``out``; return (pages, words)."""
    records = []
    for f in files:
        with gzip.open(f, "rt", encoding="utf-8") as lines:
            records.extend(json.loads(line) for line in lines if line.strip())
    if by == "days":
        records.sort(key=lambda r: (str(r.get("date")), str(r.get("id"))))
        chosen = records[: round(fraction * len(records))]
    else:
        records.sort(key=lambda r: str(r.get("id")))
        chosen = records[:: round(1 / fraction)]
    with out.open("w", encoding="utf-8") as w:
        for r in chosen:
            w.write(json.dumps(r, ensure_ascii=False) + "\n")
    return len(chosen), sum(len(str(r.get("text", "")).split()) for r in chosen)


def one_run(data: str, db: str) -> dict:
    """The whole trace of one sample, timed by stage (run in a child process)."""
    from newstrace.pipeline import detect_reuse, ingest, trace_provenance
    from newstrace.settings import load_settings
    from newstrace.store import open_store

    settings = load_settings()
    seconds = {}
    with open_store(db) as store:
        t = time.perf_counter()
        ingest(store, [data], settings)
        seconds["ingest"] = time.perf_counter() - t
        t = time.perf_counter()
        det = detect_reuse(store, settings)
        seconds.update(det.seconds)
        t = time.perf_counter()
        prov = trace_provenance(store, settings)
        seconds["provenance"] = time.perf_counter() - t
        passages = store.count("alignments")
    return {"seconds": {k: round(v, 2) for k, v in seconds.items()}, "candidates": det.candidates,
            "passages": passages, "clusters": prov["clusters"],
            "driver_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
            "worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024}


def tree_pss_mb(pid: int) -> int:
    """Memory of a process and all its descendants now: the sum of their proportional set
    sizes (shared pages counted once in all, as a fork's workers share the driver's)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo.extend(children.get(p, []))
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total // 1024


def exponent(xs: list[float], ys: list[float]) -> float | None:
    """Least-squares slope of log y on log x."""
    pts = [(math.log(x), math.log(y)) for x, y in zip(xs, ys) if x > 0 and y > 0]
    if len(pts) < 2:
        return None
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    var = sum((p[0] - mx) ** 2 for p in pts)
    return round(sum((p[0] - mx) * (p[1] - my) for p in pts) / var, 2) if var else None


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(one_run(sys.argv[2], sys.argv[3])))
        return 0
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / "shared"))
    ap.add_argument("--months", nargs="+", default=["01", "02", "03"])
    ap.add_argument("--fractions", nargs="+", type=float, default=[0.125, 0.25, 0.5, 1.0])
    ap.add_argument("--sample", choices=["pages", "days"], default="pages")
    ap.add_argument("--out", default=None, help="results file stem (default: scale, or scale-days)")
    args = ap.parse_args()
    stem = args.out or ("scale" if args.sample == "pages" else "scale-days")
    files = [Path(args.shared) / "data" / "chronam-1916" / f"chronam-1916-{m}.jsonl.gz" for m in args.months]
    rows = []
    with tempfile.TemporaryDirectory(prefix="newstrace-scale-") as tmp:
        for fraction in sorted(args.fractions):
            data = Path(tmp) / f"sample-{fraction}.jsonl"
            pages, words = sample(files, fraction, data, args.sample)
            db = Path(tmp) / f"sample-{fraction}.db"
            t = time.perf_counter()
            child = subprocess.Popen([sys.executable, __file__, "--child", str(data), str(db)],
                                     stdout=subprocess.PIPE, text=True)
            peak = 0
            while child.poll() is None:
                peak = max(peak, tree_pss_mb(child.pid))
                time.sleep(0.5)
            out = child.stdout.read()
            if child.returncode:
                raise SystemExit(f"the run of {fraction} failed (exit {child.returncode})")
            total = time.perf_counter() - t
            result = json.loads(out.strip().splitlines()[-1])
            rows.append({"fraction": fraction, "pages": pages, "words": words, "total_seconds": round(total, 1),
                         "total_mb": peak, **result})
            print(f"{fraction}: {pages} pages, {total:.0f} s", file=sys.stderr)
    pages = [r["pages"] for r in rows]
    fits = {"total": exponent(pages, [r["total_seconds"] for r in rows])}
    for stage in rows[0]["seconds"]:
        fits[stage] = exponent(pages, [r["seconds"][stage] for r in rows])
    fits["candidate pairs"] = exponent(pages, [r["candidates"] for r in rows])
    fits["passages"] = exponent(pages, [r["passages"] for r in rows])
    # Cost as linear in what goes in and what comes out: seconds = a · pages + b · passages.
    per_page, per_passage, worst = input_output_fit(rows)
    # The slope between each sample and the next: whether growth is bending towards linear.
    local = [exponent(pages[k : k + 2], [r["total_seconds"] for r in rows[k : k + 2]]) for k in range(len(rows) - 1)]
    RESULTS.mkdir(exist_ok=True)
    settings = {k: v for k, v in os.environ.items() if k.startswith("NEWSTRACE_")}
    (RESULTS / f"{stem}.json").write_text(json.dumps({"sample": args.sample, "settings": settings, "rows": rows,
                                                     "exponents": fits, "local_total_exponents": local,
                                                     "linear_fit": {"seconds_per_page": per_page,
                                                                    "seconds_per_passage": per_passage,
                                                                    "worst_relative_error": worst}},
                                                    indent=2) + "\n")
    stages = list(rows[0]["seconds"])
    lines = [
        "# Cost curve: Chronicling America 1916, months " + ", ".join(args.months),
        "",
        f"`{' '.join(f'{k}={v}' for k, v in settings.items())}{' ' if settings else ''}python bench/bench_scale.py "
        f"--fractions {' '.join(str(f) for f in args.fractions)} --sample {args.sample}` — "
        f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, shared machine; each sample traced from scratch "
        "in its own process; samples: "
        + ("every k-th page by id (more papers over the same weeks)." if args.sample == "pages"
           else "the pages of the first days (the archive growing over time)."),
        "",
        "| share | pages | words | total s | pages/s | words/s | " + " | ".join(f"{s} s" for s in stages)
        + " | candidate pairs | passages | driver MB | worker MB | all MB |",
        "|" + "---:|" * (12 + len(stages)),
    ]
    for r in rows:
        lines.append(f"| {r['fraction']} | {r['pages']:,} | {r['words']:,} | {r['total_seconds']} | "
                     f"{r['pages'] / r['total_seconds']:.1f} | {r['words'] / r['total_seconds']:,.0f} | "
                     + " | ".join(str(r["seconds"][s]) for s in stages)
                     + f" | {r['candidates']:,} | {r['passages']:,} | {r['driver_mb']} | {r['worker_mb']} "
                     f"| {r['total_mb']} |")
    lines += ["", "Fitted exponent b of cost = a · pages^b (1 = linear): "
              + ", ".join(f"{k} {v}" for k, v in fits.items()) + "; whole trace between consecutive samples: "
              + ", ".join(str(v) for v in local) + ".", "",
              f"Fitted as linear in the pages read and the passages found (least squares, no constant): "
              f"seconds = {per_page * 1000:.2f} ms · pages + {per_passage * 1000:.3f} ms · passages, "
              f"within {worst:.0%} of every sample.", "",
              "Memory: driver and worker MB are peak resident sizes (a forked worker's count includes pages "
              "it shares with the driver); all MB is the peak of the whole process tree's proportional set "
              "size, sampled every 0.5 s, which counts shared pages once."]
    (RESULTS / f"{stem}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
