"""The stage functions both engines run: one article's shingles, one group of pairs
aligned, what provenance needs of one article, and provenance assembled from them.

A stage that works on articles by id asks a :class:`Worker` for their texts: the local
engine's workers read them from the store, Spark's from the rows its partition was sent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from ..align import Document, align
from ..candidates import shingles
from ..evidence import ArticleEvidence, read_evidence
from ..dates import canonical_order, first_published
from ..model import Alignment, Article, ArticleMeta, ReuseCluster, Signals, Span, Story, WordOp
from ..normalize import AliasTable, WordColumns, spin_hints, token_columns
from ..provenance import judge_passage, stored_words, trace, whole_sentences_of, with_duplicates
from ..settings import Settings
from ..store import passage_row


class Worker(Protocol):
    """What a stage may ask of the process running it."""

    settings: Settings
    aliases: AliasTable
    context: object  # what every call of the running stage needs, as the engine was given it

    def text(self, article_id: str) -> str: ...

    def words(self, article_id: str) -> tuple[str, WordColumns]:
        """The article's text and its words' columns."""

    def document(self, article_id: str) -> Document: ...


def text_shingles(text: str, aliases: AliasTable, ngram: int) -> tuple[np.ndarray, np.ndarray]:
    """One text's shingles (hashes and first positions) as the candidate index holds them."""
    return shingles(token_columns(text, aliases)[2], ngram)


def shingle_article(worker: Worker, article_id: str) -> tuple[str, tuple[np.ndarray, np.ndarray], bytes | None]:
    """Stage: one article's shingles, and its words' columns packed to keep beside them (the
    text is tokenized here once for every later stage)."""
    columns = WordColumns.of(worker.text(article_id), worker.aliases)
    return article_id, shingles(columns.keys, worker.settings.ngram), columns.packed()


def story_profile(article_id: str, text: str, title: str, published: str | None, aliases: AliasTable,
                  settings: Settings, columns: WordColumns | None = None):
    """What an article tells of its event (:func:`newstrace.stories.profile`), with its
    opening's meaning where the ``stories`` setting asks for it."""
    from ..meaning import encode, wanted
    from ..stories import profile

    made = profile(article_id, text, title, published, aliases, columns)
    if wanted(settings.stories):
        made = made.with_meaning(encode([f"{title}\n\n{text}" if title else text])[0])
    return made


def article_profile(worker: Worker, item: tuple[str, str, str | None]):
    """Stage: an article's story profile (:func:`story_profile`), from its id, title and
    publication date, and the profile packed to store."""
    article_id, title, published = item
    text, columns = worker.words(article_id)
    made = story_profile(article_id, text, title, published, worker.aliases, worker.settings, columns)
    return made, made.packed()


def article_quotations(worker: Worker, article_id: str) -> tuple[str, list, list]:
    """Stage: one article's quotations and terms (:func:`newstrace.quotes.extract_quotes`),
    and with the parse its statements, speakers found as ``settings.speakers`` says (each
    process loads the parser once)."""
    from ..normalize import joined_lines
    from ..quotes import ParsedArticle, extract_quotes, parser_for, statements

    text = worker.text(article_id)
    parser = parser_for(worker.settings.speakers)
    # Paragraphs as extract_quotes reads them: a wrapped column's lines are none.
    flowing = joined_lines(text)
    parsed = ParsedArticle(parser, flowing) if parser is not None else None
    found = extract_quotes(article_id, text, parsed, terms=True)
    quotations = [q for q in found if q.kind == "quotation"]
    return article_id, found, statements(article_id, flowing, quotations, parsed) if parsed is not None else []


def group_profiles(region, weights, reprints: Iterable[tuple[str, str]]):
    """A whole collection's profiles (:class:`newstrace.stories.Profiles`) weighed: the
    vectors, each article's lookup terms, and the links between neighbours (``reprints``:
    pairs of articles one of which copied from the other)."""
    from ..stories import neighbours

    vectors = region.weighed(weights)
    return (vectors, {a: vectors.lookup_terms(r) for r, a in enumerate(vectors.articles)},
            neighbours(vectors, reprints=reprints))


# A reuse cluster of up to this many articles makes every pair of them reprints of each
# other; a larger one (a much-reprinted story) only its copy edges, which join them all.
REPRINT_PAIRS_UP_TO = 30


def reprint_pairs(clusters: Iterable[tuple[Iterable[str], Iterable[tuple[str, str]]]]) -> set[tuple[str, str]]:
    """Pairs of articles that print one passage, one taken from the other or both from a third,
    from each reuse cluster's articles and copy edges (child, parent)."""
    found = set()
    for articles, edges in clusters:
        articles = sorted(set(articles))
        if len(articles) <= REPRINT_PAIRS_UP_TO:
            found.update((a, b) for k, a in enumerate(articles) for b in articles[k + 1:])
        else:
            found.update((min(a, b), max(a, b)) for a, b in edges)
    return found


