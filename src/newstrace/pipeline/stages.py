"""The stage functions both engines run: one article's shingles, one group of pairs
aligned, what provenance needs of one article, and provenance assembled from them.

A stage that works on articles by id asks a :class:`Worker` for their texts: the local
engine's workers read them from the store, Spark's from the rows its partition was sent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from ..align import Document, align
from ..candidates import shingles
from ..evidence import ArticleEvidence, read_evidence
from ..model import Alignment, Article, ArticleMeta, ReuseCluster, Signals, Span, WordOp
from ..normalize import AliasTable, spin_hints, token_columns
from ..provenance import stored_words, trace, with_duplicates
from ..settings import Settings
from ..store import passage_row


class Worker(Protocol):
    """What a stage may ask of the process running it."""

    settings: Settings
    aliases: AliasTable

    def text(self, article_id: str) -> str: ...

    def document(self, article_id: str) -> Document: ...


def text_shingles(text: str, aliases: AliasTable, ngram: int) -> tuple[np.ndarray, np.ndarray]:
    """One text's shingles (hashes and first positions) as the candidate index holds them."""
    return shingles(token_columns(text, aliases)[2], ngram)


def shingle_article(worker: Worker, article_id: str) -> tuple[str, tuple[np.ndarray, np.ndarray]]:
    """Stage: one article's shingles."""
    return article_id, text_shingles(worker.text(article_id), worker.aliases, worker.settings.ngram)


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


def provenance(facts: dict[str, ArticleFacts], duplicate_of: dict[str, str | None], alignments: list[Alignment],
               words: Callable[[Span, Span], tuple[WordOp, ...] | None], frequency, texts, settings: Settings
               ) -> tuple[list[ReuseCluster], dict[str, Signals], dict[str, list]]:
    """Reuse clusters, copy trees and signals of the collection, and each article's spin
    hints, from its articles' facts, its stored passages (without their words: ``words``
    gives a passage's word alignment when asked), the phrase frequencies (see
    :func:`~newstrace.candidates.phrase_frequency`) and ``texts`` (ids -> texts, fetched
    only for passages that may be quotations). An exact duplicate shares every passage of
    the copy it duplicates, and the whole text with it."""
    facts = dict(sorted(facts.items()))  # the same order whatever order an engine gathered them in
    duplicates: dict[str, list[str]] = defaultdict(list)
    for article, canonical in sorted(duplicate_of.items()):
        if canonical:
            duplicates[canonical].append(article)
    meta = {i: f.meta for i, f in facts.items()}
    expanded = with_duplicates(alignments, duplicates, {i: m.length for i, m in meta.items()})
    clusters, signals = trace(meta, expanded, settings.recycled_days, settings.link_chars,
                              stored_words(words, duplicates), frequency,
                              {i: f.evidence for i, f in facts.items()}, texts)
    return clusters, signals, {i: f.hints for i, f in facts.items()}
