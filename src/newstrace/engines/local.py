"""The local engine: ingest into the store, then find and align candidate pairs on every core.

Workers only compute (tokens, shingles, alignments); the driver alone writes to
the store, one transaction per batch, so an interrupted run keeps what it
committed and a rerun picks up where it stopped.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice

import numpy as np

from ..align import Document, DocumentCache, align
from ..candidates import find_candidates_in_parts, shingles
from ..evidence import ArticleEvidence, read_evidence
from ..errors import InputError
from ..ingest import read_articles
from ..normalize import joined_lines, load_aliases, spin_hints, token_columns
from ..provenance import (ArticleMeta, judge_passages, phrase_frequency, shingle_frequency, stored_words, trace,
                          with_duplicates)
from ..quotes import ParsedArticle, engine_name, extract_quotes, group_quotes, statements
from ..settings import Settings
from ..store import IngestSummary, Store, canonical_order, open_store, passage_row

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int | None], None]


def _quiet(stage: str, done: int, total: int | None) -> None:
    pass


def batches(items: Iterable, size: int) -> Iterator[list]:
    """Lists of up to ``size`` items, in order."""
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def ingest(store: Store, paths, settings: Settings = Settings(), mapping: dict | None = None,
           progress: Progress = _quiet, run_id: int | None = None) -> IngestSummary:
    """Read ``paths`` into the store, one transaction per batch.

    With ``settings.on_error == "raise"`` the first bad item raises InputError,
    after the articles read before it are committed.
    """
    summary = IngestSummary()
    batch: list = []
    done = 0
    try:
        for item in read_articles(paths, mapping, settings.on_error):
            batch.append(item)
            if len(batch) >= settings.batch_size:
                store.add_batch(batch, run_id, summary)
                done += len(batch)
                batch = []
                progress("ingest", done, None)
    except InputError:
        store.add_batch(batch, run_id, summary)
        raise
    store.add_batch(batch, run_id, summary)
    progress("ingest", done + len(batch), done + len(batch))
    return summary


@dataclass(slots=True)
class DetectSummary:
    """What one detection run did, and the seconds each stage took."""

    articles: int = 0
    candidates: int = 0
    compared: int = 0
    passages: int = 0
    index_passes: int = 1  # passes over hash ranges the candidate index took (candidate_memory_mb)
    seconds: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"articles": self.articles, "candidate_pairs": self.candidates,
                "pairs_aligned": self.compared, "passages": self.passages}


# Worker state, set in the driver before the pool forks: the settings, the alias table,
# and where the texts are. Workers read the texts they need from the store themselves
# (each process its own read-only connection), so no process holds the collection.
_worker: dict = {}


def _setup(settings: Settings, store_path: str) -> None:
    aliases = load_aliases(settings.aliases)
    _worker.update(settings=settings, aliases=aliases, store_path=store_path, store=None, pid=None,
                   documents=DocumentCache(settings.align_cache, aliases))


def _text(article_id: str) -> str:
    if _worker["pid"] != os.getpid():  # a forked worker opens its own connection
        _worker["store"], _worker["pid"] = open_store(_worker["store_path"], read_only=True), os.getpid()
    return _worker["store"].article(article_id).text


def _document(article_id: str) -> Document:
    """A worker's tokenized article (partners recur across pairs: see DocumentCache)."""
    return _worker["documents"].get(article_id, lambda: _text(article_id))


def _prepare(article_id: str) -> tuple[str, tuple[np.ndarray, np.ndarray]]:
    """Stage: one article's shingles."""
    keys = token_columns(_text(article_id), _worker["aliases"])[2]
    return article_id, shingles(keys, _worker["settings"].ngram)


def _align_group(group: tuple[str, list[tuple[str, str]]]) -> list[tuple]:
    """Stage: align an article's candidate pairs; the passages as store rows."""
    return [passage_row(al) for a, b in group[1] for al in align(_document(a), _document(b), _worker["settings"])]


