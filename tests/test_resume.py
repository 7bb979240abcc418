"""An ingest killed with SIGKILL midway, then rerun, ends equal to an uninterrupted one."""

import os
import signal
import sqlite3
import subprocess
import sys
import time

from conftest import write_jsonl
from test_ingest import dump


def _count(db) -> int:
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
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
