"""The store's tables, written once: the SQLite and PostgreSQL tables, and the upgrades of
an older store, are made from these definitions.

Each table, column and index names the schema version that brought it (``since``): a new
store is created at the current version, and an older one is brought up a version at a
time by adding what each version brought. Full-text search, which the two databases do
differently, is the one part written per database (``_SEARCH``).
"""

from __future__ import annotations

from dataclasses import dataclass

SCHEMA_VERSION = 9


@dataclass(frozen=True, slots=True)
class Column:
    """``kind``: text, int, real, blob, or serial (a row number the database gives)."""

    name: str
    kind: str
    required: bool = False  # NOT NULL
    default: str | None = None  # an SQL literal
    references: str | None = None  # "table(column)", with any ON DELETE clause
    since: int = 1
    optional_since: int | None = None  # the version that let a required column hold NULL

    def required_at(self, version: int) -> bool:
        return self.required and (self.optional_since is None or version < self.optional_since)


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    unique: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()  # SQL both databases read alike
    since: int = 1
    clustered: bool = False  # rows kept in key order (SQLite: WITHOUT ROWID)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


@dataclass(frozen=True, slots=True)
class Index:
    name: str
    table: str
    columns: tuple[str, ...]
    since: int = 1


def _c(name, kind, required=False, default=None, references=None, since=1, optional_since=None) -> Column:
    return Column(name, kind, required, default, references, since, optional_since)


_RUN = _c("run_id", "int", references="runs(id)")
_SPEAKER = (_c("speaker", "text"), _c("speaker_as_written", "text"), _c("speaker_start", "int"),
            _c("speaker_end", "int"), _c("how", "text", True), _c("cue", "text"), _c("cue_start", "int"),
            _c("cue_end", "int"))

