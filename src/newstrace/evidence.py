"""What an article's own text says about where it came from, read once per article for
the claims: the agencies and outlets it credits, where it quotes, and the date it states.

A claim that one article copied another rests on more than shared words: on whose words
they are (a quotation both took from the speaker is no copy of each other), on whom the
text credits (a paper reprinting the agency did not copy another paper reprinting it),
and on the dates (a metadata date that the text contradicts cannot order anything).
"""

from __future__ import annotations

from dataclasses import dataclass

from .credits import agency_credits, credited_names
from .model import Credit
from .dates import StatedDate, stated_date
from .quotes.marks import quotation_spans


@dataclass(frozen=True, slots=True)
class ArticleEvidence:
    """What one article's text says of its sources (:func:`read_evidence`)."""

    credits: tuple[Credit, ...] = ()
    named: tuple[Credit, ...] = ()  # every name given where a credit stands (an outlet's or not)
    quotations: tuple[tuple[int, int], ...] = ()  # (start, end) inside quotation marks
    stated: StatedDate | None = None


def read_evidence(text: str, published: str | None = None) -> ArticleEvidence:
    credits = tuple(agency_credits(text))
    return ArticleEvidence(credits, tuple(credited_names(text)), tuple(quotation_spans(text)),
                           stated_date(text, credits, published))


def inside(spans: tuple[tuple[int, int], ...], start: int, end: int) -> int:
    """How many characters of ``[start, end)`` lie inside the (sorted, disjoint) spans."""
    total = 0
    for lo, hi in spans:
        if lo >= end:
            break
        total += max(0, min(hi, end) - max(lo, start))
    return total