def story_records(vectors, links: dict[tuple[str, str], float], published: dict[str, str | None],
             duplicates: dict[str, tuple[str, str | None]], story_of: dict[str, int],
             within: Mapping[str, str] | None = None) -> list[Story]:
    """The stories ``links`` make of the ``vectors``' articles (:func:`newstrace.stories.regroup`)
    as records: each with its exact copies, in order of publication, the id of the
    earliest stored story among its articles (a story keeps its id as articles join it) or a
    new one. ``within``: articles taken from a neighbourhood only in part (article -> its
    stored neighbourhood), which the stories made with them stay in."""
    from ..stories import neighbourhoods, regroup

    stories = regroup(vectors.articles, links, vectors.story)
    hood_of = neighbourhoods(vectors.articles, links)
    if within:
        kept: dict[str, str] = {}  # a neighbourhood found here -> the stored one it is part of
        for a, hood in within.items():
            if a in hood_of:
                kept[hood_of[a]] = min(kept.get(hood_of[a], hood), hood)
        hood_of = {a: kept.get(h, h) for a, h in hood_of.items()}
    copies: dict[str, list[str]] = {}
    for copy, (canonical, _) in sorted(duplicates.items()):
        copies.setdefault(canonical, []).append(copy)
    row = {a: k for k, a in enumerate(vectors.articles)}
    when = {**published, **{copy: date for copy, (_, date) in duplicates.items()}}
    next_id = max(story_of.values(), default=0) + 1
    taken: set[int] = set()
    made = []
    for members in sorted(stories, key=lambda s: min(canonical_order(when[a], a) for a in s)):
        everyone = sorted(members + [c for a in members for c in copies.get(a, [])],
                          key=lambda a: canonical_order(when[a], a))
        kept = sorted({story_of[a] for a in members if a in story_of} - taken)
        if kept:
            story_id = kept[0]
        else:
            story_id, next_id = next_id, next_id + 1
        taken.add(story_id)
        dates = [when[a] for a in everyone if when[a]]
        made.append(Story(story_id, vectors.label([row[a] for a in members]), tuple(everyone),
                          tuple(first_published({a: when[a] for a in everyone})), min(dates, default=None),
                          max(dates, default=None), hood_of[members[0]]))
    return made


def align_pairs(worker: Worker, pairs: Iterable[tuple[str, str]]) -> list[tuple]:
    """Stage: the passages of some candidate pairs, as store rows (they cross between
    processes many times faster than Alignments)."""
    return [passage_row(al) for a, b in pairs for al in align(worker.document(a), worker.document(b), worker.settings)]


@dataclass(frozen=True, slots=True)
class ArticleFacts:
    """What provenance needs of one article, read from its text once."""

    meta: ArticleMeta
    hints: list  # spin hints: (start, end, text)
    evidence: ArticleEvidence


def article_facts(article: Article, aliases: AliasTable) -> ArticleFacts:
    return ArticleFacts(ArticleMeta(article.id, article.published, article.source, len(article.text)),
                        spin_hints(article.text, aliases), read_evidence(article.text, article.published))


def source_facts(worker: Worker, item: tuple[str, str | None, str | None]) -> ArticleFacts:
    """Stage: :func:`article_facts` of an article given by its id, publication date and outlet."""
    article_id, published, source = item
    return article_facts(Article(article_id, worker.text(article_id), published=published, source=source),
                         worker.aliases)


def copies_of(duplicate_of: dict[str, str | None]) -> dict[str, list[str]]:
    """Each text's exact duplicates, from what each article duplicates (None: nothing)."""
    duplicates: dict[str, list[str]] = defaultdict(list)
    for article, canonical in sorted(duplicate_of.items()):
        if canonical:
            duplicates[canonical].append(article)
    return duplicates


def judged_alone(worker, passages: list[Alignment]) -> list[tuple]:
    """Stage (the local engine's, whose workers read the store): passages judged one by one as
    :func:`~newstrace.provenance.judge_passage` does, their words and texts read here; the
    phrase frequencies and each text's exact duplicates (:func:`copies_of`) are ``worker.context``."""
    frequency, copies = worker.context
    store = worker.store()
    words = stored_words(store.alignment_words, copies)
    sentences = whole_sentences_of(store.texts)
    return [judge_passage(al, words, frequency, sentences) for al in passages]


def provenance(facts: dict[str, ArticleFacts], duplicate_of: dict[str, str | None], alignments: list[Alignment],
               words: Callable[[Span, Span], tuple[WordOp, ...] | None], frequency, texts, settings: Settings,
               judge_each: Callable[[list[Alignment]], Iterable[tuple]] | None = None,
               ) -> tuple[list[ReuseCluster], dict[str, Signals], dict[str, list]]:
    """Reuse clusters, copy trees and signals of the collection, and each article's spin
    hints, from its articles' facts, its stored passages (without their words: ``words``
    gives a passage's word alignment when asked), the phrase frequencies (see
    :func:`~newstrace.candidates.phrase_frequency`) and ``texts`` (ids -> texts, fetched
    only for passages that may be quotations). An exact duplicate shares every passage of
    the copy it duplicates, and the whole text with it."""
    facts = dict(sorted(facts.items()))  # the same order whatever order an engine gathered them in
    duplicates = copies_of(duplicate_of)
    meta = {i: f.meta for i, f in facts.items()}
    expanded = with_duplicates(alignments, duplicates, {i: m.length for i, m in meta.items()})
    clusters, signals = trace(meta, expanded, settings.recycled_days, settings.link_chars,
                              stored_words(words, duplicates), frequency,
                              {i: f.evidence for i, f in facts.items()}, texts, judge_each)
    return clusters, signals, {i: f.hints for i, f in facts.items()}