TABLES: tuple[Table, ...] = (
    Table("meta", (_c("key", "text"), _c("value", "text", True)), primary_key=("key",)),
    Table("runs", (_c("id", "serial"), _c("command", "text", True), _c("started", "text", True),
                   _c("finished", "text"), _c("settings", "text", True), _c("summary", "text"))),
    Table("articles", (
        _c("id", "text"), _c("url", "text"), _c("source", "text"), _c("title", "text", True, "''"),
        _c("published", "text"), _c("language", "text"),
        _c("text", "text"),  # NULL for an exact duplicate: see duplicate_of
        _c("text_hash", "text", True),  # sha1 of the repaired, whitespace-folded text
        _c("duplicate_of", "text", references="articles(id)"), _c("origin_file", "text"),
        _c("origin_line", "int"), _RUN),
        primary_key=("id",), checks=("(text IS NULL) = (duplicate_of IS NOT NULL)",)),
    Table("skips", (_c("id", "serial"), _RUN, _c("file", "text", True), _c("line", "int"),
                    _c("reason", "text", True)),
          unique=("file", "line", "reason")),
    # hashes: sorted little-endian uint64 hashes of key n-grams; positions: little-endian
    # uint32 word position of each hash's first occurrence; config: the n-gram size and
    # alias files they were made with; tokens: the text's words as packed WordColumns
    # (newstrace.normalize), NULL where not made (they are made again from the text).
    Table("shingles", (_c("article", "text", True, references="articles(id)"), _c("config", "text", True),
                       _c("hashes", "blob", True), _c("positions", "blob", True), _c("tokens", "blob", since=8)),
          primary_key=("article", "config"), clustered=True),
    Table("compared_pairs", (_c("a_article", "text", True, references="articles(id)"),
                             _c("b_article", "text", True, references="articles(id)"), _RUN),
          primary_key=("a_article", "b_article"), checks=("a_article < b_article",), clustered=True),
    Table("alignments", (
        _c("id", "serial"),
        _c("a_article", "text", True, references="articles(id)"), _c("a_start", "int", True),
        _c("a_end", "int", True),
        _c("b_article", "text", True, references="articles(id)"), _c("b_start", "int", True),
        _c("b_end", "int", True),
        _c("score", "real", True), _c("similarity", "real", True), _c("exact", "int", True),
        _c("variant", "int", True), _c("substituted", "int", True), _c("gaps", "int", True),
        _c("ops", "text", True),  # JSON list of [kind, word in a, word in b]
        _RUN),
        unique=("a_article", "a_start", "a_end", "b_article", "b_start", "b_end"),
        checks=("a_article < b_article",)),
    # Provenance is recomputed as a whole from the alignments and replaced in one transaction.
    Table("clusters", (
        _c("id", "int"), _c("size", "int", True),  # member articles
        _c("earliest", "text", True),  # JSON list of article ids (several when tied, none when undated)
        _c("first_published", "text"),
        _c("ordering", "text", True),  # how the earliest was decided, or why it could not be
        _RUN,
        _c("kind", "text", True, "'reuse'", since=3),  # reuse, recurring, formula, template, quotation, phrase
        _c("phrase_df", "real", since=3)),
        primary_key=("id",)),
    Table("cluster_spans", (_c("cluster_id", "int", True, references="clusters(id) ON DELETE CASCADE"),
                            _c("article", "text", True, references="articles(id)"), _c("start", "int", True),
                            _c("end", "int", True))),
    Table("copy_edges", (_c("cluster_id", "int", True, references="clusters(id) ON DELETE CASCADE"),
                         _c("child", "text", True, references="articles(id)"),
                         _c("parent", "text", references="articles(id)"), _c("evidence", "text", True))),
    Table("signals", (
        _c("article", "text", references="articles(id)"), _c("reused_share", "real", True),
        _c("originality", "real", True), _c("sources", "int", True), _c("spin_rate", "real", True),
        _c("stitched_score", "real", True), _c("recycled_chars", "int", True), _c("spin_hints", "int", True),
        _c("details", "text", True)),  # JSON: the passages, swaps and hints behind the figures
        primary_key=("article",)),
    Table("quotes", (
        _c("id", "serial"), _c("article", "text", True, references="articles(id)"),
        _c("start", "int", True), _c("end", "int", True),  # the quoted text, without its marks
        _c("text", "text", True), *_SPEAKER, _c("secondary_source", "text"), _c("evidence", "text", True),
        _c("quote_id", "text", True),  # equal for the same quotation across articles
        _c("variant", "text", True),  # exact | trimmed | extended | spun | reworded, against the group's first
        # 1 in the article(s) where the quotation appears first, 0 where it is known to appear
        # later, NULL where that is unknown (the article is undated)
        _c("first_appearance", "int", True, optional_since=7),
        # 1 for a quotation given to someone other than its first appearance names
        _c("reattributed", "int", True, "0", since=5),
        _c("conflicting", "int", True),  # 1 when the group is attributed to more than one speaker
        # quotation (words someone is said to speak) | term (a word or title in marks: scare
        # quotes, a programme's name; no speaker, grouped by its words alone)
        _c("kind", "text", True, "'quotation'", since=7),
        _c("speaker_org", "text", since=9))),  # the body a person speaking is named with
    # Attributions without quotation marks (reported speech, stances, "according to"), found
    # by the parse; speaker fields as in quotes.
    Table("statements", (
        _c("id", "serial"), _c("article", "text", True, references="articles(id)"),
        _c("start", "int", True), _c("end", "int", True), _c("text", "text", True), *_SPEAKER,
        _c("evidence", "text", True), _c("speaker_org", "text", since=9)),
        since=4),
    # Stories: articles that report one event (newstrace.stories), grouped as articles arrive.
    Table("stories", (
        _c("id", "int"), _c("label", "text", True), _c("size", "int", True),
        _c("first", "text", True),  # JSON list of the earliest article ids
        _c("first_published", "text"), _c("last_published", "text"), _RUN),
        primary_key=("id",), since=6),
    Table("story_members", (
        _c("article", "text", True, references="articles(id)"), _c("story", "int", True),
        _c("hood", "text", True)),  # the neighbourhood the story was split from (its first article id)
        primary_key=("article",), since=6),
    # What grouping an arriving article needs of those grouped before it: each article's
    # lookup terms, and how many of the grouped articles hold each word (the weights).
    Table("story_terms", (_c("term", "text", True), _c("article", "text", True, references="articles(id)")),
          primary_key=("term", "article"), since=6, clustered=True),
    Table("story_words", (_c("key", "text", True), _c("df", "int", True)), primary_key=("key",), since=6,
          clustered=True),
    # Each grouped article's profile (newstrace.stories.Profile.packed): read back, not made
    # again from the text, when an arriving article's neighbourhood is regrouped.
    Table("story_profiles", (_c("article", "text", True, references="articles(id)"), _c("profile", "blob", True)),
          primary_key=("article",), since=6, clustered=True),
)

