"""The SQLite store."""

from .sqlite import PROVENANCE_COLUMNS, SCHEMA_VERSION, IngestSummary, Store, open_store, provenance_rows, text_hash

__all__ = ["PROVENANCE_COLUMNS", "SCHEMA_VERSION", "IngestSummary", "Store", "open_store", "provenance_rows",
           "text_hash"]
