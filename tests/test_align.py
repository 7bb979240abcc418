import random

from hypothesis import given, settings as hsettings, strategies as st

from newstrace.align import Document, align
from newstrace.settings import Settings

HOST_A = ("The county fair opened on Saturday with a parade of tractors and a brass band from the high "
          "school. Organisers expect more than ten thousand visitors over the weekend. ")
HOST_B = ("Weather forecasters warned of heavy snow in the mountain passes and advised drivers to carry "
          "chains. Several schools closed early on Friday afternoon. ")
PASSAGE = ("Secretary of State John Kerry said the United States would work with Russia and its NATO "
           "allies to defend the ceasefire, which both sides agreed to in Geneva after three days of talks.")


def doc(name, text):
    return Document.from_text(name, text)


def spans(found, a_text, b_text):
    return [(a_text[x.a.start:x.a.end], b_text[x.b.start:x.b.end]) for x in found]


def test_verbatim_passage_exact_boundaries():
    a_text, b_text = HOST_A + PASSAGE + " " + HOST_A, HOST_B + PASSAGE + " " + HOST_B
    (pair,) = spans(align(doc("a", a_text), doc("b", b_text)), a_text, b_text)
    assert pair == (PASSAGE, PASSAGE)


def test_alias_and_spelling_swaps_are_variants():
    spun = PASSAGE.replace("United States", "USA").replace("NATO", "North Atlantic Treaty Organisation") \
        .replace("defend", "defend").replace("Russia", "Russian Federation")
    a_text, b_text = HOST_A + PASSAGE, HOST_B + spun
    (found,) = align(doc("a", a_text), doc("b", b_text))
    assert spans([found], a_text, b_text) == [(PASSAGE, spun)]
    swaps = {(o.a, o.b) for o in found.ops if o.kind == "variant"}
    assert swaps == {("United States", "USA"), ("Russia", "Russian Federation"),
                     ("NATO", "North Atlantic Treaty Organisation")}
    assert found.substituted == 0


def test_synonym_spin_is_tolerated_as_substitutions():
    spun = PASSAGE.replace("said", "stated").replace("work", "cooperate").replace("talks", "negotiations") \
        .replace("agreed", "consented")
    a_text, b_text = HOST_A + PASSAGE + " " + HOST_A, HOST_B + spun + " " + HOST_B
    (found,) = align(doc("a", a_text), doc("b", b_text))
    assert spans([found], a_text, b_text) == [(PASSAGE, spun)]
    assert found.substituted == 4
    assert ("talks", "negotiations") in {(o.a, o.b) for o in found.ops if o.kind == "substituted"}


def test_random_deletions_and_insertions_stay_one_passage():
    words = PASSAGE.split()
    del words[5]
    words.insert(12, "reportedly")
    del words[20]
    edited = " ".join(words)
    a_text, b_text = HOST_A + PASSAGE + " " + HOST_A, HOST_B + edited + " " + HOST_B
    found = align(doc("a", a_text), doc("b", b_text))
    assert len(found) == 1
    assert spans(found, a_text, b_text) == [(PASSAGE, edited)]


def test_ocr_noise_counts_as_near_matches():
    noisy = PASSAGE.replace("Secretary", "Secrctary").replace("ceasefire", "ccasefire").replace("Geneva", "Gencva")
    a_text, b_text = PASSAGE, HOST_B + noisy
    (found,) = align(doc("a", a_text), doc("b", b_text))
    assert spans([found], a_text, b_text) == [(PASSAGE, noisy)]
    assert {o.kind for o in found.ops} <= {"exact", "near"}


def test_stitched_article_yields_one_passage_per_source():
    sentences = [
        "The harbour master closed the port to all shipping after the storm damaged two of the piers.",
        "Fishermen said they had never seen waves so high in the fifty years they had worked the coast.",
        "Insurers expect claims from the storm to pass forty million pounds by the end of the month.",
    ]
    fillers = ["The town council will meet on Monday to set next year's budget for the roads.",
               "A new bakery opened on Mill Street and sold out of bread by nine in the morning.",
               "The school choir will sing at the cathedral on Christmas Eve for the first time."]
    stitched = " ".join(sentences)
    for k, sentence in enumerate(sentences):
        source = fillers[k] + " " + HOST_B + sentence + " " + HOST_A
        found = align(doc("stitched", stitched), doc(f"source{k}", source))
        assert spans(found, stitched, source) == [(sentence, sentence)]


def test_nearby_parts_of_one_passage_are_joined_even_out_of_order():
    s1 = "The harbour master closed the port to all shipping after the storm damaged two of the piers."
    s2 = "Fishermen said they had never seen waves so high in the fifty years they had worked the coast."
    a_text = HOST_A + s1 + " " + s2 + " " + HOST_A
    b_text = HOST_B + s2 + " " + s1 + " " + HOST_B
    (found,) = align(doc("a", a_text), doc("b", b_text))
    assert a_text[found.a.start:found.a.end] == s1 + " " + s2
    assert b_text[found.b.start:found.b.end] == s2 + " " + s1


def test_a_sentence_matched_twice_counts_its_words_once():
    """A sentence the other article tells twice, the second time of another subject ("Democratic
    voters said…", "Republican voters also said…"): one passage covering both places, whose
    words are the better match's, not the sentence's words counted twice."""
    once = "Democratic voters said that Wall Street does more to hurt the economy than help the middle class."
    twice = ("Democratic primary voters said that Wall Street does more to hurt the American economy than to "
             "help the middle class. Republican voters also said that Wall Street does more to hurt the "
             "economy than help the middle class.")
    a_text, b_text = HOST_A + once + " " + HOST_A, HOST_B + twice + " " + HOST_B
    (found,) = align(doc("a", a_text), doc("b", b_text))
    assert a_text[found.a.start:found.a.end] in once and b_text[found.b.start:found.b.end] == twice
    assert found.exact + found.variant + found.substituted <= len(once.split())
    assert sum(1 for op in found.ops if op.a) <= len(once.split())


