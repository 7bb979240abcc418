"""The HTTP API and the server-rendered pages, over a real store of examples/ (no browser)."""

import hashlib
import re
import sqlite3

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from newstrace import browse
from newstrace.pipeline import collect_quotes, group_stories
from newstrace.errors import StoreError
from newstrace.store import open_store
from newstrace.store.schema import TABLES, created, quoted
from newstrace.browse import CLUSTER_KINDS
from newstrace.web import create_app


@pytest.fixture(scope="module")
def client(examples_db):
    return TestClient(create_app(examples_db))


def test_overview_counts_match_the_store(client, examples_db):
    data = client.get("/overview.json").json()
    with open_store(examples_db, read_only=True) as store:
        assert data["counts"]["articles"] == store.count("articles") == 22
        assert data["counts"]["clusters"] == store.count("clusters")
        assert data["counts"]["passages"] == store.count("alignments")
        assert data["counts"]["quotes"] == store.count("quotes")
    # The wire story is the most copied source; its outlet is first in the most clusters.
    assert data["most_copied"][0]["id"] == "wire-001"
    assert [c["size"] for c in data["largest_clusters"]] == sorted(
        (c["size"] for c in data["largest_clusters"]), reverse=True)
    months = [m["month"] for m in data["reuse_by_month"]]
    assert months == sorted(months) and "2019-06" in months and "2026-03" in months
    page = client.get("/")
    assert page.status_code == 200 and "Most-copied sources" in page.text and "<svg" in page.text


def test_article_list_search_filters_and_paging(client):
    everything = client.get("/articles.json", params={"limit": 500}).json()
    assert everything["total"] == 22 and len(everything["items"]) == 22
    ids = [a["id"] for a in everything["items"]]
    page = client.get("/articles.json", params={"limit": 5, "offset": 5}).json()
    assert [a["id"] for a in page["items"]] == ids[5:10] and page["total"] == 22

    hits = client.get("/articles.json", params={"q": "Skarra Reef", "limit": 500}).json()["items"]
    with open_store(client.app.state.db_path, read_only=True) as store:
        texts = {a.id: a.text.lower() for a in store.articles()}
    assert hits and all("skarra" in texts[a["id"]] and "reef" in texts[a["id"]] for a in hits)
    assert {a["id"] for a in hits} == {i for i, t in texts.items() if "skarra" in t and "reef" in t}
    assert all(browse.SNIPPET_OPEN in a["snippet"] for a in hits)
    phrase = client.get("/articles.json", params={"q": '"fishing grounds"', "limit": 500}).json()["items"]
    assert {a["id"] for a in phrase} == {i for i, t in texts.items() if "fishing grounds" in t}

    meridian = client.get("/articles.json", params={"outlet": "Meridian Press"}).json()["items"]
    assert meridian and all(a["source"] == "Meridian Press" for a in meridian)
    old = client.get("/articles.json", params={"to": "2020"}).json()["items"]
    assert [a["id"] for a in old] == ["old-2019-011"]
    march = client.get("/articles.json", params={"from": "2026-03-05", "sort": "-published"}).json()["items"]
    assert march and all(a["published"] >= "2026-03-05" for a in march)
    assert [a["published"] for a in march] == sorted((a["published"] for a in march), reverse=True)
    reused = client.get("/articles.json", params={"min_reused": 0.8, "sort": "reused"}).json()["items"]
    assert reused and all(a["reused_share"] >= 0.8 for a in reused)
    assert "reprint-002" in {a["id"] for a in reused} and "unrelated-015" not in {a["id"] for a in reused}


def test_article_page_and_its_json_twin(client):
    data = client.get("/articles/stitched-009.json").json()
    assert set(data["signals"]["sources"]) == {"wire-001", "local-007", "analysis-010", "old-2019-011"}
    # Passages from earlier sources come first, and each one says where it is in both texts.
    first = data["shared"][0]
    assert first["other_is_earlier"] is True
    assert data["text"][first["this_span"]["start"]:first["this_span"]["end"]] == first["this_span"]["text"]
    html = client.get("/articles/stitched-009").text
    for source in data["signals"]["sources"]:
        assert f'href="/articles/{source}"' in html
    # Every passage can be opened: from the text, or from a passage over the same text.
    linked = {int(k) for k in re.findall(r'class="passage-link" href="#passage-\d+" data-passage="(\d+)"', html)}
    assert linked == set(range(len(data["shared"]))) and linked
    assert 'href="/articles/stitched-009.json"' in html
    # An exact duplicate shows its stored copy's passages.
    dup = client.get("/articles/reprint-004.json").json()
    assert dup["duplicate_of"] and dup["shared"]


