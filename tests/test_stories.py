"""Which articles report the same event: the judgement pair by pair (newstrace similarity)
and the grouping of a collection into stories (newstrace.stories)."""

import json
import random
from collections import Counter

import pytest

from newstrace.cli import main
from newstrace.normalize import load_aliases
from newstrace.pipeline.stages import story_profile
from newstrace.settings import Settings
from newstrace.stories import Weights, group, profile, regroup, similarity

from conftest import write_jsonl


@pytest.fixture(params=["words", "meaning"])
def mode(request):
    """Articles judged by their words alone, and by their words and meaning (the encoder)."""
    if request.param == "meaning":
        request.getfixturevalue("encoder")
    return request.param


def profiled(mode: str, article: str, text: str, title: str, published: str | None):
    return story_profile(article, text, title, published, load_aliases(), Settings(stories=mode))

QUAKE_A = ("A magnitude 6.1 earthquake struck near the town of Ferrano in the northern hills on Sunday, killing at "
           "least 14 people and leaving hundreds homeless, the regional civil protection agency said.")
QUAKE_A_RETOLD = ("Rescuers in Ferrano dug through rubble on Monday after Sunday's quake, which the civil protection "
                  "agency put at 6.1; the dead now number 14 and shelters were opened for those whose homes fell.")
QUAKE_B = ("A magnitude 5.4 earthquake struck near the port of Lissandra on the southern coast on Tuesday, killing "
           "three people, the national seismology institute said.")
SPILL = ("The earthen dam above the village of Corvina gave way shortly after dawn on Saturday, sending a wall of "
         "muddy water through the lower town, sweeping away two bridges and flooding the old market square, where "
         "traders had only begun to set out their stalls, according to the district engineer who inspected the "
         "breach from a helicopter and said the reservoir had been rising for a week after unusually heavy rain.")
ATTACK = ("A civilian was killed and four others were injured in a rocket attack on the {place} district of {city} "
          "on {day}, a local official told reporters.")


def test_two_reports_of_one_event_without_a_shared_sentence_are_one_story(mode):
    profiles = [profiled(mode, "a", QUAKE_A, "Quake kills 14 near Ferrano", "2026-03-01"),
                profiled(mode, "a2", QUAKE_A_RETOLD, "Ferrano digs out after deadly quake", "2026-03-02"),
                profiled(mode, "b", QUAKE_B, "Quake hits Lissandra", "2026-03-03")]
    assert (profiles[0].meaning is not None) == (mode == "meaning")
    assert group(profiles) == [["a", "a2"], ["b"]]


def test_templated_reports_of_attacks_a_month_apart_are_two_stories(mode):
    first = ATTACK.format(place="Salhiyeh", city="Damascus", day="Monday")
    second = ATTACK.format(place="Salhiyeh", city="Damascus", day="Tuesday")
    profiles = [profiled(mode, "march", first, "Rocket attack on Damascus", "2026-03-02"),
                profiled(mode, "april", second, "Rocket attack on Damascus", "2026-04-06")]
    weights = Weights.of(profiles)
    assert similarity(profiles[0], profiles[1], weights) < similarity(profiles[0], profiles[0], weights) / 2
    assert group(profiles) == [["april"], ["march"]]


def test_the_stories_of_a_closed_collection_do_not_depend_on_order(mode):
    texts = [QUAKE_A, QUAKE_A_RETOLD, QUAKE_B] + [ATTACK.format(place=p, city=c, day="Monday")
                                                  for p, c in (("Salhiyeh", "Damascus"), ("Bustan", "Aleppo"))]
    profiles = [profiled(mode, f"d{k}", t, "", f"2026-03-0{1 + k}") for k, t in enumerate(texts)]
    expected = group(profiles)
    for seed in range(5):
        shuffled = profiles[:]
        random.Random(seed).shuffle(shuffled)
        assert group(shuffled) == expected


