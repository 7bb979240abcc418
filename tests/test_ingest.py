import csv
import gzip
import json

import pytest

from newstrace import InputError, open_store, read_articles
from newstrace.ingest import ReadSettings
from newstrace.pipeline import ingest
from newstrace.model import Article
from newstrace.errors import SettingsError
from newstrace.settings import Settings, load_settings

from conftest import write_jsonl


def articles(items):
    return [i for i in items if isinstance(i, Article)]


def test_txt_folder_title_body_and_id(tmp_path):
    (tmp_path / "one.txt").write_text("\n\nFirst title\n\nBody of the first.\n", "utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "two.txt").write_text("Second\r\nBody\r\n", "utf-8")
    (tmp_path / "notes.md").write_text("not an article", "utf-8")
    got = articles(read_articles([tmp_path]))
    assert [(a.id, a.title) for a in got] == [("one", "First title"), ("two", "Second")]
    # The text is the file as given, so offsets slice the original file.
    assert got[1].text == "Second\r\nBody\r\n"


def test_jsonl_with_mapping_and_gzip(tmp_path):
    rec = {"doc": "x1", "headline": "H", "body": "Some text here.", "date": "2015-09-30", "outlet": "AP"}
    raw = json.dumps(rec) + "\n"
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress(raw.encode()))
    got = articles(read_articles([tmp_path / "a.jsonl.gz"], {"id": "doc", "title": "headline"}))
    assert len(got) == 1
    a = got[0]
    assert (a.id, a.title, a.text, a.published, a.source) == ("x1", "H", "Some text here.", "2015-09-30", "AP")
    assert a.origin.line == 1


def test_csv_with_mapping(tmp_path):
    path = tmp_path / "a.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["key", "headline", "story", "when"])
        w.writerow(["k1", "T1", "Line one,\nline two.", "30 September 2015"])
        w.writerow(["k2", "T2", "Second story.", ""])
    got = articles(read_articles([path], {"id": "key", "title": "headline", "text": "story", "published": "when"}))
    assert [(a.id, a.text, a.published) for a in got] == [
        ("k1", "Line one,\nline two.", "2015-09-30"), ("k2", "Second story.", None)]
    assert [a.origin.line for a in got] == [2, 4]


def test_html_page(tmp_path):
    (tmp_path / "p.html").write_text(
        "<html lang='en'><head><title>Page title</title>"
        "<meta property='article:published_time' content='2015-09-30T10:00:00Z'>"
        "<meta property='og:site_name' content='Example News'></head>"
        "<body><nav>Home | World</nav><p>First &amp; foremost.</p><script>var x;</script>"
        "<p>Second paragraph.</p></body></html>", "utf-8")
    (a,) = articles(read_articles([tmp_path]))
    assert a.title == "Page title"
    assert a.text == "First & foremost.\n\nSecond paragraph."
    assert a.published == "2015-09-30T10:00:00+00:00"
    assert a.source == "Example News" and a.language == "en"


def test_a_text_file_of_one_line_is_an_article_without_a_title(tmp_path):
    (tmp_path / "one-line.txt").write_text("The ferry sank off the coast on Sunday night.\n", "utf-8")
    paragraph = "A long first paragraph. " * 20
    (tmp_path / "no-title.txt").write_text(paragraph + "\n\nSecond paragraph.\n", "utf-8")
    (tmp_path / "titled.txt").write_text("Ferry sinks\n\nThe ferry sank.\n", "utf-8")
    found = {a.id: a for a in articles(read_articles([tmp_path]))}
    assert found["one-line"].title == "" and found["one-line"].text.startswith("The ferry sank")
    assert found["no-title"].title == ""
    assert found["titled"].title == "Ferry sinks"


