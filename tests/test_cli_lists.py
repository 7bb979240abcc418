"""The CLI's lists: articles as the web list gives them, and a report asked for by an id
that is not quite right."""

import json

import pytest

from newstrace.cli import main
from newstrace.store import open_store


def test_articles_lists_the_most_reused_first_by_title(examples_db, capsys):
    assert main(["articles", "--db", str(examples_db), "--limit", "5", "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    shares = [a["reused_share"] for a in items]
    assert len(items) == 5 and shares == sorted(shares, reverse=True) and shares[0] > 0.5
    assert main(["articles", "--db", str(examples_db), "--limit", "5"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("22 articles")
    assert all(f"[{a['id']}]" in line and a["title"] in line for a, line in zip(items, lines[1:]))
    assert main(["articles", "--db", str(examples_db), "--sort", "date", "--json", "--limit", "500"]) == 0
    dates = [a["published"] for a in json.loads(capsys.readouterr().out)]
    assert dates == sorted(dates, key=lambda d: (d is None, d or ""))


@pytest.mark.parametrize("asked, meant", [("wire-001.txt", "wire-001"), ("wire-01", "wire-001")])
def test_report_on_an_unknown_id_suggests_close_ones(examples_db, capsys, asked, meant):
    with open_store(examples_db, read_only=True) as store:
        assert store.article(asked) is None and store.article(meant) is not None
    assert main(["report", asked, "--db", str(examples_db)]) == 2
    assert f"did you mean '{meant}'" in capsys.readouterr().err


def test_quotes_of_a_traced_store_are_read_back_not_found_again(tmp_path, capsys):
    from conftest import EXAMPLES

    db = tmp_path / "q.db"
    assert main(["-q", "trace", str(EXAMPLES), "--db", str(db), "--speakers", "rules"]) == 0
    capsys.readouterr()
    assert main(["quotes", str(db), "--json"]) == 0
    stored = json.loads(capsys.readouterr().out)
    with open_store(db, read_only=True) as store:
        runs = store.conn.execute("SELECT command FROM runs ORDER BY id").fetchall()
    assert runs == [("trace",)] and stored  # no quotes run: read back
    assert main(["quotes", str(db), "--json", "--again", "--speakers", "rules"]) == 0
    assert json.loads(capsys.readouterr().out) == stored
    with open_store(db, read_only=True) as store:
        assert [r[0] for r in store.conn.execute("SELECT command FROM runs ORDER BY id")] == ["trace", "quotes"]
    # New articles make the stored quotations stale: they are found again, the new one's with them.
    (tmp_path / "new.jsonl").write_text(json.dumps({"id": "new", "text": "“We are ready,” said Ana Ruiz."}) + "\n")
    assert main(["-q", "ingest", str(tmp_path / "new.jsonl"), "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["quotes", str(db), "--json", "--speakers", "rules"]) == 0
    assert any(q["article"] == "new" for q in json.loads(capsys.readouterr().out))


def test_extract_prints_what_ingest_would_store(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_text(
        json.dumps({"id": "x1", "headline": "Ferry sinks", "body": "The ferry sank.", "date": "2016-01-02"}) + "\n"
        + "{broken\n", "utf-8")
    (tmp_path / "in" / "page.html").write_text(
        "<html><head><title>Harbour news</title></head><body><p>Boats stayed in port.</p></body></html>", "utf-8")
    assert main(["extract", str(tmp_path / "in"), "--on-error", "skip", "--map", "title=headline",
                 "--map", "text=body", "--map", "published=date"]) == 0
    out, err = capsys.readouterr()
    records = [json.loads(line) for line in out.splitlines()]
    assert [(r["id"], r["title"], r["text"], r["published"]) for r in records] == [
        ("x1", "Ferry sinks", "The ferry sank.", "2016-01-02"), ("page", "Harbour news", "Boats stayed in port.", None)]
    assert records[0]["file"].endswith("a.jsonl") and records[0]["line"] == 1
    assert "a.jsonl:2" in err and "malformed JSON" in err
    assert not list(tmp_path.glob("*.db"))
