"""Hostile input: whatever one record holds, it is stored or skipped with its file, line and
reason, and the records around it are stored (issue 25). Each case runs a real ingest
into a real store."""

import gzip
import json
import os

import pytest

from newstrace import open_store, read_articles
from newstrace.cli import main
from newstrace.errors import InputError
from newstrace.pipeline import ingest
from newstrace.model import Article
from newstrace.settings import Settings


def ingest_skipping(folder, db, **settings):
    with open_store(db) as store:
        summary = ingest(store, [folder], Settings(on_error="skip", **settings))
        return summary, {a.id: a for a in store.articles()}, [(s.line, s.reason) for s in store.skips()]


HOSTILE_LINES = [
    ('{"id": "nan", "text": "t", "published": NaN}', "published date"),
    ('{"id": "inf", "text": "t", "published": Infinity}', "published date"),
    ('{"id": "surrogate", "text": "a \\udc80 b"}', "lone surrogate"),
    ('{"id": "title-surrogate", "text": "t", "title": "\\ud800"}', "lone surrogate"),
    ('[' * 100_000 + ']' * 100_000, "nested too deeply"),
    ('{"id": "list-title", "text": "t", "title": ["a", "b"]}', "title field is a list"),
    ('{"id": "nul", "text": "a\\u0000b"}', "NUL"),
    ("\x00" * 60, "malformed JSON"),
]


@pytest.mark.parametrize("line, reason", HOSTILE_LINES, ids=[r for _, r in HOSTILE_LINES])
def test_one_hostile_json_line_costs_that_line(tmp_path, line, reason):
    good = lambda i: json.dumps({"id": f"good-{i}", "text": f"Article number {i}."})
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_text("\n".join([good(1), line, good(2)]) + "\n", "utf-8")
    summary, stored, skips = ingest_skipping(tmp_path / "in", tmp_path / "s.db")
    assert sorted(stored) == ["good-1", "good-2"]
    [(number, why)] = skips
    assert number == 2 and reason in why


def test_a_file_name_that_is_not_utf8_is_read_and_named(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    name = os.path.join(os.fsencode(folder), b"caf\xe9.txt")
    with open(name, "wb") as fh:
        fh.write(b"Title\n\nBody of the article.\n")
    with open_store(tmp_path / "s.db") as store:
        summary = ingest(store, [folder], Settings(on_error="skip"))
        [article] = store.articles()
        assert summary.added == 1 and article.id == "caf\ufffd" and article.origin.file.endswith("caf\ufffd.txt")


def test_a_gzip_file_expanding_past_the_limit_is_skipped_whole(tmp_path):
    (tmp_path / "in").mkdir()
    with gzip.open(tmp_path / "in" / "bomb.jsonl.gz", "wb") as fh:
        fh.write(b" " * (2 << 20))
    (tmp_path / "in" / "fine.txt").write_text("Title\n\nBody.", "utf-8")
    summary, stored, skips = ingest_skipping(tmp_path / "in", tmp_path / "s.db", max_file_mb=1)
    assert list(stored) == ["fine"] and "more than 1 MB" in skips[0][1] and "max_file_mb" in skips[0][1]


def test_an_article_longer_than_the_limit_is_skipped_and_its_neighbours_stored(tmp_path):
    (tmp_path / "in").mkdir()
    long = "word " * 300_000  # 1.5 million characters
    (tmp_path / "in" / "a.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in ({"id": "before", "text": "Short."}, {"id": "long", "text": long},
                                                {"id": "after", "text": "Short too."})), "utf-8")
    summary, stored, skips = ingest_skipping(tmp_path / "in", tmp_path / "s.db", max_article_mb=1)
    assert sorted(stored) == ["after", "before"]
    assert skips == [(2, skips[0][1])] and "1,500,000 characters" in skips[0][1] and "max_article_mb" in skips[0][1]
    # The limits are settings: flags, the environment and newstrace.toml give them.
    assert main(["ingest", str(tmp_path / "in"), "--db", str(tmp_path / "t.db"), "--on-error", "skip",
                 "--max-article-mb", "2"]) == 0
    with open_store(tmp_path / "t.db", read_only=True) as store:
        assert store.count("articles") == 3


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder: an unreadable one cannot be made")
def test_an_unreadable_folder_is_a_skip_or_an_error_never_silence(tmp_path):
    (tmp_path / "in" / "locked").mkdir(parents=True)
    (tmp_path / "in" / "locked" / "a.txt").write_text("Title\n\nBody.", "utf-8")
    (tmp_path / "in" / "open.txt").write_text("Title\n\nBody.", "utf-8")
    (tmp_path / "in" / "locked").chmod(0)
    try:
        summary, stored, skips = ingest_skipping(tmp_path / "in", tmp_path / "s.db")
        assert list(stored) == ["open"] and "cannot read the folder" in skips[0][1]
        with pytest.raises(InputError, match="cannot read the folder"):
            list(read_articles([tmp_path / "in"]))
    finally:
        (tmp_path / "in" / "locked").chmod(0o755)


