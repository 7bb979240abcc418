"""A random sample of stories to read: PolNeAR's texts grouped, and 20 stories of two articles
or more drawn at random, each with its articles' outlets, dates, titles and leads.

    python bench/sample_stories.py [--shared ../shared] [--seed 14] [--size 20] > sample.json

What docs/stories-sample-polnear.md reads (its verdicts are a person's, written there).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import tempfile
from pathlib import Path

from newstrace.model import Article, IngestSummary
from newstrace.pipeline import detect_reuse, group_stories, trace_provenance
from newstrace.store import open_store

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--size", type=int, default=20)
    args = ap.parse_args()
    polnear = Path(args.shared) / "data" / "polnear"
    with open(polnear / "metadata.tsv", encoding="utf-8") as fh:
        meta = {row["filename"]: row for row in csv.DictReader(fh, delimiter="\t")}
    articles = {}
    for split in ("train", "dev"):
        for path in sorted((polnear / split / "text").glob("*.txt")):
            m = meta.get(path.stem, {})
            articles[path.stem] = Article(id=path.stem, text=path.read_text("utf-8"), title=m.get("title", ""),
                                          source=m.get("publisher"), published=m.get("publication_date"))
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "polnear.db") as store:
        store.add_batch(list(articles.values()), None, IngestSummary())
        detect_reuse(store)
        trace_provenance(store)
        group_stories(store)
        stories: dict[int, list[str]] = {}
        for article, story in store.story_ids().items():
            stories.setdefault(story, []).append(article)
        sizes = sorted(len(v) for v in stories.values())
        several = sorted(s for s, members in stories.items() if len(members) > 1)
        random.Random(args.seed).shuffle(several)
        sample = []
        for s in several[:args.size]:
            members = sorted(stories[s], key=lambda i: (articles[i].published or "", i))
            sample.append({"story": s, "label": store.story_row(s)["label"], "articles": [
                {"id": i, "source": articles[i].source, "published": articles[i].published,
                 "title": articles[i].title, "lead": " ".join(articles[i].text.split())[:300]} for i in members]})
    json.dump({"articles": len(articles), "stories": len(stories),
               "sizes": {n: sizes.count(n) for n in sorted(set(sizes))}, "sample": sample}, sys.stdout, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
