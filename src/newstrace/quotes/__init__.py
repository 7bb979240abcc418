"""Direct quotes: extraction, attribution, and the same quote across articles.

:func:`extract_quotes` finds every quotation in an article (any mark style, over
several paragraphs, partial quotes in a sentence) with its speaker, cue and
offsets; :func:`group_quotes` links the same quote across a collection, trimmed or
reworded, and canonicalises speakers. Rules find quotations and speakers with no
model; with the ``[nlp]`` extra installed, :func:`load_parser` gives a spaCy pipeline
whose dependency parse finds the speakers the rules miss.
"""

from .attribute import canonical_speakers
from ..model import Quote, QuoteGroup, Statement
from .extract import extract_quotes
from .group import group_quotes
from .parse import SPEAKERS, ParsedArticle, engine_name, load_parser, parser_for, statements

__all__ = ["SPEAKERS", "ParsedArticle", "Quote", "QuoteGroup", "Statement", "canonical_speakers", "engine_name", "extract_quotes",
           "group_quotes", "load_parser", "parser_for", "statements"]