def test_pair_alignment(client):
    data = client.get("/alignments.json", params={"a": "spun-005", "b": "reprint-003"}).json()
    assert data["passages"] and all(p["other"]["id"] == "reprint-003" for p in data["passages"])
    kinds = {op["kind"] for p in data["passages"] for op in p["alignment"]}
    assert {"exact", "substituted"} <= kinds
    html = client.get("/alignments", params={"a": "spun-005", "b": "reprint-003"}).text
    assert 'class="op substituted"' in html and 'class="op exact"' in html
    none = client.get("/alignments.json", params={"a": "unrelated-015", "b": "wire-001"}).json()
    assert none["passages"] == []


def test_clusters_and_copy_tree(client):
    listing = client.get("/clusters.json").json()
    sizes = [c["size"] for c in listing["items"]]
    assert sizes == sorted(sizes, reverse=True) and listing["total"] == len(sizes)
    biggest = client.get(f"/clusters/{listing['items'][0]['id']}.json").json()
    assert biggest["earliest"] == ["wire-001"]
    dates = [c["published"] for c in biggest["copies"] if c["published"]]
    assert dates == sorted(dates)
    # The copy tree holds every member once; every dated copy descends from the earliest source.
    def walk(nodes):
        for n in nodes:
            yield n["article"]
            yield from walk(n["children"])
    seen = list(walk(biggest["tree"]))
    assert sorted(seen) == sorted({c["article"] for c in biggest["copies"]})
    wire = next(n for n in biggest["tree"] if n["article"] == "wire-001")
    dated = {c["article"] for c in biggest["copies"] if c["published"]} - {"wire-001"}
    assert dated and dated <= set(walk(wire["children"]))
    assert "Copy tree" in client.get(f"/clusters/{biggest['id']}").text
    for kind in CLUSTER_KINDS:
        some = client.get("/clusters.json", params={"kind": kind, "limit": 500}).json()
        assert all(c["kind"] == kind for c in some["items"]) and some["total"] == len(some["items"])
    assert sum(client.get("/clusters.json", params={"kind": k}).json()["total"]
               for k in CLUSTER_KINDS) == listing["total"]


def test_outlets_and_quotes(client):
    outlets = client.get("/outlets.json", params={"limit": 500}).json()
    assert sum(o["articles"] for o in outlets["items"]) == 22
    meridian = next(o for o in outlets["items"] if o["source"] == "Meridian Press")
    assert meridian["first_in_clusters"] >= 1
    groups = client.get("/quotes.json", params={"limit": 500}).json()["items"]
    assert groups and groups[0]["articles"] >= 2
    group = client.get(f"/quotes/{groups[0]['quote_id']}.json").json()
    assert group["first"] and all(v["first_appearance"] for v in group["first"])
    assert len({v["article"] for v in group["variants"]}) == groups[0]["articles"]
    by_speaker = client.get("/quotes.json", params={"speaker": group["speakers"][0]}).json()["items"]
    assert groups[0]["quote_id"] in {g["quote_id"] for g in by_speaker}
    assert client.get(f"/quotes/{groups[0]['quote_id']}").status_code == 200
    # The barrel quotation, re-attributed on its way to the company's spokesman.
    barrels = next(g for g in groups if g["text"].startswith("We will not rest until every barrel"))
    variants = client.get(f"/quotes/{barrels['quote_id']}.json").json()["variants"]
    assert [v["article"] for v in variants if v["reattributed"]] == ["quote-reattr-013"]
    page = client.get(f"/quotes/{barrels['quote_id']}").text
    assert page.count("re-attributed") == 1 and "Tomas Brekke" in page


@pytest.mark.parametrize("url, message", [
    ("/articles.json?limit=0", "limit"),
    ("/articles.json?limit=501", "limit"),
    ("/articles.json?offset=-1", "offset"),
    ("/articles.json?sort=sideways", "sort"),
    ("/articles.json?from=last%20week", "from"),
    ("/articles.json?min_reused=2", "min_reused"),
    ("/articles.json?q=%21%21%21", "q"),
    ("/clusters.json?min_size=1", "min_size"),
    ("/clusters.json?kind=wire", "kind"),
    ("/clusters/abc.json", "cluster_id"),
    ("/alignments.json?a=wire-001", "b"),
])
def test_bad_parameters_get_a_clear_400(client, url, message):
    r = client.get(url)
    assert r.status_code == 400 and message in r.json()["error"]
    html = client.get(url.replace(".json", "", 1))
    assert html.status_code == 400 and "Bad request" in html.text


@pytest.mark.parametrize("url", ["/articles/no-such-article", "/clusters/99999", "/quotes/nope",
                                 "/alignments?a=wire-001&b=no-such-article"])
def test_missing_items_get_a_404_with_a_message(client, url):
    assert client.get(url).status_code == 404
    path, _, query = url.partition("?")
    r = client.get(path + ".json" + ("?" + query if query else ""))
    assert r.status_code == 404 and "no " in r.json()["error"]


