"""Golden outputs: a digest of everything a traced store gives — every table, `report
--json` of every article, the clusters and quotations, and the API's JSON — for examples/,
the seeds and spinbench-dev (its 1,091 documents as one JSON Lines file; the API's pages
of single articles, clusters and quotations for the first 40 of each, by id). Recorded before the structure of the code is changed (issue 20), so that a
change meant to leave behaviour alone can show it did: tests/test_golden.py compares.

    python tests/golden.py --update    # record anew, after a change meant to alter outputs
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DIGESTS = HERE / "golden" / "digests.json"


def _canonical(value, root: str) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False,
                      default=lambda v: v.hex() if isinstance(v, (bytes, memoryview)) else str(v))
    return text.replace(root, "<input>")


def outputs(db: Path, root: Path, pages: int | None = None) -> dict[str, str]:
    """Each output of the store at ``db`` (traced from files under ``root``) as canonical JSON;
    the API's page of each article, cluster and quotation, or of the first ``pages`` of each."""
    from fastapi.testclient import TestClient

    from conftest import TABLES, table_rows
    from newstrace.report import article_report
    from newstrace.store import open_store
    from newstrace.web import create_app

    found: dict[str, str] = {}
    where = str(root)
    with open_store(db, read_only=True) as store:
        for table in TABLES:
            found[f"table {table}"] = _canonical([list(row) for row in table_rows(store, table)], where)
        ids = [a.id for a in store.articles()]
        for i in ids:
            found[f"report {i}"] = _canonical(article_report(store, i), where)
        found["clusters"] = _canonical(store.clusters(), where)
        found["quotes"] = _canonical(store.quotes(), where)
        cluster_ids = [c["id"] for c in store.clusters()]
        quote_ids = sorted({q["quote_id"] for q in store.quotes()})
        story_ids = sorted(set(store.story_ids().values()))
    client = TestClient(create_app(db))
    ids, cluster_ids, quote_ids = sorted(ids)[:pages], sorted(cluster_ids)[:pages], quote_ids[:pages]
    for path in (["/overview.json", "/articles.json?limit=500", "/clusters.json?limit=500", "/outlets.json",
                  "/quotes.json?limit=500", "/quotes.json?kind=term&limit=500", "/stories.json?limit=500"] + [f"/articles/{i}.json" for i in ids]
                 + [f"/clusters/{c}.json" for c in cluster_ids] + [f"/quotes/{q}.json" for q in quote_ids]
                 + [f"/stories/{s}.json" for s in story_ids[:pages]]):
        answer = client.get(path)
        found[f"api {path}"] = _canonical([answer.status_code, answer.json()], where)
    return found


def digests(collections: dict[str, Path]) -> dict[str, dict[str, str]]:
    """For each named collection (a folder of articles, or a PAN corpus), the digest of each output."""
    from conftest import build_store

    result = {}
    for name, folder in collections.items():
        with tempfile.TemporaryDirectory() as tmp:
            pages = None
            if name == "spinbench-dev":
                folder, pages = _as_jsonl(folder, Path(tmp) / "input"), 40
            db = build_store(Path(tmp) / "golden.db", folder)
            result[name] = {key: hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
                            for key, text in sorted(outputs(db, folder, pages).items())}
    return result


def _as_jsonl(corpus: Path, folder: Path) -> Path:
    """A PAN corpus's documents as one JSON Lines file in ``folder`` (ids: the file names)."""
    from newstrace.pan import collection_documents, read_document

    folder.mkdir()
    with (folder / "collection.jsonl").open("w", encoding="utf-8") as f:
        for name, kind in sorted(collection_documents(corpus).items()):
            f.write(json.dumps({"id": name, "text": read_document(corpus / kind / name)}) + "\n")
    return folder


def collections() -> dict[str, Path]:
    from conftest import EXAMPLES, SHARED

    found = {"examples": EXAMPLES}
    for name, path in (("seeds", SHARED / "seeds"), ("spinbench-dev", SHARED / "data" / "spinbench-dev")):
        if path.is_dir():
            found[name] = path
    return found


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    if "--update" not in sys.argv:
        sys.exit(__doc__)
    DIGESTS.parent.mkdir(exist_ok=True)
    wanted = collections()
    named = [a for a in sys.argv[1:] if not a.startswith("--")]  # record only these collections
    recorded = json.loads(DIGESTS.read_text("utf-8")) if DIGESTS.exists() else {}
    recorded.update(digests({n: p for n, p in wanted.items() if not named or n in named}))
    DIGESTS.write_text(json.dumps(recorded, indent=1, sort_keys=True) + "\n", "utf-8")
    print(f"wrote {DIGESTS}")
