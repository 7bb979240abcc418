"""Who said a quotation: speaker, cue, pronoun antecedent, secondary source (rules, no model)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace
from functools import lru_cache
from importlib import resources

from ..significance import zipf

_CUES = ("said|says|say|told|tells|added|adds|warned|warns|stated|states|explained|explains|noted|notes|"
         "asked|asks|argued|argues|insisted|insists|claimed|claims|declared|declares|wrote|writes|"
         "tweeted|posted|announced|announces|replied|replies|responded|continued|recalled|acknowledged|"
         "admitted|conceded|suggested|urged|stressed|emphasized|emphasised|observed|remarked|commented|"
         "predicted|complained|cautioned|concluded|confirmed|denied|vowed|promised|pointed out|"
         "saying|adding|telling|calling|called|describing|described|according to|quoted|quipped|"
         "shouted|yelled|joked|boasted|told reporters|said in a statement")
CUE = re.compile(rf"\b(?:{_CUES})\b")
# A capitalised word that is not a sentence-opening function word ("A." is an initial).
_NOT_A_NAME = (r"(?!(?:The|A|An|But|And|If|In|It|Its|This|That|These|Those|However|Meanwhile|When|While|As|At|"
               r"On|For|With|After|Before|There|Then|So|Yet|Still|Also|Now|Asked|According|During|Since|Until|"
               r"Although|Though|Because|Despite|Even|From|By|Under|Over|Without|Why|What|How|Where|"
               r"He|She|They|We|You|His|Her|Their|Our|Him|Them)\b(?!\.))")
_NAME = _NOT_A_NAME + r"[A-Z][\w’'.\-]*"
_LINK = r"(?:of|the|for|and|in|on|at|de|al|bin|van|von|der|du|la|le)"
_ROLE = (r"(?:spokesman|spokeswoman|spokesperson|spokesmen|minister|secretary|president|official|officials|"
         r"chief|head|director|senator|governor|mayor|lawmaker|embassy|ministry|department|agency|adviser|"
         r"advisor|aide|aides|analyst|leader|chairman|chairwoman|ambassador|envoy|general|colonel|captain|"
         r"commander|professor|expert|source|sources|candidate|nominee|manager|strategist|campaign|office|"
         r"board|police|prosecutor|judge|lawyer|attorney|member|members|representative|executive|founder|"
         r"chairwoman|press secretary|staff|team|voter|voters|supporter|supporters|critic|critics|"
         r"businessman|businesswoman|billionaire|host|anchor|reporter|writer|columnist|economist|"
         r"government|administration|company|firm|group|party|committee|council|court|military|army|navy|"
         r"monitor)")
# What a person is, for a body ("analyst at Citi", "Pentagon spokesman", "Apple's chief executive").
_POSTS = ("spokesman|spokeswoman|spokesperson|minister|secretary|president|official|chief|head|director|"
          "adviser|advisor|aide|analyst|leader|chairman|chairwoman|chair|ambassador|envoy|commander|professor|"
          "expert|manager|strategist|economist|prosecutor|lawyer|attorney|member|representative|executive|"
          "officer|founder|co-founder|researcher|fellow|partner|editor|correspondent|reporter|scientist|"
          "lecturer|dean|coach|owner|negotiator|investigator|inspector|commissioner|trader|counsel|"
          "administrator|coordinator|organizer|organiser|activist|consultant|deputy|head|boss|CEO|COO|CFO")
_PRONOUN = r"(?:he|she|they|He|She|They|I|we|We)"
SPEAKER = (rf"(?:(?:the|The|a|A|an|An)\s+)?(?:(?:{_NAME}|{_ROLE})\s+(?:{_LINK}\s+)*)*(?:{_NAME}|{_ROLE})")
_AFTER_CUE_FIRST = re.compile(
    rf"^[\s,;:—–-]*(?P<cue>{_CUES})\s+(?P<sp>{SPEAKER}|{_PRONOUN}|(?:the|a|an)\s+[\w’'-]+)\b")
_AFTER_SPEAKER_FIRST = re.compile(
    rf"^[\s,;:—–-]*(?:(?:[a-z][\w’'-]*|[A-Z][\w’'-]*’s?)\s+){{0,4}}?(?P<sp>{SPEAKER}|{_PRONOUN})"
    rf"(?:,[^,“”\"\n]{{1,60}},)?"  # "Flynn, a top Trump surrogate, said"
    rf"\s+(?:(?:also|later|then|once|has|had|have|"
    rf"previously|recently|simply|again|quickly|flatly|publicly)\s+)?(?P<cue>{_CUES})\b")
# A name with its apposition ("Flynn, a top Trump surrogate,"), and a relative clause on that
# ("Steven Udvar-Hazy, chairman of Air Lease Corp, which has 12 787s on order,").
_SPEAKER_AT_END = re.compile(rf"(?P<sp>{SPEAKER}|\b{_PRONOUN})\s*(?:,[^,“”\"]{{1,80}}"
                             rf"(?:,\s*(?:which|who|whose)\s[^,“”\"]{{1,80}})?,\s*)?$")
_INVERTED = re.compile(rf"^\W*(?P<cue>Said|Says|Stated|Added|Asked|Wrote|Explained|Noted)\s+(?P<sp>{SPEAKER})")
_SIGNED = re.compile(rf"^[^\S\n]*(?P<cue>[―—–-]{{1,2}})[^\S\n]*(?P<sp>{SPEAKER})[^\S\n]*[.,]?[^\S\n]*$")
_SUBJECT = re.compile(rf"^\W*(?P<sp>{SPEAKER}|{_PRONOUN})\b")
_ACCORDING = re.compile(rf"according to\s+(?P<sp>{SPEAKER})")
_PRONOUNS = {"he", "she", "it", "they", "i", "we"}
RELATIVE = frozenset(("who", "whom", "which", "that"))
_TITLES = {"Secretary", "State", "President", "Minister", "Senator", "Sen.", "Gov.", "Governor", "Rep.",
           "Dr.", "Mr.", "Mrs.", "Ms.", "General", "Gen.", "Col.", "Capt.", "Captain", "Prime", "Foreign",
           "Defense", "Defence", "Vice", "Chancellor", "Mayor", "Judge", "Justice", "Sir", "Lord",
           "Spokesman", "Spokeswoman", "Ambassador", "Professor", "Prof.", "Chairman", "Rev.", "Pope",
           "King", "Queen", "Prince", "Princess", "Representative", "Speaker", "Leader", "Environment"}
_SENTENCE_END_RE = re.compile(r"[”’\"']?[.!?][”’\"']?\s+(?=[A-Z“\"‘(])|\n")
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "gov", "sen", "rep", "gen", "col", "capt", "lt", "sgt", "st",
                  "jr", "sr", "prof", "rev", "hon", "pres", "atty", "supt", "no", "vs", "inc", "corp",
                  "co", "jan", "feb", "mar", "apr", "aug", "sept", "sep", "oct", "nov", "dec"}


class _SentenceEnds:
    """Sentence ends, passing over abbreviations ("Gov. Kasich") and initials ("J. Smith")."""

    @staticmethod
    def finditer(text: str, start: int, end: int):
        for m in _SENTENCE_END_RE.finditer(text, start, end):
            if m.group().startswith("."):
                k = m.start()
                word_start = k
                while word_start > 0 and text[word_start - 1].isalpha():
                    word_start -= 1
                word = text[word_start:k].lower()
                if word in _ABBREVIATIONS or len(word) == 1:
                    continue
            yield m

    @classmethod
    def search(cls, text: str, start: int, end: int):
        return next(cls.finditer(text, start, end), None)


_SENTENCE_END = _SentenceEnds


def core_name(as_written: str) -> str:
    """The name inside a speaker phrase: "Russian Defence Ministry spokesman Igor Konashenkov"
    -> "Igor Konashenkov"; "the Pentagon" -> "Pentagon"; organisations keep their phrase.

    >>> core_name("Secretary of State John Kerry"), core_name("the US embassy in Syria")
    ('John Kerry', 'US embassy in Syria')
    >>> core_name("Clinton, the former secretary of State"), core_name("the New York Times")
    ('Clinton', 'New York Times')
    >>> core_name("the Syrian Observatory for Human Rights"), core_name("Director of National Intelligence James Clapper")
    ('Syrian Observatory for Human Rights', 'James Clapper')
    >>> core_name("Foreign Minister Walid al-Moallem"), core_name("the Minister of Foreign Affairs")
    ('Walid al-Moallem', 'Minister of Foreign Affairs')
    """
    text = _PARENTHETICAL.sub("", as_written).strip()  # "Jason Chaffetz (R-Utah)"
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) > 1:  # an apposition: "Clinton, the former secretary", "Apple's chief, Tim Cook"
        text = next((p for p in parts if _is_name(p)), parts[0])
    words = text.split()
    if words and words[0].lower() in ("the", "a", "an"):
        words = words[1:]
    run: list[str] = []  # the capitalised words at the end, a particle joined to the word after it
    for k in range(len(words) - 1, -1, -1):
        w = words[k]
        if w[:1].isupper() or _PREFIXED.match(w):  # "al-Moallem", "d'Estaing"
            run.append(w)
        elif w in _PARTICLES and run and (k == 0 or words[k - 1][:1].isupper() or words[k - 1] in _PARTICLES):
            run[-1] = f"{w} {run[-1]}"  # "Bill de Blasio"
        else:
            break
    run.reverse()
    # A subheading run into the next sentence ("PAYOUT CAPS Nasdaq", "BANK LENDING Analysts"):
    # the words in capitals before the name, when one of them is an English word.
    shouted = next((k for k, w in enumerate(run) if not _shouting(w)), len(run))
    if 0 < shouted < len(run) and any(_heading_word(w) for w in run[:shouted]):
        run = run[shouted:]
    agency = _agency_at_end(run)
    if agency:
        return agency  # "Damascus SANA": a dateline's place before the agency that speaks
    if len(run) == 1 and len(words) > 1 and words[-2].lower() in _LINK_WORDS:
        return " ".join(words)  # "embassy in Syria": the phrase is the name
    before = len(words) - len(run) - 1  # the word before the run
    if 0 < before and words[before].lower() in _LINK_WORDS and words[before - 1] in _ORGANISATIONS \
            and len(run) <= 3 and not any(w in given_names() or w.strip(",") in _TITLES for w in run):
        # "Syrian Observatory for Human Rights", "Ministry of Health": a body's name joins its
        # parts across "for" and "of"; a person's name after an office does not.
        start = before - 1
        while start > 0 and (words[start - 1][:1].isupper() or words[start - 1].lower() in _LINK_WORDS):
            start -= 1
        while words[start].lower() in _LINK_WORDS:
            start += 1
        person = words[:start]  # "Director Wilson of the Department of Public Safety": Wilson speaks
        while person and person[-1].lower() in _LINK_WORDS | {"the"}:
            person.pop()
        if person and person[-1][:1].isupper():
            return core_name(" ".join(person))
        return " ".join(words[start:])
    if run and run[-1].strip(".") in _BODY_ENDINGS:
        return " ".join(run)  # "Russian Defence Ministry", "New York Times", "McDonald's Corp"
    # An owner in the plural of a common noun names what follows ("People's Daily", "Men's Wearhouse").
    owners = [k for k, w in enumerate(run[:-1]) if _POSSESSIVE.search(w) and w[:-2] not in _PEOPLES]
    if owners:
        run = run[owners[-1] + 1:]  # "Macquarie's Schachter": the body is kept apart (speaker_orgs)
    if run and run[-1] in _PORTFOLIOS and before > 0 and words[before].lower() == "of" \
            and (words[before - 1] in _TITLES or words[before - 1].lower() in _OFFICES):
        return " ".join(words)  # "Minister of Foreign Affairs": an office named, no person
    titles = [k for k, w in enumerate(run[:-1]) if w.strip(",") in _TITLES]
    if titles:
        run = run[titles[-1] + 1:]  # "Former President Bill Clinton", "Oversight Chairman Jason Chaffetz"
    if len(run) > 2:  # a middle initial or name stays ("Elijah E. Cummings", "Hillary Rodham Clinton"), and
        # the first part of a surname written apart ("Rami Abdel Rahman", "Mahmoud Abu Zeid")
        keep = run[-2][-1:] == "." or run[-3] in given_names() or (run[-2] in _SURNAME_PARTS and not _shouting(run[-3]))
        run = run[-3:] if keep else run[-2:]
    return " ".join(run) if run else " ".join(words)


# A word in capitals this common in English (wordfreq's Zipf scale) is a word shouted, not
# an acronym: "PROGRESS" 4.8, "CAPS" 4.2 against "HSBC" 3.1, "NYSE" 3.0, "BATS" 3.8,
# "KDDI"; "NASA" (4.2) and "NATO" (4.0) pass too, but stand before an office and a person's
# name, which the name is then taken from, or alone.
_SHOUTED_ZIPF = 4.0


def _heading_word(word: str) -> bool:
    """Whether a word in capitals at a name's front is a subheading's (texts that lost their
    line breaks run "PAYOUT CAPS" into "Nasdaq said …"): an English word of four letters or
    more, not an agency's name."""
    return len(word) >= 4 and word.isalpha() and word.isupper() and zipf(word.lower()) >= _SHOUTED_ZIPF \
        and not _agency_named(word)