def test_reports_average_link_leaves_apart_join_the_story_where_two_of_their_neighbours_are():
    """A report with two neighbours in a story, one alike enough to it to make a story of the
    two, joins that story, though it is little alike to the rest, as do two or three reports
    each so placed; one with a single neighbour there stays apart, however alike; and the
    order of the links does not matter."""
    links = {("a", "b"): 0.6, ("a", "c"): 0.5, ("b", "c"): 0.5,
             ("a", "d"): 0.25, ("c", "d"): 0.21,  # d: alike to a and c, to the story's average 0.15
             ("b", "e"): 0.4}  # e: alike to b alone
    assert regroup("abcde", links, story=0.22) == [["a", "b", "c", "d"], ["e"]]
    # Two neighbours, neither alike enough to make a story with it: alone.
    weak = {**links, ("a", "d"): 0.21}
    assert regroup("abcde", weak, story=0.22) == [["a", "b", "c"], ["d"], ["e"]]
    # Two reports alike to each other and each to two of the story's: they join it together;
    # not when one of them has a single neighbour there.
    pair = {**links, ("e", "f"): 0.5, ("c", "e"): 0.23, ("a", "f"): 0.3, ("b", "f"): 0.21}
    assert regroup("abcdef", pair, story=0.22) == [["a", "b", "c", "d", "e", "f"]]
    del pair["c", "e"]
    assert regroup("abcdef", pair, story=0.22) == [["a", "b", "c", "d"], ["e", "f"]]
    shuffled = list(links.items())
    random.Random(3).shuffle(shuffled)
    assert regroup("edcba", dict(shuffled), story=0.22) == regroup("abcde", links, story=0.22)


FELT = ("Mark Felt, the FBI official who guided the Watergate reporters, died on Thursday at his home. "
        "Felt leaked the secrets of the Nixon White House to The Washington Post. Felt was 95. "
        "Bob Woodward and Carl Bernstein kept the secret of their source for thirty years, until Felt named himself.")
FELT_RETOLD = ("W. Mark Felt, the Watergate source of The Washington Post, has died. Felt, once the FBI's second man, "
               "guided Bob Woodward and Carl Bernstein through the Nixon scandal. Felt named himself in 2005.")
LARUE = ("Fred LaRue, the Nixon aide who carried hush money in the Watergate affair, died on Thursday in a hotel. "
         "LaRue was once rumored to be the source of The Washington Post. LaRue was 75. "
         "Bob Woodward and Carl Bernstein never named LaRue as their source in the FBI inquiry.")


def test_two_deaths_told_in_the_same_words_of_different_people_are_two_stories(monkeypatch):
    """Two obituaries of one affair share every word but the one each is about: the name each
    gives most goes unnamed by the other, so their similarity is lowered."""
    import newstrace.stories as stories

    factor = stories.PROTAGONISTS_APART
    profiles = [profile("felt", FELT, "Mark Felt, Watergate source, dies"),
                profile("felt2", FELT_RETOLD, "Mark Felt dead"),
                profile("larue", LARUE, "Fred LaRue, Watergate figure, dies")]
    weights = Weights.of(profiles)
    assert stories.protagonist(profiles[0]) == stories.protagonist(profiles[1]) != stories.protagonist(profiles[2])
    apart = similarity(profiles[0], profiles[2], weights)
    assert group(profiles) == [["felt", "felt2"], ["larue"]]
    monkeypatch.setattr(stories, "PROTAGONISTS_APART", 1.0)
    assert similarity(profiles[0], profiles[2], weights) == pytest.approx(apart / factor)
    assert group(profiles) == [["felt", "felt2", "larue"]]


def test_similarity_reads_pairs_and_prints_one_line_each(tmp_path, capsys, encoder):
    path = write_jsonl(tmp_path / "pairs.jsonl", [
        {"pair_id": "same", "text1": QUAKE_A, "text2": QUAKE_A_RETOLD},
        {"pair_id": "other", "text1": QUAKE_A, "text2": QUAKE_B}])
    found = {}
    for mode in ("words", "meaning"):
        assert main(["similarity", str(path), "--stories", mode]) == 0
        lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert [line["pair_id"] for line in lines] == ["same", "other"]
        assert all(0 <= line["similarity"] <= 1 for line in lines)
        assert lines[0]["similarity"] > lines[1]["similarity"]
        found[mode] = lines
    assert found["words"] != found["meaning"]
    (tmp_path / "bad.jsonl").write_text('{"pair_id": 1, "text1": "a"}\n', "utf-8")
    assert main(["similarity", str(tmp_path / "bad.jsonl")]) == 2
    assert "bad.jsonl:1" in capsys.readouterr().err


# --- stories in the store ---------------------------------------------------------------

