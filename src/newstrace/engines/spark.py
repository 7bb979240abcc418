"""The Apache Spark engine: the local engine's stages as Spark jobs, writing Parquet.

``run`` reads JSON Lines or Parquet (any other format the local readers know is read on
the driver), and runs the same stage functions as the local engine: records become
articles with the same readers, exact duplicates are linked the same way, shingles come
from :func:`~newstrace.candidates.shingles`, candidate pairs come from the stage functions
of :func:`~newstrace.candidates.find_candidates` run on partitions of a distributed
inverted index (by hash, then by pair), pairs are aligned with
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
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..align import Document, DocumentCache
from ..candidates import df_cutoff, pair_occurrences, phrase_frequency, postings, windowed_pairs
from ..dates import canonical_order
from ..errors import InputError, NewstraceError, require_extra
from ..ingest import read_articles
from ..ingest.records import ReadSettings
from ..ingest.readers import parse_jsonl_line, record_article
from ..model import Article, IngestSummary, Origin, Skip, Span, WordOp
from ..normalize import WordColumns, load_aliases, text_hash
from ..pipeline.stages import (align_pairs, article_facts, group_profiles, provenance, reprint_pairs, story_profile,
                               story_records, text_shingles)
from ..settings import Settings
from ..stories import Profiles, Weights
from ..store import (PASSAGE_COLUMNS, PROVENANCE_TABLES, STORY_TABLES, Store, column_kinds, columns, passage,
                     provenance_rows, story_rows)

TABLES = ("articles", "skips", "compared", "passages", "clusters", "cluster_spans", "copy_edges", "signals")
# How many first articles a partition of the alignment stage aligns at most (it holds the
# texts of their pairs).
_ARTICLES_PER_ALIGN_PARTITION = 20_000
_ARTICLE_COLUMNS = ("id", "url", "source", "title", "published", "language", "text", "text_hash",
                    "duplicate_of", "origin_file", "origin_line")


def _require_spark():
    require_extra("pyspark", "the Spark engine", "spark")


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
            .config("spark.sql.shuffle.partitions", "4")
            .getOrCreate())


def _story_profiles(articles, alias_files, settings: Settings):
    """A partition's articles' story profiles, the matrix products on one thread (Spark runs a
    partition on each core)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        for a in articles:
            yield story_profile(a.id, a.text, a.title, a.published, _aliases(alias_files), settings)


@lru_cache(maxsize=4)
def _aliases(files: tuple[str, ...]):
    """The alias table, loaded once per executor process."""
    return load_aliases(files)


# --- reading ------------------------------------------------------------------------------

def _files(paths, unreadable: list[InputError]) -> list[Path]:
    from ..ingest import _files as walk

    found = []
    for root in paths:
        root = Path(root)
        if not root.exists():
            raise InputError(str(root), None, "no such file or folder")
        found.extend(walk(root, unreadable))
    return found


def _records(spark, paths, mapping: dict, on_error: str, reading: ReadSettings = ReadSettings()):
    """An RDD of Articles and InputErrors from every input file (and every folder that
    cannot be read)."""
    sc = spark.sparkContext
    parts = []
    unreadable: list[InputError] = []
    for file in _files(paths, unreadable):
        name = file.name.removesuffix(".gz")
        where = str(file)
        if name.endswith((".jsonl", ".ndjson")):
            parts.append(sc.textFile(where).zipWithIndex()
                         .map(lambda li, where=where: parse_jsonl_line(li[0], where, li[1] + 1, mapping, reading))
                         .filter(lambda item: item is not None))
        elif name.endswith(".parquet"):
            parts.append(spark.read.parquet(where).rdd.zipWithIndex()
                         .map(lambda ri, where=where: record_article(ri[0].asDict(), where, ri[1] + 1, mapping, reading)))
        else:  # small formats (text files, CSV, HTML) are read on the driver by the local readers
            parts.append(sc.parallelize([InputError(i.file, i.line, i.reason) if isinstance(i, Skip) else i
                                         for i in read_articles([file], mapping, on_error, reading)], 1))
    if unreadable:
        parts.append(sc.parallelize(unreadable, 1))
    return sc.union(parts) if parts else sc.parallelize([])


