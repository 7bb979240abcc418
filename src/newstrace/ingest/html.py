"""An article's text and metadata from an HTML page: the metadata (and a plain reading of its
paragraphs) with the standard library, its main text through trafilatura (:func:`page_fields`)."""

from __future__ import annotations

import logging
from html.parser import HTMLParser

_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "figcaption", "pre", "td"}
_SKIP = {"script", "style", "noscript", "nav", "footer", "header", "aside", "form", "template", "svg"}
_META = {
    "og:title": "title", "article:published_time": "published", "og:site_name": "source",
    "og:url": "url", "date": "published", "dc.date": "published", "pubdate": "published",
}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, str] = {}
        self.blocks: list[str] = []
        self._skip = 0
        self._block: list[str] | None = None
        self._title: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in _SKIP:
            self._skip += 1
        elif tag == "title":
            self._title = []
        elif tag == "meta":
            name = (attrs.get("property") or attrs.get("name") or "").lower()
            if name in _META and attrs.get("content"):
                self.fields.setdefault(_META[name], attrs["content"])
        elif tag == "html" and attrs.get("lang"):
            self.fields.setdefault("language", attrs["lang"])
        elif tag == "link" and attrs.get("rel") == "canonical" and attrs.get("href"):
            self.fields.setdefault("url", attrs["href"])
        elif tag == "time" and attrs.get("datetime"):
            self.fields.setdefault("published", attrs["datetime"])
        elif tag in _BLOCKS and not self._skip:
            self._flush()
            self._block = []
        elif tag == "br" and self._block is not None:
            self._block.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIP and self._skip:
            self._skip -= 1
        elif tag == "title" and self._title is not None:
            self.fields.setdefault("title", " ".join("".join(self._title).split()))
            self._title = None
        elif tag in _BLOCKS:
            self._flush()

    def handle_data(self, data):
        if self._title is not None:
            self._title.append(data)
        elif self._block is not None and not self._skip:
            self._block.append(data)

    def _flush(self):
        if self._block is not None:
            text = " ".join("".join(self._block).split())
            if text:
                self.blocks.append(text)
        self._block = None


def extract_html(page: str) -> dict[str, str]:
    """Return the page's text (paragraphs joined by blank lines) and the metadata it declares.

    >>> extract_html("<title>T</title><p>One &amp; two.</p><script>x()</script><p>Three</p>")["text"]
    'One & two.\\n\\nThree'
    """
    parser = _Page()
    parser.feed(page)
    parser.close()
    parser._flush()
    fields = dict(parser.fields)
    fields["text"] = "\n\n".join(parser.blocks)
    return fields


def page_fields(page: str) -> dict[str, str]:
    """An article's fields from a web page: its main text as trafilatura finds it (menus,
    comments, related links and footers left out; paragraphs apart by blank lines), and the
    metadata the page declares (:func:`extract_html`: the exact time, the language), with
    trafilatura's where the page declares none. A page trafilatura finds no text in gives the
    text of its paragraphs and headings."""
    import trafilatura

    # A page with nothing to extract is no error of the user's: the paragraphs are used then.
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    fields = extract_html(page)
    found = trafilatura.bare_extraction(page, with_metadata=True, favor_precision=True,
                                        include_comments=False, include_tables=False)
    if found is not None:
        main = "\n\n".join(line.strip() for line in (found.text or "").splitlines() if line.strip())
        if main:
            fields["text"] = main
        for field, value in (("title", found.title), ("published", found.date), ("source", found.sitename)):
            if value and not fields.get(field):
                fields[field] = value
    return fields