def _story_sets(store) -> set[frozenset[str]]:
    held: dict[int, set[str]] = {}
    for article, story in store.story_ids().items():
        held.setdefault(story, set()).add(article)
    return {frozenset(s) for s in held.values()}


def _example_records() -> list[dict]:
    from conftest import EXAMPLES

    return [json.loads(line) for line in (EXAMPLES / "articles.jsonl").read_text("utf-8").splitlines() if line]


def test_articles_arriving_later_join_the_stories_one_run_makes(tmp_path, mode):
    from newstrace.pipeline import detect, ingest
    from newstrace.store import open_store

    records = _example_records()
    later = [r for r in records if r["id"] in {"reprint-003", "followup-017", "unrelated-016"}]
    earlier = [r for r in records if r not in later]
    with open_store(tmp_path / "one.db") as store:
        ingest(store, [write_jsonl(tmp_path / "all.jsonl", records)])
        detect(store, Settings(stories=mode))
        expected = _story_sets(store)
    with open_store(tmp_path / "grown.db") as store:
        ingest(store, [write_jsonl(tmp_path / "earlier.jsonl", earlier)])
        detect(store, Settings(stories=mode))
        grouped_whole_at = store.story_grouping()[1]
        ingest(store, [write_jsonl(tmp_path / "later.jsonl", later)])
        summary = detect(store, Settings(stories=mode))
        # The arrivals were grouped with the neighbourhoods they joined, not the whole store again.
        assert store.story_grouping() == (len(store.publication_dates()), grouped_whole_at)
        assert 0 < summary["stories_made"] < summary["stories"]
        assert _story_sets(store) == expected
        assert sorted(a for s in expected for a in s) == sorted(r["id"] for r in records)


def test_a_large_neighbourhood_is_grouped_again_only_around_the_arrivals(tmp_path, monkeypatch):
    """Past LARGE_HOOD articles a neighbourhood is not grouped again whole: only the stories of
    the articles the arrivals are linked to are, fewer than the whole neighbourhood's; the
    others keep their ids and members, and here the stories are still those one run makes."""
    from newstrace import pipeline
    from newstrace.pipeline import detect, ingest
    from newstrace.store import open_store

    records = _example_records()
    later = [r for r in records if r["id"] in {"reprint-003", "followup-017"}]
    earlier = [r for r in records if r not in later]
    with open_store(tmp_path / "one.db") as store:
        ingest(store, [write_jsonl(tmp_path / "all.jsonl", records)])
        detect(store)
        expected = _story_sets(store)

    def grown(name: str) -> tuple[dict, dict, dict, set]:
        with open_store(tmp_path / name) as store:
            ingest(store, [write_jsonl(tmp_path / "earlier.jsonl", earlier)])
            detect(store)
            hoods, before = store.story_hoods(), store.story_ids()
            ingest(store, [write_jsonl(tmp_path / "later.jsonl", later)])
            summary = detect(store)
            return summary, hoods, before, store.story_ids()

    whole_hood, _, _, _ = grown("exact.db")
    monkeypatch.setattr(pipeline, "LARGE_HOOD", 2)
    bounded, hoods, before, after = grown("bounded.db")
    assert max(Counter(hoods.values()).values()) > 2  # the examples' tanker story and its neighbours
    assert bounded["stories_made"] < whole_hood["stories_made"]
    # A story of that neighbourhood no arrival is linked to stays as it was.
    arrivals = {after[r["id"]] for r in later}
    assert any(after[a] == before[a] and after[a] not in arrivals for a in hoods)
    held: dict[int, set[str]] = {}
    for article, story in after.items():
        held.setdefault(story, set()).add(article)
    assert {frozenset(s) for s in held.values()} == expected


