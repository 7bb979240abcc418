"""End-to-end tests in a real headless Chromium against ``newstrace serve``, run as a user runs
it: a process of its own (a server thread in the test process would leave threads holding
SQLite's locks at a later test's fork of its workers, and that worker would hang).

They need Debian's chromium (``/usr/bin/chromium``, installed by .ci/run). Without it
they skip, unless NEWSTRACE_REQUIRE_BROWSER is set (CI sets it), when they fail.
Screenshots go to test-artifacts/ for people to look at.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import ROOT, build_store, write_jsonl

CHROMIUM = os.environ.get("NEWSTRACE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
# Chromium flags for a closed network: no background connections, no first-run work.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def chromium():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("NEWSTRACE_REQUIRE_BROWSER"):
            pytest.fail(f"no Chromium at {CHROMIUM}; install Debian's chromium package")
        pytest.skip(f"needs Chromium at {CHROMIUM} (Debian package chromium); .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class LiveServer:
    """``newstrace serve`` on a free loopback port, in a process of its own."""

    def __init__(self, db):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.command = [sys.executable, "-c", "import sys; from newstrace.cli import main; sys.exit(main(sys.argv[1:]))",
                        "serve", "--db", str(db), "--port", str(self.port)]

    def __enter__(self):
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(self.url + "/", timeout=2):
                    return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"newstrace serve ended: {self.process.stderr.read().decode()}")
                if time.monotonic() > deadline:
                    self.__exit__()
                    raise RuntimeError("the server did not start")
                time.sleep(0.1)

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stderr.close()


class Watched:
    """A page that records console errors, uncaught exceptions and dialogs."""

    def __init__(self, browser):
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.problems: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))

        def dialog(d):
            self.problems.append(f"dialog: {d.message}")
            d.dismiss()
        self.page.on("dialog", dialog)

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_overview_to_stitched_article_to_side_by_side_source(chromium, examples_db):
    with LiveServer(examples_db) as server:
        w = Watched(chromium)
        page = w.page
        page.goto(server.url + "/")
        assert page.locator("h1").inner_text() == "Overview"
        assert page.locator("svg rect.reuse").count() >= 1  # the reuse-over-time chart
        assert "22" in page.locator("ul.counts").inner_text()
        w.shot("overview")

        # Search for the stitched article and open it.
        page.fill("nav input[name=q]", "everything you need to know")
        page.press("nav input[name=q]", "Enter")
        page.wait_for_url("**/articles?q=*")
        page.click("text=Estmark oil disaster: everything you need to know")
        page.wait_for_url("**/articles/stitched-009")
        w.shot("stitched-article")

        # Its legend names each source with outlet and date.
        legend = page.locator(".legend").inner_text()
        assert "Meridian Press" in legend and "2019-06-14" in legend

        # No passage shows until one is clicked; then it shows beside the text.
        assert page.locator(".passage:visible").count() == 0
        mark = page.locator("a.passage-link mark").first
        mark.click()
        shown = page.locator(".passage:visible")
        assert shown.count() == 1
        table = shown.locator("table.sbs")
        table.wait_for(state="visible", timeout=15000)  # its words come from the API
        left = table.locator("tbody tr td:nth-child(1)").all_inner_texts()
        right = table.locator("tbody tr td:nth-child(2)").all_inner_texts()
        assert " ".join(left).split() and " ".join(right).split()
        heading = shown.locator("h3").inner_text()
        assert "shared with" in heading
        # The clicked text is the passage of this article shown on the left.
        assert mark.inner_text().split()[0] in " ".join(left)
        w.shot("stitched-passage-open")

        # Another passage replaces it.
        other = page.locator("#text a.passage-link").nth(3)
        number = other.get_attribute("data-passage")
        other.click()
        assert page.locator(".passage:visible").count() == 1
        assert page.locator(".passage:visible").get_attribute("id") == f"passage-{number}"

        # The cluster page lists the copies earliest first with the copy tree.
        page.goto(server.url + "/clusters")
        page.locator("table.list tbody tr td a").first.click()
        assert page.locator("h2", has_text="Copy tree").is_visible()
        w.shot("cluster")
        page.goto(server.url + "/quotes")
        w.shot("quotes")
        assert w.problems == []


HOSTILE = [
    {"id": "evil-1", "title": "<script>window.__xss = 'title'</script>Evil title",
     "source": "<img src=x onerror=\"window.__xss = 'source'\">Evil Outlet",
     "published": "2026-01-01", "url": "javascript:window.__xss = 'url'",
     "text": ("The harbour authority said the \"><img src=x onerror=\"window.__xss = 'text'\"> ferry "
              "<script>window.__xss = 'script'</script> sank near the breakwater on Sunday after its engine "
              "failed in the storm, and the crew of twelve were rescued by the lifeboat from Port Vell. "
              "“<b onmouseover=\"window.__xss = 'quote'\">We got them all out</b>,” said "
              "<i>Captain</i> Mara Lind. " + "x" * 20000 + " end.")},
    {"id": "evil-2\"><script>window.__xss='id'</script>", "title": "<a href=\"javascript:window.__xss='link'\">click</a>",
     "source": "Copy Outlet", "published": "2026-01-02", "url": "https://example.org/ok",
     "text": ("Breaking: the harbour authority said the \"><img src=x onerror=\"window.__xss = 'text'\"> ferry "
              "<script>window.__xss = 'script'</script> sank near the breakwater on Sunday after its engine "
              "failed in the storm, and the crew of twelve were rescued by the lifeboat from Port Vell. "
              "“<b onmouseover=\"window.__xss = 'quote'\">We got them all out</b>,” said "
              "<i>Captain</i> Mara Lind.")},
]


def test_hostile_articles_render_as_text_and_run_nothing(chromium, tmp_path):
    db = build_store(tmp_path / "hostile.db", write_jsonl(tmp_path / "hostile.jsonl", HOSTILE))
    with LiveServer(db) as server:
        w = Watched(chromium)
        page = w.page
        urls = ["/", "/articles", "/articles?q=ferry", "/articles/evil-1", "/outlets", "/clusters", "/quotes"]
        for url in urls:
            page.goto(server.url + url)
            assert page.evaluate("window.__xss") is None, url
            assert page.locator("script:not([src])").count() == 0, url
            assert page.locator("img[src=x], b[onmouseover], a[href^='javascript']").count() == 0, url
        page.goto(server.url + "/articles/evil-1")
        text = page.locator("#text").inner_text()
        assert "<script>window.__xss = 'script'</script>" in text  # shown as text, not run
        assert "<script>window.__xss = 'title'</script>Evil title" in page.locator("h1").inner_text()
        # The two copies share the hostile passage: open it side by side.
        page.locator("a.passage-link mark").first.click()
        shown = page.locator(".passage:visible")
        shown.locator("table.sbs").wait_for(state="visible", timeout=15000)
        assert shown.count() == 1 and "onerror" in shown.locator("table.sbs").inner_text()
        for selector in ("a.passage-link mark", ".passage:visible table.sbs td", "h1"):
            page.locator(selector).first.hover()  # where an onmouseover would fire, were it markup
        assert page.evaluate("window.__xss") is None
        w.shot("hostile-article")
        # The other article's id holds markup too; its page is reached through a link.
        page.locator(".passage:visible h3 a").first.click()
        page.wait_for_load_state()
        assert "click" in page.locator("h1").inner_text() and page.evaluate("window.__xss") is None
        cluster = page.locator("a[href^='/clusters/']").first
        cluster.click()
        assert page.evaluate("window.__xss") is None
        quote = server.url + "/quotes"
        page.goto(quote)
        page.locator("table.list a").first.click()
        assert page.evaluate("window.__xss") is None
        w.shot("hostile-quote")
        # The long line wraps inside the page instead of widening it.
        page.goto(server.url + "/articles/evil-1")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1280 + 20
        assert w.problems == []


def _many_outlets(tmp_path):
    """A wire story retold by eight outlets over three months, each headline long (a story in more
    than min_df_count articles of so small a collection would be taken for boilerplate)."""
    wire = ("The regional water authority said on Monday that the reservoir behind the Kessel Dam had fallen to "
            "its lowest level in forty years, and that households across the valley would face limits on "
            "garden watering from the first of next month. Engineers blamed a dry winter and a leaking spillway "
            "gate that has been awaiting repair since the spring floods. The authority's chairman, Mira Olsen, "
            "told reporters that the limits would stay until the autumn rains had refilled the reservoir. "
            "The so-called “emergency gate” failed in May. “Every household in the valley will have to play its "
            "part, and the gate that failed will be replaced before the rains, whatever the repair costs the "
            "authority this year and whatever the contractors ask of us,” Olsen said.")
    records = [{"id": "wire-00", "source": "Valley Wire Service", "published": "2026-01-05",
                "title": "Water authority orders garden-watering limits as Kessel reservoir falls to a forty-year "
                         "low after a dry winter and a leaking spillway gate", "text": wire}]
    for k in range(1, 9):
        records.append({
            "id": f"paper-{k:02d}", "source": f"The Very Long Named Evening Gazette of District {k}",
            "published": f"2026-0{1 + k % 3}-{10 + k:02d}",
            "title": f"Local edition {k}: valley households face watering limits from next month as the reservoir "
                     f"behind the Kessel Dam reaches its lowest level in four decades",
            "text": f"District {k} edition.\n\nValley Wire Service — " + wire + f" Residents of district {k} met on "
                    f"Tuesday evening to discuss the limits."})
    return build_store(tmp_path / "many.db", write_jsonl(tmp_path / "many.jsonl", records))


def test_pages_name_articles_by_title_and_fit_a_laptop_screen(chromium, tmp_path):
    db = _many_outlets(tmp_path)
    with LiveServer(db) as server:
        w = Watched(chromium)
        page = w.page
        page.set_viewport_size({"width": 1366, "height": 900})
        wire_title = "Water authority orders garden-watering limits"
        for name, path in (("wide-overview", "/"), ("wide-articles", "/articles"), ("wide-clusters", "/clusters"),
                           ("wide-cluster", "/clusters/1"), ("wide-outlets", "/outlets"),
                           ("wide-article", "/articles/paper-07"), ("wide-quotes", "/quotes"),
                           ("wide-terms", "/quotes?kind=term")):
            page.goto(server.url + path)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} is {overflow} px wider than the window"
            w.shot(name)
            if path in ("/", "/clusters", "/articles/paper-07"):
                # The earliest source is named by its title, outlet and date, not its id.
                assert wire_title in page.inner_text("main"), path
                assert "Valley Wire Service" in page.inner_text("main"), path
        # A quotation's page: where it appears, the wire service's first appearance first; wide
        # rows wrap. The term in it is listed apart.
        page.goto(server.url + "/quotes")
        page.locator("table.list a[href^='/quotes/']").first.click()
        page.wait_for_url("**/quotes/*")
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        assert "Where it appears, the earliest first" in page.inner_text("main")
        rows = page.locator("table.list tbody tr")
        assert rows.count() == 9 and "Valley Wire Service" in rows.first.inner_text()
        assert "first appearance" in rows.first.inner_text() and "seen earlier" in rows.nth(1).inner_text()
        w.shot("wide-quote")
        page.goto(server.url + "/quotes?kind=term")
        assert "emergency gate" in page.inner_text("main")
        # The outlets matrix: a district paper copied from the wire service; the cell leads
        # to the claims, each linking its pair side by side.
        page.goto(server.url + "/outlets")
        cell = page.locator("table.matrix td a").first
        target = cell.get_attribute("href")
        cell.click()
        section = page.locator(target)
        assert "Valley Wire Service" in section.inner_text()
        section.locator("a", has_text="side by side").first.click()
        page.wait_for_url("**/alignments?**")
        assert page.locator("table.sbs").count() >= 1
        # Stories: the article page links its story; the story page gives its timeline by outlet,
        # the wire service first (its later reprints join it however late they were printed).
        page.goto(server.url + "/articles/paper-07")
        page.locator("a[href^='/stories/']").first.click()
        page.wait_for_url("**/stories/*")
        timeline = page.locator("table.timeline")
        assert timeline.locator("tbody tr").count() == 9
        assert timeline.locator("tbody tr").first.inner_text().startswith("Valley Wire Service")
        assert wire_title in page.inner_text("main")
        for name in ("wide-story", "wide-stories"):
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{page.url} is {overflow} px wider than the window"
            w.shot(name)
            page.goto(server.url + "/stories")
        assert page.locator("table.list tbody tr").count() == 1
        assert w.problems == []
