"""newstrace: trace where news text comes from.

The public API is what ``__all__`` lists; everything else is internal.
"""

__version__ = "0.1.0"

from .align import Document, align
from .candidates import Candidate, find_candidates, shingles
from .engines.local import detect_reuse, ingest
from .errors import InputError, MissingExtraError, NewstraceError, SettingsError, StoreError
from .ingest import read_articles
from .model import Alignment, Article, Origin, Skip, Span, Token, WordOp
from .normalize import load_aliases, repair, tokenize
from .report import article_report, trace_report
from .settings import Settings, load_settings
from .store import Store, open_store

__all__ = [
    "Alignment", "Article", "Candidate", "Document", "InputError", "MissingExtraError",
    "NewstraceError", "Origin", "Settings", "SettingsError", "Skip", "Span", "Store",
    "StoreError", "Token", "WordOp", "__version__", "align", "article_report", "detect_reuse",
    "find_candidates", "ingest", "load_aliases", "load_settings", "open_store", "read_articles",
    "repair", "shingles", "tokenize", "trace_report",
]
