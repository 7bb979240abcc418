"""The spaCy pipeline's two rule-based components, the attribute ruler and the lemmatizer,
as one component that gives every token the same part of speech, morphology and lemma
at a fraction of their cost.

The English pipeline's attribute ruler runs a Matcher of 179 patterns over every token
(the part of speech from the tag, with exceptions by word and dependency) and its
lemmatizer sets each token's lemma one Python call at a time: together about a third of
the parse's time on news. Both read only what a token and its neighbours are (word, tag,
dependency, whether it is space) and what the token then is (word, part of speech,
morphology), and news repeats both endlessly. So this component works out what the ruler
gives a token of a given neighbourhood once, with the ruler's own patterns read as
plain conditions, and the lemmatizer's lemma for a given word, part of speech and
morphology once, by asking the lemmatizer; the results are written in bulk
(``Doc.from_array``). The patterns are applied as the ruler applies them: all matched
against the parse as it came, then each in the order it was added, a later one's
attributes over an earlier one's.
"""

from __future__ import annotations

import re
import struct

import numpy
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.language import Language

NAME = "newstrace_rule_tags"
_READ = [LOWER, TAG, DEP, IS_SPACE]  # what the ruler's rules ask of a token
_WRITTEN = [POS, TAG, DEP, MORPH, LEMMA]
_KEY = [*_READ, *_WRITTEN, ORTH]  # all a token's result depends on: what is read, what it came with, its word
_PACKED = struct.Struct(f"={len(_WRITTEN)}Q")


def _test(name: str, value) -> callable:
    """A check of one token attribute (its string, or a bool for IS_SPACE) as the Matcher makes it."""
    if not isinstance(value, dict):
        return lambda seen: seen == value
    (op, operand), = value.items()
    if op == "IN":
        allowed = frozenset(operand)
        return lambda seen: seen in allowed
    if op == "NOT_IN":
        barred = frozenset(operand)
        return lambda seen: seen not in barred
    if op == "REGEX":
        pattern = re.compile(operand)
        return lambda seen: bool(pattern.search(seen))
    raise ValueError(f"attribute ruler pattern {name}: {op!r} is not read here")