@pytest.mark.parametrize("name, content, problem", [
    ("bin.txt", b"Title\n\x00\x01\x02binary", "binary file"),
    ("empty.txt", b"  \n\n ", "empty article"),
])
def test_bad_files_name_file_and_problem(tmp_path, name, content, problem):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(InputError) as err:
        list(read_articles([tmp_path]))
    assert name in str(err.value) and problem in str(err.value)


def test_unreadable_file_is_reported(tmp_path):
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing-target.txt")
    with pytest.raises(InputError, match="gone.txt: cannot read the file"):
        list(read_articles([tmp_path]))


def test_stray_windows_1252_bytes_cost_nothing_and_are_named(tmp_path, caplog):
    """A CSV export edited on Windows: UTF-8 with a few bytes of Windows-1252. Each row is
    read, the stray bytes as Windows-1252, and the lines repaired are named."""
    (tmp_path / "bad.jsonl").write_bytes(b'{"text": "ok"}\n{"text": "caf\xe9 \x93quoted\x94"}\n')
    (tmp_path / "export.csv").write_bytes(b'id,text,date\n1,Fine row,2017-04-05\n2,Na\xefve \x96 row,2017-04-06\n'
                                          b'3,\xe2\x80\x9cUTF-8\xe2\x80\x9d row,2017-04-07\n')
    found = {a.id: a for a in articles(read_articles([tmp_path]))}
    assert found["bad-2"].text == "caf\u00e9 \u201cquoted\u201d"
    assert found["2"].text == "Na\u00efve \u2013 row" and found["3"].text == "\u201cUTF-8\u201d row"
    assert len(found) == 5
    warned = " ".join(r.getMessage() for r in caplog.records)
    assert "bad.jsonl: 3 byte(s) that are not UTF-8 read as Windows-1252, on line(s) 2" in warned
    assert "export.csv: 2 byte(s)" in warned and "line(s) 3" in warned


def test_malformed_json_line_names_file_and_line(tmp_path):
    write_jsonl(tmp_path / "a.jsonl", [{"id": "1", "text": "fine"}])
    with open(tmp_path / "a.jsonl", "a") as fh:
        fh.write('{"id": "2", "text": \n{"id": "3", "text": ""}\n')
    with pytest.raises(InputError, match=r"a.jsonl:2: malformed JSON"):
        list(read_articles([tmp_path / "a.jsonl"]))
    items = list(read_articles([tmp_path / "a.jsonl"], on_error="skip"))
    assert [type(i).__name__ for i in items] == ["Article", "Skip", "Skip"]
    assert items[2].line == 3 and "empty article" in items[2].reason


def test_csv_without_mapped_column(tmp_path):
    (tmp_path / "a.csv").write_text("id,headline\n1,x\n", "utf-8")
    with pytest.raises(InputError, match=r"a.csv:1: no column for the text; the columns are id, headline"):
        list(read_articles([tmp_path / "a.csv"]))
    with pytest.raises(InputError, match=r"title=heading"):
        list(read_articles([tmp_path / "a.csv"], {"title": "heading", "text": "headline"}))


def test_csv_whose_header_never_closes_its_quotation_mark(tmp_path):
    """A header row the CSV reader cannot finish is an error naming the file and the row,
    and, skipping, costs only that file."""
    (tmp_path / "a.csv").write_text('id,"text\n1,x\n', "utf-8")
    (tmp_path / "b.csv").write_text("id,text\n1,a good article\n", "utf-8")
    with pytest.raises(InputError, match=r"a.csv:1: the header row is not CSV"):
        list(read_articles([tmp_path / "a.csv"]))
    items = list(read_articles([tmp_path / "a.csv", tmp_path / "b.csv"], on_error="skip"))
    assert [type(i).__name__ for i in items] == ["Skip", "Article"]


def test_bad_date_is_an_error(tmp_path):
    write_jsonl(tmp_path / "a.jsonl", [{"text": "t", "published": "next Tuesday"}])
    with pytest.raises(InputError, match="a.jsonl:1: cannot read the published date"):
        list(read_articles([tmp_path]))


