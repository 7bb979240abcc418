import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newstrace._core import word_spans
from newstrace.errors import SettingsError
from newstrace.align import Document
from newstrace.normalize import WordColumns, load_aliases, repair, tokenize, word_key

# Text with the troubles repair deals with: mojibake, decomposed accents, invisible characters.
pieces = st.sampled_from(["caf\u00c3\u00a9", "e\u0301", "\u00e2\u0080\u0099", "\u00ad", "\ufeff", "word",
                          " ", "\n", "U.S.", "Russia’s", "naïve", "\u00c3", "x\u0308\u0301", "—"])
texts = st.lists(st.one_of(pieces, st.text(max_size=5)), max_size=30).map("".join)
# Repair cannot be idempotent on adversarial byte soup (a repaired "é—" plus a stray
# byte reads as mojibake again), so that property is checked on realistic pieces.
realistic = st.lists(st.one_of(pieces, st.text(alphabet="abc XYZ.,'\"", max_size=5)), max_size=30).map("".join)


@given(realistic)
def test_repair_is_idempotent(text):
    once = repair(text).text
    assert repair(once).text == once


@given(texts)
def test_offsets_map_back_in_order_and_bounds(text):
    fixed = repair(text)
    mapped = [fixed.to_original(i) for i in range(len(fixed.text) + 1)]
    assert mapped[-1] == len(text) and all(0 <= m <= len(text) for m in mapped)
    assert mapped == sorted(mapped)
    # Every repaired character comes from a character that is really there.
    assert all(m < len(text) for m in mapped[:-1])


@given(texts)
def test_tokens_slice_the_original(text):
    for tok in tokenize(text):
        assert 0 <= tok.start < tok.end <= len(text)
        assert tok.surface == text[tok.start:tok.end]


def test_mojibake_is_repaired_and_offsets_lead_back():
    text = "He said \u00e2\u0080\u009cno\u00e2\u0080\u009d to Caf\u00c3\u00a9 Noir."
    fixed = repair(text)
    assert fixed.text == "He said “no” to Café Noir."
    (cafe,) = [t for t in tokenize(text) if t.key == word_key("café")]
    assert text[cafe.start:cafe.end] == "Caf\u00c3\u00a9"


def test_aliases_spellings_and_inflections_share_keys():
    def keys(s):
        return [t.key for t in tokenize(s)]
    assert keys("the USA and the U.S.") == keys("the United States and the United States")
    assert keys("NATO") == keys("North Atlantic Treaty Organisation")
    assert keys("Russian Federation's defence") == keys("Russia's defense")
    assert keys("us") != keys("US")  # the pronoun is not the country
    assert word_key("talks") == word_key("talked") and word_key("ran") == word_key("run")
    assert word_key("organisation") == word_key("organization") and word_key("colour") == word_key("color")
    assert word_key("four") != word_key("for")


def test_user_alias_file_extends_the_table(tmp_path):
    extra = tmp_path / "mine.txt"
    extra.write_text("# my aliases\nEstmark | Republic of Estmark\n", "utf-8")
    table = load_aliases((str(extra),))
    a = [t.key for t in tokenize("the Republic of Estmark said", table)]
    b = [t.key for t in tokenize("the Estmark said", table)]
    assert a == b


def test_bad_alias_file_names_file_and_line(tmp_path):
    extra = tmp_path / "bad.txt"
    extra.write_text("Good | Fine\nonly-one-form\n", "utf-8")
    with pytest.raises(SettingsError, match="bad.txt:2"):
        load_aliases((str(extra),))


# The word pattern the compiled scanner implements, as a regular expression.
_WORD_PATTERN = re.compile(r"(?:[A-Za-z]\.){2,}|[^\W_]+(?:['’\-][^\W_]+)*")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aZ.'’-_ 9\n") + ["é", "ß", "İ", "٣", "中", "\u0301", "\xa0", "—"]),
               max_size=60) | st.text(max_size=60))
def test_word_scanner_finds_what_the_pattern_finds(text):
    starts, ends = word_spans(text)
    assert list(zip(starts, ends)) == [m.span() for m in _WORD_PATTERN.finditer(text)]


def test_hard_wrapped_lines_are_joined_and_paragraphs_kept():
    """An OCR'd column breaks its lines inside sentences: they are read as one paragraph,
    its blank lines and headings in capitals kept, every offset where it was."""
    from newstrace.normalize import joined_lines

    column = ("He stopped the child and said, \"Sonny, where\nare your shoes?\" The child gave\n"
              "him a pathetic look and an\nswered softly.\nNEW RECORD SET\nBY KAUAI GUARD\n"
              "The guard ran the mile in\nrecord time on Monday\n\nand the crowd\ncheered him on")
    joined = joined_lines(column)
    assert len(joined) == len(column)
    assert "\"Sonny, where are your shoes?\" The child gave him a pathetic look and an swered softly.\n" in joined
    assert "\nNEW RECORD SET\nBY KAUAI GUARD\nThe guard ran the mile in record time on Monday\n\nand" in joined
    # Paragraphs that end their sentences, or long lines, are no wrapped column.
    web = "Kerry spoke on Monday.\n\nHe said the talks would go on.\n\nThe ministers meet again in May."
    assert joined_lines(web) is web
    long_lines = "\n".join(["word " * 30] * 5)
    assert joined_lines(long_lines) is long_lines


@given(st.lists(st.one_of(pieces, st.sampled_from(["Rail-\nroad", "dur\xad ing", "Presi- dent", "United States",
                                                   "\x00", "\x01", "Ünited"]), st.text(max_size=5)),
                max_size=30).map("".join))
def test_stored_word_columns_read_back_as_made(text):
    """The words kept beside the shingles read back as they were made, and a document made
    from them is the document tokenizing the text makes; a word holding the packing's
    separators is not packed (its text is tokenized again)."""
    made = WordColumns.of(text)
    packed = made.packed()
    if packed is None:
        assert any(c in w for w in made.keys + made.folded for c in "\x00\x01")
        return
    back = WordColumns.unpacked(packed)
    assert back == made
    a, b = Document.from_columns("x", text, back), Document.from_text("x", text)
    assert (a.starts, a.ends, a.keys, a.words[1:]) == (b.starts, b.ends, b.keys, b.words[1:])
    assert all((x == y).all() for x, y in zip(a.bigrams, b.bigrams))
