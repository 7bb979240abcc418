"""The ``newstrace`` command: a thin layer over the library."""

from __future__ import annotations

import argparse
import dataclasses
import errno
import json
import logging
import os
import sqlite3
import sys
import tempfile
import textwrap
import time
from contextlib import contextmanager
from pathlib import Path

from . import __version__
from . import pipeline
from . import browse
from .browse import CLUSTER_KINDS
from .errors import InputError, NewstraceError, NotFound
from .ingest import ReadSettings, parse_mapping, read_articles
from .model import Origin, Skip
from .quotes.utterances import utterances
from .render import MARKS, percent, quotes_text, article_text, head_text, render_html, render_summary, render_text, story_spread, terminal_width
from .report import article_report, article_reports, collection_summary, trace_head
from .settings import Settings, load_settings, setting_choices, setting_help
from .store import is_server, open_store, redacted
from .store.sqlite import store_problem

log = logging.getLogger("newstrace")

# Settings each command exposes as flags (kebab-case of the Settings field).
_INGEST = ("on_error", "batch_size", "encoding", "date_order", "max_article_mb", "max_file_mb")
_QUOTES = ("speakers",)
_STORIES = ("stories",)
_DETECT = ("ngram", "max_df", "min_df_count", "min_shared", "window", "max_partners", "candidate_memory_mb", "aliases", "max_gap",
           "min_words", "min_score", "merge_chars", "workers", "align_cache", "recycled_days", "link_chars")
def _add_settings(parser: argparse.ArgumentParser, names: tuple[str, ...]) -> None:
    defaults = Settings()
    for name in names:
        default, help = getattr(defaults, name), setting_help(name).replace("%", "%%")
        flag = "--" + name.replace("_", "-")
        if isinstance(default, tuple):
            parser.add_argument(flag, dest=name, action="append", metavar="FILE", help=help)
        elif setting_choices(name):
            parser.add_argument(flag, dest=name, choices=setting_choices(name), help=f"{help} (default: {default})")
        else:
            parser.add_argument(flag, dest=name, type=type(default), metavar="N", help=f"{help} (default: {default})")


def _settings(args) -> Settings:
    overrides = {f.name: getattr(args, f.name, None) for f in dataclasses.fields(Settings)}
    return load_settings(overrides, getattr(args, "config", None))