class RuleTags:
    """The attribute ruler and the lemmatizer of ``nlp``, as one memoised component."""

    def __init__(self, nlp: Language):
        ruler, self._lemmatizer = nlp.get_pipe("attribute_ruler"), nlp.get_pipe("lemmatizer")
        if self._lemmatizer.mode != "rule" or self._lemmatizer.overwrite:
            raise ValueError("the lemmatizer is expected in rule mode, not overwriting the ruler's lemmas")
        # Its index of known words (by part of speech) is a list it asks "form in index" of,
        # up to 57,528 words read one by one: 170 µs a word it had not seen. It only asks
        # membership, which a set answers alike.
        index = self._lemmatizer.lookups.get_table("lemma_index", {})
        for pos in list(index):
            index[pos] = frozenset(index[pos])
        self._strings = strings = nlp.vocab.strings
        # The ruler's rules in its order: (number, patterns as checks, index of the token they
        # set, attributes as ids). Rules of one token are memoised by what that token is;
        # rules of two tokens are tried where a word they name appears.
        # One-token rules, as (number, their tests, attributes): filed by the word they name
        # (that test then done); those that name none match by the token's tag, dependency
        # and space alone (memoised by those), unless they test its word by a pattern.
        self._by_word: dict[int, list[tuple]] = {}  # lower-case word id -> its rules
        self._wordless: list[tuple] = []
        self._by_pattern: list[tuple] = []
        self._general: dict[tuple, list] = {}  # (tag, dependency, space) -> the wordless rules that match
        self._pairs: dict[int, list[tuple]] = {}  # lower-case word id -> (rule, which token of it)
        for number, (rule, attrs) in enumerate(zip(ruler.patterns, ruler.attrs)):
            patterns = [[[(name, _test(name, value)) for name, value in spec.items()] for spec in pattern]
                        for pattern in rule["patterns"]]
            entry = (number, patterns, rule["index"], dict(attrs))
            if all(len(pattern) == 1 for pattern in rule["patterns"]):
                for (spec,) in rule["patterns"]:
                    word = spec.get("LOWER")
                    words = [word] if isinstance(word, str) else word.get("IN") if isinstance(word, dict) else None
                    if words is not None:
                        rest = [(name, _test(name, value)) for name, value in spec.items() if name != "LOWER"]
                        for w in words:
                            self._by_word.setdefault(strings.add(w), []).append((number, rest, dict(attrs)))
                    else:
                        tests = [(name, _test(name, value)) for name, value in spec.items()]
                        (self._wordless if word is None else self._by_pattern).append((number, tests, dict(attrs)))
                continue
            for pattern in rule["patterns"]:
                at, words = next(((k, spec["LOWER"]) for k, spec in enumerate(pattern) if isinstance(
                    spec.get("LOWER"), str) or isinstance(spec.get("LOWER"), dict) and "IN" in spec["LOWER"]),
                    (None, None))
                if at is None:
                    raise ValueError(f"attribute ruler rule {number} names no word to find it by")
                for word in [words] if isinstance(words, str) else words["IN"]:
                    self._pairs.setdefault(strings.add(word), []).append((entry, at))
        self._given: dict[tuple, list] = {}  # what a token is -> the one-token rules it matches
        self._lemmas: dict[tuple, int] = {}  # (word, part of speech, morphology) -> lemma id
        self._done: dict[bytes, bytes] = {}  # a token as read (_KEY) -> its _WRITTEN as written (_PACKED)

    def _token(self, row: tuple) -> dict:
        s = self._strings
        return {"LOWER": s[row[0]], "TAG": s[row[1]], "DEP": s[row[2]], "IS_SPACE": bool(row[3])}

    @staticmethod
    def _matches(pattern: list, tokens: list[dict]) -> bool:
        return len(tokens) == len(pattern) and all(all(test(t[name]) for name, test in spec)
                                                   for t, spec in zip(tokens, pattern))

    def _one_token_rules(self, row: tuple) -> list:
        """The one-token rules a token read as ``row`` (_READ) matches, as (number, attributes)
        in the ruler's order (a rule of several patterns counts once)."""
        found = self._given.get(row)
        if found is None:
            if len(self._given) > _MEMO:
                self._given.clear()
            token = self._token(row)
            general = self._general.get(row[1:])
            if general is None:
                general = self._general[row[1:]] = [(number, attrs) for number, tests, attrs in self._wordless
                                                    if all(test(token[name]) for name, test in tests)]
            matched = dict(general)
            for number, tests, attrs in [*self._by_word.get(row[0], ()), *self._by_pattern]:
                if all(test(token[name]) for name, test in tests):
                    matched[number] = attrs
            found = self._given[row] = sorted(matched.items())
        return found

    def _paired(self, rows: list[tuple]) -> dict[int, list]:
        """The two-token rules that match, by the token they set: tried where a word they name stands."""
        paired: dict[int, list] = {}
        for j, row in enumerate(rows):
            for (number, patterns, index, attrs), at in self._pairs.get(row[0], ()):
                start = j - at
                if start < 0:
                    continue
                for pattern in patterns:
                    if self._matches(pattern, [self._token(r) for r in rows[start:start + len(pattern)]]):
                        target = start + (index if index >= 0 else len(pattern) + index)
                        paired.setdefault(target, []).append((number, attrs))
                        break
        return paired

    def __call__(self, doc):
        n = len(doc)
        if not n:
            return doc
        # Each token as the bytes of what its result depends on (_KEY): one read alike before,
        # and not set by a rule of two tokens, is given what that one got.
        array = doc.to_array(_KEY)
        raw, width = array.tobytes(), array.itemsize * len(_KEY)
        keys = [raw[k:k + width] for k in range(0, n * width, width)]
        found: list = [self._done.get(k) for k in keys]
        paired = {} if self._pairs.keys().isdisjoint(array[:, 0].tolist()) else \
            self._paired(array[:, :len(_READ)].tolist())
        unseen = [i for i, f in enumerate(found) if f is None and i not in paired]
        if unseen or paired:
            self._work_out(doc, array, keys, found, unseen, paired)
        else:
            doc.from_array(_WRITTEN, numpy.frombuffer(b"".join(found), dtype=numpy.uint64).reshape(n, len(_WRITTEN)))
        return doc

    def _work_out(self, doc, array, keys: list[bytes], found: list, unseen: list[int], paired: dict) -> None:
        """The attributes of the tokens not met before (``unseen``, then remembered) and of
        those a rule of two tokens sets, written with the others' (``found``): the ruler's
        rules applied in its order, a later rule's attributes over an earlier one's; then the
        lemma of each the ruler gave none, as the lemmatizer gives it."""
        worked: dict[int, list[int]] = {}
        for i in sorted([*unseen, *paired]):
            row = array[i].tolist()
            rules = self._one_token_rules(tuple(row[:len(_READ)]))
            if i in paired:
                rules = sorted({number: attrs for number, attrs in [*rules, *paired[i]]}.items())
            written = row[len(_READ):len(_READ) + len(_WRITTEN)]
            for _, attrs in rules:
                for column, attr in enumerate(_WRITTEN):
                    if attr in attrs:
                        written[column] = attrs[attr]
            worked[i] = written
            found[i] = _PACKED.pack(*written)
        n = len(found)
        doc.from_array(_WRITTEN, numpy.frombuffer(b"".join(found), dtype=numpy.uint64).reshape(n, len(_WRITTEN)))
        lemma_at, pos_at, morph_at = (_WRITTEN.index(a) for a in (LEMMA, POS, MORPH))
        for i, written in worked.items():
            if written[lemma_at] == 0:
                key = (int(array[i, -1]), written[pos_at], written[morph_at])  # (word, part of speech, morphology)
                lemma = self._lemmas.get(key)
                if lemma is None:
                    if len(self._lemmas) > _MEMO:
                        self._lemmas.clear()
                    lemma = self._lemmas[key] = self._strings.add(self._lemmatizer.lemmatize(doc[i])[0])
                written[lemma_at] = doc[i].lemma = lemma  # a few tokens: cheaper than writing all again
                found[i] = _PACKED.pack(*written)
        if len(self._done) > _TOKENS_MEMO:
            self._done.clear()
        for i in unseen:
            self._done[keys[i]] = found[i]


_MEMO = 200_000  # entries each memory keeps before it starts again (a long trace meets ever more words)
# The memory of tokens read (about 230 bytes an entry) starts again sooner: OCR meets endless
# new words, and the frequent ones are back in it within a paragraph or two.
_TOKENS_MEMO = 50_000


@Language.factory(NAME)
def _make(nlp: Language, name: str) -> RuleTags:
    return RuleTags(nlp)


def with_rule_tags(nlp: Language) -> Language:
    """``nlp`` with its attribute ruler and lemmatizer replaced by :class:`RuleTags`."""
    nlp.add_pipe(NAME, after="lemmatizer")
    nlp.remove_pipe("attribute_ruler")
    nlp.remove_pipe("lemmatizer")
    return nlp
