"""Direct quotes: extraction, attribution, and the same quote across articles.

:func:`extract_quotes` finds every quotation in an article (any mark style, over
several paragraphs, partial quotes in a sentence) with its speaker, cue and
offsets; :func:`group_quotes` links the same quote across a collection, trimmed or
reworded, and canonicalises speakers. Rules find quotations and speakers with no
model; with the ``[nlp]`` extra installed, :func:`load_parser` gives a spaCy pipeline
whose dependency parse finds the speakers the rules miss.
"""

from __future__ import annotations

import importlib

# Each name and the module that defines it, loaded when first used: the mark finder
# (.marks), which provenance needs, loads none of the rest.
_NAMES = {"canonical_speakers": ".attribute", "Quote": "..model", "QuoteGroup": "..model", "Statement": "..model",
          "extract_quotes": ".extract", "group_quotes": ".group", "group_terms": ".group", "SPEAKERS": ".parse", "ParsedArticle": ".parse",
          "engine_name": ".parse", "load_parser": ".parse", "parser_for": ".parse", "statements": ".parse"}

__all__ = sorted(_NAMES)


def __getattr__(name: str):
    if name not in _NAMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_NAMES[name], __name__), name)
    globals()[name] = value
    return value