def test_an_earlier_printing_arriving_later_takes_its_copys_place_without_a_whole_grouping(tmp_path):
    """A copy printed earlier than the article already grouped (another edition of the day)
    displaces it: the store is grouped only where it was, its counts and terms stay right, and
    the stories are those one run makes."""
    from newstrace.pipeline import detect, ingest
    from newstrace.store import open_store

    records = _example_records()
    wire = next(r for r in records if r["id"] == "wire-001")
    earlier = {**wire, "id": "wire-000-early", "published": "2000-01-01"}
    with open_store(tmp_path / "one.db") as store:
        ingest(store, [write_jsonl(tmp_path / "all.jsonl", records + [earlier])])
        detect(store)
        expected = _story_sets(store)
        counts = dict(store.conn.execute("SELECT key, df FROM story_words"))
    with open_store(tmp_path / "grown.db") as store:
        ingest(store, [write_jsonl(tmp_path / "first.jsonl", records)])
        detect(store)
        grouped_whole_at = store.story_grouping()[1]
        ingest(store, [write_jsonl(tmp_path / "later.jsonl", [earlier])])
        assert store.duplicate_of("wire-001") == "wire-000-early"
        assert store.displaced_from_stories().keys() == {"wire-001"}
        summary = detect(store)
        assert store.story_grouping() == (len(store.publication_dates()), grouped_whole_at)
        assert 0 < summary["stories_made"] < summary["stories"]
        assert _story_sets(store) == expected
        assert not store.displaced_from_stories()
        assert dict(store.conn.execute("SELECT key, df FROM story_words WHERE df != 0")) == counts
        assert store.lookup_terms(["wire-001"]) == {} and store.story_profiles(["wire-001"]) == {}


def test_a_whole_grouping_keeps_the_profiles_it_read(tmp_path):
    """A store grouped again whole (grown past REGROUP_GROWTH) keeps every article's profile:
    the next arrivals' neighbours are read back, not tokenized again."""
    from newstrace.pipeline import detect, ingest
    from newstrace.store import open_store

    records = _example_records()
    first, rest = records[:4], records[4:]
    with open_store(tmp_path / "s.db") as store:
        ingest(store, [write_jsonl(tmp_path / "first.jsonl", first)])
        detect(store)
        ingest(store, [write_jsonl(tmp_path / "rest.jsonl", rest)])
        detect(store)  # grown far past a quarter: grouped whole, the first four's profiles read back
        assert store.story_grouping()[1] == len(store.publication_dates())
        assert store.count("story_profiles") == len(store.publication_dates())


def test_a_store_grouped_by_words_is_grouped_whole_by_meaning_when_asked(tmp_path, encoder):
    """A store's articles are all judged one way: grouped by words, then by meaning, every
    profile gets its meaning and the stories are those one run by meaning makes (and back)."""
    from newstrace.pipeline import detect, ingest
    from newstrace.stories import Profile
    from newstrace.store import open_store

    records = _example_records()
    first, rest = records[:-2], records[-2:]
    with open_store(tmp_path / "one.db") as store:
        ingest(store, [write_jsonl(tmp_path / "all.jsonl", records)])
        detect(store, Settings(stories="meaning"))
        by_meaning = _story_sets(store)
    with open_store(tmp_path / "s.db") as store:
        ingest(store, [write_jsonl(tmp_path / "first.jsonl", first)])
        detect(store, Settings(stories="words"))
        ingest(store, [write_jsonl(tmp_path / "rest.jsonl", rest)])
        detect(store, Settings(stories="meaning"))
        profiles = [Profile.unpacked(a, b) for a, b in store.story_profiles(list(store.publication_dates())).items()]
        assert len(profiles) == len(store.publication_dates()) and all(p.meaning is not None for p in profiles)
        assert store.story_grouping()[1] == len(store.publication_dates())  # grouped whole
        assert _story_sets(store) == by_meaning
        detect(store, Settings(stories="words"))
        profiles = [Profile.unpacked(a, b) for a, b in store.story_profiles(list(store.publication_dates())).items()]
        assert all(p.meaning is None for p in profiles)


def test_a_report_arriving_later_joins_its_event_and_the_story_keeps_its_id(tmp_path):
    from newstrace.pipeline import detect, ingest
    from newstrace.store import open_store

    towns = ["Arlo", "Bexley", "Corby", "Dunmore", "Elgin", "Fenwick", "Garvan", "Hollis"]
    quake = [{"id": f"q{k}", "title": "Quake near Ferrano", "source": f"Outlet {k}", "published": "2026-03-01",
              "text": f"{QUAKE_A} Our correspondent in {town} said the shaking was felt there too."}
             for k, town in enumerate(towns)]
    other = {"id": "b", "title": "Quake hits Lissandra", "text": QUAKE_B, "source": "Outlet 0",
             "published": "2026-03-03"}
    retold = {"id": "r", "title": "Ferrano digs out", "text": QUAKE_A_RETOLD, "source": "Other",
              "published": "2026-03-02"}
    with open_store(tmp_path / "s.db") as store:
        ingest(store, [write_jsonl(tmp_path / "a.jsonl", quake + [other])])
        detect(store)
        before = store.story_ids()
        ingest(store, [write_jsonl(tmp_path / "b.jsonl", [retold])])
        detect(store)
        assert store.story_grouping()[1] == 9  # grouped incrementally
        assert _story_sets(store) == {frozenset([r["id"] for r in quake] + ["r"]), frozenset(["b"])}
        after = store.story_ids()
        assert after["r"] == after["q0"] == before["q0"] and after["b"] == before["b"]


