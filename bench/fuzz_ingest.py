"""The ingest fuzz harness, long: thousands of generated hostile records (any JSON shape,
non-finite numbers, lone surrogates, NULs, deep nesting, broken lines) between valid ones,
through the readers and the record builder into a real SQLite store.

    python bench/fuzz_ingest.py [--examples 3000]

A failure is a traceback or a valid record not stored. Figures go to bench/results/fuzz.md.
The short version runs in the suite (tests/test_fuzz_ingest.py).
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from fuzz_inputs import between_valid, jsonl_line, raw_lines, records  # noqa: E402
from test_fuzz_ingest import ingest_lines  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "fuzz.md"


def _kind(failure: str) -> str:
    """A failure's kind: its exception's type and message up to the first figure or quote."""
    last = failure.strip().splitlines()[-1]
    return last.split("'")[0].split(" beside ")[0][:120]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=3000)
    args = parser.parse_args()
    tried = Counter()
    failures: list[str] = []

    @settings(max_examples=args.examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.lists(records.map(jsonl_line) | raw_lines, min_size=1, max_size=6))
    def run(hostile):
        lines, expected = between_valid(hostile)
        tried["files"] += 1
        tried["hostile records"] += len(hostile)
        try:
            stored, skipped = ingest_lines(lines)
        except Exception:  # noqa: BLE001 - a traceback is what the harness looks for
            failures.append(traceback.format_exc(limit=3))
            return
        tried["skipped"] += skipped
        missing = expected - stored
        if missing:
            failures.append(f"valid records lost: {sorted(missing)} beside {hostile!r}"[:500])

    clock = time.perf_counter()
    run()
    seconds = time.perf_counter() - clock
    text = "\n".join([
        "# Ingest fuzz harness", "",
        f"`python bench/fuzz_ingest.py --examples {args.examples}`: hostile JSON Lines records "
        "(tests/fuzz_inputs.py) between valid ones, ingested with --on-error skip into SQLite.", "",
        f"- files: {tried['files']}, hostile records: {tried['hostile records']}, skipped with a reason: "
        f"{tried['skipped']}; {seconds:.0f} s",
        f"- failures (traceback or a valid record lost): {len(failures)}",
        *[f"  - {n} × {kind}" for kind, n in Counter(_kind(f) for f in failures).most_common()], ""])
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(text, "utf-8")
    print(text)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
