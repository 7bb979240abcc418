"""What each speaker said, one record to each saying, as the quotes command lists it.

The store keeps quotations as the passages between marks, since those are what travel from
article to article and are traced. A reader, and anyone counting what was said, takes

    “The unfairness of the tax laws is unbelievable,” Trump said. “It’s something I’ve
    been talking about for a long time …”

as one quotation, and "Trump said that Machado was “disgusting” and “a con”" as one
statement with two words quoted in it, not as three sayings. :func:`utterances` makes those
records from the stored ones: the passages of one attribution joined, and the quotations
held inside a statement of the same speaker listed with it. On PolNeAR dev, counted as a
quote extractor's evaluation counts records (bench/bench_quotes.py), the two raise the
precision of quotations and statements from 0.68 to 0.85 at the same recall.
"""

from __future__ import annotations

# Passages of one attribution (the same cue and the same words naming the speaker) this
# close are one saying: "“A,” she said. “B.”" leaves a few words between them; a passage the
# parse gives the same cue paragraphs later is another saying.
PASSAGE_GAP = 200

# Two passages this many characters apart or fewer are one saying without their attribution
# between them: their marks and a word ("” and “", "” or “").
ADJOINING = 12

# Between the passages of a saying, the words left out (the attribution, "and"), as a
# quotation marks them: "rock like Jimi … stir the pot like Richard Pryor".
LEFT_OUT = " … "

# What a saying made of several passages takes from each passage.
_PART = ("start", "end", "text", "quote_id", "variant", "first_appearance", "reattributed", "conflicting")


def utterances(quotations: list[dict], statements: list[dict] = ()) -> list[dict]:
    """The quotations and statements (records as the store gives them) as sayings, in text
    order. A quotation of several passages keeps the first passage's fields, spans them all
    (``start`` of the first, ``end`` of the last), gives their words as ``text`` (joined by
    LEFT_OUT) and each passage, with its trace, in ``parts``; a statement holding quotations
    of its speaker lists them (as sayings) in ``quotations``, and they are not listed apart."""
    joined = _joined(sorted(quotations, key=_place))
    by_article: dict[str, list[dict]] = {}
    for s in statements:
        by_article.setdefault(s["article"], []).append({**s, "quotations": []})
    listed = []
    for q in joined:
        holder = next((s for s in by_article.get(q["article"], ())
                       if s["start"] <= q["start"] and q["end"] <= s["end"] and _same_speaker(q, s)), None)
        if holder is None:
            listed.append(q)
        else:
            holder["quotations"].append(q)
    listed += [s for held in by_article.values() for s in held]
    return sorted(listed, key=_place)


def _place(record: dict) -> tuple:
    return record["article"], record["start"], record["end"]


def _joined(quotations: list[dict]) -> list[dict]:
    """Consecutive passages of one article and one attribution as one record: the same cue,
    the same words naming the speaker, and the same speaker found for them (a "he" the rules
    resolved one way for the first passage and another for the second is left as two: joined,
    the second's speaker would be silently replaced)."""
    out: list[dict] = []
    for q in quotations:
        last = out[-1] if out else None
        if last is not None and last["article"] == q["article"] and q["cue_start"] is not None \
                and (last["cue_start"], last["speaker_start"], last["speaker"]) == (q["cue_start"], q["speaker_start"], q["speaker"]) \
                and 0 <= q["start"] - last["end"] <= PASSAGE_GAP and _only_the_attribution_between(last, q):
            parts = last.get("parts") or [{k: last.get(k) for k in _PART}]
            out[-1] = {**last, "end": q["end"], "text": f"{last['text']}{LEFT_OUT}{q['text']}",
                       "parts": [*parts, {k: q.get(k) for k in _PART}]}
        else:
            out.append(q)
    return out


def _only_the_attribution_between(first: dict, second: dict) -> bool:
    """Whether what lies between two passages is their attribution ("“A,” Komlev said.
    “B.”") or a word or two ("“rock like Jimi” and “stir the pot”"): a sentence of other
    things between them ("… At Carrefour, union representative Dejan Terglav expects Plassat
    to “shake things up”") makes the second another saying, whatever cue the parse gave it."""
    between = range(first["end"], second["start"])
    return second["start"] - first["end"] <= ADJOINING or \
        first["cue_start"] in between or (first["speaker_start"] is not None and first["speaker_start"] in between)


def _same_speaker(quotation: dict, statement: dict) -> bool:
    """Whether a quotation inside a statement's words is that speaker's (or no one's):
    "X said that Y called it “a disgrace”" quotes Y inside X's statement. A statement's
    speaker takes the name its person's quotations have across the collection, where they
    have one (the quotes stage renames them so)."""
    return quotation["speaker"] is None or quotation["speaker_start"] == statement["speaker_start"] \
        or quotation["speaker"] == statement["speaker"]
