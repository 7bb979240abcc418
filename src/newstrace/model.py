"""The records every stage reads and writes: plain frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an article was read from: a file and, for multi-record files, the line."""

    file: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as the user gave it.

    ``text`` is the body exactly as read (after decoding); every offset newstrace
    reports points into it. ``published`` is an ISO date or datetime string, or None.
    """

    id: str
    text: str
    title: str = ""
    url: str | None = None
    source: str | None = None
    published: str | None = None
    language: str | None = None
    origin: Origin | None = None


@dataclass(frozen=True, slots=True)
class Skip:
    """An input item that could not be ingested, and why."""

    file: str
    line: int | None
    reason: str


class Token(NamedTuple):
    """A word of an article: its character span in the original text and its match key.

    A named tuple rather than a dataclass: articles have thousands of tokens and
    tuples are several times cheaper to make.
    """

    start: int
    end: int
    key: str
    surface: str


@dataclass(frozen=True, slots=True)
class Span:
    """A character range ``[start, end)`` of one article's original text."""

    article: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class WordOp:
    """One step of a word alignment: ``kind`` is exact, variant, substituted, inserted or deleted.

    ``a`` and ``b`` are the surfaces on each side (empty for a gap).
    """

    kind: str
    a: str
    b: str


@dataclass(frozen=True, slots=True)
class Alignment:
    """A passage shared by two articles, with its word-level evidence."""

    a: Span
    b: Span
    score: float
    similarity: float
    exact: int
    variant: int
    substituted: int
    gaps: int
    ops: tuple[WordOp, ...] = field(default=(), compare=False)

    def swapped(self) -> "Alignment":
        """Return the same passage pair seen from the other article."""
        return Alignment(
            a=self.b, b=self.a, score=self.score, similarity=self.similarity,
            exact=self.exact, variant=self.variant, substituted=self.substituted,
            gaps=self.gaps, ops=flipped(self.ops),
        )


_FLIP = {"inserted": "deleted", "deleted": "inserted"}


def flipped(ops) -> tuple[WordOp, ...]:
    """A word alignment seen from the other side."""
    return tuple(WordOp(_FLIP.get(o.kind, o.kind), o.b, o.a) for o in ops)


# --- provenance ------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Credit:
    """An agency credited at ``[start, end)`` of the text (the form as written), and for a
    name read where a credit stands, the credit's form (see :func:`newstrace.credits.credited_names`)."""

    agency: str
    start: int
    end: int
    form: str = ""


@dataclass(frozen=True, slots=True)
class ArticleMeta:
    """What provenance needs to know of an article."""

    id: str
    published: str | None
    source: str | None
    length: int


@dataclass(frozen=True, slots=True)
class CopyEdge:
    """In a cluster's copy tree: ``child`` most likely copied from ``parent``, and why."""

    child: str
    parent: str | None
    evidence: str


@dataclass(frozen=True, slots=True)
class ReuseCluster:
    """Passages that travelled together: one or more spans per member article."""

    id: int
    spans: tuple[Span, ...]
    earliest: tuple[str, ...]  # several when tied; empty when no member is dated
    first_published: str | None
    ordering: str  # how the earliest source was decided, or why it could not be
    edges: tuple[CopyEdge, ...]
    # reuse: a passage that travelled between articles; recurring: outlets repeating
    # themselves (masthead, weather box, standing advertisement); formula: common phrasing;
    # template: a frame of another event; quotation: words both quote from their speaker.
    kind: str = "reuse"
    phrase_df: float | None = None  # median number of articles holding the passage's n-grams
    order_doubt: str | None = None  # why the earliest member's place first is in doubt (also in ``ordering``)

    @property
    def articles(self) -> tuple[str, ...]:
        return tuple(sorted({s.article for s in self.spans}))


@dataclass(frozen=True, slots=True)
class Swap:
    """A word of a source replaced in a copy: ``source_word`` became ``copy_word``."""

    source_word: str
    copy_word: str
    kind: str  # variant (alias, spelling, inflection) or substituted
    count: int


@dataclass(frozen=True, slots=True)
class FactDiffers:
    """A fact (number, name, date) that a copy states otherwise than the copy it came from.

    ``this_nth``/``source_nth`` count the same word's earlier occurrences in each passage,
    so the report can find its offsets in the texts (a merged passage's word alignment
    leaves out the words of its gap, so a word's place among them would not do)."""

    kind: str  # number | person | place | organisation | date | other
    this: str
    source: str
    source_article: str
    this_span: Span
    source_span: Span
    this_nth: int
    source_nth: int


@dataclass(frozen=True, slots=True)
class CopyClaim:
    """That this article copied from ``parent``: how sure, and why. Only ``high`` and
    ``medium`` claims are stated as "copied from"."""

    parent: str
    words: int  # matching words of the copied passages the two share
    confidence: str  # high | medium | low
    evidence: str
    own_outlet: bool = False  # the parent is of the same outlet: it reuses its own text


