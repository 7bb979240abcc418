"""The trained attribution models: reading and writing them, fitting them, and what the
shipped one finds on PolNeAR articles it was not fitted to."""

from collections import defaultdict


from newstrace.quotes import extract_quotes
from newstrace.quotes.evaluation import score_all
from newstrace.quotes.learned import (cue_features, find_in_paragraph, quoted_tokens, read_model,
                                      save_model, shipped_model)
from newstrace.quotes.parse import ParsedArticle, attributions
from newstrace.quotes.training import build, first_annotators, fit_binary, paragraphs, read_brat, train

from conftest import shared_path


def _spans(doc, found):
    return [(doc.text[f.cue[0]:f.cue[1]], doc.text[f.source[0]:f.source[1]] if f.source else None,
             doc.text[f.content[0]:f.content[1]]) for f in found]


def test_a_model_written_and_read_back_scores_alike(tmp_path, parser):
    model = shipped_model()
    save_model(model, tmp_path / "m.json.gz")
    again = read_model(tmp_path / "m.json.gz")
    doc = parser("The senator told reporters the bill would pass, according to aides.")
    quoted = quoted_tokens(doc)
    for t in doc:
        f = cue_features(t, quoted)
        assert abs(model.cue.score(f) - again.cue.score(f)) < 1e-3
    assert again.cue_threshold == model.cue_threshold and again.trained_on == model.trained_on


def test_the_paragraph_view_answers_as_the_parse_does(parser):
    """What the features read once per paragraph equals what the tree says, word by word."""
    from newstrace.quotes.learned import _view

    doc = parser("“We will not go,” the mayor said, calling the plan “a disaster”. Critics agreed. "
                 "She added that the council, which met on “Black Friday”, had voted.")
    quoted = quoted_tokens(doc)
    view = _view(doc)
    assert any(view.below_quoted) and not all(view.below_quoted)
    for t in doc:
        assert view.below_quoted[t.i] == any(quoted[x.i] for x in t.subtree if x.i != t.i)
        assert view.sentence_quoted[t.sent.start] == any(quoted[x.i] for x in t.sent)
        assert (view.text[t.i], view.lower[t.i], view.lemma[t.i], view.pos[t.i], view.tag[t.i], view.dep[t.i]) == \
            (t.text, t.lower_, t.lemma_.lower(), t.pos_, t.tag_, t.dep_)
        assert (view.head[t.i], view.children[t.i], view.left[t.i], view.right[t.i]) == \
            (t.head.i, [c.i for c in t.children], t.left_edge.i, t.right_edge.i)
        assert (view.sent_start[t.i], view.sent_end[t.i], view.punct[t.i], view.stop[t.i], view.space[t.i]) == \
            (t.sent.start, t.sent.end, t.is_punct, t.is_stop, t.is_space)
    assert view.quoted == quoted and view.string == doc.text


_VARIED = [
    "“We will not go,” the mayor said, calling the plan “a disaster”. Critics agreed.",
    "She added: the council (which met on “Black Friday”) had voted; Smith — a lawyer — told "
    "reporters that Björn Ström’s company, according to aides, would sue.",
    'WASHINGTON (Reuters) - "It is over," said Sen. Mitch McConnell, who has said the bill '
    "would fail, adding that it was “dead on arrival” in the House.",
    "Officials believe the ceasefire, which Moscow and Ankara brokered, is holding, the "
    "ministry said in a statement on Monday; it gave no figures.",
]


def test_the_compiled_scores_equal_the_features_scored(parser):
    """The models' scores as _find reads them (compiled, no feature string made) equal the
    scores of the feature strings training reads (_cue_features, _pair_features,
    boundary_features), for every token, every candidate of either role and every boundary."""
    from newstrace.quotes import _features
    from newstrace.quotes.learned import (_content_candidates, _cue_features, _pair_features, _source_candidates,
                                          _view, boundary_features)

    model = shipped_model()
    texts = list(_VARIED)
    dev = shared_path("data", "polnear", "dev", "text")
    if dev.is_dir():  # real news too, where there is some
        texts += [p for f in sorted(dev.glob("*.txt"))[:3] for p in f.read_text("utf-8").split("\n") if p.strip()]
    pairs = boundaries = 0
    for doc in parser.pipe(texts):
        v = _view(doc)
        compiled = _features.cue_scores(model.cue.table, model.cue.bias, v.compiled)
        for i in range(len(doc)):
            assert abs(compiled[i] - model.cue.score(_cue_features(v, i, v.quoted))) < 1e-9, doc[i].text
        for u in range(len(doc)):
            for part, cands in ((model.source, _source_candidates(v, u)), (model.content, _content_candidates(v, u))):
                role = "source" if part is model.source else "content"
                scores = _features.pair_scores(part.table, part.bias, v.compiled, u, cands, role == "source")
                for c, s in zip(cands, scores):
                    assert abs(s - part.score(_pair_features(v, u, c, v.quoted, role))) < 1e-9, (doc[u].text, doc[c].text)
                pairs += len(cands)
            lo, hi = v.sent_start[u], v.sent_end[u] - 1
            for part, side in ((model.content_start, "L"), (model.content_end, "R")):
                for rule in (u, lo):
                    scores = _features.boundary_scores(part.table, part.bias, v.compiled, u, lo, hi, rule, side == "R")
                    for k, s in zip(range(lo, hi + 1), scores):
                        assert abs(s - part.score(boundary_features(doc[u], k, rule, side, v.quoted))) < 1e-9
                    boundaries += len(scores)
    assert pairs > 1000 and boundaries > 1000


