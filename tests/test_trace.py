import json

import jsonschema

from newstrace.cli import main
from newstrace.store import open_store

from conftest import EXAMPLES, ROOT

SCHEMA = json.loads((ROOT / "docs" / "trace.schema.json").read_text("utf-8"))


def run_json(capsys, *args) -> dict:
    assert main(["-q", "trace", *map(str, args), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    jsonschema.validate(report, SCHEMA)
    return report


def test_seeds_share_exactly_the_konashenkov_passage(seeds, capsys):
    report = run_json(capsys, seeds)
    by_id = {a["id"]: a for a in report["articles"]}
    assert set(by_id) == {"000_42dd6faced488f56", "001_54937bc7f3b177c2"}
    first, second = by_id["000_42dd6faced488f56"], by_id["001_54937bc7f3b177c2"]
    assert len(first["shared"]) == 1 and len(second["shared"]) == 1
    p = first["shared"][0]
    original_a = (seeds / "000_42dd6faced488f56.txt").read_text("utf-8")
    original_b = (seeds / "001_54937bc7f3b177c2.txt").read_text("utf-8")
    a = original_a[p["this_span"]["start"]:p["this_span"]["end"]]
    b = original_b[p["other_span"]["start"]:p["other_span"]["end"]]
    assert a == p["this_span"]["text"] and b == p["other_span"]["text"]
    assert a.startswith("Russian Defense Ministry spokesman Igor Konashenkov said in a statement that “the course")
    assert b.startswith("Russian Defence Ministry spokesman Igor Konashenkov said: “The course")
    assert a.rstrip("”.").endswith("close or coincide") and b.rstrip("”.").endswith("close or coincide")
    diffs = [(d["kind"], d["this"], d["other"]) for d in p["differences"]]
    assert ("variant", "Defense", "Defence") in diffs
    assert [d[1] for d in diffs if d[0] == "deleted"] == ["in", "a", "statement", "that"]
    assert p["words"]["substituted"] == 0
    # The other article sees the same passage from its side.
    q = second["shared"][0]
    assert (q["this_span"]["start"], q["other_span"]["start"]) == (p["other_span"]["start"], p["this_span"]["start"])


def test_seeds_text_report_marks_differences(seeds, capsys):
    assert main(["-q", "trace", str(seeds), "--all"]) == 0
    out = capsys.readouterr().out
    assert "~Defense~" in out and "~Defence~" in out and "{-statement-}" in out
    assert out.count("shares [") == 2


def test_trace_keeps_results_in_a_store(tmp_path, seeds, capsys):
    db = tmp_path / "t.db"
    report = run_json(capsys, seeds, "--db", db)
    assert report["store"] == str(db) and report["summary"]["passages"] == 1
    # A second trace of the same input adds and aligns nothing new.
    again = run_json(capsys, seeds, "--db", db)
    assert again["summary"]["added"] == 0 and again["summary"]["pairs_aligned"] == 0
    assert again["articles"] == report["articles"]


def test_bad_input_exits_with_a_clear_message(tmp_path, capsys):
    (tmp_path / "a.jsonl").write_text("{oops\n", "utf-8")
    assert main(["-q", "trace", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "a.jsonl:1: malformed JSON" in err


def test_examples_trace(capsys):
    report = run_json(capsys, EXAMPLES)
    arts = {a["id"]: a for a in report["articles"]}
    assert len(arts) >= 20
    partners = {k: {p["other"]["id"] for p in a["shared"]} for k, a in arts.items()}
    # Verbatim reprints share the wire story; the exact copy is linked, not aligned again.
    assert {"reprint-002", "reprint-003"} <= partners["wire-001"]
    assert arts["reprint-004"]["duplicate_of"] == "wire-001"
    # The spun copy aligns with the wire despite alias and synonym swaps.
    spun = [p for p in arts["spun-005"]["shared"] if p["other"]["id"] == "wire-001"]
    kinds = {(d["this"], d["other"]) for p in spun for d in p["differences"]}
    assert ("USA", "U.S.") in kinds and ("per cent", "percent") in kinds and ("defence", "defense") in kinds
    assert ("vessel", "ship") in kinds
    # The stitched article draws on several sources; unrelated stories share nothing.
    assert {"wire-001", "local-007", "analysis-010", "old-2019-011"} <= partners["stitched-009"]
    assert partners["unrelated-015"] == set() and partners["unrelated-016"] == set()
    assert "old-2019-011" in partners["recycled-012"]


def test_a_small_align_cache_bounds_memory_without_changing_results(tmp_path):
    """Aligning workers that keep one tokenized article find the same passages as workers
    that keep them all (they tokenize again instead)."""
    import sqlite3

    found = {}
    for cache in (1, 4096):
        db = tmp_path / f"cache-{cache}.db"
        assert main(["-q", "run", str(EXAMPLES), "--db", str(db), "--align-cache", str(cache),
                     "--workers", "2", "--speakers", "rules"]) == 0
        found[cache] = sorted(sqlite3.connect(db).execute(
            "SELECT a_article, a_start, a_end, b_article, b_start, b_end, ops FROM alignments").fetchall())
    assert found[1] and found[1] == found[4096]


def test_workers_tokenize_texts_whose_words_were_not_kept(tmp_path):
    """An article whose words the shingle stage did not keep (a store of an older version, a
    word the packing cannot hold) is tokenized again by the aligning workers: the same
    passages either way."""
    import sqlite3

    db = tmp_path / "kept.db"
    assert main(["-q", "run", str(EXAMPLES), "--db", str(db), "--workers", "2", "--speakers", "rules"]) == 0
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM shingles WHERE tokens IS NULL").fetchone()[0] == 0
    passages = "SELECT a_article, a_start, a_end, b_article, b_start, b_end, ops FROM alignments"
    kept = sorted(conn.execute(passages))
    with conn:
        conn.execute("UPDATE shingles SET tokens = NULL")
        conn.execute("DELETE FROM alignments")
        conn.execute("DELETE FROM compared_pairs")
    conn.close()
    assert main(["-q", "detect", "--db", str(db), "--workers", "2", "--speakers", "rules"]) == 0
    assert kept and sorted(sqlite3.connect(db).execute(passages)) == kept


def test_trace_prints_a_summary_of_a_screen_naming_articles_by_title(tmp_path, capsys):
    db = tmp_path / "ex.db"
    assert main(["-q", "trace", str(EXAMPLES), "--db", str(db), "--speakers", "rules"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len(lines) <= 50, out
    for heading in ("Most reused articles", "Largest reuse clusters", "Largest stories", "Claims that need a look",
                    "Next"):
        assert any(line.startswith(heading) for line in lines), heading
    with open_store(db, read_only=True) as store:
        most = max((store.signals(i)["reused_share"], i) for i in store.article_ids() if store.signals(i))
        title = store.article(most[1]).title
    # The most reused article is named by its title, outlet and date, its id beside.
    assert any(title[:30] in line and f"[{most[1]}]" in line for line in lines), out
    assert f"newstrace serve --db {db}" in out
    # The re-attributed quotation of the examples is a claim to look at.
    assert "given to different speakers" in out


def test_trace_all_and_json_give_every_report_as_the_library_makes_it(tmp_path, capsys):
    from newstrace.render import article_text
    from newstrace.report import trace_report

    db = tmp_path / "ex.db"
    assert main(["-q", "trace", str(EXAMPLES), "--db", str(db), "--speakers", "rules", "--json"]) == 0
    streamed = capsys.readouterr().out
    summary = json.loads(streamed)["summary"]
    with open_store(db, read_only=True) as store:
        whole = trace_report(store, summary)
    assert streamed == json.dumps(whole, ensure_ascii=False, indent=2) + "\n"
    assert main(["-q", "trace", str(EXAMPLES), "--db", str(db), "--speakers", "rules", "--all"]) == 0
    listed = capsys.readouterr().out
    assert listed.count("\n====") == len(whole["articles"])
    for report in whole["articles"]:
        assert f"\n{report['id']}: {report['title']}" in listed
        assert article_text(report, width=120) in listed
