"""The web interface and HTTP API: thin routes over :mod:`newstrace.browse`.

Every HTML page has a JSON twin at the same path with ``.json`` appended (the overview's
is ``/overview.json``); the JSON routes make up the documented API (``/openapi.json``).
The store is opened read-only for every request. Templates escape everything they
show: article text, titles and outlets are untrusted.
"""


import inspect
import re
from html import escape
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import quote, urlencode

from fastapi import FastAPI, Query, Request
from fastapi import Path as FastAPIPath
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from .. import __version__, browse
from ..errors import BadQuery, NotFound
from ..render import appearance, highlight_pieces, op_rows, percent, source_colours
from ..store import open_store, state_mark

_HERE = Path(__file__).parent

Limit = Annotated[int, Query(ge=1, le=browse.MAX_LIMIT, description="items per page")]
Offset = Annotated[int, Query(ge=0, le=10**12, description="items to skip")]
_DATE = r"^$|^\d{4}(-\d{2}(-\d{2})?)?$"
SearchText = Annotated[str | None, Query(pattern=r"^$|\w", description=(
    "full-text search: articles holding every word; \"quoted words\" must form a phrase"))]
Outlet = Annotated[str | None, Query(description="only this outlet (source)")]
DateFrom = Annotated[str | None, Query(alias="from", pattern=_DATE,
                                       description="published on or after (YYYY, YYYY-MM or YYYY-MM-DD)")]
DateTo = Annotated[str | None, Query(alias="to", pattern=_DATE,
                                     description="published on or before (YYYY, YYYY-MM or YYYY-MM-DD)")]
MinReused = Annotated[float | None, Query(ge=0, le=1, description="at least this share of the text reused")]
Sort = Annotated[Literal["relevance", "published", "-published", "reused", "id"] | None, Query(
    description="order: relevance (the default with q; by date without q), published (the default without), "
                "-published, reused, id")]
ClusterId = Annotated[int, FastAPIPath(ge=1, le=2**62, description="a cluster id")]


def _snippet(text: str | None) -> Markup:
    """A search snippet with its hits marked; the text itself is escaped."""
    if not text:
        return Markup("")
    safe = escape(text)
    return Markup(safe.replace(browse.SNIPPET_OPEN, "<mark>").replace(browse.SNIPPET_CLOSE, "</mark>"))


def _article_url(article_id: str, suffix: str = "") -> str:
    return "/articles/" + quote(article_id, safe="/") + suffix


def _web_url(url: str | None) -> str | None:
    """An article's URL if it is a web address (so never ``javascript:`` or ``data:``)."""
    if url and re.match(r"https?://", url.strip(), re.IGNORECASE):
        return url.strip()
    return None


