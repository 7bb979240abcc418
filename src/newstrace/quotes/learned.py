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
out from fitting. (spaCy's context vectors of the words, as more features, changed no
figure on PolNeAR dev by more than 0.003, up or down: left out.)

The functions here define the features, and training reads them. Finding attributions
scores the same features compiled (``_features.c``: each string's hash fed piece by
piece, the string never made; 30 -> 5 ms a PolNeAR text), and a test holds the two equal.
"""

from __future__ import annotations

import gzip
import json
import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import _features


MODEL_FILE = Path(__file__).resolve().parent.parent / "data" / "attribution-model.json.gz"
OPENING_MARKS = "“‘«„"
CLOSING_MARKS = "”’»"


@dataclass(frozen=True, slots=True)
class LinearModel:
    """A weight per feature string and a bias: a score is their sum over the features present."""

    weights: dict[str, float]
    bias: float = 0.0
    _table: object = field(default=None, init=False, repr=False, compare=False)

    def score(self, features: list[str]) -> float:
        return _features.feature_score(self.weights, features, self.bias)

    @property
    def table(self):
        """The weights by their features' hashes, as the compiled scores read them (made once)."""
        if self._table is None:
            object.__setattr__(self, "_table", _features.weights_table(self.weights))
        return self._table


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
    """The model shipped with the package, read once with its compiled tables made (so that
    processes forked after the first call share them)."""
    model = read_model(MODEL_FILE)
    for part in PARTS:
        getattr(model, part).table
    return model


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
    return _quoted([t.text for t in doc])


def _quoted(texts: list[str]) -> list[bool]:
    inside, depth, straight = [], 0, False
    for ch in texts:
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
    """What the features ask of a paragraph again and again, read off it once into plain
    lists by token index (spaCy makes a token object each time one is indexed, and its
    sentence each time one is asked for: they were most of the features' time)."""

    string: str  # the paragraph (as doc.text, which is joined anew from the tokens each time it is asked)
    text: list[str]
    lower: list[str]
    lemma: list[str]  # lower-cased
    pos: list[str]
    tag: list[str]
    dep: list[str]
    head: list[int]
    idx: list[int]  # where each token starts in the paragraph (characters)
    children: list[list[int]]
    left: list[int]  # left_edge
    right: list[int]  # right_edge
    punct: list[bool]
    stop: list[bool]
    sent_start: list[int]
    sent_end: list[int]
    space: list[bool]
    quoted: list[bool]  # quoted_tokens
    below_quoted: list[bool]  # whether a word of the token's subtree, itself aside, is quoted
    sentence_quoted: dict[int, bool]  # by the sentence's first token: whether a word of it is quoted
    compiled: object  # the columns the compiled scores read (_features.paragraph)


_NAMES: dict[int, str] = {}  # a string's id in spaCy's store -> the string (ids are hashes: one for every doc)
_LOWER_NAMES: dict[int, str] = {}  # … -> the string lower-cased (lemmas)


def _named(ids: list[int], strings, names: dict[int, str], how=None) -> list[str]:
    """The strings of spaCy's string ids (``how`` applied), each looked up in spaCy's store
    once for the whole run and remembered in ``names``."""
    out = [names.get(x) for x in ids]
    if None in out:
        if len(names) > 100_000:  # a long trace meets ever more words (OCR: endless)
            names.clear()
        for k, x in enumerate(ids):
            if out[k] is None:
                word = strings[x]
                out[k] = names[x] = how(word) if how else word
    return out