def _agency_named(phrase: str) -> str | None:
    """The news agency (as written) that ``phrase`` is a form of in data/agencies.txt, or None."""
    from ..credits import agency_pattern

    phrase = phrase.strip(".,:")
    return phrase if phrase in agency_pattern()[1] else None


def _agency_at_end(run: list[str]) -> str | None:
    """The news agency (as written) that ends a run of capitalised words after others — a
    dateline's place, "Damascus SANA", "MOSCOW TASS" — or None."""
    return next((found for k in range(1, len(run)) if (found := _agency_named(" ".join(run[k:])))), None)


_PARENTHETICAL = re.compile(r"\s*\([^()]*\)")
_ORGANISATIONS = {"Ministry", "Department", "Times", "Post", "Journal", "News", "Agency", "Office", "Committee",
                  "Council", "House", "Party", "Institute", "University", "Association", "Foundation", "Union",
                  "Bank", "Court", "Commission", "Service", "Press", "Network", "Group", "Company", "Corporation",
                  "Inc", "Campaign", "Embassy", "Administration", "Organization", "Organisation", "Fund", "Board",
                  "Center", "Centre", "Senate", "Congress", "Army", "Navy", "Forces", "Police", "Command",
                  "Pentagon", "Kremlin", "Tribune", "Herald", "Guardian", "Telegraph", "Reuters", "Bureau",
                  "Programme", "Program", "Authority", "Coalition", "Federation", "Alliance", "Society", "Club",
                  "Guard", "Caucus", "State", "Observatory", "Chamber", "League", "Front", "Movement",
                  "Mail", "Express", "Gazette", "Observer", "Chronicle", "Mirror", "Courier", "Examiner",
                  "Dispatch", "Inquirer", "Bulletin", "Standard"}

# What a company's name ends in.
_COMPANY = {"Corp", "Inc", "Co", "Ltd", "LLC", "Plc", "PLC", "AG", "SA", "NV", "GmbH", "Holdings", "Partners"}
_BODY_ENDINGS = _ORGANISATIONS | _COMPANY


def _is_name(phrase: str) -> bool:
    """Whether a phrase is a name alone: every word capitalised but particles ("Bill de
    Blasio"), ending in a capitalised one, a determiner aside."""
    words = phrase.split()
    if words and words[0].lower() == "the":
        words = words[1:]
    return bool(words) and all(w[:1].isupper() or w in _PARTICLES for w in words) and words[-1][:1].isupper()