def _first_read(same_id) -> tuple[Article, list[tuple]]:
    """Of the articles read with one id, the first read (by file and line), as the store
    keeps it, and a skip record for each other one with another text."""
    first, *others = sorted(same_id, key=lambda a: (a.origin.file, a.origin.line or 0))
    conflicts = [(a.origin.file, a.origin.line, f"id {a.id!r} was already read from {first.origin.file} with "
                  "another text; give this article another id")
                 for a in others if a.origin != first.origin and text_hash(a.text) != text_hash(first.text)]
    return first, conflicts


def _linked_copies(digest: str, copies) -> list[tuple[Article, str, str | None]]:
    """Exact copies of one text as (article, text hash, the stored copy's id or None for
    the stored copy itself): the earliest published, then the smallest id, is stored."""
    stored = min(copies, key=lambda a: canonical_order(a.published, a.id)).id
    return [(a, digest, None if a.id == stored else stored) for a in copies]


# --- the run ----------------------------------------------------------------------------

class _PartitionWorker:
    """What an aligning stage may ask of the process running it
    (:class:`~newstrace.pipeline.stages.Worker`), over the texts its partition was sent."""

    def __init__(self, settings: Settings, texts: dict[str, str]):
        self.settings = settings
        self.aliases = _aliases(tuple(settings.aliases))
        self.documents = DocumentCache(settings.align_cache)
        self.texts = texts
        self.context = None

    def text(self, article_id: str) -> str:
        return self.texts[article_id]

    def words(self, article_id: str) -> tuple[str, WordColumns]:
        return self.texts[article_id], WordColumns.of(self.texts[article_id], self.aliases)

    def document(self, article_id: str):
        return self.documents.get(article_id, lambda: Document.from_text(article_id, self.texts[article_id],
                                                                          self.aliases))


def _shingle_batches(ngram: int, alias_files: tuple[str, ...]):
    """For ``mapInArrow``: Arrow batches of (article, published, text) to batches of the
    articles' shingles, one row each (hash, article, published, position), as
    :func:`shingles` makes them."""

    def shingle(batches):
        import pyarrow as pa

        aliases = _aliases(alias_files)
        for batch in batches:
            hashes, positions = [], []
            for text in batch.column("text").to_pylist():
                h, p = text_shingles(text, aliases, ngram)
                hashes.append(h.view(np.int64))
                positions.append(p.astype(np.int64))
            rows = pa.array(np.repeat(np.arange(batch.num_rows), [len(h) for h in hashes]))
            yield pa.RecordBatch.from_arrays(
                [pa.array(np.concatenate(hashes) if hashes else np.zeros(0, np.int64)),
                 batch.column("article").take(rows), batch.column("published").take(rows),
                 pa.array(np.concatenate(positions) if positions else np.zeros(0, np.int64))],
                names=["hash", "article", "published", "position"])
    return shingle


def shingle_index(spark, texts, settings: Settings):
    """The inverted index of the collection's shingles as a DataFrame (hash, article,
    published, position), partitioned by hash, from an RDD of (article number, published
    date or None, text), articles numbered in id order: shingles are made on the executors
    and cross to the JVM as Arrow batches (hashes as signed 64-bit numbers)."""
    frame = spark.createDataFrame(texts, "article long, published string, text string")
    return frame.mapInArrow(_shingle_batches(settings.ngram, tuple(settings.aliases)),
                            "hash long, article long, published string, position long").repartition("hash")


def held_shingles(index):
    """The shingles two articles or more hold, with how many: (hash, count), from the
    index, for the phrase frequencies."""
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


def _whole_partition(batches):
    """All of a partition's Arrow batches as one table, or None when there are none."""
    import pyarrow as pa

    batches = list(batches)
    return pa.Table.from_batches(batches) if batches and any(b.num_rows for b in batches) else None


