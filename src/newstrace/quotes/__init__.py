"""Direct quotes: extraction, attribution, and the same quote across articles.

:func:`extract_quotes` finds every quotation in an article (any mark style, over
several paragraphs, partial quotes in a sentence) with its speaker, cue and
offsets; :func:`group_quotes` links the same quote across a collection, trimmed or
reworded, and canonicalises speakers. This is the rule-based engine; it needs no
model.
"""

from .attribute import canonical_speakers
from .extract import Quote, extract_quotes
from .group import QuoteGroup, group_quotes

__all__ = ["Quote", "QuoteGroup", "canonical_speakers", "extract_quotes", "group_quotes"]