class _Progress:
    """A one-line progress display with rate and ETA, drawn only on a terminal."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.stage = None
        self.t0 = time.monotonic()
        self.last = 0.0

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if stage != self.stage:
            if self.stage:
                sys.stderr.write("\n")
            self.stage, self.t0 = stage, now
        if now - self.last < 0.1 and done != total:
            return
        self.last = now
        rate = done / max(now - self.t0, 1e-9)
        line = f"\r{stage:<8} {done:>9,}"
        if total:
            eta = (total - done) / rate if rate else 0
            bar = "#" * int(30 * done / total)
            line += f"/{total:,} [{bar:<30}] {rate:,.0f}/s ETA {eta:,.0f}s"
        else:
            line += f" {rate:,.0f}/s"
        sys.stderr.write(line)
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled and self.stage:
            sys.stderr.write("\n")


@contextmanager
def _kept_only_if_filled(db):
    """A store file this command creates is removed again when the command fails before
    any article is in it: a failed first ingest leaves no empty store behind."""
    fresh = db is not None and not is_server(db) and not Path(db).exists()
    try:
        yield
    except BaseException:
        if fresh and Path(db).exists():
            try:
                with open_store(db, read_only=True) as store:
                    empty = store.count("articles") == 0
            except NewstraceError:
                empty = False
            if empty:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{db}{suffix}").unlink(missing_ok=True)
        raise


def _cmd_ingest(args) -> int:
    settings = _settings(args)
    progress = _Progress(sys.stderr.isatty() and not args.quiet)
    with _kept_only_if_filled(args.db), open_store(args.db) as store:
        run = store.start_run("ingest", settings.to_dict())
        try:
            summary = pipeline.ingest(store, args.paths, settings, parse_mapping(args.map), progress, run)
        finally:
            progress.close()
        store.finish_run(run, summary.as_dict())
    print(f"ingested into {redacted(args.db)}: {summary.added} added, {summary.duplicates} exact duplicates "
          f"linked, {summary.unchanged} unchanged, {summary.skipped} skipped")
    for reason in summary.skip_reasons:
        print(f"  skipped {reason}")
    _say_passed_over(summary.passed_over)
    return 0


def _say_passed_over(files: list[str]) -> None:
    if files:
        shown = ", ".join(files[:5]) + (f" and {len(files) - 5} more" if len(files) > 5 else "")
        print(f"passed over {len(files)} file(s) of types newstrace does not read: {shown}")


def _whole_run(store, command: str, args, settings: Settings, progress: _Progress) -> dict:
    try:
        return pipeline.run(store, command, args.paths, settings, parse_mapping(args.map), progress)
    finally:
        progress.close()


def _cmd_trace(args) -> int:
    settings = _settings(args)
    progress = _Progress(sys.stderr.isatty() and not args.quiet)
    with tempfile.TemporaryDirectory(prefix="newstrace-") as tmp:
        db = args.db or os.path.join(tmp, "trace.db")
        with _kept_only_if_filled(args.db), open_store(db) as store:
            summary = _whole_run(store, "trace", args, settings, progress)
            # Written as they are made: a collection's reports are never held at once.
            head = {**trace_head(store, summary), **({} if args.db else {"store": None})}
            if args.json:
                _json_stream(head, "articles", article_reports(store), sys.stdout)
            elif args.all:
                colour, width = sys.stdout.isatty(), terminal_width()
                print(head_text(head))
                for report in article_reports(store):
                    print(article_text(report, colour, width))
                print(MARKS)
            else:
                print(render_summary(collection_summary(store, summary), _next_steps(args)))
    return 0


def _next_steps(args) -> list[tuple[str, str]]:
    if not args.db:
        return [("newstrace trace ... --db news.db", "keep the results in a store to browse them"),
                ("newstrace trace ... --all", "every article's report here (--json: as JSON)")]
    db = redacted(args.db)
    return [(f"newstrace serve --db {db}", "browse it all in a web browser"),
            (f"newstrace report ARTICLE_ID --db {db}", "one article: its sources, passages and claims"),
            (f"newstrace clusters --db {db}", "the largest clusters, with their copy trees"),
            (f"newstrace stories --db {db}", "the stories: articles that report one event, across outlets"),
            ("newstrace trace ... --all", "every article's report here (--json: as JSON)")]


def _json_stream(head: dict, key: str, items, out) -> None:
    """Write ``{**head, key: [items...]}`` as json.dump(..., indent=2) would, an item at a time."""
    text = json.dumps(head, ensure_ascii=False, indent=2)
    out.write(text[:-2] + ("," if head else "") + f"\n  {json.dumps(key)}: [")
    first = True
    for item in items:
        out.write(("\n" if first else ",\n") + textwrap.indent(json.dumps(item, ensure_ascii=False, indent=2), "    "))
        first = False
    out.write("]\n}\n" if first else "\n  ]\n}\n")


def _cmd_detect(args) -> int:
    settings = _settings(args)
    progress = _Progress(sys.stderr.isatty() and not args.quiet)
    with open_store(args.db, create=False) as store:
        run = store.start_run("detect", settings.to_dict())
        try:
            summary = pipeline.detect(store, settings, progress, run)
        finally:
            progress.close()
        store.finish_run(run, summary)
    print(", ".join(f"{k.replace('_', ' ')} {v}" for k, v in summary.items()))
    return 0


def _cmd_report(args) -> int:
    with open_store(args.db, create=False) as store:
        try:
            report = article_report(store, args.article)
        except NotFound:
            close = store.close_ids(args.article)
            hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
            raise NotFound(f"{redacted(args.db)}: no article with id {args.article!r}{hint}") from None
        if args.html:
            Path(args.html).write_text(render_html(report, store.article(args.article).text), "utf-8")
            print(f"wrote {args.html}")
            return 0
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(render_text({"articles": [report]}, colour=sys.stdout.isatty()))
    return 0


def _is_store(path: str) -> bool:
    if is_server(path):
        return True
    p = Path(path)
    if not p.is_file():
        return False
    with open(p, "rb") as fh:
        return fh.read(16) == b"SQLite format 3\x00"


def _cmd_quotes(args) -> int:
    settings = _settings(args)
    stores = [p for p in args.paths if _is_store(p)]
    inputs = [p for p in args.paths if not _is_store(p)]
    if stores and inputs or len(stores) > 1:
        raise NewstraceError("give either one store or files and folders of articles, not both")
    with tempfile.TemporaryDirectory(prefix="newstrace-") as tmp:
        db = stores[0] if stores else os.path.join(tmp, "quotes.db")
        with open_store(db) as store:
            if inputs:
                pipeline.ingest(store, inputs, settings, parse_mapping(args.map))
            # The quotations a run (trace, run, detect, load) stored after the store's last
            # new articles are read back, not found again (with the parse, that is minutes).
            engine = store.quote_engine() if stores and not args.again else None
            if engine is None:
                run = store.start_run("quotes", settings.to_dict())
                summary = pipeline.collect_quotes(store, settings)
                store.finish_run(run, summary)
                engine = summary["quote_engine"]
            quotes = store.quotes()
            said = store.statements() if args.statements else []
            terms = store.quotes(kinds=("term",)) if args.terms else []
    if args.statements and engine.startswith("rules"):
        print("statements (attributions without quotation marks) need the parse: --speakers parse", file=sys.stderr)
    sayings = utterances(quotes, said)
    if args.json:
        found = sorted([*sayings, *terms], key=lambda q: (q["article"], q["start"], q["end"]))
        json.dump(found, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    quoted = [s for s in sayings if s["kind"] == "quotation"]
    stated = [s for s in sayings if s["kind"] == "statement"]
    print(quotes_text(engine, quoted, stated if args.statements else None, terms if args.terms else None))
    return 0


def _pages(page_of, wanted: int) -> list[dict]:
    """Up to ``wanted`` items of a paged list (``page_of(limit, offset)`` gives a browse.Page),
    asked for a page at a time."""
    found: list[dict] = []
    while len(found) < wanted:
        page = page_of(min(browse.MAX_LIMIT, wanted - len(found)), len(found))
        found.extend(page.items)
        if len(found) >= page.total:
            break
    return found


def _cmd_clusters(args) -> int:
    if args.kind is not None and args.kind not in CLUSTER_KINDS:
        raise NewstraceError(f"--kind must be one of {', '.join(CLUSTER_KINDS)}, not {args.kind!r}")
    if args.limit < 1:
        raise NewstraceError(f"--limit must be 1 or more, not {args.limit}")
    with open_store(args.db, create=False) as store:
        # What /clusters.json lists, page by page.
        clusters = _pages(lambda limit, offset: browse.clusters(store, kind=args.kind, limit=limit, offset=offset),
                          args.limit)
        if args.json:
            json.dump(clusters, sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
            return 0
        for c in clusters:
            spread = f"{c['first_date'][:10]} .. {c['last_date'][:10]}" if c["first_date"] else "undated"
            size = f"{c['size']} articles, {c['outlets']} outlets, {spread}"
            print(f"cluster {c['id']} ({c['kind']}): {size}")
            print(f"  earliest: {', '.join(c['earliest']) or 'unknown'} — {c['ordering']}")
            if c["kind"] != "reuse":
                continue  # a formula, template, phrase or quotation is no copy: no copy tree to show
            for e in browse.cluster(store, c["id"])["edges"]:
                if e["parent"]:
                    print(f"    {e['child']} <- {e['parent']}")
    return 0


def _cmd_stories(args) -> int:
    if args.limit is not None and args.limit < 1:
        raise NewstraceError(f"--limit must be 1 or more, not {args.limit}")
    settings = _settings(args)
    progress = _Progress(sys.stderr.isatty() and not args.quiet)
    with open_store(args.db, create=False) as store:
        try:  # articles stored since the last grouping join their stories first
            pipeline.group_stories(store, settings, progress)
        finally:
            progress.close()
        wanted = args.limit if args.limit is not None else (store.count("stories") if args.json else 20)
        found = _pages(lambda limit, offset: browse.stories(store, args.sort, limit, offset, members=True), wanted)
    if args.json:
        json.dump(found, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    for s in found:
        print(f"story {s['story']}: {s['label'] or '(no names)'} — {s['size']} articles, {s['outlets']} outlets, "
              f"{story_spread(s)}")
        for a in s["first_articles"]:
            print(f"  first: {a['id']} ({a['source'] or 'no outlet'}, {(a['published'] or 'undated')[:10]}) "
                  f"{a['title']}")
    return 0


def _cmd_articles(args) -> int:
    if not 1 <= args.limit <= browse.MAX_LIMIT:
        raise NewstraceError(f"--limit must be between 1 and {browse.MAX_LIMIT}, not {args.limit}")
    sort = {"reused": "reused", "date": "published", "id": "id"}[args.sort]
    with open_store(args.db, create=False) as store:
        page = browse.articles(store, q=args.search, outlet=args.outlet, sort=sort, limit=args.limit)
    if args.json:
        json.dump(page.items, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    print(f"{page.total:,} articles" + (f"; the first {len(page.items)}" if page.total > len(page.items) else ""))
    for a in page.items:
        reused = "" if a["reused_share"] is None else percent(a["reused_share"])
        when = (a["published"] or "undated")[:10]
        print(f"  {reused:>5}  {when:<10}  {a['source'] or '-':<24.24}  {a['title'] or '(no title)'} [{a['id']}]")
    return 0


def _cmd_similarity(args) -> int:
    from .ingest.readers import read_text_file
    from .meaning import encode, wanted
    from .stories import pair_similarities, profile

    path = Path(args.pairs)
    pairs = []
    for number, line in enumerate(read_text_file(path).splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            pair = (str(record["pair_id"]), str(record["text1"]), str(record["text2"]))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputError(str(path), number, f"not a pair: {exc}",
                             'each line must be {"pair_id": ..., "text1": ..., "text2": ...}') from None
        pairs.append(pair)
    # The words of every text weigh by their rarity across the file, as across a collection.
    texts = [text for _, t1, t2 in pairs for text in (t1, t2)]
    profiles = [profile(f"{k // 2}:{k % 2 + 1}", text) for k, text in enumerate(texts)]
    if wanted(_settings(args).stories):
        profiles = [p.with_meaning(v) for p, v in zip(profiles, encode(texts))]
    found = pair_similarities(list(zip(profiles[0::2], profiles[1::2])))
    for (pair_id, _, _), s in zip(pairs, found):
        print(json.dumps({"pair_id": pair_id, "similarity": round(s, 4)}))
    return 0


def _cmd_extract(args) -> int:
    """What ingest would store from each page, record or row, as JSON Lines, without a store."""
    settings = _settings(args)
    for item in read_articles(args.paths, parse_mapping(args.map), settings.on_error, ReadSettings.of(settings)):
        if isinstance(item, Skip):
            print(f"newstrace: skipped {item.file}{':' + str(item.line) if item.line else ''}: {item.reason}",
                  file=sys.stderr)
            continue
        origin = item.origin or Origin("")
        print(json.dumps({"file": origin.file, "line": origin.line, "id": item.id, "url": item.url,
                          "title": item.title, "published": item.published, "outlet": item.source,
                          "language": item.language, "text": item.text}, ensure_ascii=False))
    return 0


def _cmd_run(args) -> int:
    settings = _settings(args)
    if args.engine == "spark":
        from .engines import spark

        if not args.out:
            raise NewstraceError("the Spark engine writes Parquet: give --out DIR")
        summary = spark.run(args.paths, args.out, settings, parse_mapping(args.map), master=args.master)
        print(f"wrote Parquet tables to {args.out}: " + ", ".join(
            f"{k.replace('_', ' ')} {v}" for k, v in summary.items() if k != "seconds"))
        if args.db:
            _load(args.out, args.db, settings)
        return 0
    if not args.db:
        raise NewstraceError("the local engine writes a store: give --db FILE")
    with open_store(args.db) as store:
        summary = _whole_run(store, "run", args, settings, _Progress(sys.stderr.isatty() and not args.quiet))
    print(f"{redacted(args.db)}: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in summary.items()))
    return 0


def _load(out: str, db: str, settings: Settings) -> None:
    """Bring a Spark run's output into a store, as one recorded run, and find its quotations."""
    from .engines import spark

    with open_store(db) as store:
        run = store.start_run("load", {"from": str(out)})
        summary = {**spark.load(out, store), **pipeline.collect_quotes(store, settings)}
        store.finish_run(run, summary)
    print(f"loaded {out} into {redacted(db)}: " + ", ".join(f"{k} {v}" for k, v in summary.items()))


