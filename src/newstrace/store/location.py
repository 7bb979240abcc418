"""Where a store is: a SQLite file or a PostgreSQL URL, and how it may be shown."""

from __future__ import annotations

import re


def is_server(location) -> bool:
    """Whether a store location names a PostgreSQL database rather than a SQLite file."""
    return str(location).startswith(("postgresql://", "postgres://"))


def redacted(location) -> str:
    """A store's location as it may be shown: a URL without its password, whether given
    as user information or in the query string (``?password=``, which libpq takes too).

    >>> redacted("postgresql://ann:pw@db/news?sslmode=require&password=pw")
    'postgresql://ann:…@db/news?sslmode=require&password=…'
    """
    shown = re.sub(r"://([^:@/]*):[^@/]*@", r"://\1:…@", str(location))
    return re.sub(r"([?&]password=)[^&#]*", r"\1…", shown, flags=re.I)
