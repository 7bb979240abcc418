import newstrace

EXPECTED = {
    "Alignment", "Article", "Candidate", "Document", "InputError", "MissingExtraError",
    "NewstraceError", "Origin", "Settings", "SettingsError", "Skip", "Span", "Store",
    "StoreError", "Token", "WordOp", "__version__", "align", "article_report", "detect_reuse",
    "find_candidates", "ingest", "load_aliases", "load_settings", "open_store", "read_articles",
    "repair", "shingles", "tokenize", "trace_report",
}


def test_public_surface_is_exactly_all():
    assert set(newstrace.__all__) == EXPECTED
    for name in newstrace.__all__:
        assert hasattr(newstrace, name), name


def test_errors_share_one_base():
    for name in ("InputError", "StoreError", "SettingsError", "MissingExtraError"):
        assert issubclass(getattr(newstrace, name), newstrace.NewstraceError)
