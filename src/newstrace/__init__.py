"""newstrace: trace where news text comes from.

The public API is what ``__all__`` lists; everything else is internal. Names are loaded
when first used, so importing one part (``newstrace.normalize``) loads no other.
"""

from __future__ import annotations

import importlib
import sys
import types

__version__ = "0.1.0"

# Each public name and the module that defines it.
_PUBLIC = {
    "Alignment": "model", "Article": "model", "Origin": "model", "Skip": "model", "Span": "model",
    "Token": "model", "WordOp": "model",
    "Document": "align", "align": "align",
    "Candidate": "candidates", "find_candidates": "candidates", "shingles": "candidates",
    "detect_reuse": "pipeline", "ingest": "pipeline",
    "InputError": "errors", "MissingExtraError": "errors", "NewstraceError": "errors", "SettingsError": "errors",
    "StoreError": "errors",
    "read_articles": "ingest",
    "load_aliases": "normalize", "repair": "normalize", "tokenize": "normalize",
    "article_report": "report", "trace_report": "report",
    "Settings": "settings", "load_settings": "settings",
    "Store": "store", "open_store": "store",
}

__all__ = sorted([*_PUBLIC, "__version__"])


def __getattr__(name: str):
    if name not in _PUBLIC:
        raise AttributeError(f"module 'newstrace' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_PUBLIC[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


class _Package(types.ModuleType):
    """"ingest" names both the ingest stage (public) and the package of input readers:
    importing the readers must not put them where the stage is."""

    def __setattr__(self, name: str, value) -> None:
        if name == "ingest" and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
