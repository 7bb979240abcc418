"""Exceptions raised by newstrace.

Every error newstrace raises on purpose derives from :class:`NewstraceError`::

    NewstraceError
    ├── InputError          a file or record could not be read as an article
    ├── StoreError          the store is missing, of another schema version, or inconsistent
    ├── SettingsError       a setting, flag or alias file is invalid
    ├── MissingExtraError   an optional part is used but its extra is not installed
    ├── NotFound            an asked-for article, cluster or quotation is not in the store
    └── BadQuery            a query parameter cannot be used as given

Messages name the file (and line or record) and say what to do about it.
"""

from __future__ import annotations

import importlib


class NewstraceError(Exception):
    """Base of every error newstrace raises on purpose."""


def printable_name(file: str) -> str:
    """A file name as it can be stored and shown: the bytes of a name that is not UTF-8
    (kept by the file system as lone surrogates) become U+FFFD."""
    return file if file.isascii() else file.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


class InputError(NewstraceError):
    """A file or one record in it cannot be ingested."""

    def __init__(self, file: str, line: int | None, problem: str, hint: str = ""):
        file = printable_name(file)
        self.file = file
        self.line = line
        self.problem = problem
        self.hint = hint
        where = f"{file}:{line}" if line is not None else file
        message = f"{where}: {problem}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)

    def __reduce__(self):
        # Rebuilt from its fields when it crosses a process boundary (Spark executors).
        return InputError, (self.file, self.line, self.problem, self.hint)


class StoreError(NewstraceError):
    """The store cannot be opened or used."""


class SettingsError(NewstraceError):
    """A setting, flag or data file given by the user is invalid."""


class MissingExtraError(NewstraceError):
    """An optional feature needs an extra that is not installed."""

    def __init__(self, feature: str, extra: str):
        super().__init__(
            f"{feature} needs the '{extra}' extra: pip install 'newstrace[{extra}]'"
        )


def require_extra(module: str, feature: str, extra: str):
    """The optional ``module`` (imported), or a MissingExtraError saying which extra
    installs it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(feature, extra) from None


class NotFound(NewstraceError):
    """The asked-for article, cluster or quote is not in the store."""


class BadQuery(NewstraceError):
    """A parameter cannot be used as given; the message says why."""