def _view(doc) -> _DocView:
    """The paragraph's view, made on first asking and kept with the parse. Read off the
    parse alone (quotation marks counted by :func:`quoted_tokens`), so that no caller's
    flags can make it disagree with another's."""
    key = "newstrace.feature_view"
    if key not in doc.user_data:
        import numpy
        from spacy.attrs import (DEP, HEAD, IDX, IS_PUNCT, IS_SPACE, IS_STOP, LEMMA, LOWER, ORTH, POS, SENT_START,
                                 SPACY, TAG)

        n = len(doc)
        array = doc.to_array([ORTH, LOWER, LEMMA, POS, TAG, DEP, HEAD, IS_PUNCT, IS_STOP, IS_SPACE, SENT_START, IDX,
                              SPACY])
        cols = array.T.tolist()
        strings = doc.vocab.strings
        text, lower, pos, tag, dep = (_named(cols[k], strings, _NAMES) for k in (0, 1, 3, 4, 5))
        lemma = _named(cols[2], strings, _LOWER_NAMES, str.lower)
        quoted = _quoted(text)
        head = (numpy.arange(n) + array[:, 6].view(numpy.int64)).tolist()  # HEAD: the offset to the head
        punct, stop, space = (array[:, k].astype(bool).tolist() for k in (7, 8, 9))
        compiled, children, left, right, below, sent_start, sent_end = _features.paragraph(
            text, lower, lemma, pos, tag, dep, head, quoted, cols[10], punct, stop)
        starts = sorted(set(sent_start))
        sentence_quoted = {lo: any(quoted[lo:hi]) for lo, hi in zip(starts, [*starts[1:], n])}
        string = "".join(w + " " if spaced else w for w, spaced in zip(text, cols[12]))
        doc.user_data[key] = _DocView(string, text, lower, lemma, pos, tag, dep, head, cols[11], children, left, right,
                                      punct, stop, sent_start, sent_end, space, quoted, below, sentence_quoted,
                                      compiled)
    return doc.user_data[key]


def paragraph_text(doc) -> str:
    """A parsed paragraph's text, as ``doc.text`` (which joins the tokens again each time)."""
    return _view(doc).string


def sentence(token):
    """The sentence of a parsed token, as ``token.sent`` (which reads every sentence of the
    paragraph before it each time it is asked)."""
    v = _view(token.doc)
    return token.doc[v.sent_start[token.i]:v.sent_end[token.i]]


def tokens_at(doc, lo: int, hi: int | None = None) -> range:
    """The indices of the tokens of a parsed paragraph that start at characters lo..hi-1
    (to its end without ``hi``)."""
    idx = _view(doc).idx
    return range(bisect_left(idx, lo), len(idx) if hi is None else bisect_left(idx, hi))


def _bucket(n: int) -> str:
    return str(n) if n <= 3 else "4-5" if n <= 5 else "6-10" if n <= 10 else "11+"


def cue_features(t, quoted: list[bool]) -> list[str]:
    """What says whether token ``t`` heads a cue."""
    return _cue_features(_view(t.doc), t.i, quoted)