def test_stories_command_lists_every_article_in_exactly_one_story(examples_db, capsys):
    assert main(["stories", "--db", str(examples_db), "--json"]) == 0
    stories = json.loads(capsys.readouterr().out)
    listed = [a for s in stories for a in s["articles"]]
    ids = [r["id"] for r in _example_records()]
    assert sorted(listed) == sorted(set(ids))
    tanker = next(s for s in stories if "wire-001" in s["articles"])
    # The ministry's statement on the grounding, out before the wire's report, is of its story,
    # and the earliest of its articles reported first.
    assert {"reprint-002", "reprint-003", "official-008"} <= set(tanker["articles"])
    published = {r["id"]: r.get("published") or "9999" for r in _example_records()}
    assert tanker["first"] == [min(tanker["articles"], key=published.get)] == ["official-008"]
    assert "Estmark" in tanker["label"]
    assert not any(set(s["articles"]) & {"unrelated-015", "unrelated-016"} and len(s["articles"]) > 1 for s in stories)
    assert main(["stories", "--db", str(examples_db)]) == 0
    assert f"story {tanker['story']}: " in capsys.readouterr().out


def test_a_reprint_months_later_joins_the_story_it_copied_and_a_new_event_does_not(tmp_path):
    """Time apart splits events, not a paper's late reprint of a wire story."""
    from newstrace.pipeline import detect, ingest
    from newstrace.store import open_store

    wire = ("The regional water authority said on Monday that the reservoir behind the Kessel Dam had fallen to "
            "its lowest level in forty years, and that households across the valley would face limits on garden "
            "watering from the first of next month. Engineers blamed a dry winter and a leaking spillway gate.")
    records = [{"id": "wire", "text": wire, "source": "Wire", "published": "2026-01-05"},
               {"id": "late", "text": "From our correspondent. " + wire, "source": "Gazette",
                "published": "2026-03-20"},
               {"id": "next-year", "source": "Wire", "published": "2027-01-09",
                "text": "The regional water authority said the Kessel Dam reservoir was full again after a wet "
                        "autumn, and lifted the garden watering limits across the valley."}]
    with open_store(tmp_path / "s.db") as store:
        ingest(store, [write_jsonl(tmp_path / "a.jsonl", records)])
        detect(store)
        assert _story_sets(store) == {frozenset(["wire", "late"]), frozenset(["next-year"])}


def test_pair_similarities_are_the_rows_dot_products_however_many_are_gathered_at_once(monkeypatch):
    """Each pair's dot product is its rows' whatever runs the partners are gathered in (one
    partner at a time, or all), and none is missed when a row has no entries."""
    import numpy as np
    from scipy import sparse

    import newstrace.stories as stories

    m = sparse.random(200, 400, density=0.05, format="lil", random_state=3)
    m[7] = 0  # a row with no entries
    m = m.tocsr()
    rng = np.random.default_rng(3)
    a, b = rng.integers(0, 200, 3000), rng.integers(0, 200, 3000)
    expected = np.asarray(m[a].multiply(m[b]).sum(axis=1)).ravel()
    assert (expected > 0).any() and (expected == 0).any()
    for gathered in (1, 50, stories._GATHERED):
        monkeypatch.setattr(stories, "_GATHERED", gathered)
        assert np.allclose(stories._row_dots(m, a, b), expected, rtol=0, atol=1e-12)


def _printed(argv: list[str], capsys) -> list[str]:
    assert main(argv) == 0
    return [line for line in capsys.readouterr().out.splitlines() if line.startswith("story ")]