_LINK_WORDS = {"of", "in", "for", "at", "on"}
# What an office is of, ending its name ("Minister of Foreign Affairs"): never a surname there.
_PORTFOLIOS = {"Affairs", "Relations", "Defense", "Defence", "Justice", "Health", "Interior", "Finance", "Treasury",
               "Commerce", "Labor", "Labour", "Education", "Energy", "Agriculture", "Transport", "Security",
               "Trade", "Economy", "Information", "Intelligence"}
# A surname written with its particle joined: "al-Moallem", "el-Sisi", "d'Estaing".
_PREFIXED = re.compile(r"(?:al|el|ad|ar|as|ash|az|an|bin|ibn|abu|ben|d|de|di|da|du|l|o)[-’'][A-Z]")
_PEOPLES = {"People", "Men", "Women", "Children", "Workers", "Veterans", "Farmers", "Writers", "Traders"}
# Capitalised first parts of a surname written in two words.
_SURNAME_PARTS = {"Abdel", "Abdul", "Abd", "Abu", "Al", "El", "Bin", "Ben", "Ibn", "Van", "Von", "De", "Del", "Della",
                  "Da", "Di", "Du", "Le", "La", "Mac", "St.", "San", "Santa", "Ould"}
# Lower-case words inside a person's name.
_PARTICLES = {"de", "da", "di", "du", "del", "della", "der", "van", "von", "la", "le", "al", "bin", "ibn"}