def _cue_features(v: _DocView, i: int, quoted: list[bool]) -> list[str]:
    n = len(v.text)
    lower, lemma_of, dep_of = v.lower, v.lemma, v.dep
    lemma, pos, dep, h = lemma_of[i], v.pos[i], dep_of[i], v.head[i]
    prev = lower[i - 1] if i > 0 else "<s>"
    nxt = lower[i + 1] if i + 1 < n else "</s>"
    children = v.children[i]
    kids = {dep_of[c] for c in children}
    f = ["w=" + lower[i], "l=" + lemma, "p=" + pos, "t=" + v.tag[i], "d=" + dep,
         "lp=" + lemma + "|" + pos, "ld=" + lemma + "|" + dep, "lt=" + lemma + "|" + v.tag[i],
         "h=" + lemma_of[h] + "|" + dep, "hp=" + v.pos[h] + "|" + dep,
         "prev=" + prev, "next=" + nxt, "ln=" + lemma + "|" + nxt, "pl=" + prev + "|" + lemma,
         "q=" + str(quoted[i]), "lq=" + lemma + "|" + str(quoted[i])]
    for k in kids:
        f += ["k=" + k, "lk=" + lemma + "|" + k, "pk=" + pos + "|" + k]
    shape = "+".join(sorted(kids & {"ccomp", "nsubj", "nsubjpass", "dobj", "xcomp", "prep", "agent", "dative"}))
    f += ["shape=" + shape, "lshape=" + lemma + "|" + shape]
    subject = next((c for c in children if dep_of[c] in ("nsubj", "nsubjpass")), None)
    if subject is not None:
        kind = lower[subject] if v.pos[subject] == "PRON" else v.pos[subject]
        f += ["subj=" + kind, "psubj=" + pos + "|" + kind]
    for c in children:
        if dep_of[c] in ("prep", "agent", "dative", "prt"):
            f.append("lc=" + lemma + "|" + lower[c])
    if v.text[i] == ":":
        f += ["colon", "colon_at=" + _bucket(i - v.sent_start[i])]
    # What the word governs: a quotation below it, a "that" clause, its subject and object.
    below_quoted = str(v.below_quoted[i])
    f += ["subq=" + below_quoted, "lsubq=" + lemma + "|" + below_quoted,
          "sq=" + str(v.sentence_quoted[v.sent_start[i]]), "hl=" + lemma_of[h] + "|" + lemma]
    for c in children:
        if dep_of[c] in ("nsubj", "nsubjpass"):
            f += ["sl=" + lemma_of[c], "lsl=" + lemma + "|" + lemma_of[c]]
        elif dep_of[c] in ("dobj", "attr"):
            f.append("ol=" + lemma + "|" + lemma_of[c])
        elif dep_of[c] in ("ccomp", "xcomp", "acl", "relcl", "advcl"):
            mark = next((lower[m] for m in v.children[c] if dep_of[m] == "mark"), "-")
            f += ["cpos=" + dep_of[c] + "|" + v.pos[c], "mark=" + dep_of[c] + "|" + mark,
                  "lmark=" + lemma + "|" + mark]
    f += ["p2=" + (lower[i - 2] if i > 1 else "<s>"), "n2=" + (lower[i + 2] if i + 2 < n else "</s>")]
    return f


def _up(v: _DocView, i: int) -> list[int]:
    """Token ``i`` and its ancestors, up to its sentence's root."""
    chain = [i]
    while v.head[i] != i:
        i = v.head[i]
        chain.append(i)
    return chain


def _path(v: _DocView, a: int, b: int) -> str:
    """The dependency path from token ``a`` up to the lowest common ancestor and down to
    ``b``, as labels ("nsubj<" for b the subject of a), or "far" past four steps."""
    up_a, up_b = _up(v, a), _up(v, b)
    if up_a[-1] != up_b[-1]:
        return "none"  # different sentences: different roots
    # The chains share their tops from the root down to the lowest common ancestor.
    k, j = len(up_a) - 1, len(up_b) - 1
    while k and j and up_a[k - 1] == up_b[j - 1]:
        k, j = k - 1, j - 1
    if k + j > 4:
        return "far"
    return ">".join(v.dep[x] for x in up_a[:k]) + "^" + "<".join(v.dep[x] for x in reversed(up_b[:j]))


def pair_features(cue, cand, quoted: list[bool], role: str) -> list[str]:
    """What says whether ``cand`` heads the ``role`` (source or content) of ``cue``."""
    return _pair_features(_view(cue.doc), cue.i, cand.i, quoted, role)


