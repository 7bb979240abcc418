"""The Spark engine (PySpark in local mode) gives what the local engine gives.

Needs PySpark and Java. Without them these tests skip, unless NEWSTRACE_REQUIRE_SPARK is
set (CI sets it), when they fail.
"""

import json
import sqlite3

import numpy as np
import pytest

from newstrace.pan import collection_documents, read_document

from conftest import EXAMPLES, TABLES, shared_path, table_rows, write_jsonl

# What must be equal, table by table (ids of clusters included: both engines number them
# the same way, largest first). Spark keeps no shingles; these runs skip nothing and have
# no parse (no statements).
# Of the articles, what was read (Spark reads a file's lines by itself, so the origin may differ).
COMPARED = [t for t in TABLES if t not in ("shingles", "skips", "statements")]
_ARTICLE_FIELDS = "SELECT id, duplicate_of, text_hash, title, source, published FROM articles"


def _rows(db, table):
    from newstrace.store import open_store

    if table == "articles":
        return sorted(sqlite3.connect(db).execute(_ARTICLE_FIELDS).fetchall(), key=repr)
    with open_store(db, read_only=True) as store:
        return table_rows(store, table)


def _both_engines(tmp_path, spark, *inputs, quotes=True, settings=None):
    from newstrace.engines import spark as engine
    from newstrace.pipeline import collect_quotes, detect_reuse, group_stories, ingest, trace_provenance
    from newstrace.settings import Settings
    from newstrace.store import open_store

    local_db, spark_db = tmp_path / "local.db", tmp_path / "spark.db"
    settings = settings or Settings()
    with open_store(local_db) as store:
        ingest(store, list(inputs))
        detect_reuse(store)
        trace_provenance(store)
        if quotes:
            collect_quotes(store)
        group_stories(store, settings)
    summary = engine.run([str(p) for p in inputs], tmp_path / "out", settings, spark=spark)
    with open_store(spark_db) as store:
        engine.load(tmp_path / "out", store)
        if quotes:
            collect_quotes(store)
    return local_db, spark_db, summary


def test_spark_engine_equals_local_engine_on_examples(tmp_path, spark):
    local_db, spark_db, summary = _both_engines(tmp_path, spark, EXAMPLES)
    assert summary["articles"] == 22 and summary["distinct"] == 21 and summary["passages"] > 0
    for table in COMPARED:
        ours, theirs = _rows(local_db, table), _rows(spark_db, table)
        assert ours and ours == theirs, table
    # The Parquet tables are all there, and their summary says what was found.
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["clusters"] == summary["clusters"]


def test_spark_engine_groups_stories_by_meaning_as_the_local_engine_does(tmp_path, spark, encoder):
    from newstrace.settings import Settings
    from newstrace.stories import Profile
    from newstrace.store import open_store

    local_db, spark_db, _ = _both_engines(tmp_path, spark, EXAMPLES, quotes=False,
                                          settings=Settings(stories="meaning"))
    for table in ("stories", "story_members"):
        ours, theirs = _rows(local_db, table), _rows(spark_db, table)
        assert ours and ours == theirs, table
    for db in (local_db, spark_db):
        with open_store(db, read_only=True) as store:
            held = store.story_profiles(list(store.publication_dates()))
        assert held and all(Profile.unpacked(a, b).meaning is not None for a, b in held.items())


