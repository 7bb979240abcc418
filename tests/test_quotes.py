import json

from newstrace.cli import main
from newstrace.quotes import extract_quotes

from conftest import EXAMPLES


def quotes_json(capsys, *paths):
    assert main(["-q", "quotes", *map(str, paths), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_seed_quotes(seeds, capsys):
    quotes = quotes_json(capsys, seeds)
    required = {"article", "text", "start", "end", "speaker", "speaker_as_written", "how", "cue", "quote_id"}
    assert all(required <= set(q) for q in quotes)
    for q in quotes:  # offsets slice the quote text from the original file
        original = (seeds / f"{q['article']}.txt").read_text("utf-8")
        assert original[q["start"]:q["end"]] == q["text"]
    kona = [q for q in quotes if "course of the conversation" in q["text"]]
    assert len(kona) == 2 and {q["speaker"] for q in kona} == {"Igor Konashenkov"}
    assert len({q["quote_id"] for q in kona}) == 1
    (obviously,) = [q for q in quotes if q["text"].startswith("Obviously our focus")]
    assert (obviously["speaker"], obviously["how"], obviously["speaker_as_written"]) == ("Kerry", "pronoun", "he")
    (peskov,) = [q for q in quotes if q["text"] == "discussed and considered"]
    assert peskov["speaker"] == "Peskov" and peskov["cue"] == "said" and peskov["how"] == "named"
    (avoid,) = [q for q in quotes if q["text"].startswith("We want to avoid miscalculation")]
    assert avoid["speaker"] is None and avoid["how"] == "unattributed"
    (tass,) = [q for q in quotes if q["text"].startswith("From the very beginning")]
    assert tass["secondary_source"] == "TASS"


def test_mark_styles_paragraphs_and_positions():
    text = ("«Nous resterons ici tous ensemble», a dit le maire. „Wir bleiben hier bis morgen“, sagte er.\n\n"
            "“The first paragraph of a long statement.\n\n“And the second one,” Smith said.\n\n"
            "Jones said the move ‘could further escalate the conflict’ in the region.\n\n"
            "\"Plain quotes work too,\" Brown told reporters.")
    found = {q.text: q for q in extract_quotes("x", text)}
    assert "Nous resterons ici tous ensemble" in found and "Wir bleiben hier bis morgen" in found
    long = next(t for t in found if t.startswith("The first paragraph"))
    assert long.endswith("And the second one,") and found[long].speaker == "Smith"
    assert found["could further escalate the conflict"].speaker == "Jones"
    assert found["Plain quotes work too,"].speaker == "Brown" and found["Plain quotes work too,"].cue == "told"
    assert all(text[q.start:q.end] == q.text for q in found.values())


def test_examples_quote_variants_and_conflicts(capsys):
    quotes = quotes_json(capsys, EXAMPLES)
    rest = [q for q in quotes if q["text"].startswith("We will not rest until every barrel is recovered")]
    assert len({q["quote_id"] for q in rest}) == 1
    by_article = {q["article"]: q for q in rest}
    assert by_article["official-008"]["first_appearance"] is True
    assert by_article["quote-trim-014"]["variant"] == "trimmed"
    assert by_article["quote-reattr-013"]["speaker"] == "Tomas Brekke"  # re-attributed on the way
    assert all(q["conflicting"] for q in rest)
    assert by_article["quote-trim-014"]["speaker"] == "Lena Havik" and by_article["quote-trim-014"]["how"] == "pronoun"
    spun = [q for q in quotes if "our coast has seen in a generation" in q["text"]]
    assert {q["variant"] for q in spun if q["article"].startswith("spun")} == {"reworded"}
    assert len({q["quote_id"] for q in spun}) == 1
