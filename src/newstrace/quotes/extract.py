"""Find quotations and attribute them."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import replace

from .attribute import (
    _SENTENCE_END,
    attribute,
    canonical_speakers,
    core_name,
    described,
    headline_end,
    in_full,
    mask_headline,
    mask_quotes,
    speaker_orgs,
)
from ..model import Quote
from ..normalize import STOPWORDS, joined_lines, word_key
from ..significance import rarity
from .marks import _MAX_QUOTE, _MAX_WRAPPED_QUOTE, _find_spans, _turn_at, _typed_marks
from .parse import refine

_LINE_BREAK = re.compile("\n")
_MIN_UNATTRIBUTED_WORDS = 4
# Characters between two quotations (the attribution) for the second to go on from the first.
_CONTINUATION_GAP = 120

_TITLE_SMALL = {"a", "an", "and", "as", "at", "but", "by", "for", "in", "of", "on", "or", "the", "to", "with"}
_BEFORE_TITLE = {"on", "in", "of", "with", "titled", "entitled", "called", "named", "show", "program", "programme",
                 "book", "film", "movie", "series", "song", "album", "column", "segment", "headline", "anthem",
                 "hymn", "ballad", "poem", "novel", "memoir", "play", "musical", "opera", "documentary", "podcast",
                 "slogan", "painting", "exhibition"}
_MAX_TITLE_WORDS = 6
# Words that make the few words in marks after them part of a noun phrase: the article's
# own words held up ("the “terrorist” groups", "the so-called “caliphate”"), not speech.
_HELD_UP_AFTER = {"the", "this", "these", "those", "its", "their", "his", "her", "our", "such", "so-called",
                  "self-styled", "self-proclaimed", "alleged", "supposed"}


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


_NEXT_WORD = re.compile(r"[^\S\n]*([a-z][a-z-]*)\b")


def _held_up(text: str, start: int, end: int, spoken: bool = False) -> bool:
    """A few words in marks inside a noun phrase: after a determiner ("the “terrorist”
    attack", "so-called “caliphate”"), scare quotes whoever the sentence says speaks; or
    before the noun they qualify ("by “moderate” rebels"), unless ``spoken``: the speaker's
    cue comes before them in their sentence, and they are the speaker's own words quoted in
    reported speech ("Nerad said Fisker's departure may have “dire” consequences")."""
    words = text[start:end].split()
    if not words or len(words) >= _MIN_UNATTRIBUTED_WORDS or text[start:end].rstrip()[-1:] in ".,!?;:":
        return False
    before = text[max(0, start - 40):start - 1].split()
    if before and before[-1].lower().strip("“‘\"'(") in _HELD_UP_AFTER:
        return True
    after = _NEXT_WORD.match(text, end + 1)
    return not spoken and after is not None and word_key(after.group(1)) not in STOPWORDS


# A cue this close before words in marks, in their sentence, makes them the speaker's.
_CUE_WORDS_BEFORE = 12
_PASSIVE_CUE = re.compile(r"\s*to\s+(?:be|have)\b")  # "said to be the “brains”": nobody speaks


def _cued_before(masked: str, quote: Quote) -> bool:
    """Whether the quotation's speaker, named, is cued just before it in its own sentence
    ("Nerad said Fisker's departure may have “dire” consequences"; ``masked``: the text with
    quotations blanked). A speaker that is one everyday word ("Barring", "Only": a misread
    sentence opening) makes no such case."""
    if quote.how not in ("named", "pronoun") or not quote.speaker or quote.cue_end is None \
            or not quote.cue_end <= quote.start:
        return False
    between = masked[quote.cue_end:quote.start]
    words = quote.speaker.split()
    return len(between.split()) <= _CUE_WORDS_BEFORE and not _SENTENCE_END.search(masked, quote.cue_end, quote.start) \
        and not _PASSIVE_CUE.match(between) and not (len(words) == 1 and rarity(words[0].lower()) <= 1.0)


_DETERMINER_BEFORE = re.compile(r"\b(?:[Tt]hat|[Tt]his|[Tt]he)\s+$")


def _with_determiner(text: str, start: int, as_written: str) -> tuple[int, str]:
    """A speaker's words with the determiner right before them, which a parse may leave out
    of the subject ("that Assad ally said"): what tells a description from a name."""
    m = _DETERMINER_BEFORE.search(text, max(0, start - 6), start)
    return (m.start(), text[m.start():start] + as_written) if m else (start, as_written)


def _without_speaker(quote: Quote, why: str, **fields) -> Quote:
    return replace(quote, speaker=None, speaker_as_written=None, speaker_start=None, speaker_end=None,
                   how="unattributed", cue=None, cue_start=None, cue_end=None, secondary_source=None, evidence=why,
                   **fields)


def _as_term(quote: Quote) -> Quote:
    return _without_speaker(quote, "a term: words held up in marks, which nobody is said to speak", kind="term")


def _turn(text: str, quote: Quote, turn: re.Match) -> Quote:
    """A transcript's turn as its speaker's quotation: the words after the label, the
    label's name the speaker (in capitals only as printed), the colon the cue."""
    label, colon = turn.group("label"), turn.end("label")
    name = core_name(label.title() if label.isupper() else label)
    return replace(quote, start=turn.end(), text=text[turn.end():quote.end], speaker=name,
                   speaker_as_written=label, speaker_start=turn.start("label"), speaker_end=colon, how="named",
                   cue=":", cue_start=colon, cue_end=colon + 1, secondary_source=None,
                   evidence="a transcript's turn: the speaker's name opens it")


def extract_quotes(article_id: str, text: str, parser=None, terms: bool = False) -> list[Quote]:
    """Return the article's quotations with speaker, cue and offsets. With a spaCy
    ``parser`` (see :func:`.parse.load_parser`) speakers come from the parse where it
    finds one, from the rules elsewhere. With ``terms``, the terms too (kind ``term``: scare
    quotes, titles, a few words in marks that nobody is said to speak).

    >>> [(q.text, q.speaker, q.how) for q in extract_quotes("a", "“We will go,” Kerry said. “Soon,” he added.")]
    [('We will go,', 'Kerry', 'named'), ('Soon,', 'Kerry', 'pronoun')]
    """
    found: list[Quote] = []
    # A hard-wrapped column's quotations run over its line breaks. There a stray mark (OCR
    # noise) is not stopped by a paragraph's end: a quotation is held shorter, and one that
    # runs over a line break is kept only when someone is said to speak it.
    headline = headline_end(text)  # before the lines are joined: a wrapped column's headline runs on
    flowing = joined_lines(text)
    wrapped = [m.start() for m in _LINE_BREAK.finditer(text) if flowing[m.start()] != "\n"] if flowing is not text else []
    longest = _MAX_WRAPPED_QUOTE if wrapped else _MAX_QUOTE
    text = flowing
    scan = _typed_marks(text)
    spans = _find_spans(scan, longest)
    if spans and spans[0][0] < headline:
        headline = 0  # a first line that quotes someone is a paragraph of its own, not a headline to blank
    masked = mask_headline(mask_quotes(scan, spans), headline)  # once per article: it is the size of the text
    for start, end in spans:
        found.append(Quote(article_id, start, end, text[start:end], *attribute(scan, start, end, spans, found, masked)))
    quotes: list[Quote] = []
    previous: Quote | None = None
    for quote in refine(text, found, parser, masked):
        turn = _turn_at(scan, quote.start, quote.end)
        if turn:
            quote = _turn(text, quote, turn)
        elif quote.how == "named" and quote.speaker_as_written and quote.speaker_start is not None \
                and (person := described(masked, *_with_determiner(scan, quote.speaker_start, quote.speaker_as_written))):
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
        if headline and quote.speaker_start is not None and quote.speaker_start < headline <= quote.start:
            quote = _without_speaker(quote, "the only speaker found was in the headline, which speaks no body quotation")
        previous = quote
        if quote.how == "unattributed" and wrapped and bisect_left(wrapped, quote.start) < bisect_left(wrapped, quote.end):
            continue  # over a wrapped line break, with no one said to speak it: a stray mark
        # A short unattributed quotation is a title or scare quotes ("so-called “experts”").
        if (quote.how == "unattributed" and len(quote.text.split()) < _MIN_UNATTRIBUTED_WORDS) \
                or _is_title(scan, quote.start, quote.end) \
                or _held_up(scan, quote.start, quote.end, _cued_before(masked, quote)):
            if terms:
                quotes.append(_as_term(quote))
            continue
        quotes.append(quote)
    said = speaker_orgs(masked, canonical_speakers(in_full(masked, [q for q in quotes if q.kind == "quotation"])))
    return sorted([*said, *(q for q in quotes if q.kind == "term")], key=lambda q: q.start) if terms else said
