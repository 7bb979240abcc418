"""The Apache Spark engine: the local engine's stages as Spark jobs, writing Parquet.

``run`` reads JSON Lines or Parquet (any other format the local readers know is read on
the driver), and runs the same stage functions as the local engine: records become
articles with the same readers, exact duplicates are linked the same way, shingles come
from :func:`~newstrace.candidates.shingles`, candidate pairs pass the windowed test of
:func:`~newstrace.candidates.find_candidates` (as Spark SQL over a distributed inverted
index with the same document-frequency cutoff), pairs are aligned with
:func:`~newstrace.align.align`, and provenance is :func:`~newstrace.provenance.trace` on
the driver. Output, one Parquet folder per table, in ``OUT``: ``articles``, ``skips``,
``compared``, ``passages``, ``clusters``, ``cluster_spans``, ``copy_edges``, ``signals``.
``load`` brings such a folder into a store for the reports, the API and the web pages.

Needs the ``spark`` extra (PySpark and PyArrow) and Java 17.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..align import DocumentCache, align
from ..candidates import shingles
from ..errors import InputError, NewstraceError
from ..ingest import read_articles
from ..ingest.readers import parse_jsonl_line, record_article
from ..model import Alignment, Article, Origin, Skip, Span, WordOp
from ..normalize import load_aliases, spin_hints, token_columns
from ..provenance import ArticleMeta, phrase_frequency, stored_words, trace, with_duplicates
from ..settings import Settings
from ..store import (PASSAGE_COLUMNS, PROVENANCE_COLUMNS, IngestSummary, Store, canonical_order, column_types, passage_row,
                     provenance_rows, text_hash)

TABLES = ("articles", "skips", "compared", "passages", "clusters", "cluster_spans", "copy_edges", "signals")
_ARTICLE_COLUMNS = ("id", "url", "source", "title", "published", "language", "text", "text_hash",
                    "duplicate_of", "origin_file", "origin_line")


def _require_spark():
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise NewstraceError("the Spark engine needs PySpark: pip install 'newstrace[spark]'") from None


def session(master: str = "local[*]"):
    """A Spark session; on a cluster, pass its master URL (or use spark-submit's)."""
    _require_spark()
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master(master).appName("newstrace")
    if master.startswith("local"):
        # Python workers run this interpreter, which has newstrace (on a cluster, the
        # cluster's Python must have it: pip install newstrace there).
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = builder.config("spark.pyspark.python", sys.executable)
    return (builder
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "8")
            .getOrCreate())


@lru_cache(maxsize=4)
def _aliases(files: tuple[str, ...]):
    """The alias table, loaded once per executor process."""
    return load_aliases(files)


# --- reading ------------------------------------------------------------------------------

def _files(paths) -> list[Path]:
    from ..ingest import _files as walk

    found = []
    for root in paths:
        root = Path(root)
        if not root.exists():
            raise InputError(str(root), None, "no such file or folder")
        found.extend(walk(root))
    return found


def _records(spark, paths, mapping: dict, on_error: str):
    """An RDD of Articles and InputErrors from every input file."""
    sc = spark.sparkContext
    parts = []
    for file in _files(paths):
        name = file.name.removesuffix(".gz")
        where = str(file)
        if name.endswith((".jsonl", ".ndjson")):
            parts.append(sc.textFile(where).zipWithIndex()
                         .map(lambda li, where=where: parse_jsonl_line(li[0], where, li[1] + 1, mapping))
                         .filter(lambda item: item is not None))
        elif name.endswith(".parquet"):
            parts.append(spark.read.parquet(where).rdd.zipWithIndex()
                         .map(lambda ri, where=where: record_article(ri[0].asDict(), where, ri[1] + 1, mapping)))
        else:  # small formats (text files, CSV, HTML) are read on the driver by the local readers
            parts.append(sc.parallelize([InputError(i.file, i.line, i.reason) if isinstance(i, Skip) else i
                                         for i in read_articles([file], mapping, on_error)], 1))
    return sc.union(parts) if parts else sc.parallelize([])


def _first_by_origin(x: Article, y: Article) -> Article:
    return min(x, y, key=lambda a: (a.origin.file, a.origin.line or 0))


# --- the run ----------------------------------------------------------------------------

