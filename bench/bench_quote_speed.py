"""What the parse costs in the commands users run: `trace` with `--speakers rules` against
`--speakers parse` on real news (PolNeAR's texts: US political news of 2016, 924 articles),
and `quotes --json` on the traced store against `quotes --json` on the files.

    python bench/bench_quote_speed.py [--limit N] [--rounds N] [--parts-only]

Every command runs as a user would run it, in a process of its own, timed end to end with
the memory of its processes sampled (bench_trace.measured); the two traces run in
alternation, ``--rounds`` times each (2 unless told), each reported at its fastest. Then
where the parse's time goes, in this process, on the first 80 texts: spaCy's pipeline (and
what its tags and lemmas cost), the attribution models and speaker rules over the parse,
and the rules alone. Writes bench/results/quote-speed.md (and .json).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
from pathlib import Path

from bench_trace import RESULTS, ROOT, measured

POLNEAR = ROOT.parent / "shared" / "data" / "polnear"


def write_collection(folder: Path, limit: int | None) -> Path:
    """PolNeAR's texts (train and dev) with their outlets and dates, as one JSON Lines file."""
    with open(POLNEAR / "metadata.tsv", encoding="utf-8") as fh:
        meta = {row["filename"]: row for row in csv.DictReader(fh, delimiter="\t")}
    paths = sorted(p for split in ("train", "dev") for p in (POLNEAR / split / "text").glob("*.txt"))[:limit]
    out = folder / "polnear.jsonl"
    with out.open("w", encoding="utf-8") as f:
        for p in paths:
            m = meta.get(p.stem, {})
            f.write(json.dumps({"id": p.stem, "text": p.read_text("utf-8"), "title": m.get("title", ""),
                                "source": m.get("publisher"), "published": m.get("publication_date")}) + "\n")
    return out


def parts(limit: int = 80) -> dict[str, float]:
    """Milliseconds a text for each part of finding quotations and statements with the parse,
    in one process, on PolNeAR's first ``limit`` texts."""
    import time

    from newstrace.normalize import joined_lines
    from newstrace.quotes import ParsedArticle, extract_quotes, parser_for, statements

    paths = sorted(p for split in ("train", "dev") for p in (POLNEAR / split / "text").glob("*.txt"))[:limit]
    texts = [joined_lines(p.read_text("utf-8")) for p in paths]
    parser = parser_for("parse")
    ParsedArticle(parser, texts[0])  # loaded and warm

    def each(work) -> float:
        start = time.perf_counter()
        out = [work(t) for t in texts]
        return round((time.perf_counter() - start) / len(texts) * 1000, 1), out

    figures: dict[str, float] = {}
    figures["spaCy's pipeline"], parsed = each(lambda t: ParsedArticle(parser, t))
    with parser.select_pipes(disable=["newstrace_rule_tags"]):
        figures["spaCy's pipeline without the tags and lemmas (newstrace.quotes.tagging)"], _ = \
            each(lambda t: ParsedArticle(parser, t))
    done = iter(parsed)

    def over_parse(text: str):
        article = next(done)
        said = [q for q in extract_quotes("x", text, article, terms=True) if q.kind == "quotation"]
        return statements("x", text, said, article)

    figures["the attribution models and speaker rules over the parse"], _ = each(over_parse)
    figures["the rules alone (no parse)"], _ = each(lambda t: extract_quotes("x", t, None, terms=True))
    return figures


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, help="only the first N articles")
    ap.add_argument("--parts-only", action="store_true", help="only where the parse's time goes, in this process")
    ap.add_argument("--rounds", type=int, default=2, help="how many times each trace runs, in alternation")
    args = ap.parse_args()
    if not POLNEAR.is_dir():
        sys.exit(f"{POLNEAR} is missing")
    if args.parts_only:
        print(json.dumps(parts(), indent=1))
        return 0
    cli = [sys.executable, "-m", "newstrace.cli", "-q"]
    figures: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        collection = write_collection(tmp, args.limit)
        articles = sum(1 for _ in collection.open(encoding="utf-8"))
        # The two traces in alternation, each kept at its fastest round: this machine is shared,
        # and its speed moves by a fifth within the hour.
        rounds: list[dict[str, float]] = []
        for _ in range(args.rounds):
            seconds = {}
            for speakers in ("rules", "parse"):
                (tmp / f"{speakers}.db").unlink(missing_ok=True)
                with open(tmp / f"trace-{speakers}.txt", "w") as out:
                    run = measured([*cli, "trace", str(collection), "--db", str(tmp / f"{speakers}.db"),
                                    "--speakers", speakers], out)
                name = f"trace --speakers {speakers}"
                if name not in figures or run["seconds"] < figures[name]["seconds"]:
                    figures[name] = run
                seconds[speakers] = run["seconds"]
            rounds.append(seconds)
        with open(tmp / "stored.json", "w") as out:
            figures["quotes STORE --json"] = measured([*cli, "quotes", str(tmp / "parse.db"), "--json"], out)
        with open(tmp / "files.json", "w") as out:
            figures["quotes FILES --json --speakers parse"] = measured(
                [*cli, "quotes", str(collection), "--json", "--speakers", "parse"], out)
        stored = json.loads((tmp / "stored.json").read_text("utf-8"))
        again = json.loads((tmp / "files.json").read_text("utf-8"))
    same = stored == again
    split = parts()
    parse_cost = figures["trace --speakers parse"]["seconds"] / figures["trace --speakers rules"]["seconds"]
    reread = figures["quotes FILES --json --speakers parse"]["seconds"] / figures["quotes STORE --json"]["seconds"]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "quote-speed.json").write_text(json.dumps(
        {"articles": articles, "figures": figures, "rounds": rounds, "parse_over_rules": round(parse_cost, 2),
         "files_over_store": round(reread, 1), "same_quotations": same, "ms_a_text": split}, indent=1) + "\n", "utf-8")
    lines = [f"# The parse's cost in the commands users run: PolNeAR's {articles} news texts", "",
             f"`python bench/bench_quote_speed.py{' --limit ' + str(args.limit) if args.limit else ''}`"
             " — each command in a process of its own, end to end; memory: the peak of the sum of its processes.", "",
             "| command | seconds | peak MB (all processes, RSS) | peak MB (PSS) |", "|---|---|---|---|"]
    for name, f in figures.items():
        lines.append(f"| `newstrace {name}` | {f['seconds']} | {f['peak_all_mb']} | {f['peak_all_pss_mb']} |")
    each = ", ".join(f"{r['parse']} s / {r['rules']} s = {r['parse'] / r['rules']:.2f}×" for r in rounds)
    lines += ["", f"- tracing with the parse costs **{parse_cost:.2f}×** tracing with rules, each at its fastest of"
              f" {len(rounds)} rounds run in alternation (round by round: {each})",
              f"- `quotes --json` from the files takes **{reread:.1f}×** as long as from the traced store"
              f" (the same quotations: {'yes' if same else 'NO'})",
              "", "Where the parse's time goes, in one process, on the first 80 texts (milliseconds a text):", "",
              "| part | ms a text |", "|---|---|", *(f"| {name} | {ms} |" for name, ms in split.items())]
    (RESULTS / "quote-speed.md").write_text("\n".join(lines) + "\n", "utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
