"""Where quotation marks enclose text: the mark finder of :mod:`.extract`, without reading
who speaks (what provenance needs to tell a shared quotation from copied text)."""

from __future__ import annotations

import re

from ..normalize import joined_lines

# Labels that open a line with a colon without anyone speaking.
LABELS = {"photo", "image", "video", "watch", "update", "updated", "note", "editor's note", "correction",
          "clarification", "source", "sources", "related", "read more", "see also", "caption", "warning",
          "disclaimer", "the latest", "breaking", "breaking news", "exclusive", "live", "analysis", "opinion",
          "explainer", "factbox", "advertisement", "transcript", "full transcript"}

# Opening mark -> marks that may close it. Curly double quotes are sometimes closed
# with the wrong curl ("crisis“"), and typed text mixes straight and curly marks
# ("But he won,” she said), so those count too.
_PAIRS = {"“": "”“\"", "«": "»", "„": "“”", "‘": "’", '"': '"”', "»": "«"}
_MAX_QUOTE = 4000
_MAX_WRAPPED_QUOTE = 1000  # in hard-wrapped text (normalize.joined_lines), whose paragraphs are not marked


def _opens(text: str, i: int) -> bool:
    c = text[i]
    if c == "‘":
        # Not an apostrophe: an opening single quote follows space or an opening mark.
        return i == 0 or text[i - 1].isspace() or text[i - 1] in "(“\"—–-"
    if c == "»":
        return False  # »...« (Danish/German style) is rare; « » is the common pair
    if c == '"':
        # A straight mark opens only where an opening mark can stand: after space or a
        # bracket, before a word. Otherwise pairing one stray mark puts every later
        # quotation of the article out of step.
        return (i == 0 or text[i - 1].isspace() or text[i - 1] in "([{—–-/") and (
            i + 1 < len(text) and not text[i + 1].isspace())
    return True


def _closes(text: str, k: int, mark: str) -> bool:
    if mark == "’":
        return k + 1 >= len(text) or not text[k + 1].isalpha()
    if mark == '"':
        return not text[k - 1].isspace() and (k + 1 >= len(text) or not text[k + 1].isalnum())
    return True


# Doubled apostrophes as quotation marks, as ASCII typesetting and some archives keep
# them (''It is,'' she said): opening before a word, closing after one.
# (The patterns start at the marks and look behind them in code: a pattern that opens with
# a look-behind is tried at every character of the text.)
_TYPED_OPEN = re.compile(r"''(?=[^\s'])")
_TYPED_CLOSE = re.compile(r"''(?!\w)")


def _typed_open(m: re.Match) -> str:
    before = m.string[m.start() - 1] if m.start() else " "
    return ' "' if before.isspace() or before in "([—–-" else m.group()


def _typed_close(m: re.Match) -> str:
    before = m.string[m.start() - 1] if m.start() else " "
    return '" ' if not before.isspace() and before != "'" else m.group()
# A closing mark that opens a paragraph opens a quotation: a typing slip that reader
# voices and transcripts copied from elsewhere keep (”Fear. I am truly afraid…”).
_MISTYPED_OPEN = re.compile(r"”(?=[^\n])")


def _mistyped_open(m: re.Match) -> str:
    line = m.string[m.string.rfind("\n", 0, m.start()) + 1:m.start()]
    return "“" if not line or line.isspace() else m.group()


# A transcript's turn opens with its speaker's name in capitals and a colon
# ("WALLACE: Let's start…", "SEN. TIM KAINE: …"): the name is the speaker, the colon the
# cue, the words after it the quotation. A bracketed note ("(CROSSTALK.)") is no one's turn
# but ends the one before it.
_TURN = re.compile(r"(?P<label>[A-Z][A-Z.'’-]+(?:[^\S\n][A-Z][A-Z.'’-]*){0,3}):[^\S\n]+(?=\S)")