def test_skip_mode_records_every_skip_and_keeps_the_rest(tmp_path, db):
    write_jsonl(tmp_path / "a.jsonl", [{"id": "1", "text": "one"}, {"id": "2", "text": " "}])
    (tmp_path / "b.txt").write_bytes(b"\x00\x00")
    (tmp_path / "c.txt").write_text("Title\nBody", "utf-8")
    with open_store(db) as store:
        summary = ingest(store, [tmp_path], Settings(on_error="skip"))
        assert (summary.added, summary.skipped) == (2, 2)
        assert sorted(s.file.split("/")[-1] for s in store.skips()) == ["a.jsonl", "b.txt"]
        assert [a.id for a in store.articles()] == ["1", "c"]


def test_raise_mode_keeps_what_was_read_before_the_error(tmp_path, db):
    write_jsonl(tmp_path / "a.jsonl", [{"id": "1", "text": "one"}, {"id": "2", "text": "two"}])
    (tmp_path / "b.jsonl").write_text("not json\n", "utf-8")
    with open_store(db) as store:
        with pytest.raises(InputError, match="b.jsonl:1"):
            ingest(store, [tmp_path], Settings(batch_size=500))
        assert [a.id for a in store.articles()] == ["1", "2"]


def test_exact_duplicates_are_linked_not_stored_twice(tmp_path, db):
    write_jsonl(tmp_path / "a.jsonl", [
        {"id": "a", "text": "Same   words here.", "source": "A"},
        {"id": "b", "text": "Same words here.\n", "source": "B"},
        {"id": "c", "text": "Other words.", "source": "C"},
    ])
    with open_store(db) as store:
        summary = ingest(store, [tmp_path])
        assert (summary.added, summary.duplicates) == (2, 1)
        assert store.duplicate_of("b") == "a" and store.duplicates_of("a") == ["b"]
        assert store.conn.execute("SELECT count(*) FROM articles WHERE text IS NOT NULL").fetchone()[0] == 2
        assert store.article("b").text == "Same   words here."  # read through the link
        assert [a.id for a in store.articles(distinct_only=True)] == ["a", "c"]


def dump(db):
    with open_store(db) as store:
        return {
            "articles": store.conn.execute(
                "SELECT id, url, source, title, published, language, text, text_hash, duplicate_of,"
                " origin_file, origin_line FROM articles ORDER BY id").fetchall(),
            "skips": store.conn.execute("SELECT file, line, reason FROM skips ORDER BY file, line").fetchall(),
        }


def test_reingest_changes_nothing(tmp_path, db):
    write_jsonl(tmp_path / "a.jsonl", [{"id": str(i), "text": f"text {i}"} for i in range(30)])
    (tmp_path / "z.jsonl").write_text("broken\n", "utf-8")
    with open_store(db) as store:
        ingest(store, [tmp_path], Settings(on_error="skip", batch_size=7))
    first = dump(db)
    with open_store(db) as store:
        summary = ingest(store, [tmp_path], Settings(on_error="skip", batch_size=7))
    assert summary.added == 0 and summary.unchanged == 30
    assert dump(db) == first


def test_same_id_with_other_text_is_refused(tmp_path, db):
    write_jsonl(tmp_path / "a.jsonl", [{"id": "1", "text": "first"}])
    write_jsonl(tmp_path / "b.jsonl", [{"id": "1", "text": "second"}])
    with open_store(db) as store:
        summary = ingest(store, [tmp_path], Settings(on_error="skip"))
        assert summary.skipped == 1 and "already ingested" in summary.skip_reasons[0]
        assert store.article("1").text == "first"


