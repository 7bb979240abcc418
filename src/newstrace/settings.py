"""One settings tree: defaults < newstrace.toml < NEWSTRACE_* environment < CLI flags."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import SettingsError


@dataclass(frozen=True, slots=True)
class Settings:
    """Every tunable of a run. Field names map one to one onto kebab-case CLI flags."""

    # ingest
    on_error: str = "raise"  # raise | skip
    # candidates
    ngram: int = 4  # words per hashed shingle in the candidate index
    max_df: float = 0.02  # shingles in more than this share of articles are boilerplate
    min_df_count: int = 10  # ... but the cutoff never falls below this many articles
    min_shared: int = 3  # shingles two articles must share to become a candidate pair...
    window: int = 30  # ... within this many words of each other
    max_partners: int = 4  # 0: a shingle pairs all its articles; k: each with the earliest and the k just before it
    candidate_memory_mb: int = 512  # working memory of the candidate stage (index and pairs made in parts to fit)
    # alignment
    aliases: tuple[str, ...] = ()  # extra alias files
    max_gap: int = 12  # words skipped between two anchors of one passage
    min_words: int = 10  # fewest matching words in a passage
    min_score: float = 14.0  # weakest passage reported (2 points per exact word)
    merge_chars: int = 400  # passages closer than this (or than their length) in both articles are one
    # provenance
    recycled_days: int = 180  # text first published this many days earlier counts as recycled
    link_chars: int = 150  # passages of one article join one cluster only when they share this much text
    # quotations
    speakers: str = "auto"  # auto: the spaCy parse when installed, else rules | parse | rules
    # engine
    workers: int = 0  # 0: one per core
    align_cache: int = 4096  # tokenized articles each aligning worker keeps (a newspaper page: about 200 kB)
    batch_size: int = 500

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


_FIELDS = {f.name: f for f in dataclasses.fields(Settings)}


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
    if settings.on_error not in {"raise", "skip"}:
        raise SettingsError(f"on-error must be 'raise' or 'skip', not {settings.on_error!r}")
    return settings
