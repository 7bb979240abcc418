"""The PostgreSQL store gives what the SQLite store gives: the same pipeline into either,
the same tables, reports, API answers and pages; Spark's output loads into it.

Needs a PostgreSQL server (NEWSTRACE_TEST_POSTGRES; CI installs and starts one): see the
postgres_url fixture in conftest.py.
"""

import json
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

import pytest
from fastapi.testclient import TestClient

from newstrace.errors import StoreError
from newstrace.report import article_report
from newstrace.store import open_store
from newstrace.store.postgres import redacted
from newstrace.web import create_app

from conftest import EXAMPLES, TABLES, build_store, table_rows
from newstrace.pipeline import group_stories
from newstrace.store.schema import SCHEMA_VERSION, TABLES as SCHEMA_TABLES

@pytest.fixture
def both(tmp_path, postgres_url, examples_db):
    """examples/ traced into SQLite (shared) and into a new PostgreSQL database."""
    build_store(postgres_url, EXAMPLES)
    return examples_db, postgres_url


def test_pipeline_into_postgres_equals_sqlite(both):
    lite_path, pg_url = both
    with open_store(lite_path, read_only=True) as lite, open_store(pg_url, read_only=True) as pg:
        assert pg.dialect == "postgres" and lite.dialect == "sqlite"
        for table in TABLES:
            ours, theirs = table_rows(lite, table), table_rows(pg, table)
            assert ours == theirs, table
            assert ours or table in ("skips", "statements"), table  # no parse here: no statements
        for article in lite.articles():
            assert article_report(pg, article.id) == article_report(lite, article.id), article.id


def test_api_and_pages_over_postgres_equal_sqlite(both):
    lite_path, pg_url = both
    lite, pg = TestClient(create_app(lite_path)), TestClient(create_app(pg_url))
    with open_store(lite_path, read_only=True) as store:
        ids = [a.id for a in store.articles()]
        cluster_ids = [c["id"] for c in store.clusters()]
        quote_ids = sorted({q["quote_id"] for q in store.quotes()})
    paths = (["/overview.json", "/articles.json?limit=500", "/articles.json?outlet=Meridian+Press",
              "/articles.json?to=2020", "/articles.json?sort=reused&min_reused=0.5",
              "/clusters.json?limit=500", "/outlets.json", "/quotes.json?limit=500",
              "/alignments.json?a=wire-001&b=reprint-002"]
             + [f"/articles/{i}.json" for i in ids] + [f"/clusters/{c}.json" for c in cluster_ids]
             + [f"/quotes/{q}.json" for q in quote_ids])
    for path in paths:
        ours, theirs = lite.get(path), pg.get(path)
        assert ours.status_code == theirs.status_code == 200, path
        assert ours.json() == theirs.json(), path
    # Full-text search: the same articles (each store ranks and cuts snippets its own way).
    for q in ("Skarra Reef", '"fishing grounds"', "spill"):
        ours = lite.get("/articles.json", params={"q": q, "limit": 500}).json()
        theirs = pg.get("/articles.json", params={"q": q, "limit": 500}).json()
        assert ours["total"] == theirs["total"] > 0, q
        assert {a["id"] for a in ours["items"]} == {a["id"] for a in theirs["items"]}, q
        assert all("\x02" in a["snippet"] for a in theirs["items"] if a["snippet"]), q
    # Pages render from PostgreSQL, article text escaped.
    for path in ("/", "/articles?q=reef", f"/articles/{ids[0]}", "/clusters", "/quotes", "/outlets"):
        page = pg.get(path)
        assert page.status_code == 200 and "<html" in page.text.lower(), path


def test_escaping_and_offsets_with_untrusted_text_in_postgres(postgres_url, tmp_path):
    """Text with markup, quotes, percent signs and question marks goes in and comes out as
    written (the SQL layer rewrites placeholders; text must not be touched)."""
    text = ("Officials said 50% of <b>crude</b> leaked? “It is 100% our fault,” said Anna Berg.\n\n"
            "Anna Berg added that the 'end' was near; DROP TABLE articles; -- ?")
    path = tmp_path / "odd.jsonl"
    path.write_text(json.dumps({"id": "odd?%-1", "title": "50% <i>end</i>?", "text": text}) + "\n", "utf-8")
    build_store(postgres_url, path)
    with open_store(postgres_url, read_only=True) as store:
        article = store.article("odd?%-1")
        assert article.text == text and article.title == "50% <i>end</i>?"
        quote = store.quotes("odd?%-1")[0]
        assert text[quote["start"]:quote["end"]] == quote["text"] == "It is 100% our fault,"
        assert quote["speaker"] == "Anna Berg"
    page = TestClient(create_app(postgres_url)).get("/articles/odd%3F%25-1")
    assert page.status_code == 200 and "&lt;b&gt;crude&lt;/b&gt;" in page.text and "<b>crude" not in page.text


