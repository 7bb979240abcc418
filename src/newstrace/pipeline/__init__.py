"""The stages over a store, in order: ingest, detect (shingles, candidates, alignment),
provenance, quotations, stories. Each reads what it needs from the store, runs its stage functions
(:mod:`.stages`) through an engine's ``map``, and writes what they made.

Only the driver writes to the store, one transaction per batch, so an interrupted run
keeps what it committed and a rerun picks up where it stopped. ``run`` is the whole
pipeline as one recorded run (the ``trace`` and ``run`` commands); ``detect`` is every
stage after ingest (the ``detect`` command).
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from itertools import islice

from ..candidates import find_candidates_in_parts, phrase_frequency, shingle_config, shingle_frequency
from ..dates import canonical_order
from ..errors import InputError
from ..evidence import read_evidence
from ..ingest import ReadSettings, read_articles
from ..model import DetectSummary, IngestSummary
from ..provenance import judge_passages
from ..settings import Settings
from ..store import Store
from .stages import (align_pairs, article_profile, article_quotations, copies_of, group_profiles, judged_alone,
                     provenance, reprint_pairs, shingle_article, source_facts, story_records)

__all__ = ["collect_quotes", "detect", "detect_reuse", "group_stories", "ingest", "judged_alignments", "run",
           "trace_provenance"]

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
        for item in read_articles(paths, mapping, settings.on_error, ReadSettings.of(settings), summary.passed_over):
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


def _engine(store: Store, settings: Settings):
    from ..engines.local import LocalEngine

    return LocalEngine(store.path, settings)


def detect_reuse(store: Store, settings: Settings = Settings(), progress: Progress = _quiet,
                 run_id: int | None = None) -> DetectSummary:
    """Find candidate pairs among the store's distinct articles and align those not yet compared."""
    engine = _engine(store, settings)
    summary = DetectSummary()
    clock = time.perf_counter()
    published = store.publication_dates()
    summary.articles = len(published)
    config = shingle_config(settings)
    done = store.shingled(config)
    todo = [i for i in published if i not in done]
    for batch in batches(engine.map(shingle_article, todo, chunksize=16), settings.batch_size):
        store.add_shingles(batch, config)
        done.update(item[0] for item in batch)
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
    groups = [pairs_of for _, pairs_of in _by_later_article(pairs, published)]
    del pairs, published
    # Shards: runs of groups in order of publication, one to a worker at a time. A shard's
    # pairs draw on articles of a few days (partners are mostly printed shortly before),
    # so each worker tokenizes mostly its own shards' articles, not the whole collection;
    # a shard's passages are committed together, and a rerun resumes after the last one.
    shard = max(1, min(settings.batch_size, len(groups) // (8 * engine.workers)))
    for batch_groups, results in _zip_batches(groups, engine.map(align_pairs, groups, shard), shard):
        done_pairs = [pair for pairs_of in batch_groups for pair in pairs_of]
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


def _by_later_article(pairs, published: dict[str, str | None]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Candidate pairs grouped by their later-published article, the groups in order of
    publication (an article's partners are mostly printed shortly before it)."""
    when = {i: canonical_order(date, i) for i, date in published.items()}
    groups: dict[str, list[tuple[str, str]]] = {}
    for c in pairs:
        groups.setdefault(max(c.a, c.b, key=when.__getitem__), []).append((c.a, c.b))
    return sorted(groups.items(), key=lambda g: when[g[0]])


def _zip_batches(groups: list, results: Iterator, size: int):
    for start in range(0, len(groups), size):
        chunk = groups[start : start + size]
        yield chunk, list(islice(results, len(chunk)))


def trace_provenance(store: Store, settings: Settings = Settings(), run_id: int | None = None,
                     progress: Progress = _quiet) -> dict:
    """Build reuse clusters, copy trees and signals from the stored passages and store them."""
    catalogue = store.catalogue()
    duplicate_of = {article: of for article, _, _, of in catalogue}
    facts = {}
    # Each text is read (credits, quotation marks, dates, spin hints) on the engine's workers.
    engine = _engine(store, settings)
    for done, made in enumerate(engine.map(
            source_facts, [(article, published, source) for article, published, source, _ in catalogue],
            chunksize=16), 1):
        facts[made.meta.id] = made
        progress("sources", done, len(catalogue))
    frequency = _phrase_counts(store, settings)

    def judge_each(passages: list) -> Iterator[tuple]:
        # On the workers, in runs; each reads the passages' words and texts from the store.
        runs = list(batches(passages, JUDGED_PER_RUN))
        for judged in engine.map(judged_alone, runs, context=(frequency, copies_of(duplicate_of))):
            yield from judged

    # With one worker the driver judges them itself, through its own connection.
    clusters, signals, hints = provenance(facts, duplicate_of, store.alignments(words=False), store.alignment_words,
                                          frequency, store.texts, settings, judge_each if engine.workers > 1 else None)
    store.replace_provenance(clusters, signals, hints, run_id)
    return {"clusters": len(clusters)}


# Passages sent to a worker to judge at a time (those of an article come together: the
# texts a worker reads for them are read once).
JUDGED_PER_RUN = 256


def judged_alignments(store: Store, settings: Settings = Settings()) -> list[tuple]:
    """Every stored passage with its judgement (copy, phrase, formula, template, quotation; see
    :mod:`newstrace.significance`), against the whole collection's phrase frequencies."""
    alignments = store.alignments()
    evidence = {a.id: read_evidence(a.text, a.published) for a in store.articles()}
    judged, _ = judge_passages(alignments, frequencies=_phrase_counts(store, settings), evidence=evidence,
                               texts=store.texts)
    return list(zip(alignments, judged))


def _phrase_counts(store: Store, settings: Settings):
    """How many of the store's articles hold the key n-grams around each word of a passage
    (:func:`~newstrace.candidates.phrase_frequency`)."""
    return phrase_frequency(shingle_frequency([h for _, h, _ in store.stream_shingles(shingle_config(settings))]),
                            settings)


def collect_quotes(store: Store, settings: Settings = Settings(speakers="rules"), progress: Progress = _quiet) -> dict:
    """Extract every article's quotations, link them across the collection, store them.
    Speakers are found as ``settings.speakers`` says; with the parse (spaCy, the ``[nlp]``
    extra), the attributions without quotation marks (reported speech, stances, "according
    to") are stored too. The articles are read on the engine's workers."""
    from ..quotes import engine_name, group_quotes, group_terms, parser_for
    from ..quotes.attribute import given_names

    parser = parser_for(settings.speakers)  # loaded before the workers start: they share it
    published = store.publication_dates()
    ids = sorted(published)
    copies: dict[str, list[str]] = defaultdict(list)  # an exact duplicate prints its original's quotations
    for copy, (original, date) in sorted(store.duplicate_map().items()):
        copies[original].append(copy)
        published[copy] = date
    quotations, terms, said = [], [], []
    for done, (article, found, stated) in enumerate(
            _engine(store, settings).map(article_quotations, ids, chunksize=8), 1):
        progress("quotes", done, len(ids))
        for copy in copies.get(article, ()):
            found += [replace(q, article=copy) for q in found if q.article == article]
            stated += [replace(s, article=copy) for s in stated if s.article == article]
        for q in found:
            (quotations if q.kind == "quotation" else terms).append(q)
        said.extend(stated)
    groups = group_quotes(quotations, published)
    # A statement's speaker named as the same person's quotations are across the collection
    # ("Donald Trump said …" by "Donald J. Trump"): by the names group_quotes settled on, and
    # only to a person's full name. The statements' own names are not let in, as bodies and
    # descriptions pass for people there ("Shell China", "Mortgage Investors"); nor a body's
    # longer form, which a plain word does not always mean ("Republicans", "Committee Republicans").
    settled = {(q.article, q.start): q.speaker for g in groups for q in g.members}
    renamed = {q.speaker: named for q in quotations if q.speaker and (named := settled[q.article, q.start]) != q.speaker
               and named.split()[0] in given_names()}
    said = [replace(s, speaker=renamed.get(s.speaker, s.speaker)) for s in said]
    store.replace_quotes([*groups, *group_terms(terms, published)], said)
    return {"quotes": len(quotations), "statements": len(said), "terms": len(terms),
            "quote_engine": engine_name(parser)}


# Past this growth of the store since it was last grouped whole, the word weights that its
# articles' lookup terms and links were made with have drifted too far: the whole store is
# grouped again. Amortized over the articles added, each costs a bounded share of a regrouping.
REGROUP_GROWTH = 0.25
# A neighbourhood of more articles than this is not grouped again whole when an article joins
# it, only the stories of the articles that article is linked to. A season of news chains into
# one neighbourhood (at 100,000 pieces of chronam's 1916 pages, 21,391 of them): grouping it
# again cost 1,000 arrivals 61 s against 343 s for the whole store. Within it, the stories made
# incrementally may then differ from those one run makes (a story the arrivals touch only
# through another is not regrouped) until the next whole grouping (REGROUP_GROWTH); a smaller
# neighbourhood is grouped whole, as one run groups it.
LARGE_HOOD = 2000


def group_stories(store: Store, settings: Settings = Settings(), progress: Progress = _quiet,
                  run_id: int | None = None) -> dict:
    """Group the store's articles into stories (:mod:`newstrace.stories`). Articles not yet in
    a story are compared with the stored articles that share their telling words, and only the
    neighbourhoods of those they are alike to are grouped again, from their stored profiles:
    the cost follows the new articles, not the store."""
    from ..meaning import wanted
    from ..stories import Profile, Profiles, Weights, neighbours

    published = store.publication_dates()
    hoods = store.story_hoods()
    story_of = store.story_ids()
    counted, weighed_at = store.story_grouping()
    duplicates = store.duplicate_map()
    displaced = store.displaced_from_stories()
    new = sorted(i for i in published if i not in hoods)
    copies_of = {canonical for copy, (canonical, _) in duplicates.items() if copy not in story_of}
    meant = wanted(settings.stories)  # a store's articles are all judged one way
    # A store grouped with meaning and now without, or the other way, is grouped whole.
    some = min(hoods, default=None)
    blob = store.story_profiles([some]).get(some) if some is not None else None
    judged_otherwise = blob is not None and (Profile.unpacked(some, blob).meaning is not None) != meant
    if not new and not copies_of and not displaced and counted == len(hoods) and not judged_otherwise:
        return {"stories": store.count("stories"), "stories_made": 0}
    engine = _engine(store, settings)
    titles = store.titles()
    packed: dict[str, bytes] = {}  # the profiles made here, to store

    def profiles_of(ids: list[str], into: Profiles, made: list | None = None, keep: bool = False) -> Profiles:
        """Add the articles' profiles: those stored read back, the others made from the texts
        (and kept in ``made``). With ``keep``, the stored ones are written again too (a whole
        grouping replaces the table)."""
        stored = {}
        for i, blob in sorted(store.story_profiles(ids).items()):
            p = Profile.unpacked(i, blob)
            if meant and p.meaning is None:
                continue  # profiled before the encoder was used: profiled again
            if not meant and p.meaning is not None:
                p = replace(p, meaning=None)
                blob = p.packed()
            stored[i] = blob
            into.add(p)
        if keep:
            packed.update(stored)
        items = [(i, titles.get(i, ""), published[i]) for i in ids if i not in stored]
        for done, (p, blob) in enumerate(engine.map(article_profile, items, chunksize=16), 1):
            into.add(p)
            packed[p.article] = blob
            if made is not None:
                made.append(p)
            progress("stories", done, len(items))
        return into

    # A store grouped before (counted) whose articles changed otherwise than by arrivals is
    # grouped whole, as is one grown past REGROUP_GROWTH or judged the other way before. An
    # article an exact copy printed earlier displaced (editions of one day, reprinted wire
    # copy) is such a change only in name: the copy arrives as new, its original leaves its
    # neighbourhood (regrouped) and the counts (its words taken off).
    whole = (not hoods or counted != len(hoods) + len(displaced)
             or len(published) > (1 + REGROUP_GROWTH) * weighed_at or judged_otherwise)
    within: dict[str, str] = {}  # articles of a large neighbourhood grouped again (LARGE_HOOD)
    if whole:
        region = profiles_of(sorted(published), Profiles(), keep=True)
        words, n = region.document_frequency(), len(region)
        vectors, terms, links = group_profiles(region, Weights(words, n), reprint_pairs(store.reuse_clusters()))
    else:
        arrived: list = []
        arriving = profiles_of(new, Profiles(), arrived)
        gone = Profiles(Profile.unpacked(a, blob) for a, blob in store.story_profiles(displaced).items())
        words, n = arriving.document_frequency(), counted + len(new) - len(displaced)
        words.subtract(gone.document_frequency())  # may go below zero: the counts stored are lowered
        df = Counter(store.story_word_counts(set(arriving.keys()) | set(gone.keys())))
        df.update(words)
        first_look = arriving.weighed(Weights(df, n))
        terms = {a: first_look.lookup_terms(r) for r, a in enumerate(first_look.articles)}
        by_term = store.articles_by_terms(t for ts in terms.values() for t in ts)
        fresh = set(new)
        sharing = {b for a in new for b, shared in Counter(b for t in terms[a] for b in by_term.get(t, [])).items()
                   if shared >= 2} - displaced.keys()
        # Only the reuse clusters of the articles at hand are read: the cost follows them.
        reprints = reprint_pairs(store.reuse_clusters(new))
        sharing |= {x for pair in reprints if fresh & set(pair) for x in pair if x in hoods}
        # The stored articles an arriving one is alike to bring their neighbourhoods along (a
        # story is split from one); the others stay as they are.
        near = profiles_of(sorted(sharing), Profiles(arrived))
        df.update(store.story_word_counts(set(near.keys()) - set(df)))
        stored_terms = store.lookup_terms(sharing)
        linked = {x for pair in neighbours(near.weighed(Weights(df, n)), among=new,
                                           terms={**stored_terms, **terms}, reprints=reprints) for x in pair}
        touched = {hoods[x] for x in linked - fresh} | {hoods[c] for c in copies_of if c in hoods} | set(displaced.values())
        sizes = Counter(hoods.values())
        large = {h for h in touched if sizes[h] > LARGE_HOOD}
        old = store.hood_members(touched - large)
        if large:  # only the stories the arrivals touch, of a neighbourhood too large to group again
            near_stories = {story_of[x] for x in (linked - fresh) | copies_of | displaced.keys()
                            if hoods.get(x, displaced.get(x)) in large and x in story_of}
            within = {a: h for a, h in hoods.items() if h in large and story_of.get(a) in near_stories}
            old = sorted(set(old) | within.keys())
        region = profiles_of(old, Profiles(arrived))
        reprints = reprint_pairs(store.reuse_clusters(region.articles))
        df.update(store.story_word_counts(set(region.keys()) - set(df)))
        vectors = region.weighed(Weights(df, n))
        # The region's lookup terms made anew with today's weights, not those stored when it was
        # last grouped: its links are then those one run over the store would find among them.
        links = neighbours(vectors, reprints=reprints)
    made = story_records(vectors, links, published, duplicates, story_of, within)
    store.write_stories(made, terms, {k: v for k, v in words.items() if v}, packed, n, whole, run_id,
                        () if whole else displaced)
    return {"stories": store.count("stories"), "stories_made": len(made)}


def detect(store: Store, settings: Settings = Settings(), progress: Progress = _quiet,
           run_id: int | None = None) -> dict:
    """Every stage after ingest: detection, provenance, quotations (speakers as
    ``settings.speakers`` says), stories; with the seconds each took (``stage_seconds``)."""
    summary: dict = {}
    seconds: dict[str, float] = {}
    for name, stage in (("detect", lambda: detect_reuse(store, settings, progress, run_id).as_dict()),
                        ("provenance", lambda: trace_provenance(store, settings, run_id, progress)),
                        ("quotes", lambda: collect_quotes(store, settings, progress)),
                        ("stories", lambda: group_stories(store, settings, progress, run_id))):
        clock = time.perf_counter()
        summary.update(stage())
        seconds[name] = round(time.perf_counter() - clock, 1)
    return {**summary, "stage_seconds": seconds}


def run(store: Store, command: str, paths, settings: Settings = Settings(), mapping: dict | None = None,
        progress: Progress = _quiet) -> dict:
    """The whole pipeline — ingest, detection, provenance, quotations — as one recorded run."""
    run_id = store.start_run(command, settings.to_dict())
    clock = time.perf_counter()
    ingested = ingest(store, paths, settings, mapping, progress, run_id).as_dict()
    ingest_seconds = round(time.perf_counter() - clock, 1)
    summary = {**ingested, **detect(store, settings, progress, run_id)}
    summary["stage_seconds"] = {"ingest": ingest_seconds, **summary["stage_seconds"]}
    store.finish_run(run_id, summary)
    return summary