def _when(published: str | None) -> str:
    """A publication time as people read it: '2026-03-02 08:00' (UTC offsets kept unless zero)."""
    if not published:
        return "undated"
    text = published.replace("T", " ").replace("+00:00", "").removesuffix("Z")
    return text[:-3] if text.endswith(":00") and len(text) > 16 else text


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("newstrace.web", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    env.filters.update(article_url=_article_url, snippet=_snippet, percent=percent, urlquote=quote,
                       web_url=_web_url, op_rows=op_rows, when=_when)
    env.globals.update(version=__version__, urlencode=urlencode, appearance=appearance)
    return env


def _every_month(months: list[dict]) -> list[dict]:
    """The months from first to last, those without articles included, so time runs evenly."""
    known = {m["month"]: m for m in months if re.fullmatch(r"\d{4}-\d{2}", m["month"] or "")}
    if not known or len(known) != len(months):
        return months
    first, last = min(known), max(known)
    year, month = int(first[:4]), int(first[5:])
    out = []
    while f"{year:04d}-{month:02d}" <= last and len(out) < 1200:
        key = f"{year:04d}-{month:02d}"
        out.append(known.get(key) or {"month": key, "articles": 0, "reusing_articles": 0, "mean_reused_share": 0.0})
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _month_chart(months: list[dict], width: int = 720, height: int = 160) -> dict:
    """Bar geometry for the reuse-over-time chart (drawn as inline SVG by the template)."""
    left = 44  # room for the count axis and its label
    if not months:
        return {"bars": [], "width": width, "height": height, "left": left, "top": 0}
    months = _every_month(months)
    top = max(m["articles"] for m in months) or 1
    step = width / len(months)
    bars = []
    for k, m in enumerate(months):
        h_all = height * m["articles"] / top
        h_reuse = height * m["reusing_articles"] / top
        bars.append({"x": round(k * step, 1), "w": round(max(step - 2, 1), 1), "h_all": round(h_all, 1),
                     "h_reuse": round(h_reuse, 1), "y_all": round(height - h_all, 1),
                     "y_reuse": round(height - h_reuse, 1), **m})
    return {"bars": bars, "width": width, "height": height, "top": top, "left": left}


class _HeadAsGet:
    """HEAD answered as GET without its body, on every page and JSON route (a link checker
    or a cache asks HEAD first)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "HEAD":
            return await self.app(scope, receive, send)

        async def headers_only(message):
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)
        return await self.app({**scope, "method": "GET"}, receive, headers_only)


def create_app(db_path: str | Path) -> FastAPI:
    """The web application over one store file, which it only reads."""
    db_path = str(db_path)
    open_store(db_path, create=False).close()  # fail now, with a clear message, and upgrade an old store
    env = _environment()
    app = FastAPI(title="newstrace", version=__version__,
                  description="Where news text comes from: shared passages, their first publishers, "
                              "reuse clusters and quotations of one newstrace store. Read-only.")
    app.state.db_path = db_path
    app.add_middleware(_HeadAsGet)
    app.mount("/static", StaticFiles(directory=_HERE / "static"), name="static")

    def store():
        return open_store(db_path, read_only=True)

    # The overview aggregates the whole collection: computed once per state of the store.
    cached_overview: dict = {}

    def overview() -> dict:
        mark = state_mark(db_path)
        if cached_overview.get("mark") != mark:
            with store() as s:
                cached_overview.update(mark=mark, data=browse.overview(s))
        return cached_overview["data"]

    overview()  # warm: the first visitor should not wait for it

    def page(template: str, request: Request, status: int = 200, **context) -> HTMLResponse:
        html = env.get_template(template).render(request=request, **context)
        return HTMLResponse(html, status_code=status)

    def twins(path: str, template: str, title, context=lambda data, asked: {"data": data}, **route):
        """Register a view (``view(store, **parameters)`` giving the data) as a JSON route at
        ``path`` + ``.json`` (in the API, with the view's docstring) and as an HTML page at
        ``path``: ``template`` rendered with ``context(data, parameters)`` and titled
        ``title(data, parameters)``."""
        def register(view):
            signature = inspect.signature(view)
            parameters = list(signature.parameters.values())[1:]  # all but the store

            def as_json(**asked) -> dict:
                with store() as s:
                    data = view(s, **asked)
                return data.as_dict() if isinstance(data, browse.Page) else data

            def as_html(request: Request, **asked):
                with store() as s:
                    data = view(s, **asked)
                return page(template, request, title=title(data, asked), **context(data, asked))

            as_json.__signature__ = signature.replace(parameters=parameters, return_annotation=dict)
            as_json.__name__, as_json.__doc__ = f"{view.__name__}_json", view.__doc__
            request = inspect.Parameter("request", inspect.Parameter.KEYWORD_ONLY, annotation=Request)
            as_html.__signature__ = signature.replace(parameters=[request, *(p.replace(
                kind=inspect.Parameter.KEYWORD_ONLY) for p in parameters)])
            as_html.__name__ = f"{view.__name__}_page"
            app.get(path + ".json", **route)(as_json)  # first: "/clusters/3.json" is no cluster "3.json"
            app.get(path, response_class=HTMLResponse, include_in_schema=False)(as_html)
            return view
        return register

    def wants_json(request: Request) -> bool:
        return request.url.path.endswith(".json")

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound):
        if wants_json(request):
            return JSONResponse({"error": str(exc)}, status_code=404)
        return page("error.html", request, 404, title="Not found", message=str(exc))

    @app.exception_handler(BadQuery)
    async def bad_query(request: Request, exc: BadQuery):
        if wants_json(request):
            return JSONResponse({"error": str(exc)}, status_code=400)
        return page("error.html", request, 400, title="Bad request", message=str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:]) or 'request'}: {e['msg']}"
                             for e in exc.errors())
        if wants_json(request):
            return JSONResponse({"error": problems}, status_code=400)
        return page("error.html", request, 400, title="Bad request", message=problems)

    _bad = {400: {"description": "a parameter cannot be used as given; `error` says why"}}
    _missing = {404: {"description": "no such item; `error` says which"}}

    # --- overview ---------------------------------------------------------
    @app.get("/overview.json", tags=["collection"], responses=_bad)
    def overview_json() -> dict:
        """Counts, most-copied sources, most-copying outlets, largest clusters, reuse by month."""
        return overview()

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def overview_page(request: Request):
        data = overview()
        return page("overview.html", request, title="Overview", data=data,
                    chart=_month_chart(data["reuse_by_month"]))

    # --- articles -----------------------------------------------------------
    def _articles(s, q, outlet, date_from, date_to, min_reused, sort, limit, offset):
        return browse.articles(s, q=q, outlet=outlet, date_from=date_from or None, date_to=date_to or None,
                               min_reused=min_reused, sort=sort, limit=limit, offset=offset)

    @app.get("/articles.json", tags=["articles"], responses=_bad)
    def articles_json(q: SearchText = None, outlet: Outlet = None,
                      date_from: DateFrom = None, date_to: DateTo = None,
                      min_reused: MinReused = None, sort: Sort = None,
                      limit: Limit = 50, offset: Offset = 0) -> dict:
        """Articles: search their text, filter by outlet, date and reused share; paged."""
        with store() as s:
            return _articles(s, q, outlet, date_from, date_to, min_reused, sort, limit, offset).as_dict()

    @app.get("/articles", response_class=HTMLResponse, include_in_schema=False)
    def articles_page(request: Request, q: SearchText = None, outlet: Outlet = None,
                      date_from: DateFrom = None, date_to: DateTo = None,
                      min_reused: str | None = None, sort: Sort = None,
                      limit: Limit = 50, offset: Offset = 0):
        # A form sends its empty fields too: an empty field is no filter.
        try:
            share = float(min_reused) if min_reused else None
        except ValueError:
            raise BadQuery(f"min_reused is a share between 0 and 1, not {min_reused!r}") from None
        with store() as s:
            result = _articles(s, q, outlet, date_from, date_to, share, sort, limit, offset)
        params = {k: v for k, v in (("q", q), ("outlet", outlet), ("from", date_from), ("to", date_to),
                                    ("min_reused", share), ("sort", sort)) if v not in (None, "")}
        return page("articles.html", request, title="Search" if q else "Articles", result=result,
                    params=params)

    @app.get("/articles/{article_id:path}.json", tags=["articles"], responses={**_missing})
    def article_json(article_id: str) -> dict:
        """One article: its text, shared passages with their sources (word by word), reuse
        clusters, quotations and signals."""
        with store() as s:
            return browse.article(s, article_id)

    @app.get("/articles/{article_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(request: Request, article_id: str):
        with store() as s:
            data = browse.article(s, article_id, words=False)  # the page fetches words on a click
        colours = source_colours(data["shared"])
        sources = {p["other"]["id"]: p["other"] for p in data["shared"]}
        spans = [(p["this_span"]["start"], p["this_span"]["end"]) for p in data["shared"]]
        # Passages over the same text link to each other (a wire story's paragraph may be in
        # hundreds of papers: the first few are listed, the pair page has them all).
        overlapping = [[j for j, (s2, e2) in enumerate(spans) if j != k and s2 < e and s < e2]
                       for k, (s, e) in enumerate(spans)]
        return page("article.html", request, title=data["title"] or data["id"], a=data,
                    pieces=highlight_pieces(data["text"], data["shared"]), colours=colours,
                    sources=sources, overlapping=overlapping)

    # --- alignments of a pair -------------------------------------------------
    PairA = Annotated[str, Query(description="an article id")]
    PairB = Annotated[str, Query(description="another article id")]

    @twins("/alignments", "pair.html", lambda data, asked: f"{asked['a']} and {asked['b']}",
           tags=["articles"], responses={**_bad, **_missing})
    def pair(s, a: PairA, b: PairB):
        """The passages two articles share, word by word (exact, variant, substituted, gaps)."""
        return browse.pair(s, a, b)

    # --- clusters -----------------------------------------------------------
    MinSize = Annotated[int, Query(ge=2, le=10**12, description="only clusters of at least this many articles")]
    Kind = Annotated[Literal[browse.CLUSTER_KINDS] | None, Query(description=(
        "only this kind: reuse (a passage that travelled), recurring (one outlet repeating itself), "
        "formula (common phrasing), template (one frame for different events), quotation (words both "
        "articles quote from their speaker), phrase (shared text too short for a claim), restated (the "
        "same facts told in other words)"))]

    @twins("/clusters", "clusters.html", lambda data, asked: "Reuse clusters",
           lambda result, asked: {"result": result, "params": {"min_size": asked["min_size"],
                                                                **({"kind": asked["kind"]} if asked["kind"] else {})}},
           tags=["clusters"], responses=_bad)
    def clusters(s, min_size: MinSize = 2, kind: Kind = None, limit: Limit = 50, offset: Offset = 0):
        """Reuse clusters, largest first, with spread over time and outlets; paged."""
        return browse.clusters(s, min_size, kind, limit, offset)

    @twins("/clusters/{cluster_id}", "cluster.html", lambda data, asked: f"Cluster {asked['cluster_id']}",
           lambda data, asked: {"c": data}, tags=["clusters"], responses={**_bad, **_missing})
    def cluster(s, cluster_id: ClusterId):
        """One cluster: its copies earliest first and the copy tree."""
        return browse.cluster(s, cluster_id)

    # --- stories ------------------------------------------------------------
    StoryId = Annotated[int, FastAPIPath(ge=1, le=2**62, description="a story id")]
    Order = Annotated[Literal[browse.STORY_ORDERS], Query(description="the largest (size) or the newest first")]

    @twins("/stories", "stories.html", lambda data, asked: "Stories",
           lambda result, asked: {"result": result, "params": {"order": asked["order"]}},
           tags=["stories"], responses=_bad)
    def stories(s, order: Order = "size", limit: Limit = 50, offset: Offset = 0):
        """Stories (the articles that report one event), the largest or the newest first; paged."""
        return browse.stories(s, order, limit, offset)

    @twins("/stories/{story_id}", "story.html", lambda data, asked: data["label"] or f"Story {asked['story_id']}",
           lambda data, asked: {"s": data, "names": {a["id"]: a for a in data["articles"]}},
           tags=["stories"], responses={**_bad, **_missing})
    def story(s, story_id: StoryId):
        """One story: its articles in order of publication, its timeline by outlet, who reported
        first, the passages and quotations its articles share, the facts they tell otherwise."""
        return browse.story(s, story_id)

    # --- outlets ------------------------------------------------------------
    @twins("/outlets", "outlets.html", lambda data, asked: "Outlets",
           lambda result, asked: {"result": result, "params": {}, "matrix": browse.copy_matrix(result.items)},
           tags=["collection"], responses=_bad)
    def outlets(s, limit: Limit = 50, offset: Offset = 0):
        """Outlets with article counts, reused share, how often they published first, and the
        outlets each copied from (its "copied from" claims: articles, passages, the pairs); paged."""
        return browse.outlets(s, limit, offset)

    # --- quotes ---------------------------------------------------------------
    Speaker = Annotated[str | None, Query(description="only quotations attributed to this speaker")]
    QuoteKind = Annotated[Literal["quotation", "term"], Query(description="quotation, or term: words held up in marks (scare quotes, "
                                                 "titles) that nobody is said to speak")]

    @twins("/quotes", "quotes.html", lambda data, asked: "Terms" if asked["kind"] == "term" else "Quotations",
           lambda result, asked: {"result": result, "kind": asked["kind"],
                                  "params": {k: asked[k] for k in ("speaker", "kind")
                                             if asked[k] and (k, asked[k]) != ("kind", "quotation")}},
           tags=["quotes"], responses=_bad)
    def quotes(s, speaker: Speaker = None, kind: QuoteKind = "quotation", limit: Limit = 50, offset: Offset = 0):
        """Quotations grouped across articles, most repeated first (terms with ``kind=term``); paged."""
        return browse.quote_groups(s, speaker, limit, offset, kind)

    @twins("/quotes/{quote_id}", "quote.html", lambda data, asked: "Quotation", lambda data, asked: {"g": data},
           tags=["quotes"], responses={**_missing})
    def quote(s, quote_id: str):
        """One quotation's variants across articles, with its first appearance."""
        return browse.quote_group(s, quote_id)

    return app