def test_logistic_fit_separates_what_its_features_separate():
    rows = [["verb", "said"], ["verb", "told"], ["noun", "table"], ["noun", "chair"]] * 5
    labels = [1, 1, 0, 0] * 5
    m = fit_binary(rows, labels, l2=0.1, min_count=1)
    assert m.score(["verb", "said"]) > 0 > m.score(["noun", "table"])


def test_the_shipped_model_reads_reported_speech(parser):
    model = shipped_model()
    doc = parser("The senator said the bill would pass next week.")
    assert _spans(doc, find_in_paragraph(doc, model)) == [("said", "The senator", "the bill would pass next week")]
    doc = parser("According to TASS, the jets left the base on Monday.")
    cue, source, content = _spans(doc, find_in_paragraph(doc, model))[0]
    assert (cue, source) == ("According to", "TASS") and "the jets left the base" in content
    # No attribution in a sentence that reports nothing.
    doc = parser("The weather was cold at 10:30 in the morning.")
    assert find_in_paragraph(doc, model) == []


def test_content_stays_in_its_sentence_in_a_text_without_paragraphs(parser):
    """A text that lost its line breaks is one long paragraph: a cue closing its sentence
    attributes what comes before it, not the next sentence; after a colon the next one."""
    model = shipped_model()
    doc = parser("Officials said the president wanted to consult party leaders first. They would meet on "
                 "Tuesday afternoon, a press release from the presidency said on Monday. If the country signs "
                 "up for the rescue program it will join the ranks of Greece, Ireland and Portugal.")
    found = {source: content for _, source, content in _spans(doc, find_in_paragraph(doc, model))}
    assert found["a press release from the presidency"] == "They would meet on Tuesday afternoon"
    doc = parser("The minister was asked about the talks. He said: The talks will go on until Friday.")
    assert ("He", "The talks will go on until Friday") in [(s, c) for _, s, c in _spans(doc, find_in_paragraph(doc, model))]


def _polnear(split: str, limit: int):
    root = shared_path("data", "polnear")
    anns = first_annotators(root, split)
    names = sorted(anns)[:limit]
    return [((root / split / "text" / f"{n}.txt").read_text("utf-8"),
             [ev for ev in read_brat(anns[n]) if "Content" in ev and "Cue" in ev]) for n in names]


def test_models_fitted_to_a_few_articles_find_attributions_in_another(parser):
    """Fitted to 40 PolNeAR train articles, the models find the cue, source and content of
    reported speech in sentences of none of them."""
    arts = _polnear("train", 40)
    parsed = [(text, gold, list(parser.pipe(p for _, p in paragraphs(text)))) for text, gold in arts]
    model = train(build(parsed), [1.0], "40 PolNeAR articles")
    doc = parser("The governor said the plan would cut taxes for most families.")
    found = _spans(doc, find_in_paragraph(doc, model))
    assert ("said", "The governor", "the plan would cut taxes for most families") in found


def test_the_shipped_model_on_polnear_dev_articles(parser):
    """On dev articles (never fitted to), most gold attributions are found with their cue
    and source: the floor sits well under what bench/bench_quotes.py measures on all of
    dev (content overlap F1 0.79), so only a real loss fails it."""
    c = defaultdict(int)
    for text, gold in _polnear("dev", 15):
        parsed = ParsedArticle(parser, text)
        score_all(c, text, gold, attributions(text, extract_quotes("a", text, parsed), parsed))
    precision, recall = c["all_match"] / c["all_ours"], c["all_match"] / c["all_gold"]
    assert 2 * precision * recall / (precision + recall) > 0.7
    assert c["all_cue_ok"] / c["all_match"] > 0.85 and c["all_source_ok"] / c["all_match"] > 0.75


def test_citrons_measures_count_attribution_by_attribution():
    """Two gold attributions share the source "Kerry"; ours has one right in full, one with
    the right cue but a source one word short, and one the gold does not hold."""
    from newstrace.quotes.evaluation import citron_rows, score_citron

    text = "Kerry said talks go on. Secretary Kerry added that aid will come. Rain fell, officials noted."
    at = text.index
    gold = [{"Source": [(0, 5)], "Cue": [(6, 10)], "Content": [(11, 22)]},
            {"Source": [(at("Secretary"), at("Kerry", 5) + 5)], "Cue": [(at("added"), at("added") + 5)],
             "Content": [(at("that"), at("come") + 4)]}]
    ours = [gold[0],
            {"Source": [(at("Kerry", 5), at("Kerry", 5) + 5)], "Cue": gold[1]["Cue"], "Content": gold[1]["Content"]},
            {"Source": [(at("officials"), at("officials") + 9)], "Cue": [(at("noted"), at("noted") + 5)],
             "Content": [(at("Rain"), at("fell") + 4)]}]
    c = defaultdict(int)
    score_citron(c, text, gold, ours)
    rows = {name: (round(p, 3), round(r, 3)) for name, p, r in citron_rows(c)}
    assert rows["cue, exact"] == (round(2 / 3, 3), 1.0)
    assert rows["source, exact"] == (round(1 / 3, 3), 0.5)  # "Kerry" is not "Secretary Kerry"
    assert rows["content, exact"] == (round(2 / 3, 3), 1.0)
    # Source words: ours Kerry, Kerry, officials (3), gold Kerry, Secretary Kerry (3); the
    # first "Kerry" shares one word with the first gold, the second one with the second.
    assert rows["source, word overlap"] == (round(2 / 3, 3), round(2 / 3, 3))
