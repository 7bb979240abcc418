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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..dates import canonical_order
from ..normalize import is_weak, load_aliases, token_columns
from ..settings import Settings

__all__ = ["Candidate", "ages", "df_cutoff", "find_candidates", "find_candidates_in_parts", "ngram_hashes",
           "pair_occurrences", "phrase_frequency", "postings", "shingle_config", "shingle_frequency", "shingles",
           "windowed_pairs"]

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


def ngram_hashes(keys: Sequence[str], n: int) -> tuple[np.ndarray, np.ndarray]:
    """The hash of every key n-gram of ``keys`` in order (one per start position), and
    whether each holds a strong word (n-grams of weak words only index nothing)."""
    if len(keys) < n:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=bool)
    facts = [_key_facts(k) for k in keys]
    hashed = np.fromiter((f[0] for f in facts), dtype=np.uint64, count=len(keys))
    strong = np.fromiter((f[1] for f in facts), dtype=bool, count=len(keys))
    m = len(keys) - n + 1
    mixed = np.zeros(m, dtype=np.uint64)
    any_strong = np.zeros(m, dtype=bool)
    for k in range(n):
        mixed ^= hashed[k : k + m] * _MIX[k % len(_MIX)]
        any_strong |= strong[k : k + m]
    return mixed, any_strong


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
    mixed, any_strong = ngram_hashes(keys, n)
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

    The work is three stage functions, which the Spark engine runs on its partitions:
    :func:`postings` (a shingle's holders, all in one place), :func:`pair_occurrences`
    (a shared shingle's pairs) and :func:`windowed_pairs` (a pair's occurrences, all in
    one place). :func:`find_candidates_in_parts` runs them on a collection too large to
    index at once.
    """
    names = sorted(name for name, _, _ in shingled)
    return find_candidates_in_parts(lambda: iter(shingled), names, published, settings)


def find_candidates_in_parts(
    read: Callable[[], Iterable[tuple[str, np.ndarray, np.ndarray]]],
    names: Sequence[str],
    published: Mapping[str, str | None] | None,
    settings: Settings = Settings(),
    hash_parts: int = 1,
    spill: str | Path | None = None,
) -> list[Candidate]:
    """:func:`find_candidates` over the articles ``names`` (sorted ids), whose shingles
    ``read()`` yields afresh at each call, with bounded memory.

    With ``hash_parts`` = h > 1 the index is built h times, of the shingles whose hash is
    k modulo h in pass k (each pass holds about 1/h of the index), and each pass's
    shared-shingle occurrences are written to files in the folder ``spill``, one per part
    of the pairs (by first article modulo h); then each file is read back for the window
    test. The pairs are those of one pass over the whole index.
    """
    if len(names) < 2:
        return []
    number = {name: k for k, name in enumerate(names)}
    age = ages(names, published)
    cutoff = df_cutoff(settings, len(names))
    n_docs = len(names)
    found: list[np.ndarray] = []
    if hash_parts <= 1:
        groups = _part_postings(read(), number, age, cutoff, 0, 1)
        occurrences = sum(len(members) * len(_partner_columns(size, settings.max_partners))
                          for size, members, _ in groups)
        # Pairs are made in parts (by the first article's number modulo ``parts``) so that the
        # stage's working memory stays within ``candidate_memory_mb``.
        parts = max(1, -(-occurrences * _BYTES_PER_OCCURRENCE // (max(1, settings.candidate_memory_mb) << 20)))
        for part in range(parts):
            a, b = windowed_pairs(*pair_occurrences(groups, settings.max_partners, part, parts), settings)
            found.append(a * n_docs + b)
    else:
        if spill is None:
            raise ValueError("finding candidates in hash parts needs a folder to spill to")
        files = [Path(spill) / f"occurrences-{part}.bin" for part in range(hash_parts)]
        for file in files:
            file.write_bytes(b"")
        for part in range(hash_parts):
            # A pass's occurrences are about 1/h of all: made once, then sent to their files.
            occurrences = np.stack(pair_occurrences(_part_postings(read(), number, age, cutoff, part, hash_parts),
                                                    settings.max_partners), axis=1).astype(np.int64)
            pair_part = occurrences[:, 0] % hash_parts
            for k, file in enumerate(files):
                with file.open("ab") as out:
                    occurrences[pair_part == k].tofile(out)
            del occurrences, pair_part
        for file in files:
            occurrences = np.fromfile(file, dtype=np.int64).reshape(-1, 3)
            file.unlink()
            a, b = windowed_pairs(occurrences[:, 0], occurrences[:, 1], occurrences[:, 2], settings)
            found.append(a * n_docs + b)
    codes = np.sort(np.concatenate(found))
    return [Candidate(names[int(c // n_docs)], names[int(c % n_docs)]) for c in codes]


def _part_postings(shingled: Iterable[tuple[str, np.ndarray, np.ndarray]], number: Mapping[str, int],
                   age: np.ndarray, cutoff: int, part: int, parts: int) -> list:
    """:func:`postings` of the shingles whose hash is ``part`` modulo ``parts``."""
    held = []
    for name, hashes, positions in shingled:
        if parts > 1:
            mine = hashes % np.uint64(parts) == part
            hashes, positions = hashes[mine], positions[mine]
        held.append((number[name], hashes, positions))
    if not held:
        return []
    # Only shingles in two articles or more, and not boilerplate, can make a pair: most
    # shingles of a large collection are in one article only. Leaving them out first
    # keeps the index, and the memory it takes, to the shingles that matter.
    every, df = np.unique(np.concatenate([h for _, h, _ in held]), return_counts=True)
    shared = every[(df >= 2) & (df <= cutoff)]
    del every, df
    kept = [_kept(h, shared) for _, h, _ in held]
    hashes = np.concatenate([h[m] for (_, h, _), m in zip(held, kept)])
    positions = np.concatenate([p[m] for (_, _, p), m in zip(held, kept)]).astype(np.int64)
    owners = np.concatenate([np.full(int(m.sum()), k, dtype=np.int64) for (k, _, _), m in zip(held, kept)])
    del held, shared, kept
    return postings(hashes, owners, age[owners], positions, cutoff)


def df_cutoff(settings: Settings, n_articles: int) -> int:
    """The most articles a shingle may be held by and still pair them (more is boilerplate)."""
    return max(settings.min_df_count, int(settings.max_df * n_articles))


def ages(names: Sequence[str], published: Mapping[str, str | None] | None) -> np.ndarray:
    """Each article's rank by publication (ISO dates sort as text; undated last), then id:
    the order in which a shingle's holders are taken."""
    published = published or {}
    ranked = sorted(range(len(names)), key=lambda k: canonical_order(published.get(names[k]), names[k]))
    age = np.empty(len(names), dtype=np.int64)
    age[ranked] = np.arange(len(names))
    return age


def postings(hashes: np.ndarray, owners: np.ndarray, age: np.ndarray, positions: np.ndarray,
             cutoff: int) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """The postings lists of the index, grouped by length: (size, members, positions), one
    row of ``size`` holders per shingle held by 2 to ``cutoff`` articles, earliest first.

    Input is one occurrence per (shingle, article): the hash, the article's number (in id
    order), its :func:`ages` rank and the word position. Every holder of a hash given must
    be among them: partitioned by hash, each part's postings are complete.
    """
    by_hash = np.lexsort((age, hashes))
    hashes, owners, positions = hashes[by_hash], owners[by_hash], positions[by_hash]
    del by_hash
    starts = np.flatnonzero(np.r_[True, hashes[1:] != hashes[:-1]]) if len(hashes) else np.zeros(0, np.int64)
    sizes = np.diff(np.r_[starts, len(hashes)])
    groups = []
    for size in np.unique(sizes):
        if 2 <= size <= cutoff:
            cells = starts[sizes == size][:, None] + np.arange(size)
            groups.append((int(size), owners[cells], positions[cells]))
    return groups


def pair_occurrences(groups: list[tuple[int, np.ndarray, np.ndarray]], max_partners: int,
                     part: int = 0, parts: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The shared-shingle occurrences of :func:`postings`: arrays of the pair's first and
    second article (by number, ``a < b``) and the shingle's word position in the first,
    for the holders :func:`_partner_columns` pairs; only pairs with ``a % parts == part``."""
    firsts, seconds, where_in_a = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    for size, members, where in groups:
        for x, y in _partner_columns(size, max_partners):
            # The pair by id order; the window is tested in the first article by id.
            first = members[:, x] < members[:, y]
            a = np.where(first, members[:, x], members[:, y])
            b = np.where(first, members[:, y], members[:, x])
            pos = np.where(first, where[:, x], where[:, y])
            if parts > 1:
                sel = a % parts == part
                a, b, pos = a[sel], b[sel], pos[sel]
            firsts.append(a)
            seconds.append(b)
            where_in_a.append(pos)
    return np.concatenate(firsts), np.concatenate(seconds), np.concatenate(where_in_a)


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


def _kept(hashes: np.ndarray, shared: np.ndarray) -> np.ndarray:
    """Which of one article's (unique) shingle hashes are in ``shared`` (sorted)."""
    at = np.searchsorted(shared, hashes)
    at[at == len(shared)] = 0
    return shared[at] == hashes if len(shared) else np.zeros(len(hashes), dtype=bool)


# Working memory per shared-shingle occurrence: its pair code and position, their
# concatenated copies, and the arrays the window test makes of the same length.
_BYTES_PER_OCCURRENCE = 64


def windowed_pairs(a: np.ndarray, b: np.ndarray, positions: np.ndarray, settings: Settings
                   ) -> tuple[np.ndarray, np.ndarray]:
    """The pairs (first and second articles, sorted) whose occurrences, from
    :func:`pair_occurrences`, put ``min_shared`` shingles within ``window`` words in the
    first article. Every occurrence of a pair given must be among them."""
    if len(a) == 0:
        return a, b
    # One code per pair (article numbers stay below 2**31), then one sortable key per
    # occurrence: the pair's rank among the pairs, then the position. (Ranks, not codes:
    # with the position beside it a code would overflow 64 bits.)
    unique, rank = np.unique((a.astype(np.int64) << np.int64(32)) | b, return_inverse=True)
    keys = np.sort((rank.astype(np.int64) << np.int64(32)) | positions)
    pair = keys >> np.int64(32)
    in_window = np.searchsorted(keys, keys + settings.window, side="left") - np.arange(len(keys))
    starts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
    best = np.maximum.reduceat(in_window, starts)
    kept = unique[pair[starts][best >= settings.min_shared]]
    return kept >> np.int64(32), kept & np.int64(0xFFFFFFFF)


def shingle_frequency(hash_arrays: list) -> tuple | None:
    """The shingle hashes held by two articles or more, sorted, and how many articles hold
    each; ``hash_arrays`` are the articles' (unique) shingle hashes, one array per article.
    None when no shingle is held twice (then no passage was found through one)."""
    if not hash_arrays:
        return None
    hashes, counts = np.unique(np.concatenate(hash_arrays), return_counts=True)
    held = counts >= 2
    return (hashes[held], counts[held]) if held.any() else None


def phrase_frequency(frequency: tuple | None, settings: Settings) -> Callable[[list[str]], list[int]] | None:
    """A function giving, for the words of a passage, how many articles of the collection
    hold a key n-gram around each word (the most of those covering it; n-grams of the
    passage's own words). ``frequency`` is (hashes, counts) as :func:`shingle_frequency`
    makes it: a hash not in it is held by one article. None when ``frequency`` is."""
    if frequency is None:
        return None
    hashes, counts = frequency
    aliases = load_aliases(settings.aliases)
    n = settings.ngram

    def held(surfaces: list[str]) -> list[int]:
        # Re-tokenized joined, each token is owned by the surface it starts in (a gap's "…"
        # owns none, an alias form of several words stays one token).
        starts = np.cumsum([0] + [len(w) + 1 for w in surfaces[:-1]])
        token_starts, _, keys = token_columns(" ".join(surfaces), aliases)
        most = np.ones(len(surfaces), dtype=np.int64)
        found = ngram_hashes(keys, n)[0]
        if not len(found):
            return most.tolist()
        at = np.minimum(np.searchsorted(hashes, found), len(hashes) - 1)
        df = np.where(hashes[at] == found, counts[at], 1)
        per_token = np.ones(len(keys), dtype=np.int64)
        for k in range(n):
            np.maximum(per_token[k:k + len(df)], df, out=per_token[k:k + len(df)])
        np.maximum.at(most, np.searchsorted(starts, token_starts, side="right") - 1, per_token)
        return most.tolist()
    return held


def shingle_config(settings: Settings) -> str:
    """What the stored shingles of an article were made with: shingles made otherwise are
    made again."""
    return f"n={settings.ngram};aliases={','.join(settings.aliases)}"
