"""Find quotations and attribute them."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import replace

from .attribute import (
    attribute,
    canonical_speakers,
    core_name,
    described,
    in_full,
    mask_quotes,
)
from ..model import Quote
from ..normalize import joined_lines
from .parse import LABELS, refine

# Opening mark -> marks that may close it. Curly double quotes are sometimes closed
# with the wrong curl ("crisis“"), and typed text mixes straight and curly marks
# ("But he won,” she said), so those count too.
_PAIRS = {"“": "”“\"", "«": "»", "„": "“”", "‘": "’", '"': '"”', "»": "«"}
_MAX_QUOTE = 4000
_MAX_WRAPPED_QUOTE = 1000  # in hard-wrapped text (normalize.joined_lines), whose paragraphs are not marked
_LINE_BREAK = re.compile("\n")
_MIN_UNATTRIBUTED_WORDS = 4
# Characters between two quotations (the attribution) for the second to go on from the first.
_CONTINUATION_GAP = 120


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
_TITLE_SMALL = {"a", "an", "and", "as", "at", "but", "by", "for", "in", "of", "on", "or", "the", "to", "with"}
_BEFORE_TITLE = {"on", "in", "of", "with", "titled", "entitled", "called", "named", "show", "program", "programme",
                 "book", "film", "movie", "series", "song", "album", "column", "segment", "headline"}
_MAX_TITLE_WORDS = 6


def _is_title(text: str, start: int, end: int) -> bool:
    """A short quotation of capitalised words after a possessive or a word such as "on"
    or "titled" names a programme, book or film; it is not speech."""
    words = text[start:end].strip(" ,.!?:;").split()
    if not words or len(words) > _MAX_TITLE_WORDS:
        return False
    if not all(w[:1].isupper() or w[:1].isdigit() or w.lower() in _TITLE_SMALL for w in words):
        return False
    before = text[max(0, start - 40):start - 1].rstrip(" \xa0,").split()
    last = before[-1] if before else ""
    return last.endswith(("’s", "'s", "s’", "s'")) or last.lower() in _BEFORE_TITLE


def _turn(text: str, quote: Quote, turn: re.Match) -> Quote:
    """A transcript's turn as its speaker's quotation: the words after the label, the
    label's name the speaker (in capitals only as printed), the colon the cue."""
    label, colon = turn.group("label"), turn.end("label")
    name = core_name(label.title() if label.isupper() else label)
    return replace(quote, start=turn.end(), text=text[turn.end():quote.end], speaker=name,
                   speaker_as_written=label, speaker_start=turn.start("label"), speaker_end=colon, how="named",
                   cue=":", cue_start=colon, cue_end=colon + 1, secondary_source=None,
                   evidence="a transcript's turn: the speaker's name opens it")


def quotation_spans(text: str) -> list[tuple[int, int]]:
    """Where quotation marks enclose text, as :func:`extract_quotes` finds them, without
    reading who speaks (a fifth of its cost): (start, end) inside the marks.

    >>> quotation_spans("He said “we will go” and left.")
    [(9, 19)]
    """
    flowing = joined_lines(text)
    return _find_spans(_typed_marks(flowing), _MAX_WRAPPED_QUOTE if flowing is not text else _MAX_QUOTE)


def extract_quotes(article_id: str, text: str, parser=None) -> list[Quote]:
    """Return the article's quotations with speaker, cue and offsets. With a spaCy
    ``parser`` (see :func:`.parse.load_parser`) speakers come from the parse where it
    finds one, from the rules elsewhere.

    >>> [(q.text, q.speaker, q.how) for q in extract_quotes("a", "“We will go,” Kerry said. “Soon,” he added.")]
    [('We will go,', 'Kerry', 'named'), ('Soon,', 'Kerry', 'pronoun')]
    """
    found: list[Quote] = []
    # A hard-wrapped column's quotations run over its line breaks. There a stray mark (OCR
    # noise) is not stopped by a paragraph's end: a quotation is held shorter, and one that
    # runs over a line break is kept only when someone is said to speak it.
    flowing = joined_lines(text)
    wrapped = [m.start() for m in _LINE_BREAK.finditer(text) if flowing[m.start()] != "\n"] if flowing is not text else []
    longest = _MAX_WRAPPED_QUOTE if wrapped else _MAX_QUOTE
    text = flowing
    scan = _typed_marks(text)
    spans = _find_spans(scan, longest)
    masked = mask_quotes(scan, spans)  # once per article: it is the size of the text
    for start, end in spans:
        found.append(Quote(article_id, start, end, text[start:end], *attribute(scan, start, end, spans, found, masked)))
    quotes: list[Quote] = []
    previous: Quote | None = None
    for quote in refine(text, found, parser, masked):
        turn = _turn_at(scan, quote.start, quote.end)
        if turn:
            quote = _turn(text, quote, turn)
        elif quote.how == "named" and quote.speaker_as_written and quote.speaker_start is not None \
                and (person := described(masked, quote.speaker_start, quote.speaker_as_written)):
            quote = replace(quote, speaker=person[0], evidence=person[1])  # “…,” the minister said
        if quote.how == "unattributed" and previous is not None and previous.how != "unattributed":
            between = text[previous.end + 1 : quote.start - 1]
            # “A,” Trump said. “B.” — B goes on with the same speaker, in the same paragraph.
            if "\n" not in between and len(between) <= _CONTINUATION_GAP:
                quote = replace(quote, speaker=previous.speaker, speaker_as_written=previous.speaker_as_written,
                                speaker_start=previous.speaker_start, speaker_end=previous.speaker_end,
                                how=previous.how, cue=previous.cue, cue_start=previous.cue_start,
                                cue_end=previous.cue_end,
                                evidence="goes on from the quotation before it, in the same paragraph")
        previous = quote
        # A short unattributed quotation is a title or scare quotes ("so-called “experts”").
        if quote.how == "unattributed" and len(quote.text.split()) < _MIN_UNATTRIBUTED_WORDS:
            continue
        if quote.how == "unattributed" and wrapped and bisect_left(wrapped, quote.start) < bisect_left(wrapped, quote.end):
            continue  # over a wrapped line break, with no one said to speak it
        if _is_title(scan, quote.start, quote.end):
            continue
        quotes.append(quote)
    return canonical_speakers(in_full(masked, quotes))