def _shingle_batches(ngram: int, alias_files: tuple[str, ...]):
    """For ``mapInArrow``: Arrow batches of (article, text) to batches of the articles'
    shingles, one row each (hash, article, position), as :func:`shingles` makes them."""

    def shingle(batches):
        import pyarrow as pa

        aliases = _aliases(alias_files)
        for batch in batches:
            ids, hashes, positions = batch.column("article").to_pylist(), [], []
            for text in batch.column("text").to_pylist():
                h, p = shingles(token_columns(text, aliases)[2], ngram)
                hashes.append(h.view(np.int64))
                positions.append(p.astype(np.int64))
            owners = np.repeat(np.array(ids, dtype=object), [len(h) for h in hashes])
            yield pa.RecordBatch.from_arrays(
                [pa.array(np.concatenate(hashes) if hashes else np.zeros(0, np.int64)),
                 pa.array(owners, pa.string()),
                 pa.array(np.concatenate(positions) if positions else np.zeros(0, np.int64))],
                names=["hash", "article", "position"])
    return shingle


def shingle_index(spark, texts, settings: Settings):
    """The inverted index of the collection's shingles as a DataFrame (hash, article,
    position) from an RDD of (article, text): shingles are made on the executors and
    cross to the JVM as Arrow batches (hashes as signed 64-bit numbers)."""
    frame = spark.createDataFrame(texts, "article string, text string")
    return frame.mapInArrow(_shingle_batches(settings.ngram, tuple(settings.aliases)),
                            "hash long, article string, position long")


def held_shingles(index):
    """The shingles two articles or more hold, with how many: (hash, count), from the
    index. Both the candidate stage and the phrase frequencies read it (cache it)."""
    from pyspark.sql import functions as F

    return index.groupBy("hash").count().where(F.col("count") >= 2)


def shingle_counts(held) -> tuple | None:
    """What :func:`~newstrace.provenance.shingle_frequency` gives, from :func:`held_shingles`:
    the hashes (sorted, unsigned) and their counts; None when no shingle is held twice."""
    table = held.toArrow()
    if not table.num_rows:
        return None
    hashes = table.column("hash").to_numpy().view(np.uint64)
    order = np.argsort(hashes)
    return hashes[order], table.column("count").to_numpy()[order]


