"""Errors: every error newstrace raises on purpose is in its tree, names what to do, and
never shows a password."""

import subprocess
import sys

import pytest

from newstrace.errors import MissingExtraError, NewstraceError, NotFound
from newstrace.report import article_report
from newstrace.store import open_store
from newstrace.store.postgres import redacted


def test_passwords_are_redacted_in_user_information_and_in_the_query_string():
    assert redacted("postgresql://ann:pw@db.example/news") == "postgresql://ann:…@db.example/news"
    assert redacted("postgresql://ann@db.example/news?password=pw&sslmode=require") == \
        "postgresql://ann@db.example/news?password=…&sslmode=require"
    assert redacted("postgres://db.example/news?sslmode=require&PASSWORD=pw") == \
        "postgres://db.example/news?sslmode=require&PASSWORD=…"
    assert redacted("/tmp/store.db") == "/tmp/store.db"


def test_a_missing_extra_says_which_to_install():
    """psycopg made unimportable in a fresh interpreter, as on a machine without it."""
    code = ("import sys; sys.modules['psycopg'] = None\n"
            "from newstrace.errors import MissingExtraError\n"
            "from newstrace.store import open_store\n"
            "try:\n    open_store('postgresql://ann:pw@localhost/news')\n"
            "except MissingExtraError as exc:\n    print(exc)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "pip install 'newstrace[postgres]'" in out and "pw" not in out


def test_an_unknown_article_is_not_found(examples_db):
    with open_store(examples_db, read_only=True) as store:
        with pytest.raises(NotFound, match="no article 'nothing-here'"):
            article_report(store, "nothing-here")
    assert issubclass(NotFound, NewstraceError) and issubclass(MissingExtraError, NewstraceError)