def test_spark_engine_reads_parquet_and_reports_bad_records(tmp_path, spark):
    import pyarrow as pa
    import pyarrow.parquet as pq

    records = [json.loads(line) for line in (EXAMPLES / "articles.jsonl").read_text("utf-8").splitlines()]
    pq.write_table(pa.Table.from_pylist(records[:12]), tmp_path / "part.parquet")
    bad = tmp_path / "rest.jsonl"
    write_jsonl(bad, records[12:])
    bad.write_text(bad.read_text("utf-8") + "{not json\n", "utf-8")

    from newstrace.engines import spark as engine
    from newstrace.errors import InputError
    from newstrace.settings import Settings

    with pytest.raises(InputError, match=r"rest.jsonl:11: malformed JSON"):
        engine.run([tmp_path / "part.parquet", bad], tmp_path / "raise", spark=spark)
    summary = engine.run([tmp_path / "part.parquet", bad], tmp_path / "skip", Settings(on_error="skip"),
                         spark=spark)
    assert summary["articles"] == 22 and summary["skipped"] == 1
    skips = pq.read_table(tmp_path / "skip" / "skips").to_pylist()
    assert skips[0]["file"].endswith("rest.jsonl") and skips[0]["line"] == 11


def test_spark_engine_equals_local_engine_on_spinbench(tmp_path, spark):
    corpus = shared_path("data", "spinbench-dev")
    docs = collection_documents(corpus)
    collection = write_jsonl(tmp_path / "spinbench.jsonl",
                             [{"id": name, "text": read_document(corpus / folder / name)}
                              for name, folder in docs.items()])
    local_db, spark_db, summary = _both_engines(tmp_path, spark, collection, quotes=False)
    assert summary["distinct"] == len(docs) and summary["passages"] > 5000
    for table in ("compared_pairs", "alignments", "clusters", "cluster_spans", "copy_edges", "signals"):
        ours, theirs = _rows(local_db, table), _rows(spark_db, table)
        assert ours == theirs, table


@pytest.mark.parametrize("seed", range(6))
def test_spark_candidate_stage_keeps_the_pairs_the_local_index_keeps(spark, seed):
    """Spark runs the candidate stage's functions on partitions (by hash, then by pair)
    of an index its articles are numbered for; the local engine runs them on the whole
    index in one process. On random collections, both keep the same pairs, for several
    min_shared, window and partner-bound settings."""
    import random

    from newstrace.candidates import find_candidates
    from newstrace.engines.spark import candidate_pairs
    from newstrace.settings import Settings

    from conftest import random_collection

    rng = random.Random(seed)
    n_docs = rng.randint(3, 30)
    settings = Settings(min_shared=rng.choice([1, 2, 3, 4]), window=rng.choice([5, 10, 30]), min_df_count=n_docs,
                        max_partners=rng.choice([0, 1, 3]))
    docs, published = random_collection(rng, n_docs, 300, 400)  # hashes near 2**64: signed in Spark
    local = sorted((c.a, c.b) for c in find_candidates(docs, settings, published))
    names = sorted(published)  # numbered in id order
    index = spark.createDataFrame([(int(h), names.index(name), published[name], int(p)) for name, hs, ps in docs
                                   for h, p in zip(hs.view(np.int64), ps)],
                                  "hash long, article long, published string, position long")
    found = sorted((names[r["a"]], names[r["b"]])
                   for r in candidate_pairs(index.repartition("hash"), settings, n_docs).collect())
    assert found == local


def test_spark_shingle_index_holds_each_articles_shingles(spark):
    """The index Spark builds on its executors (Arrow batches) holds exactly the shingles,
    hashes and first positions, that shingles() gives each article."""
    from newstrace.candidates import shingles
    from newstrace.engines.spark import shingle_index
    from newstrace.ingest import read_articles
    from newstrace.normalize import token_columns
    from newstrace.settings import Settings

    articles = sorted((a for a in read_articles([EXAMPLES]) if hasattr(a, "text")), key=lambda a: a.id)
    texts = spark.sparkContext.parallelize([(k, a.published, a.text) for k, a in enumerate(articles)], 3)
    got = sorted((articles[r["article"]].id, r["published"], r["hash"] % 2**64, r["position"])
                 for r in shingle_index(spark, texts, Settings()).collect())
    expected = sorted((a.id, a.published, int(h), int(p)) for a in articles
                      for h, p in zip(*shingles(token_columns(a.text)[2], Settings().ngram)))
    assert len(expected) > 1000 and got == expected