def _turn_at(text: str, i: int, end: int | None = None) -> re.Match | None:
    """The label of a transcript's turn opening at ``i`` (“BREAKING: …” is no one's turn,
    nor “US: …”, two letters)."""
    turn = _TURN.match(text, i, len(text) if end is None else end)
    if turn is None or turn.group("label").lower() in LABELS or sum(map(str.isalpha, turn.group("label"))) < 3:
        return None
    return turn


_NOTE = re.compile(r"[(\[][^\n]*[)\]]\.?[^\S\n]*(?:\n|$)")


def _typed_marks(text: str) -> str:
    """The text with its quotation marks as the finder reads them, of the same length so
    that every offset holds: each doubled-apostrophe mark written as one straight mark
    and a space, a closing mark that opens a paragraph as an opening one."""
    if "''" in text:
        text = _TYPED_CLOSE.sub(_typed_close, _TYPED_OPEN.sub(_typed_open, text))
    return _MISTYPED_OPEN.sub(_mistyped_open, text)


# Where a quotation may open, and, inside one, the characters the scan must look at: its
# closing marks, an inner opening curl, a paragraph's end. The scan jumps between them.
_OPENING = re.compile("[" + re.escape("".join(_PAIRS)) + "]")
_STOPS = {c: re.compile("[" + re.escape(closers + "“\n") + "]") for c, closers in _PAIRS.items()}


def _find_spans(text: str, longest: int = _MAX_QUOTE) -> list[tuple[int, int]]:
    """(start, end) of the text inside each pair of quotation marks, none longer than ``longest``."""
    spans = []
    i = 0
    n = len(text)
    while (m := _OPENING.search(text, i)) is not None:
        i = m.start()
        c = text[i]
        if _opens(text, i):
            closers, stops = _PAIRS[c], _STOPS[c]
            limit = min(n, i + longest)
            k = i + 1
            # “…what he calls “hell” than…”: an opening curl typed inside opens an inner
            # quotation, so the next closing one closes the inner (also inside straight marks).
            nested = 0
            turn_ends = False
            while k < limit:
                stop = stops.search(text, k, limit)
                if stop is None:
                    k = limit
                    break
                k = stop.start()
                ch = text[k]
                if c in "“\"" and ch == "“" and text[k - 1].isspace() and k + 1 < n and text[k + 1].isalnum():
                    nested += 1
                elif ch in closers and _closes(text, k, ch):
                    if not nested:
                        break
                    nested -= 1
                if ch == "\n":
                    # A quote runs on over paragraphs when the next one reopens it, unless
                    # the next one is another speaker's turn in a transcript.
                    j = k
                    while j < n and text[j].isspace():
                        j += 1
                    if j < n and text[j] == c:
                        turn_ends = bool(_turn_at(text, j + 1) or (_NOTE.match(text, j + 1)
                                                                     and _turn_at(text, i + 1)))
                        if turn_ends:
                            break
                        k = j + 1
                        continue
                    k = n  # unclosed within its paragraph: not a quotation
                    break
                k += 1
            if turn_ends:
                end = k
                while text[end - 1].isspace():
                    end -= 1
                spans.append((i + 1, end))
                i = k
                continue
            if k < n and text[k] in closers and k > i + 1:
                spans.append((i + 1, k))
                i = k + 1
                continue
        i += 1
    return spans


# Words that may stay lower-case in a title, and words a title follows ("told ABC's
# “This Week”", "starred in “Parks and Recreation”").


def quotation_spans(text: str) -> list[tuple[int, int]]:
    """Where quotation marks enclose text, as :func:`extract_quotes` finds them, without
    reading who speaks (a fifth of its cost): (start, end) inside the marks.

    >>> quotation_spans("He said “we will go” and left.")
    [(9, 19)]
    """
    flowing = joined_lines(text)
    return _find_spans(_typed_marks(flowing), _MAX_WRAPPED_QUOTE if flowing is not text else _MAX_QUOTE)
