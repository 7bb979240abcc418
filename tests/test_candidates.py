import json
import random
from collections import Counter, defaultdict

import numpy as np
import pytest

from newstrace.candidates import find_candidates, find_candidates_in_parts
from newstrace.cli import main
from newstrace.settings import Settings
from newstrace.store import open_store

from conftest import random_collection


def reference_candidates(docs, settings: Settings, published) -> list[tuple[str, str]]:
    """find_candidates as its docstrings define it, shingle by shingle in plain Python."""
    df = Counter(h for _, hashes, _ in docs for h in set(hashes.tolist()))
    cutoff = max(settings.min_df_count, int(settings.max_df * len(docs)))
    where = {name: {h: p for h, p in zip(hashes.tolist(), positions.tolist()) if 2 <= df[h] <= cutoff}
             for name, hashes, positions in docs}
    holders = defaultdict(list)
    for name in sorted(where):
        for h in where[name]:
            holders[h].append(name)
    shared_at = defaultdict(list)  # (a, b) -> positions in a of the shingles they share
    for h, names in holders.items():
        names.sort(key=lambda n: (published.get(n) is None, published.get(n) or "", n))
        for x in range(len(names)):
            for y in range(x + 1, len(names)):
                k = settings.max_partners
                if k == 0 or x == 0 or y - x <= k:
                    a, b = sorted((names[x], names[y]))
                    shared_at[a, b].append(where[a][h])
    m, kept = settings.min_shared, []
    for pair, at in sorted(shared_at.items()):
        at.sort()
        if any(at[j + m - 1] - at[j] < settings.window for j in range(len(at) - m + 1)):
            kept.append(pair)
    return kept


@pytest.mark.parametrize("seed", range(20))
def test_candidates_follow_their_definition(seed):
    rng = random.Random(seed)
    docs, published = random_collection(rng, rng.randint(2, 25), rng.choice([80, 200]), 400)
    settings = Settings(min_shared=rng.choice([1, 2, 3]), window=rng.choice([5, 30, 100]),
                        min_df_count=rng.choice([3, 30]), max_partners=rng.choice([0, 1, 2, 4]))
    found = [(c.a, c.b) for c in find_candidates(docs, settings, published)]
    assert found == reference_candidates(docs, settings, published)
    # Bounding partners only ever drops pairs.
    every = find_candidates(docs, Settings(**{**settings.to_dict(), "max_partners": 0}), published)
    assert set(found) <= {(c.a, c.b) for c in every}


def test_candidates_found_in_parts_equal_candidates_found_at_once():
    """A small candidate_memory_mb makes the stage find pairs in several passes; the pairs
    are the same, in the same order, bounded by partners or not."""
    rng = random.Random(7)
    docs = []
    for d in range(100):
        hashes = sorted(rng.sample(range(1000), 200))
        docs.append((f"d{d:03d}", np.array(hashes, dtype=np.uint64),
                     np.array(rng.sample(range(2000), len(hashes)), dtype=np.uint32)))
    for max_partners in (0, 3):
        at_once = find_candidates(docs, Settings(min_df_count=100, window=8, max_partners=max_partners))
        in_parts = find_candidates(docs, Settings(min_df_count=100, window=8, max_partners=max_partners,
                                                  candidate_memory_mb=1))
        assert 100 < len(at_once) < 4950 and in_parts == at_once


@pytest.mark.parametrize("seed", range(8))
def test_candidates_found_in_hash_parts_spilled_to_disk_follow_the_definition(seed, tmp_path):
    """Built in several passes over hash ranges, the occurrences spilled to files by pair,
    the index gives the pairs its definition gives, and leaves no file behind."""
    rng = random.Random(100 + seed)
    docs, published = random_collection(rng, rng.randint(2, 30), rng.choice([80, 200]), 400)
    settings = Settings(min_shared=rng.choice([1, 2, 3]), window=rng.choice([5, 30]), min_df_count=rng.choice([3, 30]),
                        max_partners=rng.choice([0, 2]))
    reads = []

    def read():
        reads.append(1)
        return iter(docs)

    parts = rng.choice([2, 3, 7])
    found = find_candidates_in_parts(read, sorted(n for n, _, _ in docs), published, settings, parts, tmp_path)
    assert [(c.a, c.b) for c in found] == reference_candidates(docs, settings, published)
    assert len(reads) == parts and not list(tmp_path.iterdir())