def _pair_features(v: _DocView, u: int, c: int, quoted: list[bool], role: str) -> list[str]:
    lemma = v.lemma[u]
    p = _path(v, u, c)
    side = "before" if c < u else "after" if c > u else "same"
    dist = _bucket(abs(c - u))
    same = p != "none"  # a parse tree per sentence: no common ancestor, another sentence
    cpos, cdep = v.pos[c], v.dep[c]
    f = ["path=" + p, "lpath=" + lemma + "|" + p, "side=" + side, "dist=" + side + dist,
         "cp=" + cpos, "ct=" + v.tag[c], "cd=" + cdep, "cpd=" + cpos + "|" + p,
         "same=" + str(same), "cq=" + str(quoted[c]), "cuq=" + str(quoted[u]) + str(quoted[c]),
         "cuepos=" + v.pos[u] + "|" + p, "lside=" + lemma + "|" + side]
    # Between cue and candidate: words of the candidate's kind (is it the nearest?) and punctuation.
    lo, hi = min(u, c) + 1, max(u, c)
    alike = v.pos[lo:hi].count(cpos)
    nearest = "1" if alike == 0 else "0"
    f += ["nbetween=" + cpos + ("0" if alike == 0 else "1" if alike == 1 else "2+"),
          "punct=" + "".join(sorted({x for x in v.text[lo:hi] if x in ",:;—–()"})),
          "csubj=" + str(any(v.dep[k] in ("nsubj", "nsubjpass", "expl") for k in v.children[c]))]
    if role == "source":
        if cpos == "PRON":
            f.append("pron=" + v.lower[c])
        f += ["slem=" + v.lemma[c] if cpos == "NOUN" else "slem=-", "sdep=" + cdep + "|" + lemma,
              "snb=" + nearest + "|" + str(c < u)]
    else:
        n = v.right[c] - v.left[c] + 1
        f += ["size=" + _bucket(n), "root=" + str(cdep == "ROOT"),
              "holds=" + str(v.left[c] <= u <= v.right[c]), "cl=" + v.lemma[c]
              if cpos in ("ADP", "SCONJ") else "cl=-"]
        f += ["csubq=" + str(quoted[c] or v.below_quoted[c]), "cdl=" + cdep + "|" + lemma,
              "nb=" + nearest + "|" + ("after" if c > u else "before") + "|" + cpos]
    return f


def null_source_features(cue) -> list[str]:
    kids = {c.dep_ for c in cue.children}
    lemma = cue.lemma_.lower()
    return ["null", "null|l=" + lemma, "null|p=" + cue.pos_, "null|d=" + cue.dep_,
            "null|subj=" + str(bool(kids & {"nsubj", "nsubjpass", "agent"}))]


def source_candidates(cue) -> list:
    """The words that may head a cue's source: nouns and pronouns of its sentence and the
    sentence before."""
    return [cue.doc[i] for i in _source_candidates(_view(cue.doc), cue.i)]


def _source_candidates(v: _DocView, u: int) -> list[int]:
    lo = v.sent_start[u]
    if lo > 0:
        lo = v.sent_start[lo - 1]
    return [i for i in range(lo, v.sent_end[u]) if v.pos[i] in ("NOUN", "PROPN", "PRON", "NUM", "X", "ADJ") and i != u]


def content_candidates(cue) -> list:
    """The words that may head a cue's content: words of its sentence, the one before, and
    the one after where a colon after the cue opens it."""
    return [cue.doc[i] for i in _content_candidates(_view(cue.doc), cue.i)]


def _content_candidates(v: _DocView, u: int) -> list[int]:
    lo, hi = v.sent_start[u], v.sent_end[u]
    if lo > 0:
        lo = v.sent_start[lo - 1]
    # The next sentence only after a colon ("He added: …"). A paragraph of many sentences (a
    # text that lost its line breaks) otherwise offered the content model the next sentence's
    # root for "They would meet on Tuesday, a press release said." and it took it; on PolNeAR
    # dev, whose paragraphs are short, source and cue F1 rose 0.006, content stayed 0.793.
    # (The shipped model was fitted with the next sentence offered always; refitted with this
    # rule it rose at most 0.004 on PolNeAR dev but read worse on Reuters news — four new
    # non-statements in 800 — so it was not shipped: docs/quotes-sample-modern.md.)
    if hi < len(v.text) and ":" in v.text[u:hi]:
        hi = v.sent_end[hi]
    return [i for i in range(lo, hi) if not v.punct[i] and i != u]


def extent_window(head) -> range:
    """The words that may belong to the span headed by ``head``: its subtree and three
    words either side, within its sentence."""
    v, h = _view(head.doc), head.i
    return range(max(v.sent_start[h], min(v.left[h], h - 3)), min(v.sent_end[h], max(v.right[h], h + 3) + 1))


