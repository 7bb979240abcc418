"""The commands users run, end to end: wall time and memory of every process.

    python bench/bench_trace.py [--months 01 02 03] [--commands trace run] [--speakers rules]

Runs `newstrace trace FILES --db DB --speakers S` (the report printed to a file, as a user
would redirect it) and `newstrace run FILES --engine local --db DB` on Chronicling America
1916 pages, each into a new store, and samples the memory of the command and every process
it starts (the aligning workers) five times a second: the peak of their sum and the peak of
the largest one. Writes bench/results/trace.md (and .json).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
CHRONAM = ROOT.parent / "shared" / "data" / "chronam-1916"


def _tree(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parent = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(children.get(p, []))
    return found


def _memory_mb(pid: int) -> tuple[float, float]:
    """A process's resident memory and its proportional share (PSS: a page shared with the
    processes it forked counted once among them, not once in each), in MB."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            fields = dict(line.split(":", 1) for line in f if ":" in line)
        return int(fields["Rss"].split()[0]) / 1024, int(fields["Pss"].split()[0]) / 1024
    except (OSError, KeyError, ValueError, IndexError):
        return 0.0, 0.0


def measured(command: list[str], stdout) -> dict:
    """Run ``command``; its wall time, exit status and the peaks of its processes' memory."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=stdout, stderr=subprocess.PIPE, text=True)
    peak_sum = peak_pss = peak_one = 0.0
    processes = 0
    while proc.poll() is None:
        sizes = [_memory_mb(p) for p in _tree(proc.pid)]
        processes = max(processes, len(sizes))
        peak_sum = max(peak_sum, sum(rss for rss, _ in sizes))
        peak_pss = max(peak_pss, sum(pss for _, pss in sizes))
        peak_one = max(peak_one, max((rss for rss, _ in sizes), default=0.0))
        time.sleep(0.2)
    seconds = time.perf_counter() - start
    error = proc.stderr.read()
    if proc.returncode:
        sys.exit(f"{' '.join(command)} failed ({proc.returncode}): {error[-2000:]}")
    return {"seconds": round(seconds, 1), "peak_all_mb": round(peak_sum), "peak_all_pss_mb": round(peak_pss),
            "peak_largest_mb": round(peak_one), "processes": processes}


def _stage_seconds(db: Path) -> dict:
    """The seconds each stage of the store's last run took, as the run recorded them."""
    from newstrace.store import open_store

    with open_store(db, read_only=True) as store:
        (summary,) = store.conn.execute("SELECT summary FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    return json.loads(summary).get("stage_seconds", {})


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--months", nargs="+", default=["01", "02", "03"])
    ap.add_argument("--commands", nargs="+", default=["trace", "run"], choices=["trace", "trace-all", "run"])
    ap.add_argument("--speakers", default="rules", choices=["rules", "parse"])
    args = ap.parse_args()
    files = [str(CHRONAM / f"chronam-1916-{m}.jsonl.gz") for m in args.months]
    if not all(Path(f).exists() for f in files):
        sys.exit(f"needs {CHRONAM} (the shared data folder beside the project)")
    exe = [sys.executable, "-m", "newstrace.cli", "-q"]
    rows = {}
    with tempfile.TemporaryDirectory(prefix="newstrace-bench-trace-") as tmp:
        for name in args.commands:
            db = Path(tmp) / f"{name}.db"
            out = Path(tmp) / f"{name}.out"
            if name == "run":
                command = exe + ["run", *files, "--engine", "local", "--db", str(db), "--speakers", args.speakers]
            else:
                command = exe + ["trace", *files, "--db", str(db), "--speakers", args.speakers]
                command += ["--all"] if name == "trace-all" else []
            with out.open("w") as stdout:
                rows[name] = measured(command, stdout)
            rows[name]["output_mb"] = round(out.stat().st_size / 2**20, 2)
            rows[name]["output_lines"] = sum(1 for _ in out.open())
            rows[name]["stage_seconds"] = _stage_seconds(db)
            print(name, rows[name], flush=True)
    result = {"months": args.months, "speakers": args.speakers, "cpus": os.cpu_count(), "commands": rows}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "trace.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = ["# The commands users run, end to end", "",
             f"`python bench/bench_trace.py --months {' '.join(args.months)} --commands {' '.join(args.commands)} "
             f"--speakers {args.speakers}` — {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, shared machine.",
             "", f"Chronicling America 1916, months {', '.join(args.months)}; each command into a new store, its "
             "output to a file. Memory of the command and every process it started, sampled five times a second: "
             "the peak of their resident sizes summed (pages the aligning workers share with the driver they were "
             "forked from counted in each), of their proportional shares summed (each page once), and of the "
             "largest.", "",
             "| command | seconds | peak, all processes (RSS) | peak, all processes (PSS) | peak, largest process "
             "| output |",
             "|---|---:|---:|---:|---:|---:|"]
    for name, r in rows.items():
        lines.append(f"| `{name}` | {r['seconds']:.0f} | {r['peak_all_mb']:,} MB | {r['peak_all_pss_mb']:,} MB | "
                     f"{r['peak_largest_mb']:,} MB | {r['output_mb']} MB, {r['output_lines']:,} lines |")
    lines += ["", "Seconds of each stage, as the run recorded them:", ""]
    lines += [f"- `{name}`: " + ", ".join(f"{stage} {sec:.0f}" for stage, sec in r["stage_seconds"].items())
              for name, r in rows.items()]
    (RESULTS / "trace.md").write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
