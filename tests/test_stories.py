"""Which articles report the same event: the judgement pair by pair (newstrace similarity)
and the grouping of a collection into stories (newstrace.stories)."""

import json
import random

from newstrace.cli import main
from newstrace.stories import Weights, group, profile, similarity

from conftest import write_jsonl

QUAKE_A = ("A magnitude 6.1 earthquake struck near the town of Ferrano in the northern hills on Sunday, killing at "
           "least 14 people and leaving hundreds homeless, the regional civil protection agency said.")
QUAKE_A_RETOLD = ("Rescuers in Ferrano dug through rubble on Monday after Sunday's quake, which the civil protection "
                  "agency put at 6.1; the dead now number 14 and shelters were opened for those whose homes fell.")
QUAKE_B = ("A magnitude 5.4 earthquake struck near the port of Lissandra on the southern coast on Tuesday, killing "
           "three people, the national seismology institute said.")
ATTACK = ("A civilian was killed and four others were injured in a rocket attack on the {place} district of {city} "
          "on {day}, a local official told reporters.")


def test_two_reports_of_one_event_without_a_shared_sentence_are_one_story():
    profiles = [profile("a", QUAKE_A, "Quake kills 14 near Ferrano", "2026-03-01"),
                profile("a2", QUAKE_A_RETOLD, "Ferrano digs out after deadly quake", "2026-03-02"),
                profile("b", QUAKE_B, "Quake hits Lissandra", "2026-03-03")]
    assert group(profiles) == [["a", "a2"], ["b"]]


def test_templated_reports_of_attacks_a_month_apart_are_two_stories():
    first = ATTACK.format(place="Salhiyeh", city="Damascus", day="Monday")
    second = ATTACK.format(place="Salhiyeh", city="Damascus", day="Tuesday")
    profiles = [profile("march", first, "Rocket attack on Damascus", "2026-03-02"),
                profile("april", second, "Rocket attack on Damascus", "2026-04-06")]
    weights = Weights(profiles)
    assert similarity(profiles[0], profiles[1], weights) < similarity(profiles[0], profiles[0], weights) / 2
    assert group(profiles) == [["april"], ["march"]]


def test_the_stories_of_a_closed_collection_do_not_depend_on_order():
    texts = [QUAKE_A, QUAKE_A_RETOLD, QUAKE_B] + [ATTACK.format(place=p, city=c, day="Monday")
                                                  for p, c in (("Salhiyeh", "Damascus"), ("Bustan", "Aleppo"))]
    profiles = [profile(f"d{k}", t, "", f"2026-03-0{1 + k}") for k, t in enumerate(texts)]
    expected = group(profiles)
    for seed in range(5):
        shuffled = profiles[:]
        random.Random(seed).shuffle(shuffled)
        assert group(shuffled) == expected


def test_similarity_reads_pairs_and_prints_one_line_each(tmp_path, capsys):
    path = write_jsonl(tmp_path / "pairs.jsonl", [
        {"pair_id": "same", "text1": QUAKE_A, "text2": QUAKE_A_RETOLD},
        {"pair_id": "other", "text1": QUAKE_A, "text2": QUAKE_B}])
    assert main(["similarity", str(path)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["pair_id"] for line in lines] == ["same", "other"]
    assert all(0 <= line["similarity"] <= 1 for line in lines)
    assert lines[0]["similarity"] > lines[1]["similarity"]
    (tmp_path / "bad.jsonl").write_text('{"pair_id": 1, "text1": "a"}\n', "utf-8")
    assert main(["similarity", str(tmp_path / "bad.jsonl")]) == 2
    assert "bad.jsonl:1" in capsys.readouterr().err
