"""The local engine: ingest into the store, then find and align candidate pairs on every core.

Workers only compute (tokens, shingles, alignments); the driver alone writes to
the store, one transaction per batch, so an interrupted run keeps what it
committed and a rerun picks up where it stopped.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice

import numpy as np

from ..align import Document, DocumentCache, align
from ..candidates import find_candidates, shingles
from ..errors import InputError
from ..ingest import read_articles
from ..normalize import load_aliases, spin_hints, token_columns
from ..provenance import ArticleMeta, phrase_frequency, shingle_frequency, stored_words, trace, with_duplicates
from ..quotes import engine_name, extract_quotes, group_quotes
from ..settings import Settings
from ..store import IngestSummary, Store, passage_row

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
    seconds: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"articles": self.articles, "candidate_pairs": self.candidates,
                "pairs_aligned": self.compared, "passages": self.passages}


# Worker state, set in the driver before the pool forks so workers share it
# copy-on-write: the settings, the alias table and the texts of the collection.
_worker: dict = {}


def _setup(settings: Settings, texts: dict[str, str] | None = None) -> None:
    _worker["settings"] = settings
    _worker["aliases"] = load_aliases(settings.aliases)
    _worker["texts"] = texts or {}
    _worker["documents"] = DocumentCache(settings.align_cache, _worker["aliases"])


def _document(article_id: str) -> Document:
    """A worker's tokenized article (partners recur across pairs: see DocumentCache)."""
    return _worker["documents"].get(article_id, _worker["texts"][article_id])


def _prepare(article_id: str) -> tuple[str, tuple[np.ndarray, np.ndarray]]:
    """Stage: one article's shingles."""
    keys = token_columns(_worker["texts"][article_id], _worker["aliases"])[2]
    return article_id, shingles(keys, _worker["settings"].ngram)


def _align_group(group: tuple[str, list[str]]) -> list[tuple]:
    """Stage: align one article with each of its candidate partners; the passages as store rows."""
    a_id, partners = group
    a = _document(a_id)
    return [passage_row(al) for b_id in partners for al in align(a, _document(b_id), _worker["settings"])]


def _map(fn, items: list, settings: Settings, texts: dict[str, str], chunksize: int = 1) -> Iterator:
    workers = settings.workers or os.cpu_count() or 1
    _setup(settings, texts)
    if workers <= 1 or len(items) < 2 * workers:
        yield from map(fn, items)
        return
    # fork: workers inherit the texts instead of receiving them pickled, pair by pair.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        yield from pool.map(fn, items, chunksize=chunksize)


def detect_reuse(store: Store, settings: Settings = Settings(), progress: Progress = _quiet,
                 run_id: int | None = None) -> DetectSummary:
    """Find candidate pairs among the store's distinct articles and align those not yet compared."""
    summary = DetectSummary()
    clock = time.perf_counter()
    texts, published = {}, {}
    for article in store.articles(distinct_only=True):
        texts[article.id], published[article.id] = article.text, article.published
    summary.articles = len(texts)
    config = _shingle_config(settings)
    known = store.shingles(config)
    todo = [i for i in texts if i not in known]
    for batch in batches(_map(_prepare, todo, settings, texts, chunksize=16), settings.batch_size):
        store.add_shingles(batch, config)
        known.update(batch)
        progress("shingle", len(known), len(texts))
    summary.seconds["shingles"] = round(time.perf_counter() - clock, 3)
    clock = time.perf_counter()
    shingled = [(i, *known[i]) for i in sorted(texts)]
    compared = store.compared()
    pairs = [c for c in find_candidates(shingled, settings, published) if (c.a, c.b) not in compared]
    del shingled, known, compared, published  # the aligning workers, forked next, need none of it
    summary.candidates = len(pairs)
    summary.seconds["candidates"] = round(time.perf_counter() - clock, 3)
    clock = time.perf_counter()
    by_a: dict[str, list[str]] = {}
    for c in pairs:
        by_a.setdefault(c.a, []).append(c.b)
    groups = sorted(by_a.items())
    del pairs, by_a
    done = 0
    for batch_groups, results in _zip_batches(groups, _map(_align_group, groups, settings, texts), 64):
        done_pairs = [(a, b) for a, bs in batch_groups for b in bs]
        found = [al for r in results for al in r]
        store.add_alignments(done_pairs, found, run_id)
        summary.compared += len(done_pairs)
        summary.passages += len(found)
        done += len(batch_groups)
        progress("align", summary.compared, summary.candidates)
    summary.seconds["align"] = round(time.perf_counter() - clock, 3)
    return summary


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
    duplicates: dict[str, list[str]] = defaultdict(list)
    aliases = load_aliases(settings.aliases)
    for article in store.articles():
        meta[article.id] = ArticleMeta(article.id, article.published, article.source, len(article.text))
        canonical = store.duplicate_of(article.id)
        if canonical:
            duplicates[canonical].append(article.id)
        hints[article.id] = spin_hints(article.text, aliases)
    alignments = store.alignments(words=False)
    expanded = with_duplicates(alignments, duplicates, {i: m.length for i, m in meta.items()})
    words = stored_words(store.alignment_words, duplicates)
    frequency = phrase_frequency(shingle_frequency([h for h, _ in store.shingles(_shingle_config(settings)).values()]),
                                 settings, words)
    clusters, signals = trace(meta, expanded, settings.recycled_days, settings.link_chars, words, frequency)
    store.replace_provenance(clusters, signals, hints, run_id)
    return {"clusters": len(clusters)}


def collect_quotes(store: Store, parser=None) -> dict:
    """Extract every article's quotations, link them across the collection, store them.
    With a spaCy ``parser`` (:func:`newstrace.quotes.load_parser`) speakers come from
    the parse where it finds one."""
    published: dict[str, str | None] = {}
    found = []
    for article in store.articles():
        published[article.id] = article.published
        found.extend(extract_quotes(article.id, article.text, parser))
    rows = []
    for group in group_quotes(found, published):
        variant = dict(group.variants)
        for q in group.members:
            rows.append((q.article, q.start, q.end, q.text, q.speaker, q.speaker_as_written, q.speaker_start,
                         q.speaker_end, q.how, q.cue, q.cue_start, q.cue_end, q.secondary_source, q.evidence,
                         group.quote_id, variant.get(q.article, "exact"), int(q.article in group.first),
                         int(group.conflicting)))
    rows.sort(key=lambda r: (r[0], r[1]))
    store.replace_quotes(rows)
    return {"quotes": len(rows), "quote_engine": engine_name(parser)}


def _zip_batches(groups: list, results: Iterator, size: int):
    for start in range(0, len(groups), size):
        chunk = groups[start : start + size]
        yield chunk, list(islice(results, len(chunk)))