INDEXES: tuple[Index, ...] = (
    Index("articles_text_hash", "articles", ("text_hash",)),
    Index("articles_published", "articles", ("published",)),
    Index("articles_source", "articles", ("source",), since=2),
    Index("articles_duplicate_of", "articles", ("duplicate_of",), since=2),
    Index("alignments_b", "alignments", ("b_article",)),
    Index("clusters_size", "clusters", ("size",), since=2),
    Index("clusters_kind_size", "clusters", ("kind", "size"), since=3),
    Index("cluster_spans_article", "cluster_spans", ("article",)),
    Index("cluster_spans_cluster", "cluster_spans", ("cluster_id",)),
    Index("copy_edges_cluster", "copy_edges", ("cluster_id",)),
    Index("signals_reused", "signals", ("reused_share",), since=2),
    Index("quotes_article", "quotes", ("article",)),
    Index("quotes_quote_id", "quotes", ("quote_id",)),
    Index("statements_article", "statements", ("article",), since=4),
    Index("story_members_story", "story_members", ("story",), since=6),
    Index("story_members_hood", "story_members", ("hood",), since=6),
    Index("stories_size", "stories", ("size",), since=6),
    Index("story_terms_article", "story_terms", ("article",), since=6),
)

_TYPES = {
    "sqlite": {"text": "TEXT", "int": "INTEGER", "real": "REAL", "blob": "BLOB", "serial": "INTEGER PRIMARY KEY"},
    # Identifiers compared by code point (COLLATE "C": the order Python and SQLite sort ids
    # in, which the checks a_article < b_article rely on); 64-bit numbers as SQLite keeps them.
    "postgres": {"text": 'TEXT COLLATE "C"', "int": "BIGINT", "real": "DOUBLE PRECISION", "blob": "BYTEA",
                 "serial": "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"},
}

# Full-text search over titles and texts, by the version that brought it.
_SEARCH = {
    "sqlite": {2: [
        # Duplicates have no text of their own.
        """CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, text, content='articles', content_rowid='rowid',
            tokenize='porter unicode61 remove_diacritics 2')""",
        """CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
        END""",
        """CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
        END""",
        """CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
            INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
            INSERT INTO articles_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
        END""",
        "INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')",
    ]},
    "postgres": {2: [
        # The title and the first 500,000 characters (a tsvector holds at most 1 MB).
        "ALTER TABLE articles ADD COLUMN fts tsvector GENERATED ALWAYS AS"
        " (to_tsvector('english', title || ' ' || left(coalesce(text, ''), 500000))) STORED",
        "CREATE INDEX articles_fts ON articles USING gin(fts)",
        # SQLite's functions that the browsing queries use, over the JSON lists kept as text.
        "CREATE FUNCTION json_each(list TEXT) RETURNS TABLE (value TEXT) LANGUAGE sql IMMUTABLE"
        " AS 'SELECT jsonb_array_elements_text(list::jsonb)'",
        "CREATE FUNCTION json_array_length(list TEXT) RETURNS INTEGER LANGUAGE sql IMMUTABLE"
        " AS 'SELECT jsonb_array_length(list::jsonb)'",
        "CREATE FUNCTION comma_join(joined TEXT, item TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE"
        " AS 'SELECT CASE WHEN joined IS NULL THEN item WHEN item IS NULL THEN joined"
        " ELSE joined || '','' || item END'",
        "CREATE AGGREGATE group_concat(TEXT) (SFUNC = comma_join, STYPE = TEXT)",
    ]},
}