def test_unrelated_texts_share_nothing():
    assert align(doc("a", HOST_A * 2), doc("b", HOST_B * 2)) == []


def test_short_common_phrase_is_not_a_passage():
    a_text = "He said in a statement on Monday that the plan was dead. Rain fell over the hills."
    b_text = "She said in a statement on Monday that she would run. The market closed lower."
    assert align(doc("a", a_text), doc("b", b_text)) == []


WORDS = ("ship oil reef coast minister said the a of in port harbour storm crew rescue slick "
         "fishermen board closed zone water safe volunteers beach town council").split()
texts = st.lists(st.sampled_from(WORDS), min_size=0, max_size=120).map(" ".join)


@hsettings(max_examples=60, deadline=None)
@given(texts, texts, texts)
def test_spans_in_bounds_and_mirrored(x, y, shared):
    a_text, b_text = x + " " + shared + " " + y, y + " " + shared + " " + x
    a, b = doc("a", a_text), doc("b", b_text)
    ab = align(a, b, Settings(min_words=4, min_score=8))
    ba = align(b, a, Settings(min_words=4, min_score=8))
    for al in ab:
        assert 0 <= al.a.start < al.a.end <= len(a_text)
        assert 0 <= al.b.start < al.b.end <= len(b_text)
        assert al.a.article == "a" and al.b.article == "b"
    def key(x, y):
        return (x.start, x.end, y.start, y.end)
    assert sorted(key(s.b, s.a) for s in ba) == sorted(key(s.a, s.b) for s in ab)
    assert [(s.exact, s.variant, s.substituted, s.gaps) for s in sorted(ba, key=lambda s: key(s.b, s.a))] == \
        [(s.exact, s.variant, s.substituted, s.gaps) for s in sorted(ab, key=lambda s: key(s.a, s.b))]


def test_detection_does_not_depend_on_ingest_order(tmp_path):
    from conftest import EXAMPLES
    from newstrace import open_store, read_articles
    from newstrace.pipeline import detect_reuse
    from newstrace.model import IngestSummary

    items = list(read_articles([EXAMPLES]))
    results = []
    for seed in (1, 2):
        random.Random(seed).shuffle(items)
        with open_store(tmp_path / f"{seed}.db") as store:
            store.add_batch(items, None, IngestSummary())
            detect_reuse(store, Settings(workers=1))
            results.append([(x.a, x.b, x.score) for x in store.alignments()])
    assert results[0] == results[1] and results[0]


def test_incremental_detection_equals_one_run(tmp_path):
    """Adding articles later aligns only their pairs and ends where one run would."""
    from conftest import EXAMPLES
    from newstrace import open_store, read_articles
    from newstrace.pipeline import detect_reuse
    from newstrace.model import IngestSummary

    items = sorted(read_articles([EXAMPLES]), key=lambda a: a.id)
    with open_store(tmp_path / "once.db") as store:
        store.add_batch(items, None, IngestSummary())
        detect_reuse(store, Settings(workers=1))
        once = [(x.a, x.b, x.score) for x in store.alignments()]
    with open_store(tmp_path / "twice.db") as store:
        store.add_batch(items[::2], None, IngestSummary())
        first = detect_reuse(store, Settings(workers=1), run_id=store.start_run("detect", {}))
        store.add_batch(items[1::2], None, IngestSummary())
        run = store.start_run("detect", {})
        second = detect_reuse(store, Settings(workers=1), run_id=run)
        assert second.compared > 0 and first.compared > 0
        # The second run aligned only pairs with at least one new article.
        new_ids = {a.id for a in items[1::2]}
        second_pairs = store.conn.execute(
            "SELECT a_article, b_article FROM compared_pairs WHERE run_id = ?", (run,)).fetchall()
        assert len(second_pairs) == second.compared
        assert all(a in new_ids or b in new_ids for a, b in second_pairs)
        assert [(x.a, x.b, x.score) for x in store.alignments()] == once
        assert detect_reuse(store, Settings(workers=1)).compared == 0


@hsettings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcdeéßİ", min_size=1, max_size=12), st.text(alphabet="abcdeéßİ", min_size=1, max_size=12))
def test_word_comparison_matches_its_definition(x, y):
    """The compiled comparison: same key → exact (same letters but for case) or variant;
    otherwise near when Levenshtein similarity of the case-folded words reaches 0.7
    (words of four letters or more, lengths within 30%), else substituted."""
    from rapidfuzz.distance import Levenshtein

    from newstrace.align import compare

    a, b = Document.from_text("a", x), Document.from_text("b", y)
    assert len(a.starts) == 1 and len(b.starts) == 1  # letters only: one word each
    wa, wb = a.surface(0), b.surface(0)
    kind, _ = compare(a, 0, b, 0)
    if a.key(0) == b.key(0):
        expected = "exact" if wa.casefold() == wb.casefold() else "variant"
    else:
        la, lb = len(wa), len(wb)
        near = (la >= 4 and lb >= 4 and abs(la - lb) <= (1 - 0.7) * max(la, lb)
                and Levenshtein.normalized_similarity(wa.casefold(), wb.casefold(), score_cutoff=0.7))
        expected = "near" if near else "substituted"
    assert kind == expected