def test_a_story_of_undated_articles_says_it_may_be_several_events(tmp_path, capsys):
    """Without dates, events of one subject are not told apart: the summary, the stories'
    listings and the story's page say so, and a dated story's or a reprint's do not."""
    from fastapi.testclient import TestClient

    from newstrace.web import create_app

    records = [{"id": "a", "title": "Quake kills 14 near Ferrano", "text": QUAKE_A, "source": "One"},
               {"id": "a2", "title": "Ferrano digs out after deadly quake", "text": QUAKE_A_RETOLD, "source": "Two"},
               {"id": "b", "title": "Quake hits Lissandra", "text": QUAKE_B, "source": "One",
                "published": "2026-03-03"},
               {"id": "b2", "title": "Lissandra counts its dead", "text": QUAKE_B.replace("Tuesday", "Tuesday night"),
                "source": "Two", "published": "2026-03-04"},
               # Undated, but one reprints the other: one text, so one event.
               {"id": "c", "title": "Dam gives way above Corvina", "source": "One",
                "text": f"Late news. {SPILL} The regional governor visited the site."},
               {"id": "c2", "title": "Corvina dam burst", "source": "Two",
                "text": f"From our wire. {SPILL} Schools in the valley stayed closed."},
               # and an exact copy, held by the passage the text it copies prints
               {"id": "c3", "title": "Corvina dam burst (copy)", "source": "Three",
                "text": f"Late news. {SPILL} The regional governor visited the site."}]
    db = tmp_path / "s.db"
    assert main(["-q", "trace", str(write_jsonl(tmp_path / "in.jsonl", records)), "--db", str(db)]) == 0
    summary = capsys.readouterr().out
    stories = summary.split("Largest stories", 1)[1].split("\n\n", 1)[0]
    undated = [line for line in stories.splitlines() if "Ferrano" in line]
    dated = [line for line in stories.splitlines() if "Lissandra" in line]
    assert undated and "undated, one subject (perhaps several events)" in undated[0]
    assert dated and "2026-03-03 .. 2026-03-04" in dated[0] and "perhaps" not in dated[0]
    reprinted = [line for line in stories.splitlines() if "Corvina" in line]
    assert reprinted and "3 articles" in reprinted[0] and "undated" in reprinted[0] and "perhaps" not in reprinted[0]
    listed = {line.split(":", 1)[1].split(" — ")[0].strip(): line for line in _printed(["stories", "--db", str(db)], capsys)}
    assert any("Ferrano" in label and "perhaps several events" in line for label, line in listed.items())
    assert all("perhaps" not in line for label, line in listed.items() if "Lissandra" in label or "Corvina" in label)
    client = TestClient(create_app(db))
    items = client.get("/stories.json").json()["items"]
    assert {s["several_events_maybe"] for s in items if "Ferrano" in s["label"]} == {True}
    assert {s["several_events_maybe"] for s in items if "Lissandra" in s["label"] or "Corvina" in s["label"]} == {False}
    pages = {s["label"]: client.get(f"/stories/{s['story']}").text for s in items}
    assert any("Ferrano" in label and "which may be several" in page for label, page in pages.items())
    assert all("which may be several" not in page for label, page in pages.items()
               if "Lissandra" in label or "Corvina" in label)


def test_a_storys_page_shows_the_names_its_articles_share(examples_db):
    """The evidence for a story: the names two or more of its texts print, counted."""
    from fastapi.testclient import TestClient

    from newstrace.web import create_app

    client = TestClient(create_app(examples_db))
    spill = next(s for s in client.get("/stories.json").json()["items"] if "official-008" in s["first"])
    found = client.get(f"/stories/{spill['story']}.json").json()
    shared = {n["name"]: n["texts"] for n in found["shared_names"]}
    members = {a["id"] for a in found["articles"]}
    texts = {r["id"]: f"{r.get('title', '')}\n{r['text']}" for r in _example_records() if r["id"] in members}
    assert shared and all(n >= 2 for n in shared.values())
    # Counted over the story's distinct texts, titles included (a name with aliases, such as
    # "UN", counts the texts printing any of its forms).
    assert shared["Estmark"] == sum("Estmark" in t for t in set(texts.values()))
    page = client.get(f"/stories/{spill['story']}").text
    assert "Names its articles share" in page and "<bdi>Estmark</bdi>" in page
