"""Where articles and results live: one SQLite file by default."""

from .sqlite import (PROVENANCE_COLUMNS, SCHEMA_VERSION, IngestSummary, Store, canonical_order, column_types, open_store,
                     provenance_rows, text_hash)

__all__ = ["PROVENANCE_COLUMNS", "SCHEMA_VERSION", "IngestSummary", "Store", "canonical_order", "column_types", "open_store",
           "provenance_rows", "text_hash"]