def test_detection_with_the_index_in_hash_passes_finds_what_one_pass_finds(tmp_path):
    """A store whose index passes candidate_memory_mb is read in several passes over hash
    ranges (occurrences spilled to disk); it finds the same pairs and passages."""
    from newstrace.pipeline import detect_reuse, ingest

    rng = random.Random(3)
    vocabulary = [f"w{k}" for k in range(3000)]
    stories = [" ".join(rng.choices(vocabulary, k=60)) for _ in range(30)]
    records = []
    for d in range(90):  # each article: its own words around two of the stories
        own = lambda: " ".join(rng.choices(vocabulary, k=250))  # noqa: E731
        records.append({"id": f"a{d:03d}", "published": f"2020-01-{1 + d % 28:02d}",
                        "text": f"{own()}. {rng.choice(stories)}. {own()}. {rng.choice(stories)}. {own()}"})
    path = tmp_path / "collection.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    found = {}
    for budget in (1, 512):
        with open_store(tmp_path / f"m{budget}.db") as store:
            ingest(store, [path])
            summary = detect_reuse(store, Settings(candidate_memory_mb=budget))
            found[budget] = (summary.index_passes, sorted(store.compared()),
                             [(a.a, a.b, a.exact) for a in store.alignments(words=False)])
    assert found[1][0] >= 2 and found[512][0] == 1
    assert found[1][1:] == found[512][1:] and len(found[1][1]) > 50 and found[1][2]


def test_a_wire_story_printed_everywhere_stays_one_cluster_with_fewer_pairs(tmp_path, capsys):
    """Twenty papers print one story on successive days, each amid its own local news. With
    partners bounded, far fewer pairs are aligned, and the story is still one cluster of
    all twenty with the first printing as its earliest source."""
    rng = random.Random(3)
    words = [f"w{k}" for k in range(3000)]
    story = " ".join(rng.choice(words) for _ in range(150)) + "."
    papers = tmp_path / "papers.jsonl"
    with papers.open("w", encoding="utf-8") as out:
        for k in range(20):
            local = " ".join(rng.choice(words) for _ in range(200)) + "."
            out.write(json.dumps({"id": f"paper{k:02d}", "published": f"1916-01-{k + 1:02d}",
                                  "text": f"{local}\n\n{story}"}) + "\n")
    results = {}
    for max_partners in (0, 2):
        db = tmp_path / f"bound{max_partners}.db"
        assert main(["-q", "run", str(papers), "--db", str(db), "--max-partners", str(max_partners),
                     "--min-df-count", "50", "--speakers", "rules"]) == 0
        capsys.readouterr()
        with open_store(db) as store:
            pairs = len(store.compared())
            clusters = [(sorted({s["article"] for s in c["spans"]}), c["earliest"]) for c in store.clusters()]
        results[max_partners] = pairs, clusters
    everyone = sorted(f"paper{k:02d}" for k in range(20))
    # Every two papers: 20·19/2. Bounded: each paper with the first (19 pairs) and with the
    # papers one and two days before it (19 + 18), less (paper00, paper01) and
    # (paper00, paper02) counted twice: 54.
    assert results[0][0] == 190 and results[2][0] == 54
    for pairs, clusters in results.values():
        assert clusters == [(everyone, ["paper00"])]


def test_pairs_among_more_articles_than_a_packed_pair_code_holds():
    """A pair's code (a·n + b) beside a 32-bit word position overflows 64 bits past some
    46,000 articles; the window test must rank pairs instead. Three of 60,000 articles
    (the others empty) share ten shingles: exactly their three pairs come out."""
    n = 60_000
    empty = (np.zeros(0, np.uint64), np.zeros(0, np.uint32))
    shingled = [(f"d{i:06d}", *empty) for i in range(n)]
    story = (np.arange(1, 11, dtype=np.uint64), np.arange(10, dtype=np.uint32))
    for i in (3, n - 2, n - 1):
        shingled[i] = (f"d{i:06d}", *story)
    found = [(c.a, c.b) for c in find_candidates(shingled, Settings(min_df_count=5))]
    assert found == [("d000003", "d059998"), ("d000003", "d059999"), ("d059998", "d059999")]
