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

from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.language import Language

NAME = "newstrace_rule_tags"
_READ = [LOWER, TAG, DEP, IS_SPACE]
_WRITTEN = [POS, TAG, DEP, MORPH, LEMMA]


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


def _tags(spec: dict) -> set[str] | None:
    """The tags a token pattern allows, or None when it allows tags not listed."""
    tag = spec.get("TAG")
    if isinstance(tag, str):
        return {tag}
    if isinstance(tag, dict) and "IN" in tag:
        return set(tag["IN"])
    return None


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
        # One-token rules by the tags they allow: (number, the rest of their tests, attributes).
        self._single: dict[str | None, list[tuple]] = {}
        self._for_tag: dict[str, list[tuple]] = {}  # a tag's rules and the rules of any tag, in order
        self._pairs: dict[int, list[tuple]] = {}  # lower-case word id -> (rule, which token of it)
        for number, (rule, attrs) in enumerate(zip(ruler.patterns, ruler.attrs)):
            patterns = [[[(name, _test(name, value)) for name, value in spec.items()] for spec in pattern]
                        for pattern in rule["patterns"]]
            entry = (number, patterns, rule["index"], dict(attrs))
            if all(len(pattern) == 1 for pattern in rule["patterns"]):
                for (spec,) in rule["patterns"]:
                    # Filed under the tags it allows (its tag test then done), or under None.
                    tags = _tags(spec)
                    rest = [(name, _test(name, value)) for name, value in spec.items() if name != "TAG" or tags is None]
                    for tag in tags if tags is not None else [None]:
                        self._single.setdefault(tag, []).append((number, rest, dict(attrs)))
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

    def _token(self, row: tuple) -> dict:
        s = self._strings
        return {"LOWER": s[row[0]], "TAG": s[row[1]], "DEP": s[row[2]], "IS_SPACE": bool(row[3])}

    @staticmethod
    def _matches(pattern: list, tokens: list[dict]) -> bool:
        return len(tokens) == len(pattern) and all(all(test(t[name]) for name, test in spec)
                                                   for t, spec in zip(tokens, pattern))

    def _one_token_rules(self, row: tuple) -> list:
        found = self._given.get(row)
        if found is None:
            if len(self._given) > _MEMO:
                self._given.clear()
            token = self._token(row)
            tag = token["TAG"]
            rules = self._for_tag.get(tag)
            if rules is None:
                rules = self._for_tag[tag] = sorted([*self._single.get(tag, ()), *self._single.get(None, ())],
                                                    key=lambda r: r[0])
            matched = {number: attrs for number, tests, attrs in rules  # a rule of several patterns counts once
                       if all(test(token[name]) for name, test in tests)}
            found = self._given[row] = sorted(matched.items())
        return found

    def __call__(self, doc):
        rows = [tuple(r) for r in doc.to_array(_READ).tolist()]
        n = len(rows)
        # Two-token rules, tried where a word they name stands.
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
        out = doc.to_array(_WRITTEN).tolist()
        for i in range(n):
            rules = self._one_token_rules(rows[i])
            if i in paired:
                rules = sorted({number: attrs for number, attrs in [*rules, *paired[i]]}.items())
            for _, attrs in rules:  # in the ruler's order: a later rule's attributes over an earlier one's
                for column, attr in enumerate(_WRITTEN):
                    if attr in attrs:
                        out[i][column] = attrs[attr]
        doc.from_array(_WRITTEN, _as_array(out))
        # Then the lemma of each token the ruler gave none, as the lemmatizer gives it.
        words = doc.to_array([ORTH, POS, MORPH, LEMMA]).tolist()
        lemmas, missing = [w[3] for w in words], False
        for i, (orth, pos, morph, lemma) in enumerate(words):
            if lemma == 0:
                key = (orth, pos, morph)
                found = self._lemmas.get(key)
                if found is None:
                    if len(self._lemmas) > _MEMO:
                        self._lemmas.clear()
                    found = self._lemmas[key] = self._strings.add(self._lemmatizer.lemmatize(doc[i])[0])
                lemmas[i], missing = found, True
        if missing:
            doc.from_array([LEMMA], _as_array([[x] for x in lemmas]))
        return doc


_MEMO = 200_000  # entries each memory keeps before it starts again (a long trace meets ever more words)


def _as_array(rows: list[list[int]]):
    import numpy

    return numpy.array(rows, dtype="uint64").reshape(len(rows), -1)


@Language.factory(NAME)
def _make(nlp: Language, name: str) -> RuleTags:
    return RuleTags(nlp)


def with_rule_tags(nlp: Language) -> Language:
    """``nlp`` with its attribute ruler and lemmatizer replaced by :class:`RuleTags`."""
    nlp.add_pipe(NAME, after="lemmatizer")
    nlp.remove_pipe("attribute_ruler")
    nlp.remove_pipe("lemmatizer")
    return nlp