def _occurrence_batches(cutoff: int, max_partners: int):
    """For ``mapInArrow`` over the index partitioned by hash: each partition's postings
    (all holders of its hashes) to their shared-shingle occurrences (a, b, position).

    A shingle's holders are taken by publication date (undated last), then number (id
    order), as :func:`find_candidates` takes them: the age of a row here is its rank in
    the partition in that order, which orders any shingle's holders the same way."""

    def occurrences(batches):
        import pyarrow as pa

        table = _whole_partition(batches)
        if table is None:
            return
        hashes, owners, positions = (table.column(c).to_numpy() for c in ("hash", "article", "position"))
        published = table.column("published").to_numpy(zero_copy_only=False)
        dated = np.not_equal(published, None)
        dates, date_rank = np.unique(published[dated].astype(str), return_inverse=True)
        when = np.full(len(published), len(dates), dtype=np.int64)  # undated after every date
        when[dated] = date_rank.reshape(-1)
        age = np.empty(len(owners), np.int64)
        age[np.lexsort((owners, when))] = np.arange(len(owners))
        a, b, pos = pair_occurrences(postings(hashes, owners, age, positions, cutoff), max_partners)
        yield pa.RecordBatch.from_arrays([pa.array(a), pa.array(b), pa.array(pos)], names=["a", "b", "position"])
    return occurrences


def _window_batches(settings: Settings):
    """For ``mapInArrow`` over occurrences partitioned by pair: the pairs that pass the window test."""

    def windowed(batches):
        import pyarrow as pa

        table = _whole_partition(batches)
        if table is None:
            return
        a, b = windowed_pairs(*(table.column(c).to_numpy() for c in ("a", "b", "position")), settings)
        yield pa.RecordBatch.from_arrays([pa.array(a), pa.array(b)], names=["a", "b"])
    return windowed


