"""Text repair, tokens with offsets, and alias/spelling canonicalisation."""

from .text import RepairedText, joined_lines, repair, text_hash
from .tokens import (STOPWORDS, AliasTable, WordColumns, default_aliases, is_weak, load_aliases, spin_hints, token_columns,
                     tokenize, unbroken, word_key)

__all__ = ["STOPWORDS", "AliasTable", "RepairedText", "WordColumns", "default_aliases", "is_weak", "joined_lines", "load_aliases", "repair",
           "spin_hints", "text_hash", "token_columns", "tokenize", "unbroken", "word_key"]
