"""Repair text (mojibake, Unicode forms, invisible characters) and keep a map back.

The repaired text is what tokens are cut from; :class:`RepairedText` maps every
offset in it back to the original characters, so reported spans always slice the
text the user gave.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

import numpy as np

# Characters the UTF-8 continuation bytes 0x80-0xBF become when UTF-8 is misread
# as Windows-1252 (bytes it leaves undefined survive as C1 control characters).
_BYTE_OF: dict[str, int] = {}
for _b in range(0x80, 0x100):
    try:
        _BYTE_OF[bytes([_b]).decode("cp1252")] = _b
    except UnicodeDecodeError:
        pass
    # Text misread as Latin-1 instead keeps the raw code point.
    _BYTE_OF[chr(_b)] = _b
_CONTINUATION = "".join(re.escape(c) for c, b in _BYTE_OF.items() if b < 0xC0)
_MOJIBAKE = re.compile(f"[\u00c2-\u00f4][{_CONTINUATION}]{{1,3}}")

# Invisible characters that only get in the way of matching words.
_DROP = {"\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}
# Where repair may have work: mojibake lead bytes, invisible and combining characters.
_SUSPECT = re.compile(
    "[\u00c2-\u00f4\u00ad\u200b-\u200d\u2060\ufeff"
    "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
)


@dataclass(frozen=True, slots=True)
class RepairedText:
    """Repaired text plus the way back to the original.

    ``layers`` holds one tuple of anchors ``(repaired_offset, original_offset)`` per
    repair pass that changed something (mojibake can be encoded twice), first pass first.
    """

    text: str
    layers: tuple[tuple[tuple[int, int], ...], ...] = ()

    def to_original(self, offset: int) -> int:
        """Map an offset in the repaired text to the original text."""
        return self.to_original_all([offset])[0]

    def to_original_all(self, offsets: list[int]) -> list[int]:
        """Map offsets in the repaired text to the original text, all at once: through each
        layer, last first, an offset moves with the last anchor at or before it."""
        mapped = np.asarray(offsets, dtype=np.int64)
        for anchors in reversed(self.layers):
            table = np.asarray(anchors, dtype=np.int64).reshape(-1, 2)
            i = np.searchsorted(table[:, 0], mapped, side="right") - 1
            hit = i >= 0
            mapped = np.where(hit, table[np.maximum(i, 0), 1] + mapped - table[np.maximum(i, 0), 0], mapped)
        return mapped.tolist()


def _fix_mojibake(run: str) -> str | None:
    """The character a misread UTF-8 sequence stood for, if it is one that news text uses."""
    try:
        fixed = bytes(_BYTE_OF[c] for c in run).decode("utf-8")
    except (KeyError, UnicodeDecodeError):
        return None
    # Latin letters, Greek and Cyrillic, punctuation, currency and letterlike symbols;
    # anything else (a CJK character from "é—" plus a stray byte) is a false alarm.
    code = ord(fixed[0])
    if 0x80 <= code <= 0x52F or 0x2000 <= code <= 0x214F:
        return fixed
    return None


def repair(text: str) -> RepairedText:
    """Repair mojibake, compose Unicode (NFC) and drop invisible characters.

    Passes repeat until nothing changes (at most three), so mojibake of mojibake is
    undone too and repairing repaired text changes nothing.

    >>> r = repair("caf\\u00c3\\u00a9 \\u00e2\\u0080\\u0099")
    >>> r.text, r.to_original(5)
    ('café ’', 6)
    """
    layers = []
    for _ in range(3):
        text, anchors = _repair_pass(text)
        if not anchors:
            break
        layers.append(anchors)
    return RepairedText(text, tuple(layers))


def _repair_pass(text: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """One pass of :func:`repair`: the new text and its anchors (empty if unchanged)."""
    pieces: list[str] = []
    anchors: list[tuple[int, int]] = []
    out_len = 0
    shifted = False

    def emit(piece: str, orig_start: int, orig_end: int) -> None:
        nonlocal out_len, shifted
        # An anchor is needed where the running shift changes.
        if piece and (shifted or len(piece) != orig_end - orig_start):
            anchors.append((out_len, orig_start))
        pieces.append(piece)
        out_len += len(piece)
        if len(piece) != orig_end - orig_start:
            shifted = True
            anchors.append((out_len, orig_end))

    if text.isascii():
        return text, ()
    plain_start = 0
    n = len(text)
    for m in _SUSPECT.finditer(text):
        i = m.start()
        if i < plain_start:
            continue
        c = text[i]
        if c in _DROP:
            replacement, end = "", i + 1
        elif unicodedata.combining(c):
            # Compose the combining run with the base character before it.
            end = i
            while end < n and unicodedata.combining(text[end]):
                end += 1
            if i == 0 or i - 1 < plain_start:
                continue
            composed = unicodedata.normalize("NFC", text[i - 1 : end])
            if len(composed) == end - i + 1:
                continue
            i -= 1
            replacement = composed
        else:
            mm = _MOJIBAKE.match(text, i)
            if not mm:
                continue
            # The run may take in a character that was not part of the broken one.
            for end in range(mm.end(), i + 1, -1):
                fixed = _fix_mojibake(text[i:end])
                if fixed is not None:
                    break
            if fixed is None:
                continue
            replacement = fixed
        if plain_start < i:
            emit(text[plain_start:i], plain_start, i)
        emit(replacement, i, end)
        plain_start = end
    if plain_start < n:
        emit(text[plain_start:n], plain_start, n)
    if not anchors:
        return text, ()
    return "".join(pieces), _compact(anchors)


def _compact(anchors: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Drop anchors that the previous one already implies."""
    kept: list[tuple[int, int]] = []
    for rep, orig in anchors:
        if kept and rep - kept[-1][0] == orig - kept[-1][1]:
            continue
        if kept and kept[-1][0] == rep:
            kept[-1] = (rep, orig)
            continue
        kept.append((rep, orig))
    return tuple(kept)


# How a line that ends a sentence, a quotation or a heading's bracket ends.
_CLOSING_CHARS = ".!?:;\"”'’)]"
_WRAPPED_LINE_CHARS = 100  # hard-wrapped lines are short: a column, a terminal's width


def joined_lines(text: str) -> str:
    """The text with the line breaks of hard-wrapped text read as spaces: an OCR'd
    newspaper column or a plain-text file wrapped at a width breaks its lines inside
    sentences and quotations ("He stopped the child and said, “Sonny, where\nare your
    shoes?”"), so a line there is not a paragraph. Text is hard-wrapped when most of its
    lines end inside a sentence and half of them are no longer than a column; blank lines
    and lines in capitals (headings: on a page of several articles, the start of another)
    stay paragraphs of their own. Other text comes back as it is. The same length, so
    offsets hold."""
    lines = text.split("\n")
    full = [line.rstrip() for line in lines if line.strip()]
    if len(full) < 3:
        return text
    open_ended = sum(1 for line in full if line[-1] not in _CLOSING_CHARS)
    if 2 * open_ended <= len(full) or sorted(map(len, full))[len(full) // 2] > _WRAPPED_LINE_CHARS:
        return text
    kept = [not line.strip() or (line.isupper() and len(line.strip()) >= 4) for line in lines]
    out = []
    for k, line in enumerate(lines[:-1]):
        out.append(line + ("\n" if kept[k] or kept[k + 1] else " "))
    out.append(lines[-1])
    return "".join(out)


def text_hash(text: str) -> str:
    """Hash of an article's repaired text with white space folded: equal for exact duplicates."""
    folded = " ".join(repair(text).text.split())
    return hashlib.sha1(folded.encode("utf-8")).hexdigest()