@dataclass(frozen=True, slots=True)
class EarliestClaim:
    """That ``source`` published text of this article first: how sure, and why."""

    source: str
    confidence: str  # high | medium | low
    evidence: str


@dataclass(frozen=True, slots=True)
class Signals:
    """Per-article figures, each with the passages behind it."""

    article: str
    reused_share: float  # share of the text that appeared earlier elsewhere
    originality: float
    sources: tuple[str, ...]  # earliest publishers of the reused passages
    copied_from: tuple[str, ...]  # the earlier copies it most likely took them from
    spin_rate: float  # variant and substituted words among the words of reused text
    swaps: tuple[Swap, ...]  # against the copies it took from
    recycled: tuple[tuple[Span, str, str], ...]  # (span here, earliest article, its date)
    recycled_chars: int
    stitched_score: float  # 0: all reused text from one source; towards 1: spread over many
    reused_spans: tuple[tuple[Span, str, str | None], ...]  # (span here, earliest source, copied from)
    facts_differ: tuple["FactDiffers", ...] = ()  # facts a copy changed against its parent: never spin
    credits: tuple[Credit, ...] = ()  # agencies and outlets the text credits
    common_sources: tuple[str, ...] = ()  # agencies this article and the copy it came from both credit
    claims: tuple["CopyClaim", ...] = ()  # each earlier copy it shares text with, and how sure "copied from" is
    date_doubt: str | None = None  # why its publication date is in doubt
    earliest: tuple["EarliestClaim", ...] = ()  # each earliest source, how sure, and why


# --- quotations -------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Quote:
    """One quotation in one article; ``start``/``end`` delimit the text inside the marks.
    ``kind``: quotation (words someone is said to speak, or may be: the speaker is unknown)
    or term (scare quotes, a title: a word held up in marks, which nobody is said to speak)."""

    article: str
    start: int
    end: int
    text: str
    speaker: str | None  # canonical name; None when unattributed
    speaker_as_written: str | None
    speaker_start: int | None
    speaker_end: int | None
    how: str  # named | pronoun | unattributed
    cue: str | None
    cue_start: int | None
    cue_end: int | None
    secondary_source: str | None  # "according to TASS"
    evidence: str  # how the speaker was found (for a pronoun: the antecedent)
    kind: str = "quotation"
    speaker_org: str | None = None  # the body a person speaking is named with ("Citi" for "Citi analyst Ed Evans")


@dataclass(frozen=True, slots=True)
class Statement:
    """A statement made without quotation marks in one article: reported speech ("Kerry
    said the talks would go on"), "according to …", a headline colon. ``start``/``end``
    delimit the content; the speaker fields are those of a :class:`~newstrace.quotes.Quote`
    (the same names, so that speaker canonicalisation and pronoun resolution serve both)."""

    article: str
    start: int
    end: int
    text: str
    speaker: str | None  # canonical name; None when the parse finds no source
    speaker_as_written: str | None
    speaker_start: int | None
    speaker_end: int | None
    how: str  # named | pronoun | unattributed
    cue: str | None
    cue_start: int | None
    cue_end: int | None
    evidence: str
    speaker_org: str | None = None


@dataclass(frozen=True, slots=True)
class QuoteGroup:
    """One quotation as it appears across the collection."""

    quote_id: str
    members: tuple[Quote, ...]
    first: tuple[str, ...]  # article(s) where it appears first (several when tied, none when undated)
    # per member: it is a first appearance (True), known to come later (False), or it is
    # not known which (None: its article is undated)
    first_appearance: tuple[bool | None, ...]
    variants: tuple[str, ...]  # per member, against the first: exact | trimmed | extended | spun | reworded
    reattributed: tuple[bool, ...]  # per member: a speaker other than the first appearance's
    speakers: tuple[str, ...]  # distinct canonical speakers
    conflicting: bool  # attributed to more than one speaker, in words no two people say alike


# --- what a stage did -------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Story:
    """Articles that report one real-world event (see :mod:`newstrace.stories`): its members in
    order of publication, exact duplicates included; ``first`` the earliest (several when
    tied, none when undated); ``hood`` the neighbourhood of articles it was split from, which
    an arriving article's regrouping starts from."""

    id: int
    label: str  # its leading names
    articles: tuple[str, ...]
    first: tuple[str, ...]
    start: str | None  # the first and last publication dates
    end: str | None
    hood: str


@dataclass(slots=True)
class IngestSummary:
    """What one ingest did."""

    added: int = 0
    duplicates: int = 0
    unchanged: int = 0
    skipped: int = 0
    skip_reasons: list[str] = field(default_factory=list)
    passed_over: list[str] = field(default_factory=list)  # files of types newstrace does not read

    def as_dict(self) -> dict:
        return {"added": self.added, "duplicates": self.duplicates,
                "unchanged": self.unchanged, "skipped": self.skipped, "passed_over": len(self.passed_over)}


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
