"""Measures of attributions against gold ones (PolNeAR's brat annotations, as
:func:`.training.read_brat` reads them): the benchmark's matching and Citron's span
measures, for ``bench/bench_quotes.py`` and the tests."""

from __future__ import annotations

import re

from .parse import content_parts


def overlaps(x: tuple[int, int], y: tuple[int, int]) -> bool:
    return x[0] < y[1] and y[0] < x[1]


PRONOUNS = {"he", "she", "they", "i", "we", "it", "you"}  # a gold source that is one of these is not a name


def holds_a_name(source: str) -> bool:
    """Whether a gold source names someone, so that a canonical name can be checked
    against it: "Obama", "Sen. Claire McCaskill"; not "he", nor a description such as "the
    president", whose canonical name (the president named before it) its words cannot show."""
    words = source.split()
    if words and words[0].lower() in ("the", "a", "an"):
        words = words[1:]
    return source.strip().lower() not in PRONOUNS and any(w[:1].isupper() for w in words)


def score_all(c: dict, text: str, gold: list[dict], ours: list) -> None:
    """Count, over every attribution (quoted or not), content matches by overlap (one to
    one, in text order), source and cue spans agreeing within matched pairs, and, where
    the gold source is a name, whether our canonical speaker's last word is in it."""
    c["all_gold"] += len(gold)
    c["all_ours"] += len(ours)
    c["all_gold_source"] += sum(1 for g in gold if g.get("Source"))
    c["all_gold_cue"] += sum(1 for g in gold if g.get("Cue"))
    c["all_ours_source"] += sum(1 for a in ours if a.source)
    c["all_ours_cue"] += sum(1 for a in ours if a.cue)
    used = set()
    for a in ours:
        k = next((k for k, g in enumerate(gold) if k not in used
                  and any(overlaps(a.content, span) for span in g["Content"])), None)
        if k is None:
            continue
        used.add(k)
        c["all_match"] += 1
        g = gold[k]
        if a.source and g.get("Source") and any(overlaps(a.source, s) for s in g["Source"]):
            c["all_source_ok"] += 1
        if a.cue and g.get("Cue") and any(overlaps(a.cue, s) for s in g["Cue"]):
            c["all_cue_ok"] += 1
        source = " ".join(text[s:e] for s, e in g.get("Source", [])).strip()
        if holds_a_name(source):
            c["all_named"] += 1
            c["all_named_ok"] += bool(a.speaker and a.speaker.split()[-1].lower() in source.lower())


_TOKEN = re.compile(r"\w+|[^\w\s]")
ROLES = ("Cue", "Source", "Content")


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and not text[s].isalnum():
        s += 1
    while e > s and not text[e - 1].isalnum():
        e -= 1
    return s, e


def _tokens(text: str, spans) -> set[int]:
    return {m.start() for s, e in spans for m in _TOKEN.finditer(text, s, e)}


def score_spans(c: dict, text: str, gold: list[dict], ours: list[dict]) -> None:
    """Count, role by role over one article, the measures Citron reports (pooled over the
    article's attributions, whichever attribution a span belongs to): *exact*, a span equal
    to a gold span of its role once edge marks and spaces are trimmed (a discontinuous
    span must match piece for piece); *overlap*, the words of our spans inside gold spans
    of the role against all our words and all gold words. ``gold`` and ``ours`` are
    attributions as {role: [(start, end), ...]}."""
    for role in ROLES:
        g = {tuple(_trim(text, *x) for x in a[role]) for a in gold if a.get(role)}
        o = {tuple(_trim(text, *x) for x in a[role]) for a in ours if a.get(role)}
        c[role, "exact_ours"] += len(o)
        c[role, "exact_gold"] += len(g)
        c[role, "exact_hit"] += len(o & g)
        gt = _tokens(text, [x for a in gold if a.get(role) for x in a[role]])
        ot = _tokens(text, [x for a in ours if a.get(role) for x in a[role]])
        for key, n in (("words_ours", len(ot)), ("words_gold", len(gt)), ("words_hit", len(ot & gt))):
            c[role, key] += n
            c["all", key] += n


def score_citron(c: dict, text: str, gold: list[dict], ours: list[dict]) -> None:
    """Count, over one article, the measures as Citron's evaluation counts them: attribution
    by attribution, not span by span. *Exact*: an attribution of ours is right on its cue
    when a gold one has the same cue span, right on its source (its content) when a gold
    one whose cue overlaps its cue has the same source spans (content spans), piece for
    piece, none on both sides agreeing too; a gold attribution is found on a role when one
    of ours is right on it so. *Overlap*: the words that each of ours shares with each gold
    attribution, role by role, against the words of all of ours and of all the gold. Spans
    are compared with edge marks and spaces trimmed; ``gold`` and ``ours`` are attributions
    as {role: [(start, end), ...]}."""
    def spans(a, role):
        return tuple(_trim(text, *x) for x in a.get(role, []))

    def cue_near(a, b):
        return any(overlaps(x, y) for x in a.get("Cue", []) for y in b.get("Cue", []))

    same = {"Cue": lambda a, b: bool(spans(a, "Cue")) and spans(a, "Cue") == spans(b, "Cue")}
    for role in ("Source", "Content"):
        same[role] = lambda a, b, role=role: cue_near(a, b) and spans(a, role) == spans(b, role)
    for role, agree in same.items():
        c["citron", role, "ours"] += len(ours)
        c["citron", role, "gold"] += len(gold)
        c["citron", role, "ours_right"] += sum(any(agree(o, g) for g in gold) for o in ours)
        c["citron", role, "gold_found"] += sum(any(agree(o, g) for o in ours) for g in gold)
    words = {id(a): {role: _tokens(text, a.get(role, [])) for role in ROLES} for a in (*gold, *ours)}
    for role in ROLES:
        c["citron", role, "words_ours"] += sum(len(words[id(o)][role]) for o in ours)
        c["citron", role, "words_gold"] += sum(len(words[id(g)][role]) for g in gold)
        c["citron", role, "words_shared"] += sum(len(words[id(o)][role] & words[id(g)][role]) for o in ours for g in gold)


