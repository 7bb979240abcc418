"""Where articles and results live: one SQLite file by default."""

from .sqlite import (PASSAGE_COLUMNS, PROVENANCE_COLUMNS, SCHEMA_VERSION, IngestSummary, Store, canonical_order, column_types, is_server,
                     open_store, passage_row, provenance_rows, state_mark, text_hash)

__all__ = ["PASSAGE_COLUMNS", "PROVENANCE_COLUMNS", "SCHEMA_VERSION", "IngestSummary", "Store", "canonical_order", "column_types", "is_server",
           "open_store", "passage_row", "provenance_rows", "state_mark", "text_hash"]