def extent_features(head, t) -> list[str]:
    """What says whether word ``t`` belongs to the cue headed by ``head``."""
    v, h, i = _view(head.doc), head.i, t.i
    if v.head[i] == h:
        rel = "child:" + v.dep[i]
    elif v.head[h] == i:
        rel = "parent:" + v.dep[h]
    elif v.left[h] <= i <= v.right[h]:
        rel = "inside:" + v.dep[i] + "<" + v.dep[v.head[i]]
    else:
        rel = "outside"
    side = "L" if i < h else "R"
    gap = _bucket(abs(i - h))
    f = ["rel=" + rel, "rs=" + rel + side, "pos=" + v.pos[i] + side, "w=" + v.lower[i] + side, "gap=" + side + gap,
         "rg=" + rel + side + gap, "hw=" + v.lemma[h] + "|" + v.lower[i] + side, "tag=" + v.tag[i] + side]
    if v.punct[i]:
        f.append("punct=" + v.text[i] + side)
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

def _best(model: LinearModel, cue, candidates: list[int], view: _DocView, role: str):
    """The candidate (a token) the model scores highest for the cue's ``role``; for a
    source, None when "no source" scores higher."""
    best, best_score = None, None
    # The scores of _pair_features(view, cue.i, cand, view.quoted, role), compiled.
    for cand, s in zip(candidates, _features.pair_scores(model.table, model.bias, view.compiled, cue.i, candidates,
                                                          role == "source")):
        if best_score is None or s > best_score:
            best, best_score = cand, s
    if role == "source":
        s = model.score(null_source_features(cue))
        if best_score is None or s > best_score:
            return None
    return None if best is None else cue.doc[best]


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
    stay, and a bracket that closes one the span opens: "Paul D. Ryan (R-Wis.)")."""
    while lo < hi and doc[lo].is_punct and doc[lo].text not in OPENING_MARKS + '"':
        lo += 1
    while hi > lo and doc[hi].is_punct and doc[hi].text not in CLOSING_MARKS + '"' \
            and not (doc[hi].text == ")" and _opened(doc, lo, hi)):
        hi -= 1
    return doc[lo].idx, doc[hi].idx + len(doc[hi].text)


def _opened(doc, lo: int, hi: int) -> bool:
    """Whether tokens lo..hi-1 leave a bracket open."""
    words = [doc[k].text for k in range(lo, hi)]
    return words.count("(") > words.count(")")


def content_bounds(cue, head, source) -> tuple[int, int, range, range]:
    """The content's span by the parse (first and last token of the head's subtree without
    cue and source) and the tokens it may start and end at instead: within the head's
    sentence, not across the cue or the source."""
    lo, hi = _phrase_tokens(head, [cue, source])
    v = _view(head.doc)
    sent = v.sent_start[head.i]
    left, right = sent, v.sent_end[head.i] - 1
    for other in (cue, source):
        if other is None or v.sent_start[other.i] != sent:
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
    v, h = _view(head.doc), head.i
    start, end = v.sent_start[h], v.sent_end[h]
    d = k - rule
    shift = "0" if d == 0 else ("+" if d > 0 else "-") + _bucket(abs(d))
    beyond = k + 1 if side == "R" else k - 1
    nb = beyond if start <= beyond < end else None

    def word(x) -> str:
        return "edge" if x is None else v.lower[x] if v.punct[x] or v.stop[x] else v.pos[x]

    rest = range(k + 1, end) if side == "R" else range(start, k)
    f = ["d=" + side + shift, "w=" + side + word(k), "nb=" + side + word(nb),
         "wnb=" + side + word(k) + "|" + word(nb), "dp=" + side + shift + "|" + v.pos[h],
         "edge=" + side + str(all(v.punct[x] for x in rest)), "q=" + side + str(quoted[k]),
         "dep=" + side + v.dep[k] + "|" + shift]
    # Does the cut leave words whose head is inside it ("the 1994 crime bill | , which put …")?
    first, last = (min(v.left[h], h), k) if side == "R" else (k, max(v.right[h], h))
    dangling = sum(1 for x in rest if first <= v.head[x] <= last and not v.punct[x])
    f.append("dang=" + side + ("0" if dangling == 0 else "1" if dangling == 1 else "2+"))
    if nb is not None:
        f += ["nbdep=" + side + v.dep[nb], "nbq=" + side + str(quoted[nb]) + str(quoted[k]),
              "nbdh=" + side + v.dep[nb] + "|" + str(first <= v.head[nb] <= last)]
    return f


def _choose(model: LinearModel, head, ks: range, rule: int, side: str) -> int:
    """The first k of ``ks`` that scores highest by boundary_features(head, k, rule, side,
    its view's quoted), compiled."""
    scores = _features.boundary_scores(model.table, model.bias, _view(head.doc).compiled, head.i, ks.start,
                                       ks.stop - 1, rule, side == "R")
    return ks.start + scores.index(max(scores))


@dataclass(frozen=True, slots=True)
class Found:
    """One attribution in a parsed paragraph: character spans relative to the paragraph,
    and the source's head token (None when it has none)."""

    cue: tuple[int, int]
    content: tuple[int, int]
    source: tuple[int, int] | None
    source_head: object
    kind: str  # according | headline | reported (a clause is attributed) | stance (a thing: "criticized the deal")
    score: float = 0.0  # how far the cue's score passes the cue model's threshold


def find_in_paragraph(doc, model: AttributionModel) -> list[Found]:
    """The attributions of one parsed paragraph: each word the cue model passes, with
    the content and source its choice models pick and the cue's extent. Kept on the doc:
    the speakers of quotations and the statements ask for the same paragraphs."""
    key = ("newstrace.attributions", id(model))
    if key not in doc.user_data:
        doc.user_data[key] = _find(doc, model)
    return doc.user_data[key]


def _says_a_clause(view: _DocView, cue: int, span: range) -> bool:
    """Whether a cue of saying ("said", "told") attributes a clause (the tokens ``span``),
    whatever word the content model took for its head: "he told a meeting of leaders that few
    people understood …" (the meeting taken), "Ryan said the spate of shootings demands that
    …" ("demands" read as a noun). Said or told, a thing is not a stance."""
    return view.lemma[cue] in ("say", "tell") and any(view.pos[i] in ("VERB", "AUX") for i in span if i != cue)


def _find(doc, model: AttributionModel) -> list[Found]:
    view = _view(doc)
    found = []
    # The scores of _cue_features(view, i, view.quoted), compiled.
    cue_scores = _features.cue_scores(model.cue.table, model.cue.bias, view.compiled)
    for i, space in enumerate(view.space):
        if space or cue_scores[i] <= model.cue_threshold:
            continue
        t = doc[i]
        content = _best(model.content, t, _content_candidates(view, i), view, "content")
        if content is None:
            continue
        source = _best(model.source, t, _source_candidates(view, i), view, "source")
        lo, hi, starts, ends = content_bounds(t, content, source)
        content_span = _chars(doc, _choose(model.content_start, content, starts, lo, "L"),
                              _choose(model.content_end, content, ends, hi, "R"))
        taken = {content.i, *tokens_at(doc, *content_span)}
        source_span = None
        if source is not None:
            source_span = _chars(doc, *_source_tokens(source, [t, content]))
        kind = ("according" if t.lower_ == "according" else "headline" if t.text == ":"
                else "reported" if content.pos_ in ("VERB", "AUX") or _says_a_clause(view, i, tokens_at(doc, *content_span))
                else "stance")
        found.append(Found(grow(t, model.cue_extent, taken | ({source.i} if source is not None else set())),
                           content_span, source_span, source, kind, float(cue_scores[i] - model.cue_threshold)))
    return found