def citron_rows(c: dict) -> list[tuple[str, float, float]]:
    rows = []
    for role in ROLES:
        rows.append((f"{role.lower()}, exact", c["citron", role, "ours_right"] / max(1, c["citron", role, "ours"]),
                     c["citron", role, "gold_found"] / max(1, c["citron", role, "gold"])))
    for role in ROLES:
        rows.append((f"{role.lower()}, word overlap", c["citron", role, "words_shared"] / max(1, c["citron", role, "words_ours"]),
                     c["citron", role, "words_shared"] / max(1, c["citron", role, "words_gold"])))
    shared, mine, theirs = (sum(c["citron", role, k] for role in ROLES) for k in ("words_shared", "words_ours", "words_gold"))
    rows.append(("all spans (cue, source, content), word overlap", shared / max(1, mine), shared / max(1, theirs)))
    return rows


def span_rows(c: dict) -> list[tuple[str, float, float]]:
    rows = []
    for role in ROLES:
        rows.append((f"{role.lower()} span, exact", c[role, "exact_hit"] / max(1, c[role, "exact_ours"]),
                     c[role, "exact_hit"] / max(1, c[role, "exact_gold"])))
        rows.append((f"{role.lower()} span, word overlap", c[role, "words_hit"] / max(1, c[role, "words_ours"]),
                     c[role, "words_hit"] / max(1, c[role, "words_gold"])))
    rows.append(("all spans (cue, source, content), word overlap", c["all", "words_hit"] / max(1, c["all", "words_ours"]),
                 c["all", "words_hit"] / max(1, c["all", "words_gold"])))
    return rows


def as_roles(a, text: str) -> dict:
    """An attribution as {role: spans}, its content in the parts the cue and source leave it."""
    roles = {role: [span] for role, span in (("Cue", a.cue), ("Source", a.source)) if span}
    roles["Content"] = content_parts(a, text)
    return roles


# Words of saying: a gold attribution whose cue holds one is a quotation or reported speech
# (what a quote extractor is asked for), not a belief, a stance or a finding ("believes",
# "attacked", "the poll shows"), which PolNeAR annotates too.
SAYING = frozenset("""say says said saying tell tells told telling add adds added adding ask asks asked asking
    note notes noted noting explain explains explained explaining state states stated announce announces
    announced write writes wrote tweet tweets tweeted claim claims claimed insist insists insisted argue
    argues argued warn warns warned reply replies replied respond responds responded comment comments
    commented declare declares declared acknowledge acknowledged admit admits admitted report reports
    reported confirm confirms confirmed deny denies denied testify testified remark remarked recall
    recalled according quipped joked stressed emphasized urged vowed promised predicted""".split())


def of_saying(text: str, attribution: dict) -> bool:
    """Whether a gold attribution's cue holds a word of saying (SAYING)."""
    cue = " ".join(text[s:e] for s, e in attribution.get("Cue", [])).lower()
    return any(w in SAYING for w in re.findall(r"[a-z]+", cue))


def score_sayings(c: dict, text: str, gold: list[dict], ours: list[dict], threshold: float,
                  saying_only: bool = False) -> None:
    """Count records of ``quotes --json`` (dicts with offsets) against gold attributions as a
    quote extractor's evaluation does: each gold attribution in turn takes, of our records
    not yet taken, the one covering the largest share of its content's characters, when that
    share passes ``threshold``; its speaker is right when our speaker's words overlap the gold
    source (or neither has one). With ``saying_only``, only the attributions of saying
    (:func:`of_saying`) are counted: a record taken by another attribution is neither right
    nor wrong."""
    mine = list(ours)
    for g in gold:
        content = {i for s, e in g["Content"] for i in range(s, e)}
        shares = [(len(content.intersection(range(q["start"], q["end"]))) / len(content), k)
                  for k, q in enumerate(mine)]
        share, k = max(shares, default=(0.0, -1))
        counted = not saying_only or of_saying(text, g)
        if share <= threshold:
            c["missed"] += counted
            continue
        q = mine.pop(k)
        if not counted:
            continue
        c["found"] += 1
        source = g.get("Source", [])
        if q.get("speaker_start") is None:
            c["speaker_ok"] += not source and not q.get("speaker")
        else:
            c["speaker_ok"] += any(overlaps((q["speaker_start"], q["speaker_end"]), s) for s in source)
    c["wrong"] += len(mine)
