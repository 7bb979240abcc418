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