def _cmd_load(args) -> int:
    _load(args.out, args.db, _settings(args))
    return 0


def _cmd_serve(args) -> int:
    import uvicorn

    from .web import create_app

    app = create_app(args.db)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        log.warning("serving on %s: anyone who can reach this address can read the store", args.host)
    print(f"newstrace: serving {redacted(args.db)} (read-only) at http://{args.host}:{args.port}/", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning" if args.quiet else "info")
    return 0


def _cmd_pan_detect(args) -> int:
    from .pan import detect_collection, detect_pairs

    settings = _settings(args)
    out = Path(args.out)
    if args.collection:
        progress = _Progress(sys.stderr.isatty() and not args.quiet)
        try:
            pairs, passages = detect_collection(Path(args.corpus), out, settings, progress)
        finally:
            progress.close()
        print(f"wrote {pairs} detection files ({passages} passages) to {out}")
    else:
        passages = detect_pairs(Path(args.corpus), out, settings)
        print(f"wrote detections for the listed pairs ({passages} passages) to {out}")
    return 0


def _cmd_pan_score(args) -> int:
    from .pan import format_scores, score_corpus

    print(format_scores(score_corpus(Path(args.corpus), Path(args.detections), args.collection)))
    return 0


def _add_store(parser: argparse.ArgumentParser, creates: bool = False) -> None:
    made = " (created if missing)" if creates else ""
    parser.add_argument("--db", required=True, metavar="FILE", help=f"the store: a SQLite file{made} or a postgresql:// URL")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newstrace",
        description="Trace where news text comes from: shared passages, their sources, their changes.")
    parser.add_argument("--version", action="version", version=f"newstrace {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log more (repeatable)")
    parser.add_argument("-q", "--quiet", action="store_true", help="log only errors, no progress")
    parser.add_argument("--config", metavar="FILE", help="settings file (default: ./newstrace.toml)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("ingest", help="read articles into a store")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (.txt, .jsonl, .csv, .html; .gz too)")
    _add_store(p, creates=True)
    p.add_argument("--map", action="append", metavar="FIELD=COLUMN",
                   help="take FIELD (id, url, source, title, published, language, text) from COLUMN")
    _add_settings(p, _INGEST)
    p.set_defaults(func=_cmd_ingest)

    p = sub.add_parser("trace", help="ingest, find shared passages, and report them per article")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders of articles")
    p.add_argument("--db", metavar="FILE", help="keep the results in this store (default: a temporary one)")
    p.add_argument("--map", action="append", metavar="FIELD=COLUMN", help="as for ingest")
    p.add_argument("--all", action="store_true", help="print every article's report, not a summary")
    p.add_argument("--json", action="store_true", help="print every article's report as JSON "
                   "(schema: docs/trace.schema.json)")
    _add_settings(p, _INGEST + _DETECT + _QUOTES + _STORIES)
    p.set_defaults(func=_cmd_trace)

    p = sub.add_parser("detect", help="find and align candidate pairs among a store's articles, trace their "
                                      "provenance and find the quotations")
    _add_store(p)
    _add_settings(p, _DETECT + _QUOTES + _STORIES)
    p.set_defaults(func=_cmd_detect)

    p = sub.add_parser("report", help="show one article's shared passages")
    p.add_argument("article", metavar="ARTICLE_ID")
    _add_store(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--html", metavar="FILE", help="write one self-contained HTML page instead")
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser("quotes", help="direct quotations with speakers, linked across articles")
    p.add_argument("paths", nargs="+", metavar="PATH_OR_DB", help="a store, or files and folders of articles")
    p.add_argument("--map", action="append", metavar="FIELD=COLUMN", help="as for ingest")
    p.add_argument("--json", action="store_true", help="print a JSON list of quotations (each with its kind)")
    p.add_argument("--statements", action="store_true", help="add the statements: attributions without quotation "
                   "marks (reported speech, 'according to'; found by the parse)")
    p.add_argument("--terms", action="store_true", help="add the terms: words held up in marks that nobody is said "
                   "to speak (scare quotes, titles)")
    p.add_argument("--again", action="store_true", help="find a store's quotations again, though a run stored "
                   "them after its last new articles (with other --speakers, say)")
    _add_settings(p, _INGEST + _QUOTES)
    p.set_defaults(func=_cmd_quotes)

    p = sub.add_parser("clusters", help="list the largest reuse clusters")
    _add_store(p)
    p.add_argument("--limit", type=int, default=20, metavar="N", help="how many clusters (default: 20)")
    p.add_argument("--kind", metavar="KIND", help="only clusters of this kind: " + ", ".join(CLUSTER_KINDS))
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_cmd_clusters)

    p = sub.add_parser("stories", help="the stories: articles that report one event, across outlets")
    _add_store(p)
    p.add_argument("--sort", choices=list(browse.STORY_ORDERS), default="size",
                   help="the largest (default) or the newest first")
    p.add_argument("--limit", type=int, metavar="N", help="how many stories (default: 20; with --json, all)")
    p.add_argument("--json", action="store_true", help='print a JSON list of {"story", "label", "articles", '
                   '"first", ...}: every article in exactly one story')
    _add_settings(p, ("aliases", "workers"))
    p.set_defaults(func=_cmd_stories)

    p = sub.add_parser("articles", help="list a store's articles, as the web list does")
    _add_store(p)
    p.add_argument("--sort", choices=["reused", "date", "id"], default="reused",
                   help="most reused first, by publication date, or by id (default: reused)")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="how many (default: 20, at most 500)")
    p.add_argument("--search", metavar="WORDS", help="only articles holding these words (\"quoted words\" a phrase)")
    p.add_argument("--outlet", metavar="NAME", help="only this outlet's articles")
    p.add_argument("--json", action="store_true", help="print JSON (the items of /articles.json)")
    p.set_defaults(func=_cmd_articles)

    p = sub.add_parser("extract", help="what ingest would store from each page, record or row, as JSON Lines")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders of articles")
    p.add_argument("--map", action="append", metavar="FIELD=COLUMN", help="as for ingest")
    _add_settings(p, _INGEST)
    p.set_defaults(func=_cmd_extract)

    p = sub.add_parser("similarity", help="how likely two texts report the same event, pair by pair")
    p.add_argument("pairs", metavar="PAIRS.jsonl", help='lines {"pair_id", "text1", "text2"}')
    _add_settings(p, _STORIES)
    p.set_defaults(func=_cmd_similarity)

    p = sub.add_parser("run", help="the whole pipeline on the local engine or on Spark")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (Spark: JSON Lines and Parquet "
                   "are read in parallel, other formats on the driver)")
    p.add_argument("--engine", choices=["local", "spark"], default="local", help="where to run (default: local)")
    p.add_argument("--db", metavar="FILE", help="the store (local engine); with Spark, also load the output into it")
    p.add_argument("--out", metavar="DIR", help="Spark engine: folder for the Parquet tables")
    p.add_argument("--master", default="local[*]", help="Spark master URL (default: local[*])")
    p.add_argument("--map", action="append", metavar="FIELD=COLUMN", help="as for ingest")
    _add_settings(p, _INGEST + _DETECT + _QUOTES + _STORIES)
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("load", help="bring a Spark run's Parquet output into a store")
    p.add_argument("out", metavar="DIR", help="the --out folder of 'newstrace run --engine spark'")
    _add_store(p, creates=True)
    _add_settings(p, _QUOTES)
    p.set_defaults(func=_cmd_load)

    p = sub.add_parser("serve", help="browse a store in a web browser (read-only), with an HTTP API")
    _add_store(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    p.set_defaults(func=_cmd_serve)

    pan = sub.add_parser("pan", help="PAN text-alignment corpora: detect and score")
    pan_sub = pan.add_subparsers(dest="pan_command", required=True, metavar="COMMAND")
    p = pan_sub.add_parser("detect", help="write detection XML for a PAN corpus")
    p.add_argument("corpus", metavar="CORPUS_DIR")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the detection XML files")
    p.add_argument("--collection", action="store_true",
                   help="treat every document as one collection and find the pairs yourself")
    _add_settings(p, _DETECT)
    p.set_defaults(func=_cmd_pan_detect)
    p = pan_sub.add_parser("score", help="score detection XML against a PAN corpus")
    p.add_argument("corpus", metavar="CORPUS_DIR")
    p.add_argument("detections", metavar="DETECTIONS_DIR")
    p.add_argument("--collection", action="store_true",
                   help="count detections in pairs the gold does not list as false positives")
    p.set_defaults(func=_cmd_pan_score)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.ERROR if args.quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(args.verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    try:
        return args.func(args)
    except NewstraceError as exc:
        print(f"newstrace: error: {exc}", file=sys.stderr)
        return 2
    except sqlite3.OperationalError as exc:
        print(f"newstrace: error: {store_problem(exc)}; what was committed before is kept",
              file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader (head, less) went away: not an error worth a traceback.
        sys.stderr.close()
        return 0
    except OSError as exc:
        if exc.errno != errno.ENOSPC:
            raise
        print(f"newstrace: error: the disk is full ({exc.filename or 'writing'}): free space and rerun",
              file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("newstrace: interrupted; committed batches are kept, rerun to resume", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
