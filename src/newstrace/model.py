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
