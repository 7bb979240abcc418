"""The parser newstrace loads — memoised tags and lemmas (newstrace.quotes.tagging), its
networks' products on NumPy's BLAS — against spaCy's own pipeline, token by token."""

import json

from conftest import EXAMPLES

# Words the ruler's rules of two tokens and of spaces are about, and one word a second time
# (the second time from memory).
_ODD = ("They're gonna say it ain't so, y'all. Let's go, c'mon!  There is  a case, there are two.\n"
        "We gotta win, Lee said. We gotta win, Lee said again.")


def _tags(doc) -> list[tuple]:
    return [(t.text, t.pos_, t.tag_, t.dep_, t.head.i, str(t.morph), t.lemma_) for t in doc]


def test_the_parse_tags_and_lemmas_are_spacys(parser):
    import spacy

    from newstrace.quotes.parse import MODEL

    assert "newstrace_rule_tags" in parser.pipe_names and "attribute_ruler" not in parser.pipe_names
    spacys = spacy.load(MODEL, exclude=["ner"])
    texts = [json.loads(line)["text"] for line in (EXAMPLES / "articles.jsonl").read_text("utf-8").splitlines()] + [_ODD, _ODD]
    paragraphs = [p for t in texts for p in t.split("\n") if p.strip()]
    ours, theirs = list(parser.pipe(paragraphs)), list(spacys.pipe(paragraphs))
    assert [_tags(d) for d in ours] == [_tags(d) for d in theirs]
    odd = {t.lower_: t for t in ours[-2]}  # a sample of what the rules of two tokens give
    assert (odd["gon"].lemma_, odd["na"].lemma_, odd["ai"].lemma_, odd["y'"].lemma_) == ("go", "to", "be", "you")
