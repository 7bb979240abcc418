"""Hostile input for the ingest fuzz harness: JSON Lines and CSV files in which generated
records of any shape stand between valid ones. Used by tests/test_fuzz_ingest.py (short)
and bench/fuzz_ingest.py (long)."""

import json

from hypothesis import strategies as st

FIELDS = ("id", "text", "title", "url", "source", "published", "language", "headline", "body")

# Any JSON value, with the awkward ones weighted in: non-finite numbers, lone surrogates,
# NULs, control and direction characters, deep nesting, huge and negative numbers.
awkward_text = st.text(alphabet=st.characters(blacklist_categories=()), max_size=40) | st.sampled_from(
    ["\udc80", "a\x00b", "\u202e", "\ufeff", "", " ", "\n", "NaN", "1e309", "9" * 40, "2015-02-30",
     "0000-00-00", "-1", "Infinity"])
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | awkward_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(awkward_text, inner, max_size=3),
    max_leaves=8)
records = st.dictionaries(st.sampled_from(FIELDS) | awkward_text, json_values, max_size=6)
raw_lines = st.text(max_size=60) | st.sampled_from(["[" * 5000 + "]" * 5000, "{", "null", "[]", '{"text": }',
                                                   "\x00" * 60, "\ufeff{}", "\u2028"])


def jsonl_line(record) -> str:
    # allow_nan writes NaN and Infinity as bare words, as other tools do; surrogates escaped.
    return json.dumps(record, allow_nan=True)


def valid(k: int) -> dict:
    return {"id": f"valid-{k}", "text": f"A valid article, number {k}, between hostile ones."}


def between_valid(hostile: list[str]) -> tuple[list[str], set[str]]:
    """The lines of a file with a valid record before, between and after the hostile ones,
    and the ids of the valid records (each must be stored)."""
    lines = []
    for k, line in enumerate(hostile):
        lines += [jsonl_line(valid(k)), line]
    lines.append(jsonl_line(valid(len(hostile))))
    return lines, {f"valid-{k}" for k in range(len(hostile) + 1)}
