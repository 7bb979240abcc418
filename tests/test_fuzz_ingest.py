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


def _csv_text(rows: list[list[str]]) -> str:
    import csv
    import io

    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


cells = st.text(max_size=30) | st.sampled_from(['"', '""', 'a"b', "a,b", "x\ny", "\x00", "\r", "\ufeff", "\udc80"])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(cells, min_size=0, max_size=5), min_size=1, max_size=4))
def test_hostile_csv_rows_cost_only_themselves(hostile):
    """Rows of any content, quoted as a CSV writer quotes them, between valid rows: each valid
    row is stored, whatever stands beside it."""
    rows, expected = [["id", "text", "title"]], set()
    for k, row in enumerate(hostile):
        rows += [[f"valid-{k}", f"A valid article, number {k}.", "Valid"], row]
        expected.add(f"valid-{k}")
    rows.append([f"valid-{len(hostile)}", "The last valid article.", "Valid"])
    expected.add(f"valid-{len(hostile)}")
    text = _csv_text(rows)
    stored, _ = ingest_lines([text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")], ".csv")
    assert expected <= stored


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300) | st.lists(raw_lines, max_size=5).map("\n".join), st.sampled_from([".csv", ".html", ".txt"]))
def test_any_file_is_read_or_skipped_without_a_traceback(content, suffix):
    """Whatever a CSV, HTML or text file holds (unbalanced quotes, broken tags, nothing), it
    is stored or recorded as skipped, never a traceback."""
    stored, skipped = ingest_lines([content.encode("utf-8", "surrogatepass").decode("utf-8", "replace")], suffix)
    assert stored or skipped
