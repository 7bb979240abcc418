"""Candidate pairs from an index of hashed word n-grams, without comparing every pair.

Each article becomes the set of hashes of its key n-grams (keys fold aliases,
spellings and inflections, so spun copies keep many shingles). Two articles that
share ``min_shared`` shingles become a candidate pair; shingles found in more
than ``max_df`` of the collection (bylines, "said in a statement") are dropped
first so that boilerplate does not flood the pairs.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..model import Token
from ..normalize import is_weak
from ..settings import Settings

__all__ = ["Candidate", "find_candidates", "shingles"]

# Odd multipliers that mix the words of an n-gram into one 64-bit hash.
_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                 0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53], dtype=np.uint64)


@dataclass(frozen=True, slots=True)
class Candidate:
    """Two articles worth aligning (``a < b``) and how many shingles they share."""

    a: str
    b: str
    shared: int


@lru_cache(maxsize=1_000_000)
def _key_hash(key: str) -> int:
    # A stable hash (Python's own is salted per process): the same in every worker.
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little")


def shingles(tokens: tuple[Token, ...] | list[Token], n: int) -> np.ndarray:
    """Return the sorted unique hashes of the article's key n-grams (weak-only n-grams left out).

    >>> from newstrace.normalize import tokenize
    >>> len(shingles(tokenize("Russia sent jets to Syria on Monday"), 3)) > 0
    True
    """
    if len(tokens) < n:
        return np.zeros(0, dtype=np.uint64)
    keys = np.fromiter((_key_hash(t.key) for t in tokens), dtype=np.uint64, count=len(tokens))
    strong = np.fromiter((not is_weak(t.key) for t in tokens), dtype=bool, count=len(tokens))
    m = len(tokens) - n + 1
    mixed = np.zeros(m, dtype=np.uint64)
    any_strong = np.zeros(m, dtype=bool)
    for k in range(n):
        mixed ^= keys[k : k + m] * _MIX[k % len(_MIX)]
        any_strong |= strong[k : k + m]
    return np.unique(mixed[any_strong])


def find_candidates(
    shingled: list[tuple[str, np.ndarray]],
    settings: Settings = Settings(),
    new: set[str] | None = None,
) -> list[Candidate]:
    """Return article pairs sharing at least ``settings.min_shared`` non-boilerplate shingles.

    ``shingled`` holds (article id, shingles) for the whole collection; with
    ``new``, only pairs that involve a new article are returned (incremental runs).
    Pairs come sorted, so the result does not depend on input order.
    """
    if len(shingled) < 2:
        return []
    ids = sorted(range(len(shingled)), key=lambda k: shingled[k][0])
    names = [shingled[k][0] for k in ids]
    hashes = np.concatenate([shingled[k][1] for k in ids])
    owners = np.concatenate([np.full(len(shingled[k][1]), rank, dtype=np.int64)
                             for rank, k in enumerate(ids)])
    order = np.lexsort((owners, hashes))
    hashes, owners = hashes[order], owners[order]
    # Runs of equal hashes are the postings lists of the index.
    starts = np.flatnonzero(np.r_[True, hashes[1:] != hashes[:-1]])
    sizes = np.diff(np.r_[starts, len(hashes)])
    cutoff = max(settings.min_df_count, int(settings.max_df * len(shingled)))
    keep = (sizes >= 2) & (sizes <= cutoff)
    is_new = None
    if new is not None:
        is_new = np.array([name in new for name in names], dtype=bool)
    pair_codes = []
    n_docs = np.int64(len(names))
    for size in np.unique(sizes[keep]):
        group_starts = starts[keep & (sizes == size)]
        members = owners[group_starts[:, None] + np.arange(size)]  # one row per shingle
        for x in range(size):
            for y in range(x + 1, size):
                a, b = members[:, x], members[:, y]
                if is_new is not None:
                    sel = is_new[a] | is_new[b]
                    a, b = a[sel], b[sel]
                pair_codes.append(a * n_docs + b)
    if not pair_codes:
        return []
    codes, counts = np.unique(np.concatenate(pair_codes), return_counts=True)
    good = counts >= settings.min_shared
    return [Candidate(names[int(c // n_docs)], names[int(c % n_docs)], int(k))
            for c, k in zip(codes[good], counts[good])]
