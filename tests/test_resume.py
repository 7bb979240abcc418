"""A run killed with SIGKILL midway (in ingest, or in alignment), then rerun, ends equal to an uninterrupted one."""

import os
import signal
import sqlite3
import subprocess
import sys
import time

from newstrace.pan import collection_documents, read_document

from conftest import shared_path, write_jsonl
from test_ingest import dump


def _count(db, table: str = "articles") -> int:
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    except sqlite3.Error:
        return 0


def _ingest(db, data, wait=True):
    cmd = [sys.executable, "-m", "newstrace.cli", "-q", "ingest", str(data), "--db", str(db),
           "--batch-size", "50", "--on-error", "skip"]
    if wait:
        subprocess.run(cmd, check=True, capture_output=True)
        return None
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_sigkill_midway_then_rerun_equals_uninterrupted(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    words = "the council met on monday to discuss the harbour and the budget for next year".split()
    for part in range(8):
        records = [{"id": f"p{part}-{i}",
                    "text": " ".join(words[(i + k) % len(words)] for k in range(60)) + f" story {part} {i}",
                    "published": "2016-01-0%d" % (1 + part % 9)} for i in range(2500)]
        write_jsonl(data / f"part{part}.jsonl", records)
    (data / "zz-bad.jsonl").write_text("{broken\n", "utf-8")

    reference = tmp_path / "reference.db"
    _ingest(reference, data)

    killed = tmp_path / "killed.db"
    proc = _ingest(killed, data, wait=False)
    deadline = time.time() + 120
    while _count(killed) < 500 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.02)
    assert proc.poll() is None, "the ingest finished before it could be killed; make the data larger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = _count(killed)
    assert 0 < partial < 20000

    _ingest(killed, data)
    assert dump(killed) == dump(reference)
    assert _count(killed) == 20000


def _results(db) -> dict:
    with sqlite3.connect(db) as conn:
        return {table: sorted(conn.execute(sql).fetchall(), key=repr) for table, sql in {
            "alignments": "SELECT a_article, a_start, a_end, b_article, b_start, b_end, exact, variant,"
                          " substituted, gaps, ops FROM alignments",
            "compared": "SELECT a_article, b_article FROM compared_pairs",
            "clusters": "SELECT id, size, earliest, kind FROM clusters",
            "spans": "SELECT cluster_id, article, start, end FROM cluster_spans",
            "signals": "SELECT * FROM signals",
        }.items()}


def test_detection_killed_midway_resumes_from_its_last_batch(tmp_path):
    """A whole run (ingest, alignment, provenance) killed with SIGKILL while aligning; the
    rerun aligns only the pairs not yet committed and ends equal to an uninterrupted run."""
    corpus = shared_path("data", "spinbench-dev")
    docs = sorted(collection_documents(corpus).items())[:400]
    data = write_jsonl(tmp_path / "docs.jsonl", [{"id": name, "text": read_document(corpus / folder / name)}
                                                for name, folder in docs])

    def run(db, wait=True):
        cmd = [sys.executable, "-m", "newstrace.cli", "-q", "run", str(data), "--db", str(db), "--workers", "1",
               "--speakers", "rules"]  # quotations are not what this test is about
        if wait:
            return subprocess.run(cmd, check=True, capture_output=True, text=True)
        return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    reference = tmp_path / "reference.db"
    run(reference)
    total = _count(reference, "compared_pairs")

    killed = tmp_path / "killed.db"
    proc = run(killed, wait=False)
    deadline = time.time() + 300
    while _count(killed, "compared_pairs") == 0 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before it could be killed; give it more documents"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done = _count(killed, "compared_pairs")
    assert 0 < done < total

    rerun = run(killed)
    assert f"pairs aligned {total - done}," in rerun.stdout  # only what was left
    assert _results(killed) == _results(reference)