def test_a_folder_whose_listing_fails_is_recorded(tmp_path, monkeypatch):
    """As root (CI) every folder reads: the walk's error is made to happen."""
    import importlib

    ingest_package = importlib.import_module("newstrace.ingest")  # the readers' package, not the stage

    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "open.txt").write_text("Title\n\nBody.", "utf-8")
    real_walk = ingest_package.os.walk

    def failing_walk(top, onerror=None, followlinks=False):
        for folder, subfolders, names in real_walk(top, onerror=onerror, followlinks=followlinks):
            if folder.endswith("sub"):
                onerror(PermissionError(13, "Permission denied", folder))
                subfolders[:] = []
                continue
            yield folder, subfolders, names
    monkeypatch.setattr(ingest_package.os, "walk", failing_walk)
    summary, stored, skips = ingest_skipping(tmp_path / "in", tmp_path / "s.db")
    assert list(stored) == ["open"] and skips == [(None, "cannot read the folder: Permission denied")]


def test_a_nul_in_one_csv_row_costs_that_row(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.csv").write_bytes(b"id,text\n1,first\n2,sec\x00ond\n3,third\n")
    summary, stored, skips = ingest_skipping(tmp_path / "in", tmp_path / "s.db")
    assert sorted(stored) == ["1", "3"] and skips == [(3, "the text holds NUL characters: is this a binary file?")]


def test_utf16_and_a_byte_order_mark_are_read(tmp_path):
    (tmp_path / "wide.txt").write_text("Wide title\n\nBody.", "utf-16")
    (tmp_path / "marked.txt").write_bytes("\ufeffMarked title\n\nBody.".encode("utf-8"))
    titles = {a.id: a.title for a in read_articles([tmp_path]) if isinstance(a, Article)}
    assert titles == {"wide": "Wide title", "marked": "Marked title"}


def test_an_unclosed_quotation_mark_in_a_csv_costs_its_row_not_the_rows_after(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.csv").write_text('id,text\n1,first\n2,"second is never closed\n3,third\n'
                                           '4,"fourth, quoted\nover two lines"\n', "utf-8")
    summary, stored, skips = ingest_skipping(tmp_path / "in", tmp_path / "s.db")
    assert sorted(stored) == ["1", "3", "4"] and stored["4"].text == "fourth, quoted\nover two lines"
    [(line, why)] = skips
    assert line == 3 and "malformed CSV" in why


def test_ingests_started_together_into_one_new_sqlite_store_store_everything_once(tmp_path):
    """Six processes create one store and ingest overlapping input at once: each succeeds,
    and the store holds what one sequential ingest of everything holds."""
    import subprocess
    import sys

    from conftest import EXAMPLES

    records = [json.loads(line) for line in (EXAMPLES / "articles.jsonl").read_text("utf-8").splitlines()]
    parts = [records[:12], records[5:18], records[9:]]
    paths = []
    for k, part in enumerate(parts):
        paths.append(tmp_path / f"part-{k}.jsonl")
        paths[-1].write_text("".join(json.dumps(r) + "\n" for r in part), "utf-8")
    db = tmp_path / "together.db"
    go = tmp_path / "go"
    # Each process loads newstrace first and waits for the others: then they open the new
    # store and ingest within a few milliseconds of each other.
    script = ("import sys, time, pathlib\n"
              "from newstrace.pipeline import ingest\nfrom newstrace.settings import Settings\n"
              "from newstrace.store import open_store\n"
              "while not pathlib.Path(sys.argv[1]).exists(): time.sleep(0.001)\n"
              "with open_store(sys.argv[2]) as store:\n"
              "    ingest(store, [sys.argv[3]], Settings(batch_size=1))\n")
    runs = [subprocess.Popen([sys.executable, "-c", script, str(go), str(db), str(path)], stderr=subprocess.PIPE,
                             text=True) for path in paths + paths]
    import time
    time.sleep(3)
    go.touch()
    for run in runs:
        assert run.wait(timeout=120) == 0, run.stderr.read()
    with open_store(tmp_path / "alone.db") as alone:
        ingest(alone, [EXAMPLES], Settings())
        expected = sorted((a.id, a.text, a.title) for a in alone.articles())
    with open_store(db, read_only=True) as together:
        assert sorted((a.id, a.text, a.title) for a in together.articles()) == expected
        assert together.count("skips") == 0


def test_detects_run_together_on_one_store_leave_what_one_detect_leaves(tmp_path):
    """Three detect processes on one ingested store at once: each succeeds (a writer waits
    its turn), and the passages, clusters and signals are those of one detect alone."""
    import shutil
    import subprocess
    import sys

    from conftest import EXAMPLES, table_rows

    db, alone = tmp_path / "together.db", tmp_path / "alone.db"
    with open_store(db) as store:
        ingest(store, [EXAMPLES], Settings())
    shutil.copy(db, alone)
    runs = [subprocess.Popen([sys.executable, "-m", "newstrace.cli", "-q", "detect", "--db", str(db),
                              "--speakers", "rules", "--workers", "1"], stderr=subprocess.PIPE, text=True)
            for _ in range(3)]
    for run in runs:
        assert run.wait(timeout=300) == 0, run.stderr.read()
    assert main(["-q", "detect", "--db", str(alone), "--speakers", "rules", "--workers", "1"]) == 0
    with open_store(db, read_only=True) as together, open_store(alone, read_only=True) as one:
        for table in ("compared_pairs", "alignments", "clusters", "cluster_spans", "copy_edges", "signals", "quotes"):
            assert table_rows(together, table) == table_rows(one, table), table


def _children(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.add(int(entry))
    return found


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads processes from /proc (Linux)")
def test_a_killed_detect_leaves_no_worker_behind(tmp_path):
    import random
    import signal
    import subprocess
    import sys
    import time

    rng = random.Random(25)
    words = [f"w{k}" for k in range(3000)]
    # Long articles sharing many paragraphs: each worker's task (an article's pairs) takes
    # seconds, so a worker that only notices its driver's end between tasks outlives it.
    paragraphs = [" ".join(rng.choice(words) for _ in range(80)) + "." for _ in range(60)]
    records = [{"id": f"a{k}", "text": "\n\n".join(rng.sample(paragraphs, 30))} for k in range(160)]
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    db = tmp_path / "s.db"
    subprocess.run([sys.executable, "-m", "newstrace.cli", "-q", "ingest", str(tmp_path / "in.jsonl"), "--db", str(db)],
                   check=True)
    run = subprocess.Popen([sys.executable, "-m", "newstrace.cli", "-q", "detect", "--db", str(db),
                            "--workers", "2"], stderr=subprocess.PIPE)
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while len(workers) < 2 and run.poll() is None and time.monotonic() < deadline:
        workers = _children(run.pid)
        time.sleep(0.05)
    assert len(workers) >= 2, "the detect ended before its workers could be seen"
    run.send_signal(signal.SIGKILL)
    run.wait()
    def alive() -> set[int]:
        left = set()
        for w in workers:
            try:
                with open(f"/proc/{w}/stat") as fh:
                    if fh.read().rsplit(")", 1)[1].split()[0] != "Z":
                        left.add(w)
            except OSError:
                pass
        return left

    deadline = time.monotonic() + 2
    while alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive()


def test_a_file_skipped_whole_is_recorded_once_however_often_it_is_ingested(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "blank.txt").write_text("   \n", "utf-8")
    (tmp_path / "in" / "fine.txt").write_text("Title\n\nBody.", "utf-8")
    for _ in range(3):
        summary, stored, skips = ingest_skipping(tmp_path / "in", tmp_path / "s.db")
    assert list(stored) == ["fine"] and skips == [(None, "empty article: the file is blank")]


def test_the_web_answers_head_isolates_titles_and_keeps_server_paths(tmp_path):
    from fastapi.testclient import TestClient

    from newstrace.web import create_app

    folder = tmp_path / "private" / "inputs"
    folder.mkdir(parents=True)
    (folder / "a.jsonl").write_text(json.dumps({"id": "rlo", "title": "\u202eevil title", "text": "Some text here."})
                                    + "\n", "utf-8")
    ingest_skipping(folder, tmp_path / "s.db")
    client = TestClient(create_app(tmp_path / "s.db"))
    for path in ("/", "/articles", "/articles/rlo", "/overview.json"):
        head, get = client.head(path), client.get(path)
        assert head.status_code == get.status_code == 200 and head.content == b"", path
    assert "<bdi>\u202eevil title</bdi>" in client.get("/articles").text
    article = client.get("/articles/rlo.json").json()
    assert article["origin"]["file"] == "a.jsonl" and "private" not in json.dumps(article)


def test_a_store_held_by_another_process_gives_a_clear_error_not_a_traceback(tmp_path):
    import sqlite3
    import subprocess
    import sys

    (tmp_path / "a.txt").write_text("Title\n\nBody.", "utf-8")
    db = tmp_path / "s.db"
    open_store(db).close()
    holder = sqlite3.connect(db)
    holder.execute("BEGIN EXCLUSIVE")  # another writer, mid-transaction
    try:
        run = subprocess.run([sys.executable, "-m", "newstrace.cli", "ingest", str(tmp_path / "a.txt"), "--db", str(db)],
                             capture_output=True, text=True, env={**os.environ, "NEWSTRACE_BUSY_SECONDS": "1"})
    finally:
        holder.rollback()
        holder.close()
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "the store is busy" in run.stderr and "rerun" in run.stderr


def test_files_passed_over_are_named_and_a_failed_first_ingest_leaves_no_store(tmp_path):
    import subprocess
    import sys

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "letter.docx").write_bytes(b"PK\x03\x04 not an article")
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4")
    run = subprocess.run([sys.executable, "-m", "newstrace.cli", "ingest", str(folder), "--db", str(tmp_path / "a.db")],
                         capture_output=True, text=True)
    assert "letter.docx: not an article file type" in run.stderr and "scan.pdf" in run.stderr
    # ...and counted and named in the summary.
    assert "passed over 2 file(s) of types newstrace does not read" in run.stdout and "letter.docx" in run.stdout
    # A first ingest that fails on its first file leaves no empty store file behind...
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "a.jsonl").write_text("not json\n", "utf-8")
    db = tmp_path / "b.db"
    run = subprocess.run([sys.executable, "-m", "newstrace.cli", "ingest", str(tmp_path / "bad"), "--db", str(db)],
                         capture_output=True, text=True)
    assert run.returncode == 2 and "a.jsonl:1" in run.stderr and not db.exists()
    # ...but what an ingest stored before it failed is kept.
    (tmp_path / "bad" / "0.txt").write_text("Title\n\nBody.", "utf-8")
    run = subprocess.run([sys.executable, "-m", "newstrace.cli", "ingest", str(tmp_path / "bad"), "--db", str(db),
                          "--batch-size", "1"], capture_output=True, text=True)
    assert run.returncode == 2 and db.exists()
    with open_store(db, read_only=True) as store:
        assert [a.id for a in store.articles()] == ["0"]
