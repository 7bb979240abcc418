"""The ingest fuzz harness, short: generated hostile records between valid ones, through
the readers and the record builder into a real store. No traceback, and every valid record
beside the hostile ones stored (issue 25). The long run: python bench/fuzz_ingest.py."""

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from newstrace import open_store
from newstrace.pipeline import ingest
from newstrace.settings import Settings

from fuzz_inputs import between_valid, jsonl_line, raw_lines, records


def ingest_lines(lines: list[str], suffix: str = ".jsonl") -> tuple[set[str], int]:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / f"in{suffix}").write_text("\n".join(lines) + "\n", "utf-8", errors="surrogatepass")
        with open_store(Path(tmp) / "s.db") as store:
            summary = ingest(store, [Path(tmp) / f"in{suffix}"], Settings(on_error="skip"))
            return {a.id for a in store.articles()}, summary.skipped


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(records.map(jsonl_line) | raw_lines, min_size=1, max_size=4))
def test_hostile_json_lines_cost_only_themselves(hostile):
    lines, expected = between_valid(hostile)
    stored, skipped = ingest_lines(lines)
    assert expected <= stored
