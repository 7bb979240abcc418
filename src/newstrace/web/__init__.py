"""The web interface and HTTP API over a store: ``newstrace serve --db FILE``."""

from .app import create_app

__all__ = ["create_app"]
