"""Quality gate: PAN scores on spinbench-dev, pairwise, against pinned floors.

    python bench/eval_gate.py [CORPUS_DIR]

Prints the score table and exits 1 if any kind falls below its floor. The floors
sit just under the scores measured when they were pinned, so a change that lowers
detection quality is seen. The data digest shows which corpus was scored.
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
from pathlib import Path

from newstrace.pan import detect_pairs, format_scores, score_corpus

# Measured 2026-12-06, with only the passages judged copies (newstrace.significance;
# before it, overall 0.9907): overall 0.9851; each kind 0.9696 (alias) to 0.9964 (OCR).
FLOORS = {
    "02-verbatim": 0.98, "03-alias": 0.96, "04-spin-low": 0.98, "05-spin-high": 0.965,
    "06-random": 0.99, "07-stitched": 0.98, "08-ocr": 0.99, "01-no-plagiarism": 1.0,
    "overall": 0.98,
}


def digest(corpus: Path) -> str:
    """A short hash of the corpus' pairs and gold files."""
    h = hashlib.sha256()
    for path in sorted(corpus.rglob("*.xml")) + [corpus / "pairs"]:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def check(corpus: Path, out: Path):
    detect_pairs(corpus, out)
    rows = score_corpus(corpus, out)
    failures = [f"{kind}: plagdet {rows[kind].plagdet} < floor {floor}"
                for kind, floor in FLOORS.items() if kind in rows and rows[kind].plagdet < floor]
    return failures, rows


def main() -> int:
    corpus = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared/data/spinbench-dev")
    with tempfile.TemporaryDirectory() as tmp:
        failures, rows = check(corpus, Path(tmp))
    print(f"corpus {corpus} digest {digest(corpus)}")
    print(format_scores(rows))
    for failure in failures:
        print("BELOW FLOOR:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
