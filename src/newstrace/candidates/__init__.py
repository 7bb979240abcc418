"""Candidate pairs from an index of hashed word n-grams, without comparing every pair.

Each article becomes the set of hashes of its key n-grams (keys fold aliases,
spellings and inflections, so spun copies keep many shingles). Two articles that
share ``min_shared`` shingles become a candidate pair; shingles found in more
than ``max_df`` of the collection (bylines, "said in a statement") are dropped
first so that boilerplate does not flood the pairs, and a shingle held by many articles
pairs each only with the earliest and the ``max_partners`` published just before it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..normalize import is_weak
from ..settings import Settings
from ..store import canonical_order

__all__ = ["Candidate", "find_candidates", "shingles"]

# Odd multipliers that mix the words of an n-gram into one 64-bit hash.
_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                 0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53], dtype=np.uint64)


@dataclass(frozen=True, slots=True)
class Candidate:
    """Two articles worth aligning (``a < b``)."""

    a: str
    b: str


@lru_cache(maxsize=1_000_000)
def _key_facts(key: str) -> tuple[int, bool]:
    """A key's hash and whether it is strong (not weak). The hash is stable (Python's
    own is salted per process): the same in every worker."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little"), not is_weak(key)


def shingles(keys: Sequence[str], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the key n-gram hashes of an article's word keys (sorted, unique) and the
    word position of each one's first occurrence. N-grams of weak words only are left out.

    >>> from newstrace.normalize import token_columns
    >>> hashes, positions = shingles(token_columns("Russia sent four jets to Syria on Monday")[2], 3)
    >>> len(hashes), sorted(positions.tolist())
    (6, [0, 1, 2, 3, 4, 5])
    """
    if len(keys) < n:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.uint32)
    facts = [_key_facts(k) for k in keys]
    strong = np.fromiter((f[1] for f in facts), dtype=bool, count=len(keys))
    keys = np.fromiter((f[0] for f in facts), dtype=np.uint64, count=len(keys))
    m = len(keys) - n + 1
    mixed = np.zeros(m, dtype=np.uint64)
    any_strong = np.zeros(m, dtype=bool)
    for k in range(n):
        mixed ^= keys[k : k + m] * _MIX[k % len(_MIX)]
        any_strong |= strong[k : k + m]
    hashes, first = np.unique(mixed[any_strong], return_index=True)
    return hashes, np.flatnonzero(any_strong)[first].astype(np.uint32)


def find_candidates(
    shingled: list[tuple[str, np.ndarray, np.ndarray]],
    settings: Settings = Settings(),
    published: Mapping[str, str | None] | None = None,
) -> list[Candidate]:
    """Return article pairs sharing ``settings.min_shared`` non-boilerplate shingles
    within ``settings.window`` words of each other.

    ``shingled`` holds (article id, hashes, positions) from :func:`shingles` for the
    whole collection. Phrases that two pages share by chance lie scattered over them; a
    copied passage puts its shared shingles close together, which is what the window
    asks for. With ``settings.max_partners`` = k, a shingle held by several articles
    counts towards fewer pairs: see :func:`_partner_columns`; ``published`` (ISO dates)
    orders the holders. Pairs come sorted: the result does not depend on input order.
    """
    if len(shingled) < 2:
        return []
    order = sorted(range(len(shingled)), key=lambda k: shingled[k][0])
    names = [shingled[k][0] for k in order]
    cutoff = max(settings.min_df_count, int(settings.max_df * len(shingled)))
    # Only shingles in two articles or more, and not boilerplate, can make a pair: most
    # shingles of a large collection are in one article only. Leaving them out first
    # keeps the index, and the memory it takes, to the shingles that matter.
    every, df = np.unique(np.concatenate([shingled[k][1] for k in order]), return_counts=True)
    shared = every[(df >= 2) & (df <= cutoff)]
    del every, df
    kept = [_kept(shingled[k][1], shared) for k in order]
    hashes = np.concatenate([shingled[k][1][m] for k, m in zip(order, kept)])
    positions = np.concatenate([shingled[k][2][m] for k, m in zip(order, kept)]).astype(np.int64)
    owners = np.concatenate([np.full(int(m.sum()), rank, dtype=np.int64) for rank, m in enumerate(kept)])
    del shared, kept
    # Within a shingle's postings, holders in order of publication (then id).
    by_hash = np.lexsort((_age(names, published)[owners], hashes))
    hashes, owners, positions = hashes[by_hash], owners[by_hash], positions[by_hash]
    del by_hash
    if len(hashes) == 0:
        return []
    # Runs of equal hashes are the postings lists of the index (each of two articles or more).
    starts = np.flatnonzero(np.r_[True, hashes[1:] != hashes[:-1]])
    sizes = np.diff(np.r_[starts, len(hashes)])
    n_docs = np.int64(len(names))
    group_sizes, group_counts = np.unique(sizes, return_counts=True)
    columns = {int(size): _partner_columns(int(size), settings.max_partners) for size in group_sizes}
    occurrences = int(sum(count * len(columns[int(size)]) for size, count in zip(group_sizes, group_counts)))
    # Pairs are made in parts (by the first article's rank modulo ``parts``) so that the
    # stage's working memory stays within ``candidate_memory_mb``.
    parts = max(1, -(-occurrences * _BYTES_PER_OCCURRENCE // (max(1, settings.candidate_memory_mb) << 20)))
    # Postings grouped by length: one row per shingle, its articles and their positions.
    by_size = []
    for size in group_sizes:
        cells = starts[sizes == size][:, None] + np.arange(size)
        by_size.append((int(size), owners[cells], positions[cells]))
    found: list[np.ndarray] = []
    for part in range(parts):
        pairs: list[np.ndarray] = []
        where_in_a: list[np.ndarray] = []
        for size, members, where in by_size:
            for x, y in columns[size]:
                # The pair by id order; the window is tested in the first article by id.
                first = members[:, x] < members[:, y]
                a = np.where(first, members[:, x], members[:, y])
                b = np.where(first, members[:, y], members[:, x])
                pos = np.where(first, where[:, x], where[:, y])
                if parts > 1:
                    sel = a % parts == part
                    a, b, pos = a[sel], b[sel], pos[sel]
                pairs.append(a * n_docs + b)
                where_in_a.append(pos)
        if pairs:
            found.append(_windowed(np.concatenate(pairs), np.concatenate(where_in_a), settings))
    if not found:
        return []
    codes = np.sort(np.concatenate(found))
    return [Candidate(names[int(c // n_docs)], names[int(c % n_docs)]) for c in codes]


def _partner_columns(size: int, max_partners: int) -> list[tuple[int, int]]:
    """Which holders of a shingle (columns of a postings row of ``size`` articles, earliest
    first) count it as shared: every two, or with ``max_partners`` = k, each holder with
    the k published just before it and with the earliest.

    A wire story printed by a hundred papers makes every copy a candidate with every
    other: pairs grow with the square of the collection. Pairing each copy with the
    copies printed just before it (among them, most likely, the one it was taken from)
    and with the first printing (which ties every copy to the first in one reuse
    cluster) makes a shingle's cost grow with its holders, not with their square.

    >>> _partner_columns(4, 0)
    [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
    >>> _partner_columns(5, 1)
    [(0, 1), (0, 2), (0, 3), (0, 4), (1, 2), (2, 3), (3, 4)]
    """
    if max_partners <= 0 or size <= max_partners + 2:
        return [(x, y) for x in range(size) for y in range(x + 1, size)]
    return sorted({(0, y) for y in range(1, size)}
                  | {(y - d, y) for y in range(1, size) for d in range(1, max_partners + 1) if y - d >= 0})


def _age(names: list[str], published: Mapping[str, str | None] | None) -> np.ndarray:
    """Each article's rank by publication (ISO dates sort as text; undated last), then id."""
    published = published or {}
    ranked = sorted(range(len(names)), key=lambda k: canonical_order(published.get(names[k]), names[k]))
    age = np.empty(len(names), dtype=np.int64)
    age[ranked] = np.arange(len(names))
    return age


def _kept(hashes: np.ndarray, shared: np.ndarray) -> np.ndarray:
    """Which of one article's (unique) shingle hashes are in ``shared`` (sorted)."""
    at = np.searchsorted(shared, hashes)
    at[at == len(shared)] = 0
    return shared[at] == hashes if len(shared) else np.zeros(len(hashes), dtype=bool)


# Working memory per shared-shingle occurrence: its pair code and position, their
# concatenated copies, and the arrays the window test makes of the same length.
_BYTES_PER_OCCURRENCE = 64


def _windowed(pairs: np.ndarray, positions: np.ndarray, settings: Settings) -> np.ndarray:
    """The pair codes whose occurrences (a pair code and a word position in its first
    article, each) put ``min_shared`` shingles within ``window`` words."""
    # One sortable key per occurrence: the pair's rank among the pairs, then the position.
    # (Ranks, not codes: a code is below the square of the collection's size, and with
    # the position beside it would overflow 64 bits past some 46,000 articles.)
    unique, rank = np.unique(pairs, return_inverse=True)
    keys = np.sort((rank.astype(np.int64) << np.int64(32)) | positions)
    pair = keys >> np.int64(32)
    in_window = np.searchsorted(keys, keys + settings.window, side="left") - np.arange(len(keys))
    starts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
    best = np.maximum.reduceat(in_window, starts)
    return unique[pair[starts][best >= settings.min_shared]]