def test_every_page_has_a_json_twin(client):
    for url in ["/", "/articles", "/articles?q=oil", "/articles/wire-001", "/clusters", "/clusters/1",
                "/outlets", "/quotes", "/alignments?a=spun-005&b=reprint-003"]:
        html = client.get(url).text
        twin = next(line for line in html.splitlines() if ">JSON</a>" in line)
        href = twin.split('href="')[1].split('"')[0].replace("&amp;", "&")
        r = client.get(href)
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/json"), href


def test_read_only(client, examples_db):
    before = hashlib.sha1(examples_db.read_bytes()).hexdigest()
    assert client.post("/articles.json").status_code == 405
    assert client.delete("/articles/wire-001.json").status_code == 405
    for url in ["/", "/articles.json?q=oil", "/articles/wire-001.json", "/clusters.json"]:
        client.get(url)
    assert hashlib.sha1(examples_db.read_bytes()).hexdigest() == before


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_overview_follows_a_store_that_changes_while_served(tmp_path, kind, request):
    """The overview is computed once per state of the store: a file's, or a server's."""
    from newstrace.pipeline import ingest

    from conftest import write_jsonl
    db = tmp_path / "growing.db" if kind == "sqlite" else request.getfixturevalue("postgres_url")
    first = write_jsonl(tmp_path / "a.jsonl", [{"id": "a1", "title": "One", "text": "A ferry sank."}])
    with open_store(db) as store:
        ingest(store, [first])
    client = TestClient(create_app(db))
    assert client.get("/overview.json").json()["counts"]["articles"] == 1
    second = write_jsonl(tmp_path / "b.jsonl", [{"id": "b1", "title": "Two", "text": "A barge sank."}])
    with open_store(db) as store:
        ingest(store, [second])
    assert client.get("/overview.json").json()["counts"]["articles"] == 2
    assert client.get("/articles.json", params={"q": "barge"}).json()["total"] == 1


def test_openapi_lists_every_json_route(client):
    from openapi_spec_validator import validate

    schema = client.get("/openapi.json").json()
    validate(schema)  # raises on a schema that breaks the OpenAPI specification
    assert schema["openapi"].startswith("3.")
    assert {"/overview.json", "/articles.json", "/articles/{article_id}.json", "/alignments.json",
            "/clusters.json", "/clusters/{cluster_id}.json", "/outlets.json", "/quotes.json",
            "/quotes/{quote_id}.json"} <= set(schema["paths"])


def test_a_version_1_store_is_upgraded_with_search(tmp_path):
    path = tmp_path / "v1.db"
    conn = sqlite3.connect(path)
    for statement in created("sqlite", version=1):
        conn.execute(statement)
    conn.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    conn.execute("INSERT INTO articles (id, title, text, text_hash) VALUES ('a', 'Harbour', 'The ferry sank.', 'x')")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="upgrade"):
        open_store(path, read_only=True)
    with open_store(path) as store:
        assert store.conn.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'ferry'").fetchall()
    with open_store(path, read_only=True) as store:
        assert browse.articles(store, q="ferries").total == 1  # the Porter stemmer folds plurals


def test_a_version_4_store_is_upgraded_and_its_quotes_rewritten(tmp_path, examples_db):
    """A store from before quotations were marked re-attributed (and before stories) gains the
    column and the tables; the next run's stages fill them."""
    path = tmp_path / "v4.db"
    conn, source = sqlite3.connect(path), sqlite3.connect(examples_db)
    source.backup(conn)
    source.close()
    conn.executescript("UPDATE meta SET value = '4';"
                       + "".join(f"DROP TABLE {t.name};" for t in TABLES if t.since > 4)
                       + "".join(f"ALTER TABLE {t.name} DROP COLUMN {quoted(c.name)};" for t in TABLES if t.since <= 4
                                 for c in t.columns if c.since > 4))
    conn.close()
    with pytest.raises(StoreError, match="version 4.*upgrade"):
        open_store(path, read_only=True)
    with open_store(path) as store:
        assert not any(q["reattributed"] for q in store.quotes())
        store.conn.execute("UPDATE quotes SET first_appearance = NULL")  # v7: an undated quotation's is unknown
        collect_quotes(store)
        assert {q["article"] for q in store.quotes() if q["reattributed"]} == {"quote-reattr-013"}
        assert store.count("stories") == 0
        group_stories(store)
        assert sorted(store.story_ids()) == sorted(a.id for a in store.articles())


def test_api_property_based(examples_db):
    """Generated requests to every API route: no server error, and answers match the schema."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(examples_db))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 11

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
        def check(case):
            case.call_and_validate()
        check()
