
from hypothesis import given, settings as hsettings, strategies as st

from newstrace.model import Alignment, Span, WordOp
from newstrace.dates import earlier
from newstrace.model import ArticleMeta
from newstrace.provenance import trace
from newstrace.store import open_store
from newstrace.pipeline import detect_reuse, ingest, trace_provenance

from conftest import EXAMPLES


def examples_store(tmp_path):
    store = open_store(tmp_path / "ex.db")
    ingest(store, [EXAMPLES])
    detect_reuse(store)
    trace_provenance(store)
    return store


def test_passages_judged_on_workers_are_judged_as_here(tmp_path, monkeypatch):
    """The passages judged on two workers, one at a time (each worker reading their words and
    texts from the store), give the provenance judging them here (one worker) gives."""
    import sqlite3

    from newstrace import pipeline
    from newstrace.settings import Settings

    def provenance_tables(workers: int) -> dict:
        with open_store(tmp_path / "ex.db") as store:
            trace_provenance(store, Settings(workers=workers))
        conn = sqlite3.connect(tmp_path / "ex.db")
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall())
                for t in ("cluster_spans", "copy_edges", "signals")} | \
            {"clusters": sorted(r[:5] + r[6:] for r in conn.execute("SELECT * FROM clusters"))}

    examples_store(tmp_path).close()
    here = provenance_tables(1)
    monkeypatch.setattr(pipeline, "JUDGED_PER_RUN", 1)
    assert here["clusters"] and provenance_tables(2) == here


def test_examples_provenance(tmp_path):
    with examples_store(tmp_path) as store:
        # The wire story is the earliest source of its reprints.
        for reprint in ("reprint-002", "reprint-003", "reprint-004"):
            sig = store.signals(reprint)
            assert "wire-001" in sig["sources"] and sig["copied_from"] == ["wire-001"]
            assert sig["reused_share"] > 0.8
        assert store.signals("wire-001")["sources"] == ["official-008"]  # it quotes the ministry
        # Spun copies show their swaps against the source.
        spun = store.signals("spun-005")
        swaps = {(w["source_word"], w["copy_word"]) for w in spun["swaps"]}
        assert {("U.S.", "USA"), ("defense", "defence"), ("percent", "per cent"), ("ship", "vessel")} <= swaps
        assert spun["spin_rate"] > 0.05
        # The copy of the spun copy came from it: it carries the same spun words.
        assert store.signals("spun-006")["copied_from"] == ["spun-005"]
        # The stitched article lists each of its sources.
        stitched = store.signals("stitched-009")
        assert set(stitched["sources"]) == {"wire-001", "local-007", "analysis-010", "old-2019-011"}
        assert stitched["stitched_score"] >= 0.5
        # The article recycling an old story is flagged with the old date.
        recycled = store.signals("recycled-012")["recycled"]
        assert recycled and {r["first_published"][:10] for r in recycled} == {"2019-06-14"}
        assert store.signals("followup-017")["recycled"] == []
        # Spin hints without any source; unrelated articles are original.
        assert [h["text"] for h in store.signals("spun-005")["spin_hints"]] == ["USA"]
        assert store.signals("unrelated-015")["originality"] == 1.0
        # The undated blog post is left out of the ordering, and says so.
        blog_clusters = [c for c in store.clusters() if any(s["article"] == "blog-022" for s in c["spans"])]
        assert blog_clusters and all("without a date" in c["ordering"] for c in blog_clusters)


def test_seeds_spin_hints_and_no_earlier_source(seeds, tmp_path):
    with open_store(tmp_path / "s.db") as store:
        ingest(store, [seeds])
        detect_reuse(store)
        trace_provenance(store)
        a, b = store.signals("000_42dd6faced488f56"), store.signals("001_54937bc7f3b177c2")
        hints_a = [h["text"] for h in a["spin_hints"]]
        assert hints_a.count("Russian Federation") == 3 and "North Atlantic Treaty Organisation" in hints_a
        assert "USA" in hints_a and [h["text"] for h in b["spin_hints"]] == ["USA", "USA"]
        (cluster,) = store.clusters()
        assert cluster["earliest"] == [] and "no member has a publication date" in cluster["ordering"]
        # Their one shared passage is a copy (not a phrase, formula or quotation): it is reuse.
        assert cluster["kind"] == "reuse"
        assert a["sources"] == [] and b["sources"] == [] and a["reused_share"] == 0.0


