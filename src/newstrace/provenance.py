"""Provenance: reuse clusters, earliest sources, copy trees and per-article signals.

:func:`trace` is a pure function of the collection's metadata and its aligned
passages. Spans of one article merge only when they overlap substantially, so
one long article cannot chain unrelated passages into one cluster ("snowballing").
Ordering is by publication date and time; where dates are missing or equal the
result says so instead of guessing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
import dataclasses
import re
from functools import lru_cache, partial

from .credits import names_outlet, organisation
from .model import (Alignment, ArticleMeta, CopyClaim, CopyEdge, EarliestClaim, FactDiffers, ReuseCluster,
                    Signals, Span, Swap, WordOp, flipped)
from .dates import date_doubt, days_between, earlier, first_published, moment, moment_order
from .evidence import ArticleEvidence, inside
from .significance import (ALWAYS_COPY_WORDS, Significance, headline_case, restatement, rewordings, significance,
                           whole_sentences, word_changes)

# Two spans of one article are one node when they share this much of the shorter...
_MERGE_SHORTER = 0.5
# ...and this much of the longer: a quote inside a long passage stays a cluster of its
# own, so a long article cannot chain its unrelated parts together.
_MERGE_LONGER = 0.5
# A cluster is common phrasing, not a copied passage, when its text's n-grams are found in
# at least this many articles of the collection...
_FORMULA_MIN_DF = 10
# ...and in this many times more articles than the cluster holds: a wire story's n-grams
# are found about where its copies are; "the annual meeting of the ... was held" everywhere.
_FORMULA_RATIO = 4
# A passage is a quotation both articles took from its speaker when this much of it lies
# inside quotation marks in each, and what it can match outside them is at most this share.
_QUOTED_SHARE = 0.5
_MATCHED_OUTSIDE_SHARE = 0.2
# Words an attribution both tell alike ("Trump said"; "in an interview").
_ATTRIBUTION_WORDS = 4
_WORD = re.compile(r"\w+")
# Words of copied text an article must share with an earlier one for "copied from": one
# sentence or two can come from a source both drew on (a release, an agency, a speech).
CLAIM_WORDS = 40
# A credit is a passage's when it stands inside it, or this close before it (a credit line,
# a byline) or after it (a closing credit).
_CREDIT_BEFORE = 300
_CREDIT_AFTER = 100
# An outlet signs its own story with a credit line ("Meridian Press —"), a bracket or a
# closing credit, at most this far before the passage or inside it.
_SIGNED = ("line", "byline", "bracket", "closing")
_OPENING_CHARS = 40
# Rewordings a copy must carry from an earlier copy (its "vessel" for the source's "ship")
# to have been taken from that copy: two writers rewording one source alike by chance, a
# few times, is not to be expected.
_SHARED_REWORDINGS = 3
# A cluster whose outlets each print it this many times on average is the outlets repeating
# themselves (weather boxes, standing columns, a running story's recap), not text travelling.
_RECURRING_PER_OUTLET = 3
# Shorter than this (about 40 words), text one outlet prints in two articles is its own
# standing text, not a story it republished.
_OWN_TEXT_CHARS = 250


# --- clusters ----------------------------------------------------------------------

class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, x: int, y: int) -> None:
        rx, ry = self.find(x), self.find(y)
        if rx != ry:
            self.parent[max(rx, ry)] = min(rx, ry)


def _same_text(x: Span, y: Span, min_chars: int = 1) -> bool:
    common = min(x.end, y.end) - max(x.start, y.start)
    if common < max(1, min_chars):
        return False
    lx, ly = x.end - x.start, y.end - y.start
    return common >= _MERGE_SHORTER * min(lx, ly) and common >= _MERGE_LONGER * max(lx, ly)


def _merge_spans(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for s in sorted(spans, key=lambda s: (s.article, s.start, s.end)):
        if out and out[-1].article == s.article and s.start <= out[-1].end:
            out[-1] = Span(s.article, out[-1].start, max(out[-1].end, s.end))
        else:
            out.append(s)
    return out


def _order_note(members: list[ArticleMeta], earliest: list[str]) -> str:
    dated = [m for m in members if moment(m.published)]
    if not dated:
        return "no member has a publication date: the earliest source cannot be told"
    undated = len(members) - len(dated)
    note = ""
    if len(earliest) > 1:
        note = f"{len(earliest)} members share the earliest date and cannot be ordered"
    else:
        first = next(m for m in members if m.id == earliest[0])
        note = f"earliest by publication date: {first.published}" + (f" ({first.source})" if first.source else "")
    if undated:
        note += f"; {undated} member(s) without a date are left out of the ordering"
    return note


def _differences(al: Alignment) -> int:
    return al.variant + al.substituted + al.gaps


def _aligned_words(al: Alignment) -> int:
    return al.exact + al.variant + al.substituted + al.gaps


def _difference_rate(al: Alignment) -> float:
    """Differing words per aligned word: comparable between long and trimmed copies."""
    return round(_differences(al) / max(1, _aligned_words(al)), 3)


def _copy_edges(members: list[ArticleMeta], earliest: list[str],
                links: dict[tuple[str, str], Alignment]) -> list[CopyEdge]:
    """For each member, the earlier member it most likely copied from.

    Closest first: the direct alignment with the fewest differing words per aligned
    word (a copy that carries another copy's spun words differs least from that
    copy), then the higher similarity, then the earlier publication.
    """
    edges = []
    by_id = {m.id: m for m in members}
    for m in sorted(members, key=lambda m: m.id):
        if m.id in earliest:
            edges.append(CopyEdge(m.id, None, "earliest known source"))
            continue
        if moment(m.published) is None:
            edges.append(CopyEdge(m.id, None, "no publication date: its place in the tree is unknown"))
            continue
        before = [p for p in members if p.id != m.id and earlier(p.published, m.published)]
        if not before:
            edges.append(CopyEdge(m.id, None, "published on the same date as the earliest members: "
                                              "the order cannot be told"))
            continue
        direct = [(p, links[min(p.id, m.id), max(p.id, m.id)]) for p in before
                  if (min(p.id, m.id), max(p.id, m.id)) in links]
        if direct:
            def rank(item):
                p, al = item
                return (_difference_rate(al), -al.similarity, moment_order(p.published), p.id)
            parent, al = min(direct, key=rank)
            edges.append(CopyEdge(m.id, parent.id,
                                  f"closest earlier copy: {_differences(al)} of {_aligned_words(al)} words differ, similarity "
                                  f"{al.similarity:.2f}; published {parent.published} before {m.published}"))
        else:
            first = sorted(before, key=lambda p: (moment(p.published)[0], p.id))[0]
            edges.append(CopyEdge(m.id, first.id, "no direct alignment with an earlier copy; "
                                                  f"attached to the earliest ({first.published})"))
    return [e for e in edges if e.child in by_id]


def _strength(al: Alignment) -> tuple:
    """Orders the passages of one pair: the best first, ties by place (never by input order)."""
    ends = sorted(((al.a.article, al.a.start, al.a.end), (al.b.article, al.b.start, al.b.end)))
    return al.score, [(article, -start, -end) for article, start, end in ends]


def _kind(members: list[ArticleMeta], phrase_df: float | None, shortest: int) -> str:
    if phrase_df is not None and phrase_df >= max(_FORMULA_MIN_DF, _FORMULA_RATIO * len(members)):
        return "formula"
    outlets = {m.source for m in members}
    # Two articles of one outlet are a republication (reuse) of a story; an outlet printing
    # the same text in three or more of its articles is its house text (an editor's note, a
    # standing box), and so is a few lines it prints twice (a table's header, a programme).
    if None not in outlets and (len(members) >= _RECURRING_PER_OUTLET * len(outlets)
                                or (len(outlets) == 1 and shortest < _OWN_TEXT_CHARS)):
        return "recurring"
    return "reuse"


def build_clusters(alignments: list[Alignment], meta: dict[str, ArticleMeta],
                   link_chars: int = 150,
                   phrase_df: Callable[[Alignment], float] | None = None,
                   kind: str | None = None) -> list[ReuseCluster]:
    """Group aligned passages into reuse clusters with earliest sources and copy trees.

    Two passages of one article are one node only when they share at least ``link_chars``
    characters (and half of each): a formula ("the annual meeting of the ... was held")
    is too short to tie the different stories around it into one cluster.
    ``phrase_df`` tells how many articles of the collection hold a passage's n-grams
    (the median); with it, clusters of common phrasing are told apart (kind "formula").
    ``kind``, if given, is every cluster's kind (passages already judged formula or template).
    """
    nodes: list[Span] = []
    index: dict[tuple[str, int, int], int] = {}
    for al in alignments:
        for s in (al.a, al.b):
            key = (s.article, s.start, s.end)
            if key not in index:
                index[key] = len(nodes)
                nodes.append(s)
    uf = _UnionFind(len(nodes))
    for al in alignments:
        uf.union(index[(al.a.article, al.a.start, al.a.end)], index[(al.b.article, al.b.start, al.b.end)])
    by_article: dict[str, list[int]] = defaultdict(list)
    for k, s in enumerate(nodes):
        by_article[s.article].append(k)
    for ks in by_article.values():
        ks.sort(key=lambda k: (nodes[k].start, nodes[k].end))
        for x in range(len(ks)):
            for y in range(x + 1, len(ks)):
                if nodes[ks[y]].start >= nodes[ks[x]].end:
                    break
                if _same_text(nodes[ks[x]], nodes[ks[y]], link_chars):
                    uf.union(ks[x], ks[y])
    groups: dict[int, list[Span]] = defaultdict(list)
    for k, s in enumerate(nodes):
        groups[uf.find(k)].append(s)
    links: dict[tuple[str, str], Alignment] = {}
    for al in alignments:
        key = (min(al.a.article, al.b.article), max(al.a.article, al.b.article))
        if key not in links or _strength(al) > _strength(links[key]):
            links[key] = al
    links_of: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key in links:
        links_of[key[0]].append(key)
    clusters = []
    for spans in groups.values():
        spans = _merge_spans(spans)
        ids = sorted({s.article for s in spans})
        if len(ids) < 2:
            continue
        members = [meta[i] for i in ids if i in meta]
        dated = [m for m in members if moment(m.published)]
        earliest = first_published({m.id: m.published for m in dated})
        members_set = set(ids)
        member_links = {k: links[k] for i in ids for k in links_of.get(i, ()) if k[0] in members_set
                        and k[1] in members_set}
        df = None
        if phrase_df is not None and member_links:
            best = max(member_links.values(), key=_strength)
            df = phrase_df(best)
        clusters.append(ReuseCluster(
            id=0, spans=tuple(spans), earliest=tuple(earliest),
            first_published=min((m.published for m in dated if m.id in earliest), default=None),
            ordering=_order_note(members, earliest),
            edges=tuple(_copy_edges(members, earliest, member_links)),
            kind=kind or _kind(members, df, min(sp.end - sp.start for sp in spans)), phrase_df=df,
        ))
    return clusters


def _numbered(clusters: list[ReuseCluster]) -> list[ReuseCluster]:
    """Clusters ordered largest first (ties by place) and numbered from 1."""
    clusters = sorted(clusters, key=lambda c: (-len(c.articles), [(s.article, s.start, s.end) for s in c.spans]))
    return [dataclasses.replace(c, id=k + 1) for k, c in enumerate(clusters)]


# --- signals -----------------------------------------------------------------------

def _own_words(al: Alignment) -> tuple[WordOp, ...]:
    return al.ops


def _covered(spans: list[Span]) -> int:
    total, end = 0, -1
    for s in sorted(spans, key=lambda s: s.start):
        if s.start >= end:
            total += s.end - s.start
            end = s.end
        elif s.end > end:
            total += s.end - end
            end = s.end
    return total


def article_signals(article: ArticleMeta, alignments: list[Alignment], meta: dict[str, ArticleMeta],
                    clusters: list[ReuseCluster], recycled_days: int = 180,
                    words: Callable[[Alignment], Iterable[WordOp]] = _own_words,
                    evidence: dict[str, ArticleEvidence] | None = None,
                    rewordings: Callable[[str, str], int] = lambda copy, parent: 0) -> Signals:
    """The signals of one article; ``alignments`` are its own copies, seen from its side
    (``a``), and ``clusters`` those that hold it (others are passed over).

    A span counts as reused when a reuse cluster holding it (not a formula, a template, a
    shared quotation or an outlet's own recurring text) has an earliest source published
    before this article. Swaps and the spin rate are measured against the copy it most
    likely took the text from (its parent in the copy tree); a changed fact (a number, a
    name, a date) is no swap but a fact that differs. Each parent is a :class:`CopyClaim`
    (see :func:`copy_claim`); only a sure one is "copied from". ``rewordings(article,
    parent)`` counts the rewordings the article carries from the parent (see :func:`trace`).
    """
    evidence = evidence or {}
    mine = evidence.get(article.id, ArticleEvidence())
    reused: list[tuple[Span, str, str | None]] = []
    per_origin: dict[str, list[Span]] = defaultdict(list)
    parents: set[str] = set()
    earliest_claims: dict[str, list[EarliestClaim]] = {}
    recycled = []
    for c in clusters:
        if c.kind != "reuse" or not c.earliest or article.id in c.earliest or article.id not in c.articles:
            continue
        origin = c.earliest[0]
        if not earlier(meta[origin].published, article.published):
            continue
        parent = next((e.parent for e in c.edges if e.child == article.id), None)
        if parent:
            parents.add(parent)
        gap = days_between(c.first_published, article.published)
        earliest_claims.setdefault(origin, []).append(_earliest_claim(c, origin, meta[origin], article))
        for span in c.spans:
            if span.article != article.id:
                continue
            reused.append((span, origin, parent))
            per_origin[origin].append(span)
            if gap is not None and gap > recycled_days:
                recycled.append((span, origin, c.first_published))
    swaps: Counter = Counter()
    facts: list[FactDiffers] = []
    shared_words: Counter = Counter()
    whole: set[str] = set()  # parents whose whole text this article is
    passages: dict[str, list[Alignment]] = defaultdict(list)
    ranked = sorted(alignments, key=lambda x: (-x.score, x.a.start, x.a.end, x.b.article, x.b.start, x.b.end))
    for al in ranked:
        if al.b.article in parents:
            shared_words[al.b.article] += al.exact + al.variant
            passages[al.b.article].append(al)
            if _whole_text(al):
                whole.add(al.b.article)
    claims = [copy_claim(article, meta[p], shared_words[p], mine, evidence.get(p, ArticleEvidence()), p in whole,
                         partial(_tie, article, meta[p], mine, evidence.get(p, ArticleEvidence()), passages[p],
                                 partial(rewordings, article.id, p)))
              for p in sorted(parents)]
    # Spin is measured against the copies this article is said to have copied from: against
    # text it only shares a phrase or a formula with, its other words are no swaps.
    sure = {c.parent for c in claims if c.confidence != "low"}
    aligned_words = changed_words = 0
    # Each stretch of this article counts once, with the best alignment to a parent.
    counted: list[Span] = []
    for al in ranked:
        if al.b.article not in parents or any(_same_text(al.a, c) for c in counted):
            continue
        counted.append(al.a)
        ops = tuple(words(al))
        changed, stated = word_changes(ops)  # facts, or noise: never spin
        if al.b.article in sure:
            aligned_words += al.exact + al.variant + al.substituted - len(changed)
        here: Counter = Counter()
        there: Counter = Counter()
        for k, op in enumerate(ops):
            if k in stated:
                facts.append(FactDiffers(changed[k], op.a, op.b, al.b.article, al.a, al.b, here[op.a], there[op.b]))
            elif k in changed or al.b.article not in sure:
                pass
            elif op.kind in ("variant", "substituted"):  # "near" is OCR noise, not spin
                changed_words += 1
                swaps[(op.b, op.a, op.kind)] += 1
            here[op.a] += 1
            there[op.b] += 1
    common = {a for p in parents for a in _common_source(article, meta[p], mine, evidence.get(p, ArticleEvidence()))}
    share = _covered([r[0] for r in reused]) / article.length if article.length else 0.0
    share = min(1.0, share)
    per_source = sorted((_covered(v) for v in per_origin.values()), reverse=True)
    stitched = 1 - per_source[0] / sum(per_source) if len(per_source) > 1 else 0.0
    return Signals(
        article=article.id,
        reused_share=round(share, 4),
        originality=round(1 - share, 4),
        sources=tuple(sorted(per_origin)),
        copied_from=tuple(c.parent for c in claims if c.confidence != "low"),
        spin_rate=round(changed_words / aligned_words, 4) if aligned_words > 0 else 0.0,
        swaps=tuple(Swap(s, c, k, n) for (s, c, k), n in sorted(swaps.items(), key=lambda x: (-x[1], x[0]))),
        recycled=tuple(sorted(recycled, key=lambda r: r[0].start)),
        recycled_chars=_covered([r[0] for r in recycled]),
        stitched_score=round(stitched, 4),
        reused_spans=tuple(sorted(reused, key=lambda r: (r[0].start, r[1]))),
        facts_differ=tuple(sorted(facts, key=lambda f: (f.this_span.start, f.this_nth, f.this, f.source_article))),
        credits=mine.credits,
        common_sources=tuple(sorted(common)),
        claims=tuple(claims),
        date_doubt=date_doubt(article.published, mine.stated),
        # Of each earliest source, the least sure of the clusters that name it.
        earliest=tuple(min(found, key=lambda e: _SURER.index(e.confidence))
                       for _, found in sorted(earliest_claims.items())),
    )


_SURER = ("low", "medium", "high")


def _earliest_claim(cluster: ReuseCluster, origin: str, first: ArticleMeta, article: ArticleMeta) -> EarliestClaim:
    """How sure it is that ``origin`` published ``cluster``'s passage before ``article``."""
    if len(cluster.earliest) > 1 or cluster.order_doubt:
        return EarliestClaim(origin, "low", cluster.ordering)
    timed = moment(first.published)[1] is not None and moment(article.published)[1] is not None
    gap = days_between(first.published, article.published)
    if not timed and gap is not None and gap <= 1:
        return EarliestClaim(origin, "medium", cluster.ordering + "; a day before this article, which a print date "
                                                                 "following the web date could reverse")
    return EarliestClaim(origin, "high", cluster.ordering)


def _common_source(article: ArticleMeta, parent: ArticleMeta, this: ArticleEvidence,
                   theirs: ArticleEvidence) -> set[str]:
    """The agencies two outlets' copies both credit: their common source. One outlet's two
    copies of its own story credit whom the story credits: no common source."""
    if article.source and article.source == parent.source:
        return set()
    return {c.agency for c in this.credits} & {c.agency for c in theirs.credits}


def _credits_near(credits: tuple, spans: list[Span]) -> list:
    """The credits standing at one of ``spans`` (see ``_CREDIT_BEFORE``)."""
    return [c for c in credits
            if any(s.start - _CREDIT_BEFORE <= c.start and c.end <= s.end + _CREDIT_AFTER for s in spans)]


def _tie(article: ArticleMeta, parent: ArticleMeta, this: ArticleEvidence, theirs: ArticleEvidence,
         passages: list[Alignment], rewordings: Callable[[], int]) -> tuple[str, bool] | None:
    """What ties ``article``'s copy to ``parent``'s outlet rather than to a source both drew
    on, or None: this text credits the parent's outlet at the passage ("By Meridian Press");
    the parent's text opens the passage with its own outlet's credit line and neither text
    credits anyone else there (the outlet's own story: "Meridian Press —" in Meridian
    Press's article; a paper's name in its own advertisement is no such line); or this copy
    carries the parent's own rewording of an earlier copy. Without one, two outlets printing
    one text may both have had it from a wire, a syndicate, an advertiser or a release.
    With the reason, whether this text credits the parent (which orders the two whatever
    their dates)."""
    here = [al.a for al in passages]
    there = [al.b for al in passages]
    if any(names_outlet(c.agency, parent.source) for c in _credits_near(this.named + this.credits, here)):
        return f"this article credits {parent.source} for it", True
    others = [c for c in _credits_near(this.credits, here) + _credits_near(theirs.credits, there)
              if not names_outlet(c.agency, parent.source)]
    opening = [c for c in theirs.named if c.form in _SIGNED and names_outlet(c.agency, parent.source)
               and any(s.start - _OPENING_CHARS <= c.start < s.end for s in there)]
    if opening and not others:
        return f"the earlier text is {parent.source}'s own, its credit line opening the passage", False
    carried = rewordings()
    if carried >= _SHARED_REWORDINGS:
        return f"this copy carries {carried} of the earlier copy's own rewordings of the text before it", False
    return None


def copy_claim(article: ArticleMeta, parent: ArticleMeta, words: int,
               this: ArticleEvidence = ArticleEvidence(), theirs: ArticleEvidence = ArticleEvidence(),
               whole_text: bool = False, tie: Callable[[], tuple[str, bool] | None] = lambda: None) -> CopyClaim:
    """How sure it is that ``article`` copied ``words`` matching words from the earlier
    ``parent``, and why. Low (never stated as "copied from"): both credit the same agency
    (their common source), too few words to tell copying from a source both drew on, the
    earlier text credits this article's outlet (this date is likely a later print date),
    a date the text contradicts, or, between two outlets, nothing that ties the copy to the
    parent's outlet (``tie``, see :func:`_tie`): on a wire's pages a dispatch is printed by
    every paper that takes the wire, and none of them copied another. Medium: dates one day
    apart, which a print date can reverse. High otherwise. Two articles of one outlet: the
    outlet reuses its own text."""
    own = bool(article.source) and article.source == parent.source
    claim = partial(CopyClaim, parent.id, words, own_outlet=own)
    common = _common_source(article, parent, this, theirs)
    if common:
        return claim("low", f"both credit {', '.join(sorted(common))}: their common source")
    if words < CLAIM_WORDS and not whole_text:
        return claim("low", f"{words} matching words: too few to tell copying from a source "
                                                  "both drew on (a release, an agency, a speech)")
    mine = organisation(article.source)
    if mine and mine in {c.agency for c in theirs.credits}:
        return claim("low", f"the earlier article credits {mine}, this article's outlet: the "
                                                  "text likely came from here, and this date is a later (print) date")
    for who, meta, ev in ((article.id, article, this), (parent.id, parent, theirs)):
        doubt = date_doubt(meta.published, ev.stated)
        if doubt:
            return claim("low", f"the order rests on a date in doubt: {who} is {doubt}")
    because = ("the same text in full (an exact duplicate)" if whole_text else f"{words} matching words")
    because += f"; published {parent.published} before {article.published}"
    credits_parent = False
    if not own:
        tied = tie()
        if tied is None:
            return claim("low", because + f"; but nothing ties this copy to {parent.source or 'that article'}: "
                                          "neither text credits it for the passage and this copy carries none of its "
                                          "rewording, so a source both drew on (a wire, a syndicate, an advertiser, "
                                          "a release) is as likely")
        because += f"; {tied[0]}"
        credits_parent = tied[1]
    gap = days_between(parent.published, article.published)
    timed = all(moment(m.published)[1] is not None for m in (parent, article))
    if gap is not None and gap <= 1 and not timed and not credits_parent:
        return claim("medium", because + ": a day apart, which a print date following the web "
                                         "date could reverse")
    return claim("high", because)


def judge_passage(al: Alignment, words: Callable[[Alignment], Iterable[WordOp]] = _own_words,
                  frequencies: Callable[[list[str]], list[int]] | None = None,
                  sentences: Callable[[Alignment], bool] = lambda al: False,
                  ) -> tuple[Significance, float | None, Significance | None]:
    """One passage judged alone (see :func:`judge_passages`): its Significance, the median
    collection count of its words (None where they were not read), and what it is when its
    two articles share nothing else (None: the same; see
    :func:`~newstrace.significance.restatement`, ``sentences`` telling whether a passage is
    whole sentences in both articles)."""
    matched = al.exact + al.variant
    if matched >= ALWAYS_COPY_WORDS:
        return Significance("copy", 0.0, matched, 0, 0, f"{matched} matching words"), None, None
    ops = tuple(words(al))
    if not ops and _whole_text(al):
        return Significance("copy", 0.0, 0, 0, 0, "exact duplicate"), None, None
    median = counts = source_counts = None
    if frequencies is not None:
        counts = frequencies([op.a for op in ops if op.a])
        in_words = sorted(c for op, c in zip((op for op in ops if op.a), counts) if op.kind != "inserted")
        median = float(in_words[len(in_words) // 2]) if in_words else 1.0
        source_counts = partial(frequencies, [op.b for op in ops if op.b])
    judged = significance(ops, counts, source_counts)
    if judged.kind not in ("copy", "phrase"):
        return judged, median, None
    told = restatement(judged, ops, partial(sentences, al))
    return judged, median, (told if told is not judged else None)


def judge_passages(alignments: list[Alignment], words: Callable[[Alignment], Iterable[WordOp]] = _own_words,
                   frequencies: Callable[[list[str]], list[int]] | None = None,
                   evidence: dict[str, ArticleEvidence] | None = None,
                   texts: Callable[[set[str]], dict[str, str]] | None = None,
                   each: Callable[[list[Alignment]], Iterable[tuple]] | None = None,
                   ) -> tuple[list[Significance], dict[tuple, float]]:
    """Each passage's :class:`~newstrace.significance.Significance`, and the median
    collection count of the words of those whose words were read (keyed by both spans).
    A loose copy or phrase that its two articles share alone is ``restated``
    (:func:`~newstrace.significance.restatement`; with ``texts``, the texts of the articles
    asked for, a reworded phrase that is whole sentences in both stays shared text);
    with ``evidence`` too (texts asked once for the passages lying mostly inside quotation
    marks), a copy, phrase or restatement both articles quote from its speaker is a
    ``quotation`` (:func:`_quoted_in_both`): two excerpts of one speech align loosely.

    Each passage is first judged alone (:func:`judge_passage`), here or, given ``each``
    (passages -> what judge_passage gives of each, in order), wherever it judges them: on
    other processes, which read the words and texts themselves. A long passage is a copy
    without reading its words (most of a large collection's text): see ``ALWAYS_COPY_WORDS``.
    """
    if each is None:
        sentences = whole_sentences_of(texts) if texts else (lambda al: False)

        def each(passages: list[Alignment]) -> Iterable[tuple]:
            return (judge_passage(al, words, frequencies, sentences) for al in passages)
    judged: list[Significance] = []
    medians: dict[tuple, float] = {}
    shared: Counter = Counter()  # the copies and phrases of each pair of articles
    restated: dict[int, Significance] = {}  # the passages that are facts told again, if their pair's only one
    for k, (al, (alone, median, told)) in enumerate(zip(alignments, each(alignments))):
        judged.append(alone)
        if median is not None:
            medians[_passage_key(al)] = median
        if alone.kind in ("copy", "phrase"):
            shared[_pair(al)] += 1
        if told is not None:
            restated[k] = told
    # A loose passage its two articles share alone is facts told again; among others it is a
    # piece of an edited reprint (a wire dispatch trimmed, its figures spelled out).
    for k, told in restated.items():
        if shared[_pair(alignments[k])] == 1:
            judged[k] = told
    if evidence and texts:
        quoted = [k for k, (al, j) in enumerate(zip(alignments, judged))
                  if j.kind in ("copy", "phrase", "restated") and _mostly_quoted(al, evidence)]
        text_of = texts({s.article for k in quoted for s in (alignments[k].a, alignments[k].b)}) if quoted else {}
        for k in quoted:
            if _quoted_in_both(alignments[k], evidence, text_of):
                judged[k] = dataclasses.replace(judged[k], kind="quotation",
                                                reason="quoted in both articles, told around in their own words")
    return judged, medians


def whole_sentences_of(texts: Callable[[set[str]], dict[str, str]]) -> Callable[[Alignment], bool]:
    """Whether a passage is whole sentences in both its articles, their texts fetched as asked
    (a few recent ones kept: the passages of one article come together)."""
    @lru_cache(maxsize=64)
    def text(article: str) -> str:
        return texts({article}).get(article, "")

    return lambda al: all(whole_sentences(text(s.article), s.start, s.end) for s in (al.a, al.b))


def _pair(al: Alignment) -> tuple[str, str]:
    return min(al.a.article, al.b.article), max(al.a.article, al.b.article)


def _whole_text(al: Alignment) -> bool:
    """An exact duplicate's whole text (see :func:`with_duplicates`): no word counts."""
    return al.exact == 0 and al.similarity == 1.0 and not al.ops and al.variant == 0


def _passage_key(al: Alignment) -> tuple:
    return (al.a.article, al.a.start, al.a.end, al.b.article, al.b.start, al.b.end)


def trace(meta: dict[str, ArticleMeta], alignments: list[Alignment],
          recycled_days: int = 180, link_chars: int = 150,
          words: Callable[[Alignment], Iterable[WordOp]] = _own_words,
          frequencies: Callable[[list[str]], list[int]] | None = None,
          evidence: dict[str, ArticleEvidence] | None = None,
          texts: Callable[[set[str]], dict[str, str]] | None = None,
          judge_each: Callable[[list[Alignment]], Iterable[tuple]] | None = None,
          ) -> tuple[list[ReuseCluster], dict[str, Signals]]:
    """Clusters with earliest sources and copy trees, and every article's signals.

    A pure function: the same metadata and passages give the same result, in any order.
    Each passage is judged first (:func:`judge_passages`): copies form the reuse clusters
    and the signals; formulas, templates and quotations both articles took from their
    speaker form clusters of their own kind, shown as such and counted nowhere. ``words``
    gives a passage's word alignment (by default its own ``ops``), so a large collection
    can keep its passages' words in the store until they are needed; ``frequencies``
    gives, for a list of words, how many articles of the collection hold a key n-gram
    around each (see :func:`phrase_frequency`); ``evidence`` what each article's text says
    of its sources: credits, quotations, its stated date
    (:func:`newstrace.evidence.read_evidence`); ``texts`` the texts of the articles asked
    for (see :func:`judge_passages`); ``judge_each`` where the passages are judged one by one,
    if not here (``each`` of :func:`judge_passages`).
    """
    evidence = evidence or {}
    judged, medians = judge_passages(alignments, words, frequencies, evidence, texts, judge_each)
    kinds = [j.kind for j in judged]
    copies = [al for al, kind in zip(alignments, kinds) if kind == "copy"]
    median_df = (lambda al: medians.get(_passage_key(al))) if frequencies is not None else None
    clusters = build_clusters(copies, meta, link_chars, median_df)
    for kind in ("phrase", "quotation", "restated", "template", "formula"):
        others = [al for al, k in zip(alignments, kinds) if k == kind]
        clusters += build_clusters(others, meta, link_chars, median_df, kind=kind)
    if texts is not None:
        clusters = _house_text(clusters, meta, texts)
    clusters = [_with_evidence(c, meta, evidence) for c in _numbered(clusters)]
    own: dict[str, list[Alignment]] = defaultdict(list)
    for al in copies:
        own[al.a.article].append(al)
        own[al.b.article].append(al.swapped())
    holding: dict[str, list[ReuseCluster]] = defaultdict(list)
    for c in clusters:
        for article in c.articles:
            holding[article].append(c)
    carried = partial(_carried_rewordings, own, meta, words)
    signals = {i: article_signals(m, own.get(i, []), meta, holding.get(i, []), recycled_days, words, evidence,
                                  carried)
               for i, m in sorted(meta.items())}
    return clusters, signals


def _rewordings(al: Alignment, words: Callable[[Alignment], Iterable[WordOp]]) -> Counter:
    """A copy's rewordings of the text it is aligned with: (its word, the copy's word) where
    a writer chose another word (:func:`~newstrace.significance.rewordings`); none in OCR'd
    text, where the scanner's garbles and a word broken by a line cannot be told from a
    writer's choice."""
    return Counter(rewordings(tuple(words(al))))


def _carried_rewordings(own: dict[str, list[Alignment]], meta: dict[str, ArticleMeta],
                        words: Callable[[Alignment], Iterable[WordOp]], copy: str, parent: str) -> int:
    """How many of ``parent``'s own rewordings of the text ``copy`` carries too (the stemma's
    shared innovation: a copy that says "vessel" where the source and every other copy say
    "ship" took it from the copy that first said so). A rewording is the parent's own when
    the two earliest copies published before it both read otherwise: against one earlier
    copy alone, the two agreeing where it differs may be its own change (an editor's cut, a
    misreading) that neither carries."""
    theirs: dict[str, Alignment] = {}
    for al in own.get(parent, []):
        other = al.b.article
        if other != copy and other in meta and earlier(meta[other].published, meta[parent].published) \
                and (other not in theirs or al.score > theirs[other].score):
            theirs[other] = al
    mine: dict[str, Alignment] = {}
    for al in own.get(copy, []):
        if al.b.article in theirs and (al.b.article not in mine or al.score > mine[al.b.article].score):
            mine[al.b.article] = al
    if len(mine) < 2:
        return 0

    first, second = sorted(mine, key=lambda i: (moment_order(meta[i].published), i))[:2]
    carried = _rewordings(mine[first], words) & _rewordings(theirs[first], words)
    return sum((carried & _rewordings(mine[second], words) & _rewordings(theirs[second], words)).values())


def _house_text(clusters: list[ReuseCluster], meta: dict[str, ArticleMeta],
                texts: Callable[[set[str]], dict[str, str]]) -> list[ReuseCluster]:
    """The reuse clusters of one outlet whose text is in headline case (a box of links to its
    other stories, a masthead, a standing notice's heading), as ``recurring``: its house
    text, not a story it printed again. Told by the earliest member's span."""
    found = []
    for c in clusters:
        outlets = {meta[a].source if a in meta else None for a in c.articles}
        if c.kind == "reuse" and len(outlets) == 1 and None not in outlets:
            span = min(c.spans, key=lambda s: (s.article not in c.earliest, s.article, s.start))
            text = texts({span.article}).get(span.article, "")
            if headline_case(text[span.start:span.end]):
                c = dataclasses.replace(c, kind="recurring")
        found.append(c)
    return found


def _mostly_quoted(al: Alignment, evidence: dict[str, ArticleEvidence]) -> bool:
    for span in (al.a, al.b):
        ev = evidence.get(span.article)
        if ev is None or span.end <= span.start or \
                inside(ev.quotations, span.start, span.end) < _QUOTED_SHARE * (span.end - span.start):
            return False
    return True


def _quoted_in_both(al: Alignment, evidence: dict[str, ArticleEvidence], texts: dict[str, str]) -> bool:
    """Whether both articles quote the passage's words from its speaker, neither copying
    the other: it lies mostly inside quotation marks in each (:func:`_mostly_quoted`), and
    what each tells around the quotation is its own ("Calderón told CNBC Saturday", "said
    in an interview with CNBC"): few words outside the marks are common to both."""
    outside: list[Counter] = []
    total = []
    for span in (al.a, al.b):
        text = texts[span.article]
        told, at = [], span.start
        for lo, hi in evidence[span.article].quotations:
            if hi <= span.start or lo >= span.end:
                continue
            told.append(text[at:max(at, lo)])
            at = max(at, hi)
        told.append(text[at:span.end])
        outside.append(Counter(_WORD.findall(" ".join(told).lower())))
        total.append(len(_WORD.findall(text[span.start:span.end])))
    return sum((outside[0] & outside[1]).values()) <= max(_ATTRIBUTION_WORDS, _MATCHED_OUTSIDE_SHARE * min(total))


def _with_evidence(cluster: ReuseCluster, meta: dict[str, ArticleMeta],
                   evidence: dict[str, ArticleEvidence]) -> ReuseCluster:
    """The cluster's ordering note with what the texts say: an agency every copy credits
    is their common source; an earliest member whose stated date contradicts its
    metadata date puts the order in doubt."""
    note = cluster.ordering
    credited = [{c.agency for c in evidence[i].credits} if i in evidence else set() for i in cluster.articles]
    common = set.intersection(*credited) if credited else set()
    outlets = {meta[i].source if i in meta else None for i in cluster.articles}
    if common and cluster.kind == "reuse" and (len(outlets) > 1 or None in outlets):
        note = (f"common source: {', '.join(sorted(common))} (credited by every copy; not in the collection "
                f"unless one of them is its own release); {note}")
    doubts = []
    for first in cluster.earliest:
        credited = {c.agency for c in evidence[first].credits} if first in evidence else set()
        later = sorted(i for i in cluster.articles if i != first and i in meta
                       and organisation(meta[i].source) in credited)
        if later:
            doubts.append(f"{first} credits {organisation(meta[later[0]].source)}, the outlet of "
                          f"{', '.join(later)}, whose date may be a later print date")
        doubt = date_doubt(meta[first].published, evidence[first].stated) if first in evidence and first in meta \
            else None
        if doubt:
            doubts.append(f"{first} is {doubt}")
    if doubts:
        note += "".join(f"; the order is in doubt: {d}" for d in doubts)
    if note == cluster.ordering:
        return cluster
    return dataclasses.replace(cluster, ordering=note, order_doubt="; ".join(doubts) or None)


# --- helpers both engines use ----------------------------------------------------------

def with_duplicates(alignments: list[Alignment], duplicates: dict[str, list[str]],
                    lengths: dict[str, int]) -> list[Alignment]:
    """The passages with every exact duplicate sharing its stored copy's passages, and the
    whole text with it (only the stored copy of a text is aligned)."""
    expanded = list(alignments)
    for al in alignments:
        for dup_a in [al.a.article] + duplicates.get(al.a.article, []):
            for dup_b in [al.b.article] + duplicates.get(al.b.article, []):
                if (dup_a, dup_b) != (al.a.article, al.b.article):
                    expanded.append(dataclasses.replace(al, a=Span(dup_a, al.a.start, al.a.end),
                                                        b=Span(dup_b, al.b.start, al.b.end)))
    for canonical, dups in sorted(duplicates.items()):
        whole = lengths[canonical]
        copies = sorted([canonical] + dups)
        for k, first in enumerate(copies):
            for other in copies[k + 1:]:
                expanded.append(Alignment(Span(first, 0, whole), Span(other, 0, whole), 2.0 * whole, 1.0,
                                          0, 0, 0, 0, ()))
    return expanded


def stored_words(lookup: Callable[[Span, Span], tuple[WordOp, ...] | None],
                 duplicates: dict[str, list[str]]) -> Callable[[Alignment], tuple[WordOp, ...]]:
    """A ``words`` function for :func:`trace` over passages kept elsewhere: ``lookup(a, b)``
    gives the word alignment stored between spans ``a`` and ``b`` (``a``'s article sorting
    first), or None. A duplicate's passages are stored under its copy."""
    stored_as = {dup: canonical for canonical, dups in duplicates.items() for dup in dups}

    def words(al: Alignment) -> tuple[WordOp, ...]:
        a = Span(stored_as.get(al.a.article, al.a.article), al.a.start, al.a.end)
        b = Span(stored_as.get(al.b.article, al.b.article), al.b.start, al.b.end)
        if a.article <= b.article:
            return lookup(a, b) or ()
        return flipped(lookup(b, a) or ())
    return words