def mask_quotes(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with quotation contents blanked, so cues inside quotes are not found."""
    pieces, at = [], 0
    for s, e in sorted(spans):
        if s < at:
            s = at
        pieces.append(text[at:s])
        pieces.append(_NOT_SPACE.sub("q", text[s:e]))
        at = max(at, e)
    pieces.append(text[at:])
    return "".join(pieces)


_NOT_SPACE = re.compile(r"\S")
_HEADLINE_WORDS = 25


def headline_end(text: str) -> int:
    """Where the headline an article's text opens with ends (0 when it opens with none): a
    first line of a few words that no sentence mark ends, with the text going on in a new
    line that opens as a sentence does. Its names are never a body quotation's speaker (a
    hard-wrapped column runs the headline into the first sentence)."""
    end = text.find("\n")
    line = text[:end].strip() if end > 0 else ""
    if not line or len(line.split()) > _HEADLINE_WORDS or line[-1] in ".!?,;:”’\"'":
        return 0
    rest = text[end:].lstrip()
    return end if rest[:1].isupper() or rest[:1] in "“‘\"'«(" else 0


def mask_headline(masked: str, end: int) -> str:
    """The text with its headline (up to ``end``) blanked as a quotation is: no name in it is
    found as a speaker or an antecedent."""
    return _NOT_SPACE.sub("q", masked[:end]) + masked[end:] if end else masked


_LONGEST_SENTENCE = 2000  # characters looked back for a sentence's start: a page run together is one paragraph


def _sentence_before(masked: str, quote_open: int) -> int:
    """Where the sentence holding a quotation starts: after the last sentence end before
    it, looked for close by first (the sentence ends of a long paragraph are many)."""
    floor = max(masked.rfind("\n", 0, quote_open) + 1, quote_open - _LONGEST_SENTENCE)
    width = 300
    while True:
        lo = max(floor, quote_open - width)
        last = None
        for last in _SENTENCE_END.finditer(masked, lo, quote_open + 1):
            pass
        if last is not None or lo == floor:
            return last.end() if last is not None else lo
        width *= 4


def attribute(text: str, start: int, end: int, spans: list[tuple[int, int]], previous: list,
              masked: str | None = None) -> tuple:
    """Speaker fields of the Quote dataclass, in order, for the quotation [start, end).
    ``masked`` is :func:`mask_quotes` of the text and spans, when the caller made it already."""
    if masked is None:
        masked = mask_quotes(text, spans)
    open_mark, close_mark = start - 1, end + 1
    sent_start = _sentence_before(masked, open_mark)
    para_end = masked.find("\n", close_mark)
    para_end = len(text) if para_end < 0 else para_end
    post_end = para_end
    m_end = _SENTENCE_END.search(masked, close_mark, para_end)
    if m_end:
        post_end = m_end.start() + 1
    post = masked[close_mark:post_end]
    pre = masked[sent_start:open_mark]
    speaker = cue = None
    sp_start = cue_start = 0
    evidence = ""
    for pattern in (_AFTER_CUE_FIRST, _AFTER_SPEAKER_FIRST):
        m = pattern.match(post)
        if m:
            speaker, sp_start = m.group("sp"), close_mark + m.start("sp")
            cue, cue_start = m.group("cue"), close_mark + m.start("cue")
            evidence = "speaker and cue after the quotation"
            break
    if speaker is None:
        m = _SIGNED.match(masked[close_mark:para_end])
        if m:  # "“We are hard-working people.” ― Carla Sanchez": a quotation signed at the end of its paragraph
            speaker, sp_start = m.group("sp"), close_mark + m.start("sp")
            if speaker.endswith(".") and len(speaker.rsplit(None, 1)[-1]) > 3:
                speaker = speaker[:-1]  # the full stop ending the line, not an initial's ("Oscar P.")
            cue, cue_start = m.group("cue"), close_mark + m.start("cue")
            evidence = "the name after a dash that ends the quotation's paragraph"
    if speaker is None:
        m = _INVERTED.match(pre)
        if m:  # "Said Dorothy Poynter, who grew up with Ali, “We were all so proud.”"
            speaker, sp_start = m.group("sp"), sent_start + m.start("sp")
            cue, cue_start = m.group("cue").lower(), sent_start + m.start("cue")
            evidence = "cue and speaker opening the sentence"
    if speaker is None:
        cues = [c for c in CUE.finditer(pre) if c.group() != "according to"]
        if cues:
            c = cues[-1]
            cue, cue_start = c.group(), sent_start + c.start()
            m = None if cue.endswith("ing") else _SPEAKER_AT_END.search(pre[:c.start()].rstrip())
            if m:
                speaker, sp_start = m.group("sp"), sent_start + m.start("sp")
                evidence = "speaker and cue before the quotation"
            else:
                m = _SUBJECT.match(pre)
                if m:
                    speaker, sp_start = m.group("sp"), sent_start + m.start("sp")
                    evidence = "subject of the sentence with the cue"
    secondary = None
    acc = _ACCORDING.search(pre + " " + post)
    if acc:
        if speaker is None:
            speaker, cue, evidence = acc.group("sp"), "according to", "according to"
            sp_start = text.find(speaker, sent_start)
            cue_start = text.find("according to", sent_start)
        else:
            secondary = acc.group("sp")
    if speaker is None:
        return (None, None, None, None, "unattributed", None, None, None, secondary, "no speaker or cue found")
    cue_end = cue_start + len(cue) if cue else None
    sp_end = sp_start + len(speaker)
    speaker = text[sp_start:sp_end]
    if speaker.lower() in _PRONOUNS:
        antecedent, why = _antecedent(masked, sent_start, previous, speaker,
                                      open_mark if sp_start > close_mark else None)
        return (antecedent, speaker, sp_start, sp_end, "pronoun", cue, cue_start, cue_end, secondary,
                f"{speaker!r} refers to {antecedent!r}: {why}" if antecedent else f"{speaker!r}: no antecedent found")
    return (core_name(speaker), speaker, sp_start, sp_end, "named", cue, cue_start, cue_end, secondary, evidence)


# Names in running text: no dots, so "Syria. Assad" is two sentences, not one name.
_WORD = _NOT_A_NAME + r"[A-Z][\w’'\-]*"  # a name's word without full stops
_PERSON = re.compile(rf"\b{_WORD}(?:\s+{_WORD})+")
_POSSESSIVE = re.compile(r"[’']s$")
# A name said to speak, its apposition between ("Paul Sheehan, former CEO of Thaddeus Capital, said").
_SPEAKING = re.compile(rf"(?P<name>{_WORD}(?:\s+{_WORD})*)\s+(?:{_CUES})\b"
                       rf"|(?P<apposed>{_WORD}(?:\s+{_WORD})+),\s+(?:(?:the|a|an|who\s+is)\s+)?(?:[\w’'-]+\s+){{0,3}}?"
                       rf"(?i:{_POSTS})\b[^,“”\"\n]{{0,100}},\s+(?:{_CUES})\b")


def _antecedent(masked: str, before: int, previous: list, pronoun: str,
                quotation: int | None = None) -> tuple[str | None, str]:
    """A pronoun's speaker: the nearest earlier speaker (of a quotation, or a name followed
    by a speech verb) within a few sentences before ``before`` (the start of the pronoun's
    sentence), else the first multi-word name of that sentence before the ``quotation``
    (its opening mark) when the pronoun follows it ("Sen. Claire McCaskill scolded him:
    “…,” she said"), else the last name mentioned before the sentence; each the nearest
    that :func:`_could_be` the pronoun (for "she" a woman's name or one the text does not
    say is a man's). ``masked`` has quotation contents blanked, so names inside quotations
    do not count."""
    window = max(0, before - 800)
    spans = [(q.speaker_start, q.speaker_end, q.speaker, "the speaker of an earlier quotation")
             for q in previous if q.how == "named" and window <= (q.speaker_start or -1) < before]
    spans += [(m.start(), m.end("name") if m.group("name") else m.end("apposed"), core_name(name),
               "the last person said to speak before it")
              for m in _SPEAKING.finditer(masked, window, before)
              if _a_person_owned(name := m.group("name") or m.group("apposed"), masked)]
    if pronoun.lower() == "it":
        # A body need not have spoken: "Fitch cut the rating. It said …". Only a name that
        # opens a sentence is taken (mid-sentence, "Cypriot banks", "its Azeri office" are no
        # subjects), one that the text also writes inside a sentence (so a real name, not
        # "Legal experts"); a description opening a sentence ("The group said …") is the
        # subject too, and being unnamed leaves "it" unresolved rather than misnamed.
        for m in _OPENING_SUBJECT.finditer(masked, max(0, before - 400), before):
            if m.group("described"):
                spans.append((m.start("described"), m.end("described"), None, ""))
            elif re.search(rf"[\w,;]\s+{re.escape(name := m.group('name'))}\b", masked):
                spans.append((m.start("name"), m.end("name"), core_name(name), "the body that opens a sentence before it"))
        # A name inside a longer one is that one's mention ("England" of "the Bank of England
        # said"); an earlier statement's unresolved "that" or "he" is no one; a speaker
        # written as a bare noun ("the firm said") is a body the text does not name here.
        spans = [(at, end, None if name and " " not in name and name[:1].islower() else name, why)
                 for at, end, name, why in spans if not (name and name.lower() in RELATIVE | _PRONOUNS)
                 and not any(lo < at < hi or (lo == at and end < hi) for lo, hi, _, _ in spans)]
    candidates = [(at, name, why) for at, _, name, why in spans]
    fits = lambda name: _could_be(pronoun, name, masked)  # noqa: E731

    def mentioned(lo: int, hi: int, last: bool = True):
        # The names mentioned between lo and hi that can be the pronoun, the last first (or
        # the first first), not where something is ("a professor at … in New Jersey"): names
        # of two words or more, and the surname alone of someone the text names in full
        # ("Trump has also commented …", "Mr. Obama chalks up …" after "Barack Obama").
        names = list(_PERSON.finditer(masked, lo, hi))
        found = [(m.start(), core_name(_POSSESSIVE.sub("", m.group()))) for m in names
                 if not _AT_A_PLACE.search(masked, max(0, m.start() - 12), m.start())
                 and _a_person_owned(_POSSESSIVE.sub("", m.group()), masked)]
        if pronoun.lower() in ("he", "she"):
            pattern, in_full = _surname_mentions(masked)
            found += [(m.start(), in_full[m.group("surname")]) for m in pattern.finditer(masked, lo, hi)
                      if not any(n.start() <= m.start() < n.end() for n in names) and _opens_its_clause(masked, m.start())]
            found.sort()
        return (n for _, n in (reversed(found) if last else found) if fits(n))

    since = before
    for at, name, why in sorted(candidates, key=lambda c: c[0], reverse=True):
        if name is None:
            return None, ""  # the nearest subject is a body the text does not name here
        if fits(name):
            return name, why
        # The speaker nearest before cannot be the pronoun ("she" after Mr. Okafor): a person
        # named since, known to be a man or a woman as the pronoun says, is nearer than the
        # speakers before them.
        named_since = next((n for n in mentioned(at + len(name), since) if _gender(n, masked) == pronoun.lower()), None)
        if named_since:
            return named_since, "the last name mentioned before it, after a speaker it cannot stand for"
        since = at
    if pronoun.lower() == "it":
        return None, ""  # a body is not guessed from names mentioned in passing
    if quotation is not None:
        same = next(mentioned(before, quotation, last=False), None)
        if same:
            return same, "the name its sentence opens with, before the quotation"
    name = next(mentioned(max(0, before - 400), before), None)
    if name:
        return name, "the last name mentioned before it"
    return None, ""


_NO_MATCH = re.compile(r"(?!)")
# What may stand before a sentence's subject: a conjunction, or a short phrase and a comma
# ("On Wednesday,", "A Democrat,").
_CLAUSE_OPENER = re.compile(r"(?:And|But|Yet|So|While|And while|But while)|[^.!?\n,;]{0,40},")


def _opens_its_clause(masked: str, at: int) -> bool:
    """Whether a name at ``at`` is its sentence's subject by place: it opens the sentence, or
    follows only a conjunction or a short phrase and a comma ("Trump has also commented",
    "A Democrat, Mr. Justice is running"); not a name further in ("… from Warren, Ohio",
    "the visit of Mr. Burgos"), which the pronoun after it seldom stands for."""
    start = max(masked.rfind(mark, 0, at) for mark in (".", "!", "?", "\n", "”", '"')) + 1
    before = masked[start:at].strip()
    return not before or _CLAUSE_OPENER.fullmatch(before) is not None


@lru_cache(maxsize=64)
def _surname_mentions(masked: str) -> tuple[re.Pattern, dict[str, str]]:
    """A pattern of the surnames, alone or after a courtesy title ("Lynch", "Mr. Obama"), of
    the people a text names in full (a given name first: "Loretta E. Lynch", not "WEAKENS
    Softbank" or "Many British"; not a given name last: "Frederick William"), with the full
    name each stands for; a surname two people of the text share (Bill and Hillary Clinton)
    stands for neither."""
    people: dict[str, set[str]] = defaultdict(set)
    for m in _PERSON.finditer(masked):
        name = core_name(_POSSESSIVE.sub("", m.group()))
        words = name.split()
        if len(words) > 1 and len(words[-1]) > 2 and words[0] in given_names() and words[-1] not in given_names() \
                and _names_a_person(name):
            people[words[-1]].add(name)
    # One person under several forms ("Donald Trump", "Donald J. Trump"): the same first word.
    in_full = {last: max(names, key=len) for last, names in people.items()
               if len({n.split()[0] for n in names}) == 1}
    if not in_full:
        return _NO_MATCH, {}
    alternatives = "|".join(sorted(map(re.escape, in_full), key=len, reverse=True))
    return re.compile(rf"\b(?:(?:Mr|Mrs|Ms|Dr)\.\s+)?(?P<surname>{alternatives})\b(?![\w’'-])"), in_full


_OWNER = re.compile(r"[’']s\s+(?P<owned>\S.*)$")


def _a_person_owned(name: str, masked: str) -> bool:
    """Whether a name written after an owner ("NBNK's Levene", "Moody's Analytics",
    "Britain's Channel") is a person's: the text names them in full elsewhere ("Peter
    Levene"). A name with no owner is let through."""
    owned = _OWNER.search(name)
    return not owned or _after_a_given_name(owned.group("owned").split()[-1], masked)


@lru_cache(maxsize=1)
def given_names() -> dict[str, str]:
    """Given name -> "he" or "she", from ``data/given-names.txt``."""
    table = resources.files("newstrace").joinpath("data/given-names.txt").read_text("utf-8")
    out: dict[str, str] = {}
    for line in table.splitlines():
        pronoun, colon, names = line.partition(":")
        if colon and not line.startswith("#"):
            out.update(dict.fromkeys(names.split(), pronoun.strip()))
    return out


# Titles and words that say a person is a man or a woman, before the name ("Mr. Obama",
# "spokeswoman Jen Psaki") or in an apposition after it ("Hope Hicks, a spokeswoman,").
# Titles keep their capital: "miss" and "lady" in running text are other words. Not
# "spokesman" nor "chairman": papers call women so too ("spokesman Hope Hicks").
_HIS = r"(?:Mr|Mister|Sir|Lord|King|Prince)\b\.?|(?i:congressman|businessman|councilman|husband|father|son|brother|grandfather|uncle|nephew|actor|widower)\b"
_HERS = r"(?:Mrs|Ms|Miss|Madam|Dame|Lady|Queen|Princess)\b\.?|(?i:spokeswoman|congresswoman|chairwoman|businesswoman|councilwoman|wife|mother|daughter|sister|grandmother|aunt|niece|actress|widow)\b"


# Each as it stands right before a surname (the given names between: "Mr. John Smith")
# and right after one ("Smith, a spokeswoman").
_SIGNS_BEFORE = [(pronoun, re.compile(rf"\b(?:{words})\s+(?:[A-Z][\w.’'-]*\s+){{0,2}}$")) for pronoun, words in
                 (("he", _HIS), ("she", _HERS))]
_SIGNS_AFTER = [(pronoun, re.compile(rf",\s+(?:the|a|an)\s+(?:[\w.’'-]+\s+){{0,3}}?(?:{words})")) for pronoun, words in
                (("he", _HIS), ("she", _HERS))]


@lru_cache(maxsize=1024)  # an article asks again for the same names
def _gender(name: str, masked: str) -> str | None:
    """"he" or "she" for a person's name when its given name or the text says which ("Mr.
    Obama", "Hope Hicks, a spokeswoman,"), only when every sign agrees; else None."""
    names = given_names()
    words = name.split()
    signs = set()
    if len(words) > 1 and words[0] in names:
        signs.add(names[words[0]])
    for m in re.finditer(rf"\b{re.escape(words[-1])}\b", masked):
        ahead = masked[max(0, m.start() - 80):m.start()]
        signs.update(pronoun for pronoun, sign in _SIGNS_BEFORE if sign.search(ahead))
        signs.update(pronoun for pronoun, sign in _SIGNS_AFTER if sign.match(masked, m.end(), m.end() + 60))
        if len(words) == 1 and (given := _given_before(masked, m.start())) and given.split()[-1] in names:
            signs.add(names[given.split()[-1]])  # the given name the text writes before the surname
    return signs.pop() if len(signs) == 1 else None


def _could_be(pronoun: str, name: str | None, masked: str) -> bool:
    """Whether a pronoun can stand for an earlier speaker or name: any for "they" or "we";
    for "it" a body (:func:`_stands_for_a_body`); for "he" or "she" a person's name ("she" is not an
    earlier quotation's "green coffee extract", nor "he" an embassy, "Japan", "North Korea",
    "Super Tuesday", the "FBI", "Democratic Sen" of "Democratic Sen. Claire McCaskill", nor
    "Demonstrators" opening a sentence), not of the other gender as far as :func:`_gender`
    can tell."""
    if pronoun.lower() == "it":
        return _stands_for_a_body(name, masked)
    if pronoun.lower() not in ("he", "she"):
        return bool(name)
    if not _names_a_person(name) or (name in _places() and not _after_a_given_name(name, masked)):
        return False  # "Japan", but not Congressman Meyer "London"
    words = name.split()
    if words[-1].lower().strip(".") in _ABBREVIATIONS or words[-1] in _DAYS or (len(words) > 1 and words[0] in _PLACE_WORDS) \
            or any(_POSSESSIVE.search(w) for w in words[:-1]):  # "Crutcher’s SUV"
        return False
    if len(words) == 1 and (not _one_word_name(name, masked) or _short_for_a_body(name, masked)):
        return False
    return _gender(name, masked) in (None, pronoun.lower())


_BODY_AFTER = re.compile(rf"[^\S\n]+(?:{'|'.join(sorted(_BODY_ENDINGS))})\b\.?")


@lru_cache(maxsize=1024)
def _short_for_a_body(word: str, masked: str) -> bool:
    """Whether the text writes a one-word name as a body's name elsewhere: "Olympus" of
    "Olympus Corp", "Barclays" of "Barclays Bank"."""
    return any(_BODY_AFTER.match(masked, m.end()) for m in re.finditer(rf"(?<![\w’'-]){re.escape(word)}\b", masked))


# What opens a sentence: a name ("Fitch", "Bank of England", "Olympus Corp") or the
# description of a body ("The company", "The group").
_OPENING_SUBJECT = re.compile(
    rf"(?:^|(?<=[.!?])[”\"’]?\s+|\n)(?:(?P<described>The\s+(?:[a-z]+\s+)?(?:company|firm|group|bank|government|"
    rf"ministry|agency|carrier|lender|insurer|maker|automaker|retailer|regulator|court|party|fund|board|exchange|"
    rf"operator|council|committee|report|study|statement)\b)|(?P<name>{_WORD}(?:[^\S\n]+(?:(?:of|for|and|the|&)"
    rf"[^\S\n]+)*{_WORD})*))", re.M)


def _stands_for_a_body(name: str | None, masked: str) -> bool:
    """Whether "it" can stand for a name: an organisation's ("Bank of England", "Olympus
    Corp", "Knight Capital Group"), an acronym ("FDA", "BoE"), a news agency, a country or
    city ("Japan said it would …"), or a name the text gives no sign of being a person's —
    no given name, title or gender, and a word alone never written after a given name
    ("Olympus", "Fitch"; not "Langton" after "David Langton")."""
    if not name:
        return False
    words = name.split()
    if words[-1].endswith("s") and words[-1].islower():
        return False  # "Legal experts", "analysts": people
    if any(w.strip(".") in _BODY_ENDINGS for w in words) or name in _places() or _agency_named(name):
        return True
    if words[0] in given_names() or words[0] in _TITLES or words[0] + "." in _TITLES or _gender(name, masked):
        return False
    return len(words) > 1 or not _after_a_given_name(name, masked)


@lru_cache(maxsize=1024)
def _after_a_given_name(word: str, masked: str) -> bool:
    """Whether the text writes ``word`` after a given name or a title somewhere, so as a
    person's surname ("Rovnag Abdullayev", "SOCAR chief Rovnag Abdullayev", "Congressman
    London", "Peter Levene"): after a capitalised word that is no owner ("Japan's"),
    heading ("CAPS"), compound ("Tokyo-based"), place or day."""
    for m in re.finditer(rf"(?<![\w’'-]){re.escape(word)}\b", masked):
        given = (_given_before(masked, m.start()) or "").split()
        if given and not _POSSESSIVE.search(given[-1]) and not _shouting(given[-1]) and "-" not in given[-1] \
                and given[-1] not in _places() and given[-1] not in _DAYS:
            return True
    return False


@lru_cache(maxsize=1024)
def _one_word_name(word: str, masked: str) -> bool:
    """Whether a capitalised word alone names someone: a given name, or a word that is not
    a short acronym, not the plural of a word the text writes ("Democrats", "Democrat"), and,
    if plural or also written in lower case, capitalised inside a sentence somewhere
    ("Demonstrators said" opens sentences only)."""
    if word in given_names():
        return True
    # A word in capitals (an acronym, "UNICEF", "FBI"; an initial; "I") or a news agency's
    # name ("Reuters") is no person's name alone.
    if word.isupper() or _agency_named(word):
        return False
    if word.endswith("s") and re.search(rf"\b{re.escape(word[:-1])}\b", masked):
        return False
    if word.endswith("s") or re.search(rf"\b{re.escape(word.lower())}\b", masked):
        return bool(re.search(rf"(?:[a-z,;]\s+|,[”’\"]\s+|\b{_WORD}\s+){re.escape(word)}\b", masked))
    return True


_DAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February",
         "March", "April", "June", "July", "August", "September", "October", "November", "December"}
_AT_A_PLACE = re.compile(r"\b(?i:in|into|at|near|across|throughout|outside|inside|between|off|along)\s+(?:the\s+)?$")
# First words of places' names, not people's ("North Korea", "New Jersey").
_PLACE_WORDS = {"North", "South", "East", "West", "New", "United", "Saint", "San", "Santa", "Los", "Las", "Fort",
                "Port", "Mount", "Lake", "Upper", "Lower", "Central", "Middle", "Northern", "Southern", "Eastern", "Western"}


# Offices one person holds, that a text names them by once it has named them ("Environment
# Minister Lena Havik … “…,” the minister said").
_OFFICES = ("minister", "senator", "secretary", "president", "governor", "mayor", "spokesman", "spokeswoman",
            "spokesperson", "ambassador", "chairman", "chairwoman", "chancellor", "judge", "prosecutor",
            "congressman", "congresswoman", "premier", "commissioner", "sheriff", "chief", "director",
            "ally", "envoy", "commander", "monitor")
# "the minister", "that Assad ally", "the Britain-based monitor": a determiner, a few words, an office.
_DESCRIPTION = re.compile(rf"(?i:the|that|this)\s+(?:[\w-]+\s+){{0,2}}(?P<office>{'|'.join(_OFFICES)})")


@lru_cache(maxsize=None)
def _office_named(office: str) -> re.Pattern:
    """A mention naming someone with ``office`` (one of _OFFICES): "Environment Minister Lena
    Havik", "Assad ally Hassan Nasrallah", "Lena Havik, the environment minister"."""
    name = rf"{_NOT_A_NAME}[A-Z][\w’'.-]*(?:\s+(?:(?:{'|'.join(_PARTICLES)})\s+)?[A-Z][\w’'.-]*){{0,2}}"
    # A body named in apposition keeps its "for"/"of" ("the Syrian Observatory for Human Rights,
    # a Britain-based monitor"): the whole name, not its last words.
    body = rf"{_NOT_A_NAME}[A-Z][\w’'.-]*(?:\s+(?:(?:for|of|the|{'|'.join(_PARTICLES)})\s+)*[A-Z][\w’'.-]*){{0,5}}"
    # Not "Vice President Biden" for "the president"; "Lena Havik, the minister," but not "in
    # Chelsea, the mayor said". Written small, the office follows whose it is and the name
    # follows it on the same line ("Assad ally Hassan Nasrallah").
    return re.compile(rf"(?<!Vice )(?<!Deputy )(?<!Assistant )(?<!Under )\b{office.capitalize()}\s+(?P<titled>{name})"
                      rf"|\b[A-Z][\w’'-]*[^\S\n]+{office}[^\S\n]+(?P<small>(?=[A-Z][a-z]){name})"
                      rf"|(?P<apposed>{body}),\s+(?:the|a|an)\s+(?:[\w-]+\s+){{0,3}}?{office}(?=[,.;)])")


def described(masked: str, before: int, as_written: str) -> tuple[str, str] | None:
    """The person a description such as "the minister" stands for: the nearest one named
    with that office before ``before`` ("Environment Minister Lena Havik", "Lena Havik, the
    environment minister"), as (name, evidence); None when the text names none.
    ``masked`` has quotation contents blanked."""
    if _AN_AGENCY.fullmatch(as_written.strip()):
        return _agency_described(masked, before, as_written)
    m = _DESCRIPTION.fullmatch(as_written.strip())
    if not m:
        return None
    named = _office_named(m.group("office"))
    # "the Newberry senator", "that Assad ally": whose or where the office is must be written
    # by the mention too ("Senator Alan Jonstone, Sr., of Newberry"), not any senator's.
    qualifiers = [w for w in as_written.split()[1:-1] if w[:1].isupper()]
    found = [m for m in named.finditer(masked, max(0, before - 3000), before)
             if all(q in masked[max(0, m.start() - 40):m.end() + 40] for q in qualifiers)]
    if not found:
        return None
    mention = found[-1]
    person = (mention.group("titled") or mention.group("small") or mention.group("apposed")).rstrip(".")  # "… Lena Havik." ends a sentence
    return core_name(person), f"“{as_written}” is {mention.group().strip().rstrip('.')}, named before it"


_AN_AGENCY = re.compile(r"(?i:the)\s+(?:[\w-]+\s+){0,3}(?i:news\s+agency)")


def _agency_described(masked: str, before: int, as_written: str) -> tuple[str, str] | None:
    """The news agency "the state-run news agency" stands for: the one named right after it
    ("… news agency SANA"), else the nearest named before it; None when the text names none."""
    from ..credits import agency_pattern

    pattern, agency_of = agency_pattern()
    end = before + len(as_written)
    after = pattern.match(masked, end + 1) if masked[end:end + 1] == " " else None
    if after:
        return agency_of[after.group()], f"“{as_written}” is named right after it: {after.group()}"
    found = list(pattern.finditer(masked, max(0, before - 3000), before))
    if found:
        return agency_of[found[-1].group()], f"“{as_written}” is the agency named before it, {found[-1].group()}"
    return None


def _names_a_person(name: str | None) -> bool:
    """Whether a canonical speaker can be a person: a name ("Bill de Blasio"), not an
    organisation's ("Defence Ministry") nor a described body ("US embassy in Syria")."""
    return bool(name) and _is_name(name) and name.split()[-1].strip(".") not in _ORGANISATIONS


_GIVEN = re.compile(rf"\b(?:{_WORD}[^\S\n]+)+$")


def _given_before(masked: str, at: int) -> str | None:
    """The capitalised words written right before position ``at`` (a surname's mention):
    its given names and titles ("Councillor Peter "), or None."""
    given = _GIVEN.search(masked, max(0, at - 80), at)
    return given.group() if given else None


def _shouting(word: str) -> bool:
    """A word of two letters or more all in capitals (an initial, "J.", is not)."""
    letters = word.strip(".")
    return len(letters) > 1 and letters.isupper()


def in_full(masked: str, quotes: list) -> list:
    """The quotes with a surname-alone speaker named as the article names that person in
    full before ("Councillor Peter Aas, who chaired the committee, said …" … “…,” Aas said:
    Peter Aas), when it names only one person so (after "Donald Trump" and "Melania Trump",
    "Trump" is left to :func:`canonical_speakers`). ``masked`` has quotation contents blanked."""
    out = []
    for q in quotes:
        name = q.speaker
        # An acronym names a body, which has no given names ("New RBI chief Raghuram Rajan").
        if name and len(name) > 1 and " " not in name and name[:1].isupper() and not _shouting(name) \
                and q.speaker_start:
            full = set()
            for m in re.finditer(rf"\b{re.escape(name)}\b", masked[:q.speaker_start]):
                if given := _given_before(masked, m.start()):
                    # A word in capitals before a name written otherwise is a heading's
                    # ("CRUDE Borgen said"), not a given name.
                    words = given.split()
                    words = words[max((k + 1 for k, w in enumerate(words) if _shouting(w)), default=0):]
                    if words:
                        full.add(core_name(" ".join(words) + " " + name))
            people = {f.split()[0] for f in full if f.endswith(" " + name)}
            if len(people) == 1:
                q = replace(q, speaker=max((f for f in full if f.endswith(" " + name)), key=len))
        out.append(q)
    return out


def canonical_speakers(quotes: list) -> list:
    """Give quotes one name per person: a surname alone, or a longer phrase ending in a
    known full name, becomes that full name ("Konashenkov" -> "Igor Konashenkov"), whatever
    its capitals ("Mccain", from a transcript's "MCCAIN:", -> "John McCain"). Where people
    share the surname, it is the one quoted most, if more often than all the others together
    ("Trump" is Donald Trump, not the longer "Melania Trump"); else the surname stays alone.
    An organisation's short form is its longest ("Defence Ministry" -> "Russian Defence
    Ministry"), from two words ("Syria" is not the "US embassy in Syria")."""
    # Names are compared only with names of the same last word: a collection holds many.
    by_last: dict[str, list[str]] = defaultdict(list)
    for name in sorted({q.speaker for q in quotes if q.speaker and " " in q.speaker}):
        by_last[name.split()[-1].lower()].append(name)

    @lru_cache(maxsize=None)
    def longer(name: str) -> list[str]:
        return [o for o in by_last[name.split()[-1].lower()] if o.lower().endswith(" " + name.lower())]

    # Full names of people (capitalised words), not the end of a longer one ("de Blasio", "J. Trump").
    named = {n for names in by_last.values() for n in names if _names_a_person(n)}
    people: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for q in quotes:
        if q.speaker in named and not longer(q.speaker):
            words = q.speaker.lower().split()
            people[words[-1]][words[0]].append(q.speaker)  # "Donald Trump", "Donald J. Trump": one person
    full: dict[str, str] = {}
    for last, by_first in people.items():
        counts = sorted(by_first.values(), key=len, reverse=True)
        if len(counts) == 1 or len(counts[0]) > sum(map(len, counts[1:])):
            full[last] = max(counts[0], key=len)
    out = []
    for q in quotes:
        if q.speaker:
            words = q.speaker.lower().split()
            name = full.get(words[-1], "").lower()
            if name and (len(words) == 1 or name.endswith(q.speaker.lower()) or name.split()[0] == words[0]):
                q = replace(q, speaker=full[words[-1]])
            elif q.speaker not in named and len(words) > 1:
                bodies = [b for b in longer(q.speaker) if b not in named]
                if bodies:
                    q = replace(q, speaker=max(bodies, key=lambda b: (len(b), b)))
        out.append(q)
    return out


# A body's name: capitalised words joined by "of", "for", "and", "the", "&" ("Syrian Observatory
# for Human Rights", "Air Lease Corp", "Bank of America"); a post is not part of it ("Areva Chief
# Executive Officer").
_NOT_A_POST = rf"(?!(?i:{_POSTS})s?\b)"
_BODY = (rf"{_NOT_A_NAME}{_NOT_A_POST}[A-Z][\w’'.&-]*"
         rf"(?:[^\S\n]+(?:(?:of|for|on|and|the|&)[^\S\n]+)*[A-Z][\w’'.&-]*)*")
_SMALL = r"(?:[a-z][\w-]*[^\S\n]+)"  # a word written small: "senior", "hedge fund", "press"
_POST = rf"(?i:{_POSTS})s?\b"
_A_POST = re.compile(rf"{_POST}$")
# Right before a name: "Citi analyst ", "Pentagon press secretary ", "Macquarie's ", "Apple's chief executive ".
_POST_BEFORE = re.compile(rf"(?:^|(?<=[\s(“\"]))(?P<org>{_BODY})(?:[’']s[^\S\n]+(?:{_SMALL}{{0,3}}(?:{_POST}[^\S\n]+)+)?"
                          rf"|[^\S\n]+(?P<small>{_SMALL}{{0,3}}){_POST}[^\S\n]+(?:{_POST}[^\S\n]+)*)$")
# Right after a name: ", director of the Syrian Observatory for Human Rights", ", an analyst at
# Citi", ", chairman and chief executive of Air Lease Corp", ", professor of business law at
# the University of Michigan", ", chairman of the state-owned Philippine Amusement & Gaming
# Corp", ", Apple's chief executive", ", a Pentagon spokesman".
_POST_AFTER = re.compile(
    rf"[^\S\n]*,[^\S\n]+(?:(?:the|a|an|its|who[^\S\n]+is(?:[^\S\n]+(?:the|a|an))?)[^\S\n]+)?"
    rf"(?:(?:[\w-]+[^\S\n]+){{0,3}}?{_POST}(?:[^\S\n]+(?:and|&)[^\S\n]+(?:[\w-]+[^\S\n]+){{0,2}}?{_POST})?"
    rf"(?:[^\S\n]+of(?:[^\S\n]+[a-z]+){{1,3}}?)?[^\S\n]+(?:of|for|at|with|from)[^\S\n]+(?:the[^\S\n]+)?"
    rf"(?:[a-z]+-[a-z]+[^\S\n]+)?(?P<after>{_BODY})"
    rf"|(?:the[^\S\n]+)?(?P<owner>{_BODY})[’']s[^\S\n]+{_SMALL}{{0,3}}{_POST}"
    rf"|(?P<before>{_BODY})[^\S\n]+{_SMALL}{{0,3}}{_POST})")
# What may follow a body named after a post: a mark, the end, or a word that is not a noun
# going on from it ("head of the Windows Phone unit" names no body).
_BODY_ENDS = re.compile(r"\s*(?:[,.;:)(\n–—-]|$|(?:which|who|whose|that|and|in|at|on|for|since|said|says|told|"
                        r"added|to|of|with|from|near|last|this|has|had|is|was|will|would|until|before|after)\b)")
# A titled name's body, written after it: "Director Wilson of the Department of Public Safety".
_OF_BODY = re.compile(rf"[^\S\n]+(?:of|at|from)[^\S\n]+(?:the[^\S\n]+)?(?P<org>{_BODY})")
# Words that qualify a post, not a body: "Former Apple chief", "Then-Pentagon spokesman".
_QUALIFIERS = frozenset("Former Senior Top Acting Interim Veteran Longtime Then Then- Outgoing Incoming".split())
# Words a post's name holds, not a body's: "German Finance Minister", "Chief Operating Officer".
_POST_WORDS = frozenset("""Chief Executive Financial Operating Managing General Vice Deputy Assistant Associate
    Senior Principal Press Communications Marketing Investment Investor Research Technology Public Global
    Regional National Industry Environment Culture Development Housing Foreign Home Tourism First Majority Minority
    Premier Oil Petroleum Business Mines Mining Fisheries Sports Youth Water Power Economics Economic""".split())
# Words that cannot be a body alone: a country's people, a party's adjective ("Democratic
# presidential candidate"), a title; a body may hold them ("Syrian Observatory for Human Rights").
_NOT_BODIES = frozenset("""Local International Federal Democratic Democrat Republican Independent Conservative
    Liberal Progressive Company Government Administration US U.S. USA UK U.K. American British English Scottish
    Welsh Irish French German Italian Spanish Portuguese Dutch Belgian Swiss Austrian Swedish Norwegian Danish Finnish Polish Czech Hungarian
    Romanian Bulgarian Greek Turkish Russian Ukrainian Belarusian Georgian Armenian Serbian Croatian Bosnian
    Syrian Iraqi Iranian Israeli Palestinian Lebanese Jordanian Egyptian Saudi Yemeni Qatari Kuwaiti Emirati Omani
    Libyan Tunisian Algerian Moroccan Sudanese Ethiopian Kenyan Nigerian Ghanaian African Chinese Japanese Korean
    Indian Pakistani Afghan Bangladeshi Indonesian Malaysian Thai Vietnamese Filipino Australian Canadian Mexican
    Brazilian Argentine Argentinian Chilean Colombian Venezuelan Peruvian Cuban European Asian Arab Western Eastern
    Northern Southern North South East West Kurdish Muslim Christian Jewish Catholic Methodist Baptist Anglican
    Lutheran Presbyterian Orthodox Evangelical Sunni Shi'ite Shiite Shia Islamist""".split())


@lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    """Countries, states and cities (``data/places.txt``): a person's place, not their body."""
    table = resources.files("newstrace").joinpath("data/places.txt").read_text("utf-8")
    return frozenset(line.strip() for line in table.splitlines() if line.strip() and not line.startswith("#"))


# Bodies whose own names end in "'s".
_NAMES_WITH_S = frozenset("""Moody's McDonald's Macy's Sotheby's Christie's Kellogg's Lloyd's Dillard's Wendy's
    Domino's Kohl's Sainsbury's Hershey's Denny's Applebee's Friendly's Claire's Barron's Harrah's Caesar's""".split())


_TICKER = re.compile(r"[A-Z0-9]+\.[A-Z]{1,2}")
# A post held once, or a place's name running on ("founder of Palo Alto, California-based Ribbit").
_FORMER = re.compile(r"\b(?i:former|ex-|onetime|then-)")
_PLACE_RUNS_ON = re.compile(r",[^\S\n]+[\w.-]+-based\b")


def _sentence_end(word: str) -> bool:
    """Whether a word ends a sentence: a full stop after a word, not an initialism's ("U.S.")
    nor a short abbreviation's ("Co.", "St.")."""
    return word.endswith(".") and "." not in word[:-1] and word[:-1].lower() not in _ABBREVIATIONS \
        and word[:-1] not in _COMPANY


def _a_body(org: str | None, speaker: str, head: bool) -> str | None:
    """``org`` as a body a person belongs to, or None when nothing is left but a place, a
    people, a post's words or a date, or it is the speaker's own name. A sentence that ends
    inside it ("… Complex. The") keeps its first part where the body follows the post
    (``head``), its last where the body comes before the name ("Reuters. Citi")."""
    if not org:
        return None
    words = org.rstrip(",").split()
    ends = [k for k, w in enumerate(words[:-1]) if _sentence_end(w)]
    if ends:
        words = words[:ends[0] + 1] if head else words[ends[-1] + 1:]
    if words and words[-1].endswith(".") and "." not in words[-1][:-1]:
        words[-1] = words[-1][:-1]  # "Air Lease Corp." ending a sentence
    if words and _POSSESSIVE.search(words[-1]) and words[-1].replace("’", "'") not in _NAMES_WITH_S:
        words[-1] = words[-1][:-2]  # "Boeing's spokesman"; not "Moody's"
    while len(words) > 1 and _TICKER.fullmatch(words[-1]):
        words.pop()  # "JP Morgan Asset Management JPN.N"
    if words and words[-1][-1:] in "'’" and words[-1][-2:-1] == "s":
        words[-1] = words[-1][:-1]  # "Moody's Analytics' economist"
    based = [k for k, w in enumerate(words) if w.endswith(("-based", "-area"))
             or _shouting(w) and k + 1 < len(words) and _shouting(words[k + 1])]
    words = words[based[-1] + 1:] if based else words  # "Hong Kong-based analyst", a heading's "SMOKE BUT NO FIRE"
    owner = next((k for k, w in enumerate(words[:-1])
                  if _POSSESSIVE.search(w) and w.replace("’", "'") not in _NAMES_WITH_S), None)
    if owner is not None:  # "Sweden's Nobia": what the place has; "Royal Dutch Shell's Alaska": the owner
        place = " ".join(words[:owner + 1])[:-2]
        words = words[owner + 1:] if place in _places() else words[:owner] + [words[owner][:-2]]
    while words and (words[0] in _QUALIFIERS or words[0] in _DAYS):
        words.pop(0)
    # Before the name, a post's words end the phrase ("German Finance Minister", "Manhattan U.S.
    # Attorney"); after a post, its body's name is whole ("Office of the Director of National Intelligence").
    while words and (words[-1] in ("of", "for", "on", "and", "the", "&") or not head and (
            words[-1] in _POST_WORDS or words[-1] in _PORTFOLIOS or words[-1] in _TITLES
            or words[-1] in _NOT_BODIES or _A_POST.match(words[-1]))):
        words.pop()
    body = " ".join(words)
    if not body or len(words) > 8 or body in _places() or body.isdigit() \
            or all(w.rsplit("-", 1)[-1] in _NOT_BODIES or w in _TITLES or w in _POST_WORDS for w in words) \
            or any(w in _TITLES for w in words[:-1]) and words[-1] not in _ORGANISATIONS \
            or body in speaker or speaker in body:
        return None  # nothing but a place, a people, a post; or a titled person ("House Speaker John Boehner")
    return body


def _opens_sentence(masked: str, at: int) -> bool:
    """Whether position ``at`` opens a sentence or a paragraph (only space and a mark before)."""
    before = masked[max(0, at - 3):at].rstrip(" “\"‘'")
    return not before or before[-1] in ".!?\n:-–—"  # a dateline's dash: "(Reuters) - Star hedge fund manager"


def _body_at(masked: str, start: int, end: int, speaker: str) -> str | None:
    """The body the person named at [start, end) of ``masked`` is said to belong to, by the
    words right before or after that mention, or None."""
    after = _POST_AFTER.match(masked, end)
    if after:
        named = "after" if after.group("after") else "owner" if after.group("owner") else "before"
        if named != "after" or _BODY_ENDS.match(masked, after.end()) and not _PLACE_RUNS_ON.match(masked, after.end()):
            if _FORMER.search(after.group()):
                return None  # "Marion Blakey, former administrator of the FAA": no longer theirs
            found = _a_body(after.group(named), speaker, named == "after")
            if found:
                return found
    before = _POST_BEFORE.search(masked, max(0, start - 80), start)
    # A capitalised word opening a sentence before small words may be any word ("Star hedge
    # fund manager David Einhorn"); with the post right after it, it is a name ("Citi analyst").
    # Nor is one the text also writes small ("Tax lawyer", "Portfolio manager").
    org = before.group("org") if before else ""
    if before and _FORMER.search(masked, max(0, before.start() - 12), before.end()):
        return None  # "former Apple chief executive John Sculley"
    if before and not (" " not in org and _opens_sentence(masked, before.start("org")) and (
            before.group("small") or re.search(rf"\b{re.escape(org.lower())}\b", masked))):
        found = _a_body(before.group("org"), speaker, False)
        if found:
            return found
    of_body = _OF_BODY.match(masked, end)
    if of_body and of_body.group("org").split()[-1].strip(".") in _BODY_ENDINGS:
        return _a_body(of_body.group("org"), speaker, True)
    return None


def speaker_orgs(masked: str, said: list) -> list:
    """The quotations or statements with ``speaker_org`` set: the body a person who speaks is
    named with — "Citi analyst Ed Evans", "Rami Abdel Rahman, director of the Syrian
    Observatory for Human Rights", "Macquarie's Schachter" — kept apart from the person's name.
    Read at the mention that names the speaker, else at the article's other mentions of that
    name when they give one body only (a pronoun's person, a surname named in full before).
    Bodies that speak have none. ``masked`` has quotation contents blanked."""
    mentions: dict[str, set[str]] = {}

    def named_elsewhere(name: str) -> str | None:
        if name not in mentions:
            bodies = set()
            for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", masked):
                if body := _body_at(masked, m.start(), m.end(), name):
                    bodies.add(body)
            mentions[name] = bodies
        return next(iter(mentions[name])) if len(mentions[name]) == 1 else None

    out = []
    for q in said:
        name = q.speaker
        if not _names_a_person(name) or _agency_named(name):
            out.append(q)
            continue
        body = None
        if q.how == "named" and q.speaker_start is not None:
            as_written = masked[q.speaker_start:q.speaker_end]
            core = core_name(as_written)
            at = as_written.rfind(core)
            if at >= 0:
                body = _body_at(masked, q.speaker_start + at, q.speaker_start + at + len(core), name)
        out.append(replace(q, speaker_org=body or named_elsewhere(name)))
    return out