def test_dates_written_with_the_day_or_the_month_first(tmp_path):
    """A column of dates like 4/5/2017: one date that reads only one way (13/5/2017) decides
    the column; a file whose dates all read both ways needs --date-order, and says so."""
    (tmp_path / "uk").mkdir()
    (tmp_path / "uk" / "a.csv").write_text("id,text,date\n1,One.,4/5/2017\n2,Two.,13/5/2017\n", "utf-8")
    found = {a.id: a.published for a in articles(read_articles([tmp_path / "uk"]))}
    assert found == {"1": "2017-05-04", "2": "2017-05-13"}
    (tmp_path / "us").mkdir()
    (tmp_path / "us" / "a.csv").write_text("id,text,date\n1,One.,4/5/2017\n2,Two.,4/13/2017 14:30\n", "utf-8")
    found = {a.id: a.published for a in articles(read_articles([tmp_path / "us"]))}
    assert found == {"1": "2017-04-05", "2": "2017-04-13T14:30:00"}
    (tmp_path / "both").mkdir()
    (tmp_path / "both" / "a.csv").write_text("id,text,date\n1,One.,4/5/2017\n", "utf-8")
    with pytest.raises(InputError, match="reads both ways.*--date-order"):
        list(read_articles([tmp_path / "both"]))
    stated = {a.id: a.published for a in articles(read_articles([tmp_path / "both"],
                                                                reading=ReadSettings(date_order="day")))}
    assert stated == {"1": "2017-05-04"}


