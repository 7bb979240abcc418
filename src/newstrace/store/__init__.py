"""Where articles and results live: one SQLite file by default."""

from .sqlite import SCHEMA_VERSION, IngestSummary, Store, open_store

__all__ = ["SCHEMA_VERSION", "IngestSummary", "Store", "open_store"]
