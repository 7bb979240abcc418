"""Attributions found by trained models over the dependency parse.

News attributes far more than it quotes: "Kerry said the talks would go on", "officials
believe", "according to TASS", "Rubio criticized the deal", "the poll shows". The words
that do it are too many for a list (PolNeAR's training split holds 7,456 different cues,
6,211 of them once), so six linear models, trained on that split by
``bench/train_attributions.py`` (:mod:`.training`) and shipped in
``data/attribution-model.json.gz``, read them off the parse:

- **cue**: is this word the head of a cue (said, according, told, believes, shows)?
- **cue extent**: which words around that head belong to the cue ("has said", "told
  reporters", "according to");
- **source**: for a cue, which word heads its source, or none (a choice among the
  nouns and pronouns of its sentence and the one before, and "no source");
- **content**: for a cue, which word heads what is attributed (a choice among the
  words of its sentence and its neighbours);
- **content start** and **content end**: where in the head's sentence the content
  starts and ends (a choice among the words the cue and source leave it, starting
  from the head's subtree, which annotators often go past: "…, including the one
  supporting Bush").

A source head becomes a span through its subtree, leaving out the other parts. The
features are plain strings (the word, its lemma, tags, the dependency path between the
cue and a candidate, what lies between them, whether a quotation hangs below a word);
a model is a weight for each, so reading one needs nothing beyond the parser. Each
feature kind stays if it raises its model's score on a fifth of the train split held
out from fitting. (spaCy's context vectors of the words, as more features,
changed no figure on PolNeAR dev by more than 0.003, up or down: left out.)
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


MODEL_FILE = Path(__file__).resolve().parent.parent / "data" / "attribution-model.json.gz"
OPENING_MARKS = "“‘«„"
CLOSING_MARKS = "”’»"


@dataclass(frozen=True, slots=True)
class LinearModel:
    """A weight per feature string and a bias: a score is their sum over the features present."""

    weights: dict[str, float]
    bias: float = 0.0

    def score(self, features: list[str]) -> float:
        w = self.weights
        return self.bias + sum(w.get(f, 0.0) for f in features)


@dataclass(frozen=True, slots=True)
class AttributionModel:
    cue: LinearModel
    source: LinearModel
    content: LinearModel
    cue_extent: LinearModel  # which words around a cue's head belong to the cue ("has said", "told reporters")
    content_start: LinearModel  # where in its sentence a content starts (a choice among the words before its head)
    content_end: LinearModel  # and where it ends
    cue_threshold: float  # a word is a cue when its cue score passes this
    trained_on: str  # what the models were fitted to, for the record


PARTS = ("cue", "source", "content", "cue_extent", "content_start", "content_end")


def save_model(model: AttributionModel, path: Path) -> None:
    def part(m: LinearModel) -> dict:
        return {"bias": round(m.bias, 5), "weights": {f: round(w, 5) for f, w in sorted(m.weights.items())}}

    doc = {k: part(getattr(model, k)) for k in PARTS}
    doc.update(cue_threshold=model.cue_threshold, trained_on=model.trained_on)
    with gzip.open(path, "wt", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))


def read_model(path: Path) -> AttributionModel:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        doc = json.load(f)
    parts = {k: LinearModel(doc[k]["weights"], doc[k]["bias"]) for k in PARTS}
    return AttributionModel(**parts, cue_threshold=doc["cue_threshold"], trained_on=doc["trained_on"])


@lru_cache(maxsize=1)
def shipped_model() -> AttributionModel:
    """The model shipped with the package (read once)."""
    return read_model(MODEL_FILE)


_WORDS = re.compile(r"[^\W\d_][\w'’-]*")
_MARKS = frozenset(OPENING_MARKS + CLOSING_MARKS + '":')


@lru_cache(maxsize=1)
def _cue_words() -> frozenset[str]:
    """The words the cue model has seen head a cue (their own weight raises a cue's score)."""
    return frozenset(f[2:] for f, w in shipped_model().cue.weights.items() if f.startswith("w=") and w > 0)


def may_attribute(paragraph: str) -> bool:
    """Whether a paragraph can hold an attribution: a quotation mark or a colon, or a word
    the cue model has seen head a cue. Only these are parsed (a paragraph of figures,
    a list of results, an advertisement is not), at no cost to what the models find in
    the rest: on PolNeAR dev 7 of 1,470 paragraphs holding a cue have no such word."""
    if not _MARKS.isdisjoint(paragraph):
        return True
    words = _cue_words()
    return any(w.group().lower() in words for w in _WORDS.finditer(paragraph))


# --- features ---------------------------------------------------------------------------

def quoted_tokens(doc) -> list[bool]:
    """For each token of a parsed paragraph, whether it stands inside quotation marks."""
    inside, depth, straight = [], 0, False
    for t in doc:
        ch = t.text
        if ch in CLOSING_MARKS and depth:
            depth -= 1
            inside.append(False)
            continue
        if ch == '"':
            straight = not straight
            inside.append(False)
            continue
        inside.append(depth > 0 or straight)
        if ch in OPENING_MARKS:
            depth += 1
    return inside


@dataclass(frozen=True, slots=True)
class _DocView:
    """What the features ask of a paragraph again and again, read off it once (spaCy makes
    a token object each time one is indexed)."""

    pos: list[str]
    text: list[str]
    below_quoted: list[bool]  # whether a word of the token's subtree, itself aside, is quoted
    sentence_quoted: dict[int, bool]  # by the sentence's first token: whether a word of it is quoted


def _view(doc) -> _DocView:
    """The paragraph's view, made on first asking and kept with the parse. Read off the
    parse alone (quotation marks counted by :func:`quoted_tokens`), so that no caller's
    flags can make it disagree with another's."""
    key = "newstrace.feature_view"
    if key not in doc.user_data:
        quoted = quoted_tokens(doc)
        below = [False] * len(doc)
        for t in sorted(doc, key=lambda t: -_depth(t)):  # children before their heads
            if t.head.i != t.i and (quoted[t.i] or below[t.i]):
                below[t.head.i] = True
        doc.user_data[key] = _DocView([t.pos_ for t in doc], [t.text for t in doc], below,
                                      {s.start: any(quoted[s.start:s.end]) for s in doc.sents})
    return doc.user_data[key]


def _depth(t) -> int:
    return sum(1 for _ in t.ancestors)


def _bucket(n: int) -> str:
    return str(n) if n <= 3 else "4-5" if n <= 5 else "6-10" if n <= 10 else "11+"


def cue_features(t, quoted: list[bool]) -> list[str]:
    """What says whether token ``t`` heads a cue."""
    doc = t.doc
    lemma = t.lemma_.lower()
    prev = doc[t.i - 1].lower_ if t.i > 0 else "<s>"
    nxt = doc[t.i + 1].lower_ if t.i + 1 < len(doc) else "</s>"
    kids = {c.dep_ for c in t.children}
    f = ["w=" + t.lower_, "l=" + lemma, "p=" + t.pos_, "t=" + t.tag_, "d=" + t.dep_,
         "lp=" + lemma + "|" + t.pos_, "ld=" + lemma + "|" + t.dep_, "lt=" + lemma + "|" + t.tag_,
         "h=" + t.head.lemma_.lower() + "|" + t.dep_, "hp=" + t.head.pos_ + "|" + t.dep_,
         "prev=" + prev, "next=" + nxt, "ln=" + lemma + "|" + nxt, "pl=" + prev + "|" + lemma,
         "q=" + str(quoted[t.i]), "lq=" + lemma + "|" + str(quoted[t.i])]
    for k in kids:
        f += ["k=" + k, "lk=" + lemma + "|" + k, "pk=" + t.pos_ + "|" + k]
    shape = "+".join(sorted(kids & {"ccomp", "nsubj", "nsubjpass", "dobj", "xcomp", "prep", "agent", "dative"}))
    f += ["shape=" + shape, "lshape=" + lemma + "|" + shape]
    subject = next((c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is not None:
        kind = subject.lower_ if subject.pos_ == "PRON" else subject.pos_
        f += ["subj=" + kind, "psubj=" + t.pos_ + "|" + kind]
    for c in t.children:
        if c.dep_ in ("prep", "agent", "dative", "prt"):
            f.append("lc=" + lemma + "|" + c.lower_)
    if t.text == ":":
        f += ["colon", "colon_at=" + _bucket(t.i - t.sent.start)]
    # What the word governs: a quotation below it, a "that" clause, its subject and object.
    view = _view(doc)
    below_quoted = str(view.below_quoted[t.i])
    f += ["subq=" + below_quoted, "lsubq=" + lemma + "|" + below_quoted,
          "sq=" + str(view.sentence_quoted[t.sent.start]), "hl=" + t.head.lemma_.lower() + "|" + lemma]
    for c in t.children:
        if c.dep_ in ("nsubj", "nsubjpass"):
            f += ["sl=" + c.lemma_.lower(), "lsl=" + lemma + "|" + c.lemma_.lower()]
        elif c.dep_ in ("dobj", "attr"):
            f.append("ol=" + lemma + "|" + c.lemma_.lower())
        elif c.dep_ in ("ccomp", "xcomp", "acl", "relcl", "advcl"):
            mark = next((m.lower_ for m in c.children if m.dep_ == "mark"), "-")
            f += ["cpos=" + c.dep_ + "|" + c.pos_, "mark=" + c.dep_ + "|" + mark, "lmark=" + lemma + "|" + mark]
    f += ["p2=" + (doc[t.i - 2].lower_ if t.i > 1 else "<s>"),
          "n2=" + (doc[t.i + 2].lower_ if t.i + 2 < len(doc) else "</s>")]
    return f


def path(a, b) -> str:
    """The dependency path from token ``a`` up to the lowest common ancestor and down to
    ``b``, as labels ("nsubj<" for b the subject of a), or "far" past four steps."""
    up_a = [a, *a.ancestors]
    up_b = [b, *b.ancestors]
    ids_b = {t.i: k for k, t in enumerate(up_b)}
    for k, t in enumerate(up_a):
        if t.i in ids_b:
            j = ids_b[t.i]
            if k + j > 4:
                return "far"
            return ">".join(x.dep_ for x in up_a[:k]) + "^" + "<".join(x.dep_ for x in reversed(up_b[:j]))
    return "none"  # different sentences


def pair_features(cue, cand, quoted: list[bool], role: str) -> list[str]:
    """What says whether ``cand`` heads the ``role`` (source or content) of ``cue``."""
    lemma = cue.lemma_.lower()
    p = path(cue, cand)
    side = "before" if cand.i < cue.i else "after" if cand.i > cue.i else "same"
    dist = _bucket(abs(cand.i - cue.i))
    same = p != "none"  # a parse tree per sentence: no common ancestor, another sentence
    f = ["path=" + p, "lpath=" + lemma + "|" + p, "side=" + side, "dist=" + side + dist,
         "cp=" + cand.pos_, "ct=" + cand.tag_, "cd=" + cand.dep_, "cpd=" + cand.pos_ + "|" + p,
         "same=" + str(same), "cq=" + str(quoted[cand.i]), "cuq=" + str(quoted[cue.i]) + str(quoted[cand.i]),
         "cuepos=" + cue.pos_ + "|" + p, "lside=" + lemma + "|" + side]
    # Between cue and candidate: words of the candidate's kind (is it the nearest?) and punctuation.
    view = _view(cue.doc)
    lo, hi = min(cue.i, cand.i) + 1, max(cue.i, cand.i)
    alike = view.pos[lo:hi].count(cand.pos_)
    nearest = "1" if alike == 0 else "0"
    f += ["nbetween=" + cand.pos_ + ("0" if alike == 0 else "1" if alike == 1 else "2+"),
          "punct=" + "".join(sorted({x for x in view.text[lo:hi] if x in ",:;—–()"})),
          "csubj=" + str(any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in cand.children))]
    if role == "source":
        if cand.pos_ == "PRON":
            f.append("pron=" + cand.lower_)
        f += ["slem=" + cand.lemma_.lower() if cand.pos_ == "NOUN" else "slem=-", "sdep=" + cand.dep_ + "|" + lemma,
              "snb=" + nearest + "|" + str(cand.i < cue.i)]
    else:
        n = cand.right_edge.i - cand.left_edge.i + 1
        f += ["size=" + _bucket(n), "root=" + str(cand.dep_ == "ROOT"),
              "holds=" + str(cand.left_edge.i <= cue.i <= cand.right_edge.i), "cl=" + cand.lemma_.lower()
              if cand.pos_ in ("ADP", "SCONJ") else "cl=-"]
        f += ["csubq=" + str(quoted[cand.i] or view.below_quoted[cand.i]), "cdl=" + cand.dep_ + "|" + lemma,
              "nb=" + nearest + "|" + ("after" if cand.i > cue.i else "before") + "|" + cand.pos_]
    return f


def null_source_features(cue) -> list[str]:
    kids = {c.dep_ for c in cue.children}
    lemma = cue.lemma_.lower()
    return ["null", "null|l=" + lemma, "null|p=" + cue.pos_, "null|d=" + cue.dep_,
            "null|subj=" + str(bool(kids & {"nsubj", "nsubjpass", "agent"}))]


def source_candidates(cue) -> list:
    """The words that may head a cue's source: nouns and pronouns of its sentence and the
    sentence before."""
    doc = cue.doc
    lo = cue.sent.start
    if lo > 0:
        lo = doc[lo - 1].sent.start
    return [t for t in doc[lo:cue.sent.end] if t.pos_ in ("NOUN", "PROPN", "PRON", "NUM", "X", "ADJ")
            and t.i != cue.i]


def content_candidates(cue) -> list:
    """The words that may head a cue's content: words of its sentence and its neighbours."""
    doc = cue.doc
    lo, hi = cue.sent.start, cue.sent.end
    if lo > 0:
        lo = doc[lo - 1].sent.start
    if hi < len(doc):
        hi = doc[hi].sent.end
    return [t for t in doc[lo:hi] if not t.is_punct and t.i != cue.i]


def extent_window(head) -> range:
    """The words that may belong to the span headed by ``head``: its subtree and three
    words either side, within its sentence."""
    sent = head.sent
    return range(max(sent.start, min(head.left_edge.i, head.i - 3)), min(sent.end, max(head.right_edge.i, head.i + 3) + 1))


def extent_features(head, t) -> list[str]:
    """What says whether word ``t`` belongs to the cue headed by ``head``."""
    if t.head.i == head.i:
        rel = "child:" + t.dep_
    elif head.head.i == t.i:
        rel = "parent:" + head.dep_
    elif head.left_edge.i <= t.i <= head.right_edge.i:
        rel = "inside:" + t.dep_ + "<" + t.head.dep_
    else:
        rel = "outside"
    side = "L" if t.i < head.i else "R"
    gap = _bucket(abs(t.i - head.i))
    f = ["rel=" + rel, "rs=" + rel + side, "pos=" + t.pos_ + side, "w=" + t.lower_ + side, "gap=" + side + gap,
         "rg=" + rel + side + gap, "hw=" + head.lemma_.lower() + "|" + t.lower_ + side, "tag=" + t.tag_ + side]
    if t.is_punct:
        f.append("punct=" + t.text + side)
    return f


def grow(head, model: LinearModel, blocked: set[int]) -> tuple[int, int]:
    """The span around ``head`` that ``model`` keeps: word by word outwards from the
    head, stopping at the first word it leaves out (or that belongs to another part),
    without edge punctuation. Character offsets in the paragraph."""
    window = extent_window(head)
    doc = head.doc

    def keeps(i: int) -> bool:
        return i in window and i not in blocked and model.score(extent_features(head, doc[i])) > 0

    lo = hi = head.i
    while keeps(lo - 1):
        lo -= 1
    while keeps(hi + 1):
        hi += 1
    while lo < head.i and doc[lo].is_punct:
        lo += 1
    while hi > head.i and doc[hi].is_punct and not (doc[hi].text == ")" and "(" in doc[lo:hi].text):
        hi -= 1
    return doc[lo].idx, doc[hi].idx + len(doc[hi].text)


# --- finding attributions ----------------------------------------------------------------

def _best(model: LinearModel, cue, candidates: list, quoted, role: str):
    best, best_score = None, None
    for cand in candidates:
        s = model.score(pair_features(cue, cand, quoted, role))
        if best_score is None or s > best_score:
            best, best_score = cand, s
    if role == "source":
        s = model.score(null_source_features(cue))
        if best_score is None or s > best_score:
            return None
    return best


def _phrase_tokens(head, leave_out: list) -> tuple[int, int]:
    """First and last token of ``head``'s subtree, leaving out the subtrees in ``leave_out``
    that hang inside it: the contiguous run around the head."""
    out = set()
    for t in leave_out:
        if t is not None and head.left_edge.i <= t.i <= head.right_edge.i and t.i != head.i \
                and not (t.left_edge.i <= head.i <= t.right_edge.i):
            out.update(range(t.left_edge.i, t.right_edge.i + 1))
        elif t is not None and t.i != head.i and head.left_edge.i <= t.i <= head.right_edge.i:
            out.add(t.i)
    lo = hi = head.i
    while lo - 1 >= head.left_edge.i and lo - 1 not in out:
        lo -= 1
    while hi + 1 <= head.right_edge.i and hi + 1 not in out:
        hi += 1
    return lo, hi


_DASHES = {"—", "–", "-", "―", "--"}


def _source_tokens(head, leave_out: list) -> tuple[int, int]:
    """First and last token of a source headed by ``head``: its phrase without the dateline
    a dash closes ("FLINT, Mich. (UPI) — Former President Bill Clinton said"). (Leaving
    out relative clauses too, "Mr. Obama, who …", agreed less with PolNeAR's annotators:
    source exact 0.769 -> 0.758 on dev.)"""
    doc = head.doc
    lo, hi = _phrase_tokens(head, leave_out)
    for k in range(lo + 1, head.i):
        if doc[k].text in _DASHES and doc[k - 1].whitespace_ and doc[k].whitespace_:
            lo = k + 1
    return lo, hi


def _chars(doc, lo: int, hi: int) -> tuple[int, int]:
    """Character span of tokens lo..hi, without punctuation at the edges (quotation marks
    stay)."""
    while lo < hi and doc[lo].is_punct and doc[lo].text not in OPENING_MARKS + '"':
        lo += 1
    while hi > lo and doc[hi].is_punct and doc[hi].text not in CLOSING_MARKS + '"':
        hi -= 1
    return doc[lo].idx, doc[hi].idx + len(doc[hi].text)


def content_bounds(cue, head, source) -> tuple[int, int, range, range]:
    """The content's span by the parse (first and last token of the head's subtree without
    cue and source) and the tokens it may start and end at instead: within the head's
    sentence, not across the cue or the source."""
    lo, hi = _phrase_tokens(head, [cue, source])
    left, right = head.sent.start, head.sent.end - 1
    for other in (cue, source):
        if other is None or other.sent.start != head.sent.start:
            continue
        if other.i < head.i:
            left = max(left, (other.right_edge.i if other is source else other.i) + 1)
        elif other.i > head.i:
            right = min(right, (other.left_edge.i if other is source else other.i) - 1)
    left, right = min(left, lo, head.i), max(right, hi, head.i)
    return lo, hi, range(left, head.i + 1), range(head.i, right + 1)


def boundary_features(head, k: int, rule: int, side: str, quoted: list[bool]) -> list[str]:
    """What says whether a content headed by ``head`` starts (side "L") or ends ("R") at
    token ``k``; ``rule`` is where the parse's span starts or ends."""
    doc = head.doc
    d = k - rule
    shift = "0" if d == 0 else ("+" if d > 0 else "-") + _bucket(abs(d))
    t = doc[k]
    beyond = k + 1 if side == "R" else k - 1
    nb = doc[beyond] if 0 <= beyond < len(doc) and head.sent.start <= beyond < head.sent.end else None

    def word(x) -> str:
        return "edge" if x is None else x.lower_ if x.is_punct or x.is_stop else x.pos_

    rest = doc[k + 1:head.sent.end] if side == "R" else doc[head.sent.start:k]
    f = ["d=" + side + shift, "w=" + side + word(t), "nb=" + side + word(nb),
         "wnb=" + side + word(t) + "|" + word(nb), "dp=" + side + shift + "|" + head.pos_,
         "edge=" + side + str(all(x.is_punct for x in rest)), "q=" + side + str(quoted[k]),
         "dep=" + side + t.dep_ + "|" + shift]
    # Does the cut leave words whose head is inside it ("the 1994 crime bill | , which put …")?
    first, last = (min(head.left_edge.i, head.i), k) if side == "R" else (k, max(head.right_edge.i, head.i))
    dangling = sum(1 for x in rest if first <= x.head.i <= last and not x.is_punct)
    f.append("dang=" + side + ("0" if dangling == 0 else "1" if dangling == 1 else "2+"))
    if nb is not None:
        f += ["nbdep=" + side + nb.dep_, "nbq=" + side + str(quoted[nb.i]) + str(quoted[k]),
              "nbdh=" + side + nb.dep_ + "|" + str(first <= nb.head.i <= last)]
    return f


def _choose(model: LinearModel, head, ks: range, rule: int, side: str, quoted) -> int:
    return max(ks, key=lambda k: model.score(boundary_features(head, k, rule, side, quoted)))


@dataclass(frozen=True, slots=True)
class Found:
    """One attribution in a parsed paragraph: character spans relative to the paragraph,
    and the source's head token (None when it has none)."""

    cue: tuple[int, int]
    content: tuple[int, int]
    source: tuple[int, int] | None
    source_head: object
    kind: str  # according | headline | reported (a clause is attributed) | stance (a thing: "criticized the deal")


def find_in_paragraph(doc, model: AttributionModel) -> list[Found]:
    """The attributions of one parsed paragraph: each word the cue model passes, with
    the content and source its choice models pick and the cue's extent. Kept on the doc:
    the speakers of quotations and the statements ask for the same paragraphs."""
    key = ("newstrace.attributions", id(model))
    if key not in doc.user_data:
        doc.user_data[key] = _find(doc, model)
    return doc.user_data[key]


def _find(doc, model: AttributionModel) -> list[Found]:
    quoted = quoted_tokens(doc)
    found = []
    for t in doc:
        if t.is_space:
            continue
        s = model.cue.score(cue_features(t, quoted))
        if s <= model.cue_threshold:
            continue
        content = _best(model.content, t, content_candidates(t), quoted, "content")
        if content is None:
            continue
        source = _best(model.source, t, source_candidates(t), quoted, "source")
        lo, hi, starts, ends = content_bounds(t, content, source)
        content_span = _chars(doc, _choose(model.content_start, content, starts, lo, "L", quoted),
                              _choose(model.content_end, content, ends, hi, "R", quoted))
        taken = {content.i, *(i for i in range(len(doc)) if content_span[0] <= doc[i].idx < content_span[1])}
        source_span = None
        if source is not None:
            source_span = _chars(doc, *_source_tokens(source, [t, content]))
        kind = ("according" if t.lower_ == "according" else "headline" if t.text == ":"
                else "reported" if content.pos_ in ("VERB", "AUX") else "stance")
        found.append(Found(grow(t, model.cue_extent, taken | ({source.i} if source is not None else set())),
                           content_span, source_span, source, kind))
    return found