def test_a_web_crawl_gives_each_html_page_as_an_article(tmp_path, caplog):
    """A WARC file (gzipped, as crawlers write them): each HTML response is an article with
    its URL, the page's title and, where the page states no date, the crawl's; other records
    (an image, a request) are passed over."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    pages = [("https://harbour.example/news/ferry", "<html><head><title>Ferry sinks</title></head><body>"
              "<p>The ferry sank off the coast.</p></body></html>", "text/html; charset=utf-8"),
             ("https://harbour.example/logo.png", "\x89PNG", "image/png"),
             ("https://other.example/a", "<html><head><title>Caf\u00e9 opens</title><meta property=\"article:"
              "published_time\" content=\"2016-01-02T08:00:00Z\"></head><body><p>A caf\u00e9 opened.</p></body></html>",
              "text/html")]
    with open(tmp_path / "crawl.warc.gz", "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, body, kind in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", kind)], protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=BytesIO(body.encode("utf-8")),
                                               http_headers=headers,
                                               warc_headers_dict={"WARC-Date": "2016-01-01T10:00:00Z"})
            writer.write_record(record)
    found = articles(read_articles([tmp_path]))
    assert [(a.id, a.title, a.text, a.source) for a in found] == [
        ("https://harbour.example/news/ferry", "Ferry sinks", "The ferry sank off the coast.", "harbour.example"),
        ("https://other.example/a", "Caf\u00e9 opens", "A caf\u00e9 opened.", "other.example")]
    assert found[0].published == "2016-01-01T10:00:00+00:00" and found[1].published.startswith("2016-01-02")
    assert found[0].url == "https://harbour.example/news/ferry"
    assert "crawl.warc.gz: 1 response(s) that are no HTML page passed over (records 2)" in caplog.text


def test_a_feed_gives_each_entry_with_its_text_as_an_article(tmp_path):
    (tmp_path / "news.rss").write_text(
        "<?xml version='1.0'?><rss version='2.0'><channel><title>Harbour Daily</title>"
        "<item><title>Ferry sinks</title><link>https://harbour.example/ferry</link>"
        "<pubDate>Sat, 02 Jan 2016 08:00:00 GMT</pubDate><description>&lt;p&gt;The ferry sank.&lt;/p&gt;</description></item>"
        "<item><title>No text here</title><link>https://harbour.example/empty</link></item>"
        "</channel></rss>", "utf-8")
    items = list(read_articles([tmp_path], on_error="skip"))
    found = [i for i in items if isinstance(i, Article)]
    assert [(a.id, a.title, a.text, a.source, a.published) for a in found] == [
        ("https://harbour.example/ferry", "Ferry sinks", "The ferry sank.", "Harbour Daily", "2016-01-02T08:00:00+00:00")]
    assert [s.line for s in items if not isinstance(s, Article)] == [2]


def test_an_encoding_stated_reads_every_byte_by_it(tmp_path):
    (tmp_path / "a.csv").write_bytes("id,text\n1,Caf\u00e9 \u00e0 Qu\u00e9bec\n".encode("latin-1"))
    (found,) = articles(read_articles([tmp_path], reading=ReadSettings(encoding="latin-1")))
    assert found.text == "Caf\u00e9 \u00e0 Qu\u00e9bec"
    (tmp_path / "b.csv").write_bytes("id,text\n2,\u201cQuoted\u201d\n".encode("utf-8"))
    with pytest.raises(InputError, match="b.csv:2: not ascii at byte"):
        list(read_articles([tmp_path / "b.csv"], reading=ReadSettings(encoding="ascii")))
    with pytest.raises(SettingsError, match="no codec"):
        load_settings({"encoding": "klingon"})


def test_a_messy_export_of_804_rows_keeps_its_rows_and_reads_month_first_dates(tmp_path):
    """An export as users have them: stray Windows-1252 bytes in some rows, dates written
    month first (4/5/2017), a few broken rows. Every good row is kept; the dates are read
    month first without a flag (a date that reads only month first decides the column)."""
    rows = ["id,title,text,date"]
    for k in range(804):
        month, day = 1 + k % 12, 1 + k % 28
        text = f"Story {k} of the export" + (" \x93quoted\x94 caf\xe9" if k % 7 == 0 else "")
        rows.append(f'{k},Title {k},"{text}",{month}/{day}/2017' if k % 100 != 50 else f'{k},Broken "row,{text}')
    (tmp_path / "export.csv").write_bytes(("\n".join(rows) + "\n").encode("utf-8").replace(
        "\x93".encode("utf-8"), b"\x93").replace("\x94".encode("utf-8"), b"\x94").replace(
        "\xe9".encode("utf-8"), b"\xe9"))
    items = list(read_articles([tmp_path], on_error="skip"))
    found = {a.id: a for a in items if isinstance(a, Article)}
    assert len(found) >= 790
    assert found["13"].published == "2017-02-14"  # 2/14/2017: month first
    assert found["7"].text == "Story 7 of the export \u201cquoted\u201d caf\u00e9"


def test_bad_crawls_and_feeds_are_named_with_their_file_and_record(tmp_path):
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(tmp_path / "crawl.warc.gz", "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, body in (("https://a.example/1", "<html><body><p>First page text.</p></body></html>"),
                          ("https://a.example/2", "<html><body><p>Second page text.</p></body></html>")):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=BytesIO(body.encode()),
                                                          http_headers=headers))
    whole = (tmp_path / "crawl.warc.gz").read_bytes()
    (tmp_path / "truncated").mkdir()
    (tmp_path / "truncated" / "cut.warc.gz").write_bytes(whole[: len(whole) - 40])
    items = list(read_articles([tmp_path / "truncated"], on_error="skip"))
    stored = [i for i in items if isinstance(i, Article)]
    skips = [i for i in items if not isinstance(i, Article)]
    assert [a.id for a in stored] == ["https://a.example/1"]  # what was whole before the cut is kept
    assert skips and skips[0].file.endswith("cut.warc.gz")
    (tmp_path / "notwarc").mkdir()
    (tmp_path / "notwarc" / "x.warc").write_bytes(b"GET / HTTP/1.1\r\nthis is no archive\r\n")
    with pytest.raises(InputError, match=r"x.warc.*not a WARC or ARC file"):
        list(read_articles([tmp_path / "notwarc"]))
    (tmp_path / "feeds").mkdir()
    (tmp_path / "feeds" / "empty.rss").write_text("", "utf-8")
    with pytest.raises(InputError, match=r"empty.rss.*not an RSS or Atom feed"):
        list(read_articles([tmp_path / "feeds"]))