def test_cli_traces_into_postgres_and_rerun_changes_nothing(postgres_url):
    run = [sys.executable, "-m", "newstrace.cli", "trace", str(EXAMPLES), "--db", postgres_url, "--json"]
    first = subprocess.run(run, capture_output=True, text=True, check=True)
    report = json.loads(first.stdout)
    assert report["summary"]["added"] == 21 and report["summary"]["passages"] > 0
    assert report["store"] == redacted(postgres_url)
    with open_store(postgres_url, read_only=True) as store:
        counts = {t: store.count(t) for t in ("articles", "alignments", "clusters", "quotes", "statements")}
        assert counts["statements"] == report["summary"]["statements"]
    again = subprocess.run(run, capture_output=True, text=True, check=True)
    assert json.loads(again.stdout)["summary"]["unchanged"] == 22
    with open_store(postgres_url, read_only=True) as store:
        assert {t: store.count(t) for t in counts} == counts


def test_two_processes_ingesting_at_once_into_postgres_store_everything_once(postgres_url, tmp_path):
    """Writers take turns, as in SQLite: two ingests of overlapping input started together
    both succeed, and every article is stored once."""
    records = [json.loads(line) for line in (EXAMPLES / "articles.jsonl").read_text("utf-8").splitlines()]
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text("".join(json.dumps(r) + "\n" for r in records[:15]), "utf-8")
    second.write_text("".join(json.dumps(r) + "\n" for r in records[5:]), "utf-8")
    open_store(postgres_url).close()  # the tables exist before either starts
    runs = [subprocess.Popen([sys.executable, "-m", "newstrace.cli", "-q", "ingest", str(path), "--db", postgres_url,
                              "--batch-size", "1"], stderr=subprocess.PIPE, text=True) for path in (first, second)]
    for run in runs:
        assert run.wait(timeout=120) == 0, run.stderr.read()
    with open_store(postgres_url, read_only=True) as store:
        assert store.count("articles") == len(records) and store.count("skips") == 0
        assert sorted(a.id for a in store.articles()) == sorted(r["id"] for r in records)


def test_spark_output_loads_into_postgres_as_into_sqlite(spark, postgres_url, tmp_path):
    from newstrace.engines import spark as engine

    engine.run([str(EXAMPLES)], tmp_path / "out", spark=spark)
    with open_store(tmp_path / "lite.db") as lite, open_store(postgres_url) as pg:
        assert engine.load(tmp_path / "out", lite) == engine.load(tmp_path / "out", pg)
        for table in ("articles", "compared_pairs", "alignments", "clusters", "cluster_spans", "copy_edges",
                      "signals"):
            assert table_rows(lite, table) == table_rows(pg, table), table


def test_clear_errors_for_bad_postgres_stores(postgres_url):
    with pytest.raises(StoreError, match=r"no newstrace store in this database"):
        open_store(postgres_url, create=False)
    server = urlsplit(postgres_url)
    bad = urlunsplit(server._replace(netloc=f"nobody:secret@{server.hostname}:{server.port or 5432}"))
    with pytest.raises(StoreError, match=r"cannot connect to PostgreSQL") as err:
        open_store(bad)
    assert "secret" not in str(err.value) and "nobody:…@" in str(err.value)
    assert redacted("postgresql://ann:pw@db.example/news") == "postgresql://ann:…@db.example/news"
    assert redacted("postgresql://db.example/news") == "postgresql://db.example/news"
    import psycopg

    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE payroll (name TEXT)")
    with pytest.raises(StoreError, match=r"holds other tables and is not a newstrace store"):
        open_store(postgres_url)


def test_a_version_4_postgres_store_is_upgraded(postgres_url):
    build_store(postgres_url, EXAMPLES)
    with open_store(postgres_url) as store:
        for table in SCHEMA_TABLES:
            if table.since > 4:
                store.conn.execute(f"DROP TABLE {table.name}")
                continue
            for column in table.columns:
                if column.since > 4:
                    store.conn.execute(f"ALTER TABLE {table.name} DROP COLUMN {column.name}")
                elif column.optional_since:
                    store.conn.execute(f"ALTER TABLE {table.name} ALTER COLUMN {column.name} SET NOT NULL")
        store.conn.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    with open_store(postgres_url) as store:
        version = store.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
        assert version == str(SCHEMA_VERSION)
        assert {q["article"] for q in store.quotes()} and not any(q["reattributed"] for q in store.quotes())
        store.conn.execute("UPDATE quotes SET first_appearance = NULL")  # v7: an undated quotation's is unknown
        assert store.count("stories") == 0
        group_stories(store)
        assert sorted(store.story_ids()) == sorted(a.id for a in store.articles())


def test_quotes_reads_a_postgres_store_and_never_prints_its_password(both):
    _, pg_url = both
    shown = subprocess.run([sys.executable, "-m", "newstrace.cli", "quotes", pg_url, "--json"],
                           capture_output=True, text=True, check=True)
    with open_store(pg_url, read_only=True) as store:
        # every stored passage listed once, in a saying of its own or as a part of one
        passages = [(s["article"], p["start"]) for s in json.loads(shown.stdout) for p in s.get("parts") or [s]]
        assert sorted(passages) == sorted((q["article"], q["start"]) for q in store.quotes()) and passages
    password = urlsplit(pg_url).password
    bad = pg_url.replace(f":{password}@", ":wrong-secret@") if password else pg_url + "?password=wrong-secret"
    failed = subprocess.run([sys.executable, "-m", "newstrace.cli", "quotes", bad], capture_output=True, text=True)
    assert failed.returncode != 0 and "wrong-secret" not in failed.stdout + failed.stderr
    assert "Traceback" not in failed.stderr