def table(name: str) -> Table:
    for t in TABLES:
        if t.name == name:
            return t
    raise KeyError(name)


def columns(name: str, *, keys: bool = True) -> tuple[str, ...]:
    """A table's columns in order; without ``keys``, leaving out the row numbers the
    database gives and the run that wrote a row (what differs between two stores holding
    the same results)."""
    return tuple(c.name for c in table(name).columns
                 if keys or (c.kind != "serial" and c.name != "run_id"))


def column_kinds(name: str) -> dict[str, str]:
    """Each column of a table and its kind (text, int, real, blob, serial)."""
    return {c.name: c.kind for c in table(name).columns}


def quoted(name: str) -> str:
    return f'"{name}"' if name == "end" else name  # END is an SQL keyword


def _column(c: Column, dialect: str, version: int = SCHEMA_VERSION) -> str:
    sql = f"{quoted(c.name)} {_TYPES[dialect][c.kind]}"
    if c.required_at(version):
        sql += " NOT NULL"
    if c.default is not None:
        sql += f" DEFAULT {c.default}"
    if c.references:
        sql += f" REFERENCES {c.references}"
    return sql


def _create_table(t: Table, dialect: str, version: int) -> str:
    parts = [_column(c, dialect, version) for c in t.columns if c.since <= version]
    if t.primary_key:
        parts.append(f"PRIMARY KEY ({', '.join(t.primary_key)})")
    if t.unique:
        parts.append(f"UNIQUE ({', '.join(t.unique)})")
    parts.extend(f"CHECK ({check})" for check in t.checks)
    tail = " WITHOUT ROWID" if t.clustered and dialect == "sqlite" else ""
    return f"CREATE TABLE {t.name} (\n    " + ",\n    ".join(parts) + f"\n){tail}"


def _create_index(i: Index) -> str:
    return f"CREATE INDEX {i.name} ON {i.table}({', '.join(i.columns)})"


def created(dialect: str, version: int = SCHEMA_VERSION) -> list[str]:
    """The statements that create the store's tables as they were at ``version``."""
    statements = [_create_table(t, dialect, version) for t in TABLES if t.since <= version]
    statements += [_create_index(i) for i in INDEXES if i.since <= version]
    for since, search in sorted(_SEARCH[dialect].items()):
        if since <= version:
            statements += search
    return statements


def _rebuilt(t: Table, version: int) -> list[str]:
    """SQLite's way to let a column hold NULL: the table made anew at ``version`` and its
    rows copied over (its columns of ``version`` take their defaults), its indexes made again."""
    kept = ", ".join(quoted(c.name) for c in t.columns if c.since < version)
    made = _create_table(t, "sqlite", version).replace(f"CREATE TABLE {t.name} (", f"CREATE TABLE {t.name}_v{version} (", 1)
    return [made, f"INSERT INTO {t.name}_v{version} ({kept}) SELECT {kept} FROM {t.name}", f"DROP TABLE {t.name}",
            f"ALTER TABLE {t.name}_v{version} RENAME TO {t.name}",
            *(_create_index(i) for i in INDEXES if i.table == t.name and i.since < version)]


def upgrade(dialect: str, version: int) -> list[str]:
    """The statements that bring a store from ``version - 1`` to ``version``."""
    statements = [_create_table(t, dialect, version) for t in TABLES if t.since == version]
    relaxed = [(t, c) for t in TABLES if t.since < version for c in t.columns if c.optional_since == version]
    rebuilt = {t.name for t, _ in relaxed} if dialect == "sqlite" else set()
    statements += [s for t in TABLES if t.name in rebuilt for s in _rebuilt(t, version)]
    statements += [f"ALTER TABLE {t.name} ALTER COLUMN {quoted(c.name)} DROP NOT NULL"
                   for t, c in relaxed if t.name not in rebuilt]
    statements += [f"ALTER TABLE {t.name} ADD COLUMN {_column(c, dialect, version)}"
                   for t in TABLES if t.since < version and t.name not in rebuilt
                   for c in t.columns if c.since == version]
    statements += [_create_index(i) for i in INDEXES if i.since == version]
    return statements + _SEARCH[dialect].get(version, [])