def candidate_pairs(index, settings: Settings, n_articles: int):
    """The candidate stage on Spark, with the local stage functions: a DataFrame of (a, b)
    article numbers, ``a < b``, from the index :func:`shingle_index` makes.

    The index is partitioned by hash, so each partition holds whole postings lists, from
    which :func:`~newstrace.candidates.postings` and
    :func:`~newstrace.candidates.pair_occurrences` make the shared-shingle occurrences
    (dropping shingles in one article only or above the cutoff, pairing a shingle's
    holders as :func:`find_candidates` does); those are partitioned by pair, so each
    partition holds all of a pair's occurrences for
    :func:`~newstrace.candidates.windowed_pairs`. The index must be partitioned by hash
    (as :func:`shingle_index` gives it): that shuffle serves :func:`held_shingles` too.
    """
    occurrences = index.mapInArrow(
        _occurrence_batches(df_cutoff(settings, n_articles), settings.max_partners),
        "a long, b long, position long")
    return occurrences.repartition("a", "b").mapInArrow(_window_batches(settings), "a long, b long")


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
    items = _records(spark, paths, mapping, settings.on_error, ReadSettings.of(settings)).cache()
    errors = items.filter(lambda i: isinstance(i, InputError)).collect()
    if errors and settings.on_error == "raise":
        raise errors[0]
    skips = [(e.file, e.line, e.problem) for e in errors]
    by_id = (items.filter(lambda i: isinstance(i, Article)).map(lambda a: (a.id, a)).groupByKey()
             .map(lambda kv: _first_read(kv[1])).cache())
    skips.extend(conflict for conflicts in by_id.values().filter(bool).collect() for conflict in conflicts)
    articles = (by_id.map(lambda chosen: (text_hash(chosen[0].text), chosen[0])).groupByKey()
                .flatMap(lambda kv: _linked_copies(*kv)).cache())  # (article, text hash, duplicate of)
    stored = articles.filter(lambda r: r[2] is None).map(lambda r: r[0])  # one article per distinct text
    # Numbered in id order, as the candidate stage numbers them: (number, article).
    # (Several partitions a core: tokenizing a partition takes long, and they differ in size.)
    numbered = (stored.sortBy(lambda a: a.id, numPartitions=4 * sc.defaultParallelism).zipWithIndex()
                .map(lambda r: (r[1], r[0])).cache())
    n_distinct = numbered.count()
    seconds["articles"] = round(time.perf_counter() - clock, 3)

    # Shingles, then candidates from a distributed inverted index, partitioned by hash
    # once for the pairs and the phrase frequencies.
    clock = time.perf_counter()
    index = shingle_index(spark, numbered.map(lambda kv: (kv[0], kv[1].published, kv[1].text)), settings).cache()
    candidates = candidate_pairs(index, settings, n_distinct).rdd.map(tuple).cache()
    n_candidates = candidates.count()
    seconds["candidates"] = round(time.perf_counter() - clock, 3)

    # Alignment in partitions of pairs (by first article), each sent the texts its pairs
    # need once, not once per pair: a text crosses the network about once per partition.
    clock = time.perf_counter()
    parts = max(sc.defaultParallelism, n_distinct // _ARTICLES_PER_ALIGN_PARTITION)
    texts = numbered.mapValues(lambda a: (a.id, a.text))
    needed = candidates.flatMap(lambda ab: ((ab[0], ab[0] % parts), (ab[1], ab[0] % parts))).distinct()
    sent = needed.join(texts).map(lambda kv: (kv[1][0], (kv[0], kv[1][1])))  # (part, (number, (id, text)))
    work = candidates.map(lambda ab: (ab[0] % parts, ab)).union(sent)

    def align_partition(rows):
        found, pairs = {}, []
        for _, row in rows:  # a text (number, (id, text)) or a pair (a, b)
            if isinstance(row[1], tuple):
                found[row[0]] = row[1]
            else:
                pairs.append(row)
        worker = _PartitionWorker(settings, {i: text for i, text in found.values()})
        for a, b in sorted(pairs):  # a first article's pairs together: its tokens are made once
            a_id, b_id = found[a][0], found[b][0]
            yield a_id, b_id, align_pairs(worker, [(a_id, b_id)])

    aligned = work.partitionBy(parts, lambda part: part).mapPartitions(align_partition).cache()
    compared = aligned.map(lambda r: (r[0], r[1]))
    passages = aligned.flatMap(lambda r: r[2])
    passage_rows = passages.collect()
    seconds["align"] = round(time.perf_counter() - clock, 3)

    # Provenance on the driver, from the passages without their words (fetched when needed).
    clock = time.perf_counter()
    facts = dict(articles.map(lambda r: (r[0].id, article_facts(r[0], _aliases(alias_files)))).collect())
    duplicate_of = dict(articles.map(lambda r: (r[0].id, r[2])).collect())
    alignments, ops_of = [], {}
    for r in passage_rows:
        al = passage(r)
        alignments.append(al)
        ops_of[al.a, al.b] = r[12]

    def words(a: Span, b: Span):
        found = ops_of.get((a, b))
        return tuple(WordOp(*o) for o in json.loads(found)) if found else None

    def texts(ids: set[str]) -> dict[str, str]:
        wanted = spark.sparkContext.broadcast(frozenset(ids))
        return dict(articles.filter(lambda r: r[0].id in wanted.value).map(lambda r: (r[0].id, r[0].text)).collect())

    clusters, signals, hints = provenance(facts, duplicate_of, alignments, words,
                                          phrase_frequency(shingle_counts(held_shingles(index)), settings), texts,
                                          settings)
    rows = provenance_rows(clusters, signals, hints, None)
    seconds["provenance"] = round(time.perf_counter() - clock, 3)

    # Stories: each article's profile made where it is, the grouping on the driver, as the
    # local engine groups a whole store.
    clock = time.perf_counter()
    region, packed = Profiles(), {}
    for p in stored.mapPartitions(lambda rows: _story_profiles(rows, alias_files, settings)).toLocalIterator():
        region.add(p)
        packed[p.article] = p.packed()
    words = region.document_frequency()
    reprints = reprint_pairs(([s.article for s in c.spans], [(e.child, e.parent) for e in c.edges if e.parent])
                             for c in clusters if c.kind == "reuse")
    vectors, terms, links = group_profiles(region, Weights(words, len(region)), reprints)
    distinct = dict(zip(vectors.articles, vectors.published))
    copies = {i: (of, facts[i].meta.published) for i, of in duplicate_of.items() if of}
    made = story_records(vectors, links, distinct, copies, {})
    del region, vectors
    rows.update(story_rows(made, terms, words, packed, None))
    seconds["stories"] = round(time.perf_counter() - clock, 3)

    # Output.
    clock = time.perf_counter()
    _write(spark, articles.map(lambda r: (r[0].id, r[0].url, r[0].source, r[0].title, r[0].published,
                                          r[0].language, r[0].text, r[1], r[2], r[0].origin.file,
                                          r[0].origin.line)), out / "articles", "articles", _ARTICLE_COLUMNS)
    _write_local([{"file": f, "line": line, "reason": why} for f, line, why in skips], out / "skips", "skips")
    _write(spark, compared, out / "compared", "compared_pairs", ("a_article", "b_article"))
    _write(spark, passages, out / "passages", "alignments", PASSAGE_COLUMNS)
    for table in PROVENANCE_TABLES + STORY_TABLES:
        _write_local(rows[table], out / table, table)
    seconds["write"] = round(time.perf_counter() - clock, 3)
    summary = {"articles": articles.count(), "distinct": n_distinct, "skipped": len(skips),
               "candidate_pairs": n_candidates, "passages": len(passage_rows), "clusters": len(clusters),
               "stories": len(made), "seconds": seconds}
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary


def _write(spark, rdd, path: Path, table: str, names) -> None:
    """Write rows of the columns ``names`` of the store table ``table`` as a Parquet folder,
    typed as the store declares them."""
    kinds = column_kinds(table)
    spark_type = {"int": "long", "real": "double"}
    schema = ", ".join(f"{c} {spark_type.get(kinds[c], 'string')}" for c in names)
    spark.createDataFrame(rdd.map(tuple), schema).write.mode("overwrite").parquet(str(path))


def _write_local(rows: list[dict], path: Path, table: str) -> None:
    """Write rows (by column name) the driver holds (skips, provenance) as a Parquet folder
    of one file, as :func:`_write` types them, without a Spark job: they are written where
    summary.json is."""
    import shutil

    import pyarrow as pa
    import pyarrow.parquet as pq

    kinds = column_kinds(table)
    arrow_type = {"int": pa.int64(), "real": pa.float64(), "blob": pa.binary()}
    schema = pa.schema([(c, arrow_type.get(kinds[c], pa.string())) for c in columns(table, keys=False)])
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist(rows, schema), str(path / "part-0.parquet"))


# --- loading -----------------------------------------------------------------------------

def _read_table(out: Path, table: str) -> list[dict]:
    import pyarrow.parquet as pq

    path = out / table
    if not path.exists():
        raise NewstraceError(f"{path}: no such table; is {out} the output of 'newstrace run --engine spark'?")
    return pq.read_table(str(path)).to_pylist()


def load(out: str | Path, store: Store, batch_size: int = 500) -> dict:
    """Bring a Spark run's Parquet output into ``store``: articles, passages, compared pairs,
    clusters and signals (replacing the store's provenance), stories (replacing its stories)."""
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
    store.replace_provenance_rows({table: _read_table(out, table) for table in PROVENANCE_TABLES})
    store.replace_story_rows({table: _read_table(out, table) for table in STORY_TABLES},
                             len(store.publication_dates()))
    return {**summary.as_dict(), "passages": len(passages), "clusters": store.count("clusters"),
            "stories": store.count("stories")}