def candidate_pairs(spark, index, held, settings: Settings, n_articles: int, published=None):
    """The candidate stage on Spark: an RDD of (a, b) article pairs, ``a < b``, from the
    index :func:`shingle_index` makes, its :func:`held_shingles`, and (for
    ``settings.max_partners``) an RDD of (article, published date or None).

    The inverted index and the window test run on the JVM side: shingles in one article
    only and those above the cutoff are dropped, a shingle pairs its holders as
    :func:`find_candidates` does (each with the earliest and the ``max_partners``
    published just before it), and a pair is kept when ``min_shared`` of its shared
    shingles lie within ``window`` words in its first article.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    cutoff = max(settings.min_df_count, int(settings.max_df * n_articles))
    kept = held.where(F.col("count") <= cutoff)
    posted = index.join(kept.select("hash"), "hash")
    bounded = settings.max_partners > 0
    if bounded:
        dates = spark.createDataFrame(published if published is not None else [], "article string, published string")
        # Holders of a shingle in order of publication: dated first, ISO dates as text, then
        # id (the store's canonical_order, as find_candidates orders them).
        age = Window.partitionBy("hash").orderBy(F.col("published").isNull(), F.coalesce("published", F.lit("")),
                                                 "article")
        posted = posted.join(dates, "article", "left").withColumn("rank", F.row_number().over(age))
    x, y = posted.alias("x"), posted.alias("y")
    together = (F.col("x.hash") == F.col("y.hash")) & (F.col("x.article") < F.col("y.article"))
    if bounded:
        low, high = F.least("x.rank", "y.rank"), F.greatest("x.rank", "y.rank")
        together &= (low == 1) | (high - low <= settings.max_partners)
    shared = (x.join(y, together)
              .select(F.col("x.article").alias("a"), F.col("y.article").alias("b"), F.col("x.position").alias("pos")))
    if settings.min_shared > 1:
        ahead = F.lead("pos", settings.min_shared - 1).over(Window.partitionBy("a", "b").orderBy("pos"))
        shared = shared.withColumn("ahead", ahead).where(F.col("ahead") - F.col("pos") < settings.window)
    return shared.select("a", "b").distinct().rdd.map(lambda r: (r["a"], r["b"]))


def run(paths, out: str | Path, settings: Settings = Settings(), mapping: dict | None = None,
        spark=None, master: str = "local[*]") -> dict:
    """Run the whole pipeline on Spark and write its tables as Parquet folders in ``out``."""
    spark = spark or session(master)
    sc = spark.sparkContext
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    clock = time.perf_counter()
    seconds: dict[str, float] = {}
    mapping = mapping or {}
    alias_files = tuple(settings.aliases)

    # Articles: one per id (the first read wins, as in the store), exact duplicates linked
    # to the earliest published copy, then the smallest id.
    items = _records(spark, paths, mapping, settings.on_error).cache()
    errors = items.filter(lambda i: isinstance(i, InputError))
    if settings.on_error == "raise":
        first = errors.take(1)
        if first:
            raise first[0]
    skips = [(e.file, e.line, e.problem) for e in errors.collect()]
    by_id = items.filter(lambda i: isinstance(i, Article)).map(lambda a: (a.id, a))
    chosen = by_id.reduceByKey(_first_by_origin)
    conflicts = (by_id.join(chosen).filter(lambda kv: kv[1][0].origin != kv[1][1].origin
                                           and text_hash(kv[1][0].text) != text_hash(kv[1][1].text))
                 .map(lambda kv: (kv[1][0].origin.file, kv[1][0].origin.line,
                                  f"id {kv[0]!r} was already read from {kv[1][1].origin.file} with another "
                                  "text; give this article another id")).collect())
    skips.extend(conflicts)
    hashed = chosen.map(lambda kv: (text_hash(kv[1].text), kv[1])).cache()
    canonical = hashed.reduceByKey(
        lambda x, y: min(x, y, key=lambda a: canonical_order(a.published, a.id))).mapValues(lambda a: a.id)
    articles = hashed.join(canonical).map(
        lambda kv: (kv[1][0], kv[0], None if kv[1][1] == kv[1][0].id else kv[1][1])).cache()
    stored = articles.filter(lambda r: r[2] is None).map(lambda r: r[0])  # one article per distinct text
    distinct = stored.map(lambda a: (a.id, a.text)).cache()
    n_distinct = distinct.count()
    seconds["articles"] = round(time.perf_counter() - clock, 3)

    # Shingles, then candidates from a distributed inverted index.
    clock = time.perf_counter()
    index = shingle_index(spark, distinct, settings).cache()
    held = held_shingles(index).cache()
    dates = stored.map(lambda a: (a.id, a.published))
    candidates = candidate_pairs(spark, index, held, settings, n_distinct, dates).cache()
    n_candidates = candidates.count()
    seconds["candidates"] = round(time.perf_counter() - clock, 3)

    # Alignment: pairs meet their texts, grouped by the first article so its tokens are
    # made once per partition run.
    clock = time.perf_counter()
    with_texts = (candidates.join(distinct)                      # (a, (b, text_a))
                  .map(lambda kv: (kv[1][0], (kv[0], kv[1][1])))  # (b, (a, text_a))
                  .join(distinct)                                 # (b, ((a, text_a), text_b))
                  .map(lambda kv: (kv[1][0][0], (kv[1][0][1], kv[0], kv[1][1]))))

    def align_partition(rows):
        documents = DocumentCache(settings.align_cache, _aliases(alias_files))
        for a_id, (a_text, b_id, b_text) in rows:
            for al in align(documents.get(a_id, lambda t=a_text: t), documents.get(b_id, lambda t=b_text: t), settings):
                yield passage_row(al)

    # Few, large partitions: each keeps a cache of tokenized articles, and partners recur.
    passages = (with_texts.repartitionAndSortWithinPartitions(numPartitions=sc.defaultParallelism,
                                                              keyfunc=lambda k: k)
                .mapPartitions(align_partition).cache())
    passage_rows = passages.collect()
    seconds["align"] = round(time.perf_counter() - clock, 3)

    # Provenance on the driver, from the passages without their words (fetched when needed).
    clock = time.perf_counter()
    meta_rows = articles.map(lambda r: (r[0].id, r[0].published, r[0].source, len(r[0].text), r[2],
                                        spin_hints(r[0].text, _aliases(alias_files)))).collect()
    meta = {i: ArticleMeta(i, pub, src, length) for i, pub, src, length, _, _ in meta_rows}
    hints = {i: h for i, *_, h in meta_rows}
    duplicates: dict[str, list[str]] = defaultdict(list)
    for i, *_, dup_of, _ in meta_rows:
        if dup_of:
            duplicates[dup_of].append(i)
    alignments, ops_of = [], {}
    for r in passage_rows:
        al = Alignment(Span(r[0], r[1], r[2]), Span(r[3], r[4], r[5]), r[6], r[7], r[8], r[9], r[10], r[11])
        alignments.append(al)
        ops_of[al.a, al.b] = r[12]

    def lookup(a: Span, b: Span):
        found = ops_of.get((a, b))
        return tuple(WordOp(*o) for o in json.loads(found)) if found else None

    words = stored_words(lookup, duplicates)
    frequency = phrase_frequency(shingle_counts(held), settings, words)
    expanded = with_duplicates(alignments, duplicates, {i: m.length for i, m in meta.items()})
    clusters, signals = trace(meta, expanded, settings.recycled_days, settings.link_chars, words, frequency)
    provenance = provenance_rows(clusters, signals, hints, None)
    seconds["provenance"] = round(time.perf_counter() - clock, 3)

    # Output.
    clock = time.perf_counter()
    _write(spark, articles.map(lambda r: (r[0].id, r[0].url, r[0].source, r[0].title, r[0].published,
                                          r[0].language, r[0].text, r[1], r[2], r[0].origin.file,
                                          r[0].origin.line)), out / "articles", "articles", _ARTICLE_COLUMNS)
    _write(spark, sc.parallelize(skips, 1), out / "skips", "skips", ("file", "line", "reason"))
    _write(spark, candidates, out / "compared", "compared_pairs", ("a_article", "b_article"))
    _write(spark, passages, out / "passages", "alignments", PASSAGE_COLUMNS)
    for table, columns in PROVENANCE_COLUMNS.items():
        _write(spark, sc.parallelize(provenance[table], 4), out / table, table, columns)
    seconds["write"] = round(time.perf_counter() - clock, 3)
    summary = {"articles": articles.count(), "distinct": n_distinct, "skipped": len(skips),
               "candidate_pairs": n_candidates, "passages": len(passage_rows), "clusters": len(clusters),
               "seconds": seconds}
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary


def _write(spark, rdd, path: Path, table: str, columns) -> None:
    """Write rows of ``columns`` of the store table ``table`` as a Parquet folder, typed as
    the store declares them."""
    types = column_types(table)
    spark_type = {"INTEGER": "long", "REAL": "double"}
    schema = ", ".join(f"{c} {spark_type.get(types[c], 'string')}" for c in columns)
    spark.createDataFrame(rdd.map(tuple), schema).write.mode("overwrite").parquet(str(path))


# --- loading -----------------------------------------------------------------------------

def _read_table(out: Path, table: str) -> list[dict]:
    import pyarrow.parquet as pq

    path = out / table
    if not path.exists():
        raise NewstraceError(f"{path}: no such table; is {out} the output of 'newstrace run --engine spark'?")
    return pq.read_table(str(path)).to_pylist()


def load(out: str | Path, store: Store, batch_size: int = 500) -> dict:
    """Bring a Spark run's Parquet output into ``store``: articles, passages, compared pairs,
    clusters and signals (replacing the store's provenance)."""
    out = Path(out)
    summary = IngestSummary()
    rows = sorted(_read_table(out, "articles"), key=lambda r: r["id"])
    for k in range(0, len(rows), batch_size):
        store.add_batch([Article(id=r["id"], text=r["text"], title=r["title"] or "", url=r["url"],
                                 source=r["source"], published=r["published"], language=r["language"],
                                 origin=Origin(r["origin_file"] or "", r["origin_line"]))
                         for r in rows[k:k + batch_size]], None, summary)
    store.add_batch([Skip(r["file"], r["line"], r["reason"]) for r in _read_table(out, "skips")], None, summary)
    compared = [(r["a_article"], r["b_article"]) for r in _read_table(out, "compared")]
    passages = [tuple(r[c] for c in PASSAGE_COLUMNS) for r in _read_table(out, "passages")]
    store.add_alignments(compared, passages, None)
    store.replace_provenance_rows({table: [tuple(r[c] for c in columns) for r in _read_table(out, table)]
                                   for table, columns in PROVENANCE_COLUMNS.items()})
    return {**summary.as_dict(), "passages": len(passages), "clusters": store.count("clusters")}