def test_earlier_says_when_it_cannot_tell():
    assert earlier("2015-09-30T10:00:00+00:00", "2015-09-30T12:00:00+02:00") is None  # same instant
    assert earlier("2015-09-30T09:00:00+00:00", "2015-09-30T12:00:00+02:00") is True
    assert earlier("2015-09-30", "2015-09-30T12:00:00") is None
    assert earlier("2015-09-29", None) is None


# --- properties on random collections ------------------------------------------

dates = st.one_of(st.none(), st.dates(min_value=__import__("datetime").date(2015, 1, 1),
                                      max_value=__import__("datetime").date(2015, 1, 20)).map(str))


@st.composite
def collections(draw):
    n = draw(st.integers(2, 7))
    meta = {f"a{k}": ArticleMeta(f"a{k}", draw(dates), f"outlet{k % 3}", 1000) for k in range(n)}
    alignments = []
    for _ in range(draw(st.integers(1, 12))):
        x, y = sorted(draw(st.lists(st.sampled_from(sorted(meta)), min_size=2, max_size=2, unique=True)))
        s1, s2 = draw(st.integers(0, 800)), draw(st.integers(0, 800))
        length = draw(st.integers(50, 199))
        alignments.append(Alignment(Span(x, s1, s1 + length), Span(y, s2, s2 + length),
                                    float(length), draw(st.floats(0.5, 1.0)), length // 6, 0, 0, 0, ()))
    return meta, alignments


def _canon(clusters):
    return sorted((tuple((s.article, s.start, s.end) for s in c.spans), c.earliest,
                   tuple(sorted((e.child, e.parent) for e in c.edges))) for c in clusters)


@hsettings(max_examples=80, deadline=None)
@given(collections(), st.randoms(use_true_random=False))
def test_earliest_is_earliest_tree_is_a_tree_and_order_does_not_matter(data, rnd):
    meta, alignments = data
    clusters, signals = trace(meta, alignments)
    for c in clusters:
        members = set(c.articles)
        for first in c.earliest:
            # Nothing in the cluster was published before an earliest member.
            assert not any(earlier(meta[m].published, meta[first].published) for m in members)
        parent = {e.child: e.parent for e in c.edges}
        assert set(parent) == members
        for child in members:  # following parents always ends, at a root
            seen = set()
            node = child
            while node is not None:
                assert node not in seen
                seen.add(node)
                if parent[node] is not None:
                    assert earlier(meta[parent[node]].published, meta[node].published)
                node = parent[node]
    shuffled = list(alignments)
    rnd.shuffle(shuffled)
    meta_shuffled = dict(sorted(meta.items(), key=lambda kv: rnd.random()))
    again, signals_again = trace(meta_shuffled, shuffled)
    assert _canon(again) == _canon(clusters)
    assert signals_again == signals


def test_one_long_article_does_not_chain_unrelated_passages():
    meta = {k: ArticleMeta(k, f"2015-01-0{i + 1}", None, 5000) for i, k in enumerate(["long", "x", "y"])}
    # "long" holds a passage shared with x and, far away, another shared with y.
    alignments = [
        Alignment(Span("long", 0, 3000), Span("x", 0, 3000), 100.0, 1.0, 500, 0, 0, 0, ()),
        Alignment(Span("long", 2800, 3100), Span("y", 0, 300), 50.0, 1.0, 50, 0, 0, 0, ()),
    ]
    clusters, _ = trace(meta, alignments)
    assert sorted(c.articles for c in clusters) == [("long", "x"), ("long", "y")]


def test_a_short_shared_formula_does_not_chain_two_stories():
    meta = {k: ArticleMeta(k, f"2015-01-0{i + 1}", k.upper(), 5000) for i, k in enumerate(["a", "b", "c"])}
    # b's first 80 characters ("The annual meeting of the ... was held") match a; b's first
    # 160 characters, that formula and the story after it, match c.
    alignments = [
        Alignment(Span("a", 500, 580), Span("b", 0, 80), 30.0, 1.0, 14, 0, 0, 0, ()),
        Alignment(Span("b", 0, 160), Span("c", 900, 1060), 60.0, 1.0, 28, 0, 0, 0, ()),
    ]
    chained, _ = trace(meta, alignments, link_chars=1)
    assert [c.articles for c in chained] == [("a", "b", "c")]
    apart, _ = trace(meta, alignments)  # default: passages must share 150 characters to link
    assert sorted(c.articles for c in apart) == [("a", "b"), ("b", "c")]


def test_cluster_kinds_and_formulas_do_not_count_as_reuse():
    outlets = {"a": "Daily", "b": "Daily", "c": "Herald", "d": "Star", "e": "Post", "f": "Times", "g": "Daily"}
    meta = {k: ArticleMeta(k, f"2015-01-0{i + 1}", outlets[k], 1000) for i, k in enumerate("abcdefg")}
    words = {k: tuple(WordOp("exact", f"{k}-word{n}", f"{k}-word{n}") for n in range(n_words))
             for k, n_words in (("a", 60), ("c", 90), ("e", 45))}
    alignments = [
        Alignment(Span("a", 0, 400), Span("b", 0, 400), 120.0, 1.0, 60, 0, 0, 0, words["a"]),  # the paper's masthead
        Alignment(Span("b", 0, 400), Span("g", 0, 400), 120.0, 1.0, 60, 0, 0, 0, words["a"]),  # ... printed again
        Alignment(Span("c", 0, 600), Span("d", 0, 600), 180.0, 1.0, 90, 0, 0, 0, words["c"]),  # a story it copied
        Alignment(Span("e", 0, 300), Span("f", 0, 300), 90.0, 1.0, 45, 0, 0, 0, words["e"]),  # "died at his home in"
    ]
    # How many articles of the collection hold each passage's n-grams.
    frequency = {"a": 3, "c": 2, "e": 40}
    clusters, signals = trace(meta, alignments,
                              frequencies=lambda ws: [frequency[ws[0].split("-")[0]]] * len(ws))
    kinds = {c.articles: c.kind for c in clusters}
    assert kinds == {("a", "b", "g"): "recurring", ("c", "d"): "reuse", ("e", "f"): "formula"}
    assert signals["d"].sources == ("c",) and signals["d"].reused_share == 0.6
    assert signals["f"].sources == () and signals["f"].reused_share == 0.0
    # An outlet's own recurring text is house text, not reuse between its articles.
    assert signals["b"].sources == () and signals["b"].copied_from == ()
    # Without frequencies nothing is called a formula.
    plain, _ = trace(meta, alignments)
    assert {c.articles: c.kind for c in plain}[("e", "f")] == "reuse"


def test_clusters_are_numbered_the_same_whatever_the_order_of_passages():
    meta = {k: ArticleMeta(k, None, None, 5000) for k in ("a", "b", "c")}
    # Two clusters of the same size starting at the same place of "a": only their ends differ.
    alignments = [
        Alignment(Span("a", 100, 300), Span("b", 0, 200), 80.0, 1.0, 40, 0, 0, 0, ()),
        Alignment(Span("a", 100, 900), Span("c", 0, 800), 80.0, 1.0, 40, 0, 0, 0, ()),
    ]
    first, _ = trace(meta, alignments)
    second, _ = trace(meta, list(reversed(alignments)))
    assert [(c.id, c.spans) for c in first] == [(c.id, c.spans) for c in second]