def _by_later_article(pairs, published: dict[str, str | None]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Candidate pairs grouped by their later-published article, the groups in order of
    publication (an article's partners are mostly printed shortly before it)."""
    when = {i: canonical_order(date, i) for i, date in published.items()}
    groups: dict[str, list[tuple[str, str]]] = {}
    for c in pairs:
        groups.setdefault(max(c.a, c.b, key=when.__getitem__), []).append((c.a, c.b))
    return sorted(groups.items(), key=lambda g: when[g[0]])


def _die_with_parent(parent: int) -> None:
    """A worker ends when its driver does, even killed (SIGKILL leaves it no time to stop
    its pool): Linux sends the worker SIGKILL then (elsewhere, without prctl, it may outlive
    a killed driver)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the driver ended before the line above took effect
        os._exit(1)


def _map(fn, items: list, settings: Settings, store: Store, chunksize: int = 1) -> Iterator:
    workers = settings.workers or os.cpu_count() or 1
    _setup(settings, store.path)
    if workers <= 1 or len(items) < 2 * workers:
        yield from map(fn, items)
        return
    # fork: workers start with the driver's state (settings, alias table) set up.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_die_with_parent,
                             initargs=(os.getpid(),)) as pool:
        yield from pool.map(fn, items, chunksize=chunksize)


def detect_reuse(store: Store, settings: Settings = Settings(), progress: Progress = _quiet,
                 run_id: int | None = None) -> DetectSummary:
    """Find candidate pairs among the store's distinct articles and align those not yet compared."""
    summary = DetectSummary()
    clock = time.perf_counter()
    published = store.publication_dates()
    summary.articles = len(published)
    config = _shingle_config(settings)
    done = store.shingled(config)
    todo = [i for i in published if i not in done]
    for batch in batches(_map(_prepare, todo, settings, store, chunksize=16), settings.batch_size):
        store.add_shingles(batch, config)
        done.update(i for i, _ in batch)
        progress("shingle", len(done), len(published))
    del done
    summary.seconds["shingles"] = round(time.perf_counter() - clock, 3)
    clock = time.perf_counter()
    # The index is read from the store, in as many passes over hash ranges as it takes to
    # stay within candidate_memory_mb (occurrences spilled to a temporary folder between).
    budget = max(1, settings.candidate_memory_mb) << 20
    hash_parts = summary.index_passes = max(1, -(-store.shingle_count(config) * _INDEX_BYTES_PER_SHINGLE // budget))
    with tempfile.TemporaryDirectory(prefix="newstrace-candidates-") as spill:
        found = find_candidates_in_parts(lambda: store.stream_shingles(config), sorted(published), published,
                                         settings, hash_parts, spill)
    compared = store.compared()
    pairs = [c for c in found if (c.a, c.b) not in compared]
    del found, compared  # the aligning workers, forked next, need none of it
    summary.candidates = len(pairs)
    summary.seconds["candidates"] = round(time.perf_counter() - clock, 3)
    clock = time.perf_counter()
    groups = _by_later_article(pairs, published)
    del pairs, published
    # Shards: runs of groups in order of publication, one to a worker at a time. A shard's
    # pairs draw on articles of a few days (partners are mostly printed shortly before),
    # so each worker tokenizes mostly its own shards' articles, not the whole collection;
    # a shard's passages are committed together, and a rerun resumes after the last one.
    workers = settings.workers or os.cpu_count() or 1
    shard = max(1, min(settings.batch_size, len(groups) // (8 * workers)))
    for batch_groups, results in _zip_batches(groups, _map(_align_group, groups, settings, store, shard), shard):
        done_pairs = [pair for _, pairs_of in batch_groups for pair in pairs_of]
        found = [row for r in results for row in r]
        store.add_alignments(done_pairs, found, run_id)
        summary.compared += len(done_pairs)
        summary.passages += len(found)
        progress("align", summary.compared, summary.candidates)
    summary.seconds["align"] = round(time.perf_counter() - clock, 3)
    return summary


# Memory per shingle of the index while one pass over its hash range builds postings: the
# stored hash and position, the hashes' concatenation, their sort and counts, the kept ones.
_INDEX_BYTES_PER_SHINGLE = 40


def _shingle_config(settings: Settings) -> str:
    return f"n={settings.ngram};aliases={','.join(settings.aliases)}"


def trace_provenance(store: Store, settings: Settings = Settings(), run_id: int | None = None
                     ) -> dict:
    """Build reuse clusters, copy trees and signals from the stored passages and store them.

    An exact duplicate shares every passage of the copy it duplicates, and the whole
    text with it.
    """
    meta: dict[str, ArticleMeta] = {}
    hints: dict[str, list] = {}
    evidence: dict[str, ArticleEvidence] = {}
    duplicates: dict[str, list[str]] = defaultdict(list)
    aliases = load_aliases(settings.aliases)
    for article in store.articles():
        meta[article.id] = ArticleMeta(article.id, article.published, article.source, len(article.text))
        canonical = store.duplicate_of(article.id)
        if canonical:
            duplicates[canonical].append(article.id)
        hints[article.id] = spin_hints(article.text, aliases)
        evidence[article.id] = read_evidence(article.text, article.published)
    alignments = store.alignments(words=False)
    expanded = with_duplicates(alignments, duplicates, {i: m.length for i, m in meta.items()})
    words = stored_words(store.alignment_words, duplicates)
    clusters, signals = trace(meta, expanded, settings.recycled_days, settings.link_chars, words,
                              _phrase_counts(store, settings), evidence, _texts(store))
    store.replace_provenance(clusters, signals, hints, run_id)
    return {"clusters": len(clusters)}


def judged_alignments(store: Store, settings: Settings = Settings()) -> list[tuple]:
    """Every stored passage with its judgement (copy, phrase, formula, template, quotation; see
    :mod:`newstrace.significance`), against the whole collection's phrase frequencies."""
    alignments = store.alignments()
    evidence = {a.id: read_evidence(a.text, a.published) for a in store.articles()}
    judged, _ = judge_passages(alignments, frequencies=_phrase_counts(store, settings), evidence=evidence,
                               texts=_texts(store))
    return list(zip(alignments, judged))


def _texts(store: Store):
    """The texts of some articles of the store, by id."""
    return lambda ids: {i: a.text for i in sorted(ids) if (a := store.article(i)) is not None}


def _phrase_counts(store: Store, settings: Settings):
    """How many of the store's articles hold the key n-grams around each word of a passage
    (:func:`~newstrace.provenance.phrase_frequency`)."""
    return phrase_frequency(shingle_frequency([h for _, h, _ in store.stream_shingles(_shingle_config(settings))]),
                            settings)


def collect_quotes(store: Store, parser=None) -> dict:
    """Extract every article's quotations, link them across the collection, store them.
    With a spaCy ``parser`` (:func:`newstrace.quotes.load_parser`) speakers come from
    the parse where it finds one, and the attributions without quotation marks
    (reported speech, stances, "according to") are stored too."""
    published: dict[str, str | None] = {}
    found, said = [], []
    for article in store.articles():
        published[article.id] = article.published
        # Paragraphs as extract_quotes reads them: a wrapped column's lines are none.
        flowing = joined_lines(article.text)
        parsed = ParsedArticle(parser, flowing) if parser is not None else None
        quotes = extract_quotes(article.id, article.text, parsed)
        found.extend(quotes)
        if parsed is not None:
            said.extend(statements(article.id, flowing, quotes, parsed))
    rows = []
    for group in group_quotes(found, published):
        for q, variant, reattributed in zip(group.members, group.variants, group.reattributed):
            rows.append((q.article, q.start, q.end, q.text, q.speaker, q.speaker_as_written, q.speaker_start,
                         q.speaker_end, q.how, q.cue, q.cue_start, q.cue_end, q.secondary_source, q.evidence,
                         group.quote_id, variant, int(q.article in group.first), int(reattributed),
                         int(group.conflicting)))
    rows.sort(key=lambda r: (r[0], r[1]))
    store.replace_quotes(rows)
    store.replace_statements([tuple(getattr(s, c) for c in store.STATEMENT_COLUMNS) for s in said])
    return {"quotes": len(rows), "statements": len(said), "quote_engine": engine_name(parser)}


def _zip_batches(groups: list, results: Iterator, size: int):
    for start in range(0, len(groups), size):
        chunk = groups[start : start + size]
        yield chunk, list(islice(results, len(chunk)))
