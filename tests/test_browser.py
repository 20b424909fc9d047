"""Safe HTML, checked in a real headless Chromium.

Narrative is plain text (docs/data-format.md): whatever a data file or a user
catalogue holds — tags, scripts, event handlers, ``javascript:`` links, template
syntax — the report shows it as text and never runs or fetches anything. A
hostile department (``tests/fixtures/hostile/``: ``evil-dept/2021.yaml``,
derived from the sample, and a hostile ``catalog.yaml`` beside it) is built once;
its HTML is checked statically against an allow-list of tags and attributes,
then opened in Chromium with every request recorded and everything but the
report's own ``file://`` URL (and ``data:`` URLs) aborted. The sample report is
opened the same way: self-contained, ``lang="zh"``, every chart loaded.

Needs Debian's Chromium (``/usr/bin/chromium``) and the ``playwright`` package;
``make test`` installs both. Without them these tests FAIL, they never skip.
"""

from __future__ import annotations

import contextlib
import re
import shutil
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

import lawreport
from conftest import ROOT

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"
ORG, YEAR = "evil-dept", 2021

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
HINT = ("the browser tests need Debian's Chromium at /usr/bin/chromium and the "
        "'playwright' Python package: run `make test` (it installs the chromium "
        "Debian package and the test extras into .venv); `playwright install` is not used")

# --- what the hostile data says, and how the report must show it (as text) -------------

ORG_NAME = "恶意<script>window.__pwned_name=1</script>局"
TITLE = "关于 2021 年<b>粗体</b>法治政府建设的年度报告"
SIGNATURE = '运城"><script>window.__pwned_sig=1</script>'
AREA_TITLE = '依法行政意识<svg onload="window.__pwned_svg=1">有待提高'
SCRIPT_ITEM = "脚本测试：<script>window.__pwned=1</script>结束。"
IMG_ITEM = '图片测试：<img src=x onerror="window.__pwned_img=1">结束。'
LINK_ITEM = ('链接测试：<a href="javascript:window.__pwned_js=1">点我</a>，'
             "Markdown 链接：[点我](javascript:alert(1))。")
RESOURCE_ITEM = ('外部资源测试：<iframe src="https://example.com/"></iframe>'
                 '<link rel=stylesheet href="https://cdn.example.com/x.css">'
                 "<style>body{display:none}</style>结束。")
TEMPLATE_ITEM = ("模板测试：{{ 7*7 }} 与 {% if true %}X{% endif %}，署名占位 "
                 + ORG_NAME + " 结束。")
PREAMBLE_START = "<script>window.__pwned_pre=1</script>市科技局按照"
INTRO_END = "第一责任人职责。<img src=x onerror=window.__pwned_intro=1>"
# from tests/fixtures/hostile/catalog.yaml
CAT_ALPHA = "<script>window.__pwned_cat=1</script>甲类"
CAT_BETA = '<img src=x onerror="window.__pwned_cat_img=1">乙类'
CAT_TABLE = "<script>window.__pwned_exhibit=1</script>表"
CAT_CHART = '图"><script>window.__pwned_chart=1</script>'
CAT_TABLE_ID = 'lr-hostile" onmouseover="window.__pwned_id=1'

BODY_TEXTS = [ORG_NAME, TITLE, SIGNATURE, AREA_TITLE, SCRIPT_ITEM, IMG_ITEM, LINK_ITEM,
              RESOURCE_ITEM, TEMPLATE_ITEM, PREAMBLE_START, INTRO_END, CAT_ALPHA, CAT_BETA,
              CAT_TABLE, CAT_CHART]

# --- the allow-list, from a normal report (the sample) ---------------------------------

ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "main", "header", "footer",
                "section", "h1", "h2", "h3", "p", "span", "figure", "figcaption", "img",
                "table", "caption", "thead", "tbody", "tr", "th", "td", "div", "ol", "li",
                "small", "br"}
VOID = {"meta", "img", "br"}
ALLOWED_ATTRS = {"html": {"lang"}, "meta": {"charset", "content", "name", "http-equiv"},
                 "img": {"src", "alt", "class"}, "tr": {"style"}}
COMMON_ATTRS = {"class", "id"}
PNG = "data:image/png;base64,"
FIND_PWNED = "Object.keys(window).filter(k => k.startsWith('__pwned'))"


@dataclass
class Element:
    tag: str
    attrs: dict
    text: list = field(default_factory=list)
    in_head: bool = False

    @property
    def content(self):
        return "".join(self.text)

    @property
    def cls(self):
        return (self.attrs.get("class") or "").split()


class Page(HTMLParser):
    """Every element of a page with its attributes and its decoded text."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.elements, self.stack, self.other = [], [], []
        self.feed(html)
        self.close()

    def _open(self, tag, attrs, void):
        in_head = any(e.tag == "head" for e in self.stack)
        el = Element(tag, dict(attrs), in_head=in_head)
        el.attr_list = attrs
        self.elements.append(el)
        if not void:
            self.stack.append(el)

    def handle_starttag(self, tag, attrs):
        self._open(tag, attrs, tag in VOID)

    def handle_startendtag(self, tag, attrs):
        self._open(tag, attrs, True)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        for el in self.stack:
            el.text.append(data)

    def handle_comment(self, data):
        self.other.append(f"<!--{data}-->")

    def handle_pi(self, data):
        self.other.append(f"<?{data}>")

    def unknown_decl(self, data):
        self.other.append(f"<![{data}]>")

    def find(self, tag, cls=None):
        return [e for e in self.elements if e.tag == tag and (cls is None or cls in e.cls)]

    def body_text(self):
        return "".join(e.content for e in self.find("body"))


def unsafe_markup(page):
    """Every tag or attribute outside the allow-list, as readable strings."""
    bad = [f"not a tag of a report: {o}" for o in page.other]
    styles = page.find("style")
    if len(styles) != 1 or not styles[0].in_head:
        bad.append(f"{len(styles)} <style> element(s); exactly one, in <head>, expected")
    for el in page.elements:
        if el.tag not in ALLOWED_TAGS:
            bad.append(f"tag <{el.tag}> {el.attrs}")
            continue
        for name, value in el.attr_list:
            value = value or ""
            squashed = re.sub(r"[\s\x00-\x1f]", "", value).lower()
            if name.startswith("on"):
                bad.append(f"event handler <{el.tag} {name}={value!r}>")
            elif name not in ALLOWED_ATTRS.get(el.tag, set()) | COMMON_ATTRS:
                bad.append(f"attribute <{el.tag} {name}={value!r}>")
            elif "javascript:" in squashed or "vbscript:" in squashed:
                bad.append(f"script URL <{el.tag} {name}={value!r}>")
            elif name == "src" and not value.startswith(PNG):
                bad.append(f"<img src> not an inline PNG: {value[:60]!r}")
            elif name == "style" and value != "text-align: right;":
                bad.append(f"inline style <{el.tag} style={value!r}>")
            elif name == "http-equiv" and value != "Content-Security-Policy":
                bad.append(f"<meta http-equiv={value!r}>")
    return bad


# --- fixtures: the hostile report, and a browser ------------------------------------------

@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    """The hostile department-year, built once: its report.html."""
    data = tmp_path_factory.mktemp("hostiledata") / "data"
    shutil.copytree(HOSTILE, data)
    out = tmp_path_factory.mktemp("hostileout") / "outputs"
    result = lawreport.build(data, ORG, YEAR, out, notebooks_dir=ROOT / "notebooks")
    report = Path(result.report)
    assert report == out / ORG / str(YEAR) / "report.html" and report.is_file()
    return report


@pytest.fixture(scope="module")
def browser_or_error():
    """(Browser, None), or (None, why not): the tests themselves fail on the latter."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        yield None, f"cannot import playwright ({exc}); {HINT}"
        return
    if not Path(CHROMIUM).is_file():
        yield None, f"no Chromium at {CHROMIUM}; {HINT}"
        return
    with sync_playwright() as pw:
        try:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS,
                                         headless=True)
        except Exception as exc:  # noqa: BLE001 - any launch failure is the same message
            yield None, f"Chromium at {CHROMIUM} did not start ({exc}); {HINT}"
            return
        try:
            yield browser, None
        finally:
            browser.close()


@pytest.fixture
def browser(browser_or_error):
    return browser_or_error


def need(browser):
    """The Browser, or FAIL the test (never skip) saying how to get one."""
    b, why = browser
    if b is None:
        pytest.fail(why, pytrace=False)
    return b


@dataclass
class Visit:
    url: str
    page: object = None
    requests: list = field(default_factory=list)  # every request the page made
    blocked: list = field(default_factory=list)   # aborted: neither the file nor data:
    console: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    def foreign(self):
        return [u for u in self.requests if u != self.url and not u.startswith("data:")]


@contextlib.contextmanager
def visit(browser, report):
    """Open ``report`` in a fresh context, recording and blocking the network."""
    v = Visit(Path(report).as_uri())
    ctx = browser.new_context(service_workers="block", java_script_enabled=True)
    try:
        def route(r):
            url = r.request.url
            if url == v.url or url.startswith("data:"):
                r.continue_()
            else:
                v.blocked.append(url)
                r.abort()

        ctx.route("**/*", route)
        page = ctx.new_page()
        page.set_default_timeout(30_000)
        page.on("request", lambda r: v.requests.append(r.url))
        page.on("console", lambda m: v.console.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: v.errors.append(str(e)))
        page.goto(v.url, wait_until="load")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(200)  # let any handler that would fire late, fire
        v.page = page
        yield v
    finally:
        ctx.close()


def assert_inert(v):
    """Nothing ran, nothing was fetched, nothing complained."""
    assert v.page.evaluate(FIND_PWNED) == [], "hostile script ran"
    assert v.blocked == [], f"the page tried to fetch {v.blocked}"
    assert v.foreign() == [], f"requests besides the report itself: {v.foreign()}"
    assert v.requests == [v.url], v.requests
    assert v.errors == [], v.errors
    assert v.console == [], f"console (a CSP refusal shows here): {v.console}"
    found = v.page.evaluate(
        "[...document.querySelectorAll('script,iframe,frame,object,embed,link,svg,math,"
        "a,area,form,input,button,base,video,audio,source')].map(e => e.outerHTML.slice(0, 80))")
    assert found == [], f"active elements in the DOM: {found}"


# --- the HTML, statically -----------------------------------------------------------------

def test_the_hostile_fixture_validates(cli):
    res = cli("validate", HOSTILE / ORG / f"{YEAR}.yaml")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "0 error(s)" in res.stdout + res.stderr


def test_the_sample_markup_is_within_the_allow_list(built_sample):
    """The allow-list is a normal report's own tags and attributes: nothing more."""
    page = Page((built_sample / "report.html").read_text(encoding="utf-8"))
    assert unsafe_markup(page) == []
    assert {e.tag for e in page.elements} <= ALLOWED_TAGS


def test_hostile_html_has_only_allowed_tags_and_attributes(hostile_report):
    html = hostile_report.read_text(encoding="utf-8")
    page = Page(html)
    assert unsafe_markup(page) == []
    assert [e.attrs.get("lang") for e in page.find("html")] == ["zh"]
    csp = [e.attrs["content"] for e in page.find("meta") if "http-equiv" in e.attrs]
    assert len(csp) == 1 and "default-src 'none'" in csp[0], csp
    # the charts are still there, inline
    assert len(page.find("img")) >= 3
    assert all(e.attrs["src"].startswith(PNG) for e in page.find("img"))


def test_hostile_text_is_escaped_and_shown_as_text(hostile_report):
    html = hostile_report.read_text(encoding="utf-8")
    page = Page(html)
    text = page.body_text()
    for s in BODY_TEXTS:
        assert s in text, f"not shown as text: {s!r}"
    # escaped in the file itself, not only after decoding
    for raw in ("&lt;script&gt;window.__pwned=1&lt;/script&gt;",
                "&lt;img src=x onerror=",
                "&lt;svg onload=",
                "&lt;iframe src=",
                "&lt;style&gt;body{display:none}&lt;/style&gt;",
                "&lt;b&gt;粗体&lt;/b&gt;"):
        assert raw in html, raw
    # where each text belongs
    assert [e.content for e in page.find("p", "lr-org")] == [ORG_NAME]
    assert [e.content for e in page.find("h1")] == [TITLE]
    assert [e.content for e in page.find("title")] == [ORG_NAME + TITLE]
    assert page.find("footer", "lr-signature")[0].content.startswith(SIGNATURE)
    assert any(e.content.endswith(AREA_TITLE) for e in page.find("h3", "lr-area"))
    assert any(e.content == CAT_TABLE for e in page.find("caption"))
    assert any(e.attrs.get("alt") == CAT_CHART for e in page.find("img"))
    assert any(e.attrs.get("id") == CAT_TABLE_ID for e in page.find("figure"))
    # template syntax is text: shown once-braced, never evaluated nor double-braced
    items = [e.content for e in page.find("p", "lr-item") if "模板测试" in e.content]
    assert len(items) == 1 and items[0].endswith(TEMPLATE_ITEM), items
    assert "{{ 7*7 }}" in text and "{{{{" not in text
    assert "模板测试：49" not in text and "49" not in items[0]
    assert "{% if true %}X{% endif %}" in text


# --- the hostile report, in Chromium ------------------------------------------------------

def test_hostile_report_runs_nothing_and_fetches_nothing(hostile_report, browser, tmp_path):
    b = need(browser)
    with visit(b, hostile_report) as v:
        page = v.page
        assert_inert(v)
        # the text is visible, as text
        body = page.inner_text("body")
        for s in ("<script>window.__pwned=1</script>", "<img src=x onerror=", "{{ 7*7 }}",
                  ORG_NAME, TITLE, SIGNATURE, AREA_TITLE, CAT_ALPHA):
            assert s in body, f"not visible: {s!r}"
        assert TITLE in page.title() and ORG_NAME in page.title()
        assert page.evaluate("getComputedStyle(document.body).display") != "none"
        assert page.is_visible("h1")
        # 点我 is text in a paragraph, not a link; clicking it does nothing
        links = page.evaluate(
            """() => {
                 const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                 const out = [];
                 while (w.nextNode()) {
                   if (w.currentNode.data.includes('点我'))
                     out.push(w.currentNode.parentElement.closest('a') !== null);
                 }
                 return out;
               }""")
        assert links == [False], links
        hits = page.get_by_text("点我")
        assert hits.count() == 1
        hits.first.click()
        anchors = page.locator("a")
        for i in range(anchors.count()):
            anchors.nth(i).click(no_wait_after=True)
        assert anchors.count() == 0
        page.wait_for_timeout(200)
        assert page.url == v.url
        assert_inert(v)
        page.screenshot(path=str(tmp_path / "hostile.png"))


def test_escaping_alone_keeps_it_inert_without_the_csp(hostile_report, browser, tmp_path):
    """The CSP meta is a second wall; with it removed, escaping alone must hold."""
    b = need(browser)
    html = hostile_report.read_text(encoding="utf-8")
    bare, n = re.subn(r"<meta[^>]*http-equiv=\"Content-Security-Policy\"[^>]*>", "", html)
    assert n == 1
    copy = tmp_path / "report-no-csp.html"
    copy.write_text(bare, encoding="utf-8")
    with visit(b, copy) as v:
        assert_inert(v)
        assert "<script>window.__pwned=1</script>" in v.page.inner_text("body")


def test_the_harness_sees_a_script_and_a_request(browser, tmp_path):
    """A page that does run a script and fetch a URL is caught (the checks can fail)."""
    b = need(browser)
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html lang="zh"><body><p>x</p>'
                   "<script>window.__pwned_canary=1</script>"
                   '<img src="https://example.com/x.png" alt=""></body></html>',
                   encoding="utf-8")
    with visit(b, bad) as v:
        assert v.page.evaluate(FIND_PWNED) == ["__pwned_canary"]
        assert v.blocked == ["https://example.com/x.png"]
        assert v.foreign() == ["https://example.com/x.png"]


# --- the sample report, in Chromium -------------------------------------------------------

def test_sample_report_is_self_contained_in_chromium(built_sample, browser, tmp_path):
    b = need(browser)
    with visit(b, built_sample / "report.html") as v:
        assert_inert(v)
        page = v.page
        assert page.evaluate("document.documentElement.lang") == "zh"
        images = page.evaluate(
            "[...document.images].map(i => ({src: i.src.slice(0, 22),"
            " ok: i.complete && i.naturalWidth > 0, w: i.naturalWidth}))")
        assert len(images) >= 3, images
        assert all(i["ok"] and i["src"] == PNG for i in images), images
        assert "运城市科学技术局" in page.inner_text("body")
        page.screenshot(path=str(tmp_path / "sample.png"))


# --- the index pages, in Chromium ---------------------------------------------------------
# A county (17 departments × 3 years, with charts) and a province (200 × 3, charts off),
# generated by tests/test_index_scale.py; each page opened at desktop and phone widths.

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
INDEX_PAGES = [("county", "index.html"), ("county", "index-2023.html"),
               ("county", "d00-01/index.html"), ("province", "index.html"),
               ("province", "index-2022.html")]
# what a page measures of itself: overflow of the page, of each table box, lines of headings
MEASURE = """() => {
  const vw = window.innerWidth, doc = document.documentElement;
  const boxes = [...document.querySelectorAll('.lr-scroll')];
  const lines = el => { const r = document.createRange(); r.selectNodeContents(el.firstChild);
                        return r.getClientRects().length; };
  const em = parseFloat(getComputedStyle(document.body).fontSize);
  return {
    vw, scroll: Math.max(doc.scrollWidth, document.body.scrollWidth),
    boxes: boxes.length,
    outside: boxes.filter(b => b.getBoundingClientRect().right > vw + 0.5).length,
    overflowing: boxes.filter(b => b.scrollWidth > b.clientWidth + 1).length,
    headings: [...document.querySelectorAll('table.lr-wide thead th')].filter(th => th.firstChild)
      .map(th => [th.textContent, lines(th)]).filter(([_t, n]) => n > 1),
    narrow: [...document.querySelectorAll('table.lr-wide tbody th')]
      .filter(th => th.getBoundingClientRect().width < 3 * em).map(th => th.textContent),
    images: [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).length,
  };
}"""
# scroll every overflowing box to its right end: the row headings must stay at its left edge
STICKY = """() => [...document.querySelectorAll('.lr-scroll')]
  .filter(b => b.scrollWidth > b.clientWidth + 1).map(b => {
    b.scrollLeft = b.scrollWidth;
    const left = b.getBoundingClientRect().left;
    const heads = [...b.querySelectorAll('tbody th')].map(th => th.getBoundingClientRect().left);
    const cells = [...b.querySelectorAll('tbody tr:first-child td')];
    const last = cells.length ? cells[cells.length - 1].getBoundingClientRect().right : 0;
    return {scrolled: b.scrollLeft > 0, off: Math.max(...heads.map(x => Math.abs(x - left))),
            lastVisible: last <= b.getBoundingClientRect().right + 1};
  })"""


@pytest.fixture(scope="module")
def index_sites(tmp_path_factory):
    """The county and the province, their index pages built: name → out folder."""
    import lawreport.rollup as lr
    from test_index_scale import make_county, make_site

    data, county, _ = make_county(tmp_path_factory.mktemp("county"))
    lr.build_index(data, county, notebooks_dir=ROOT / "notebooks")
    data, province, _ = make_site(tmp_path_factory.mktemp("province"))
    lr.build_index(data, province, notebooks_dir=ROOT / "notebooks", charts=False)
    return {"county": county, "province": province}


@contextlib.contextmanager
def visit_at(browser, path, size):
    """Open an index page at a viewport size, every request but its own aborted."""
    v = Visit(Path(path).as_uri())
    ctx = browser.new_context(service_workers="block", viewport={"width": size[0],
                                                                 "height": size[1]})
    try:
        def route(r):
            if r.request.url == v.url or r.request.url.startswith("data:"):
                r.continue_()
            else:
                v.blocked.append(r.request.url)
                r.abort()

        ctx.route("**/*", route)
        page = ctx.new_page()
        page.on("request", lambda r: v.requests.append(r.url))
        page.on("console", lambda m: v.console.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: v.errors.append(str(e)))
        page.goto(v.url, wait_until="load")
        v.page = page
        yield v
    finally:
        ctx.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("site,rel", INDEX_PAGES)
def test_index_pages_fit_the_screen(index_sites, browser, tmp_path, site, rel, width):
    """No table runs off the page: every wide table scrolls in its own box, the
    department column stays in view, no indicator name breaks line by line."""
    b = need(browser)
    with visit_at(b, index_sites[site] / rel, WIDTHS[width]) as v:
        page = v.page
        closed = page.evaluate("document.querySelectorAll('details:not([open])').length")
        summaries = page.locator("details > summary")
        for i in range(summaries.count()):  # unfold every group as a reader does (no script)
            if not summaries.nth(i).evaluate("s => s.parentElement.open"):
                summaries.nth(i).click()
        assert page.evaluate("document.querySelectorAll('details:not([open])').length") == 0
        if site == "province" and rel == "index.html":
            assert closed == 28  # a province's 28 groups start folded
        m = page.evaluate(MEASURE)
        page.screenshot(path=str(tmp_path / f"{site}-{rel.replace('/', '-')}-{width}.png"),
                        full_page=True)
        assert m["scroll"] <= m["vw"], f"the page scrolls sideways: {m}"
        assert m["boxes"] >= 2 and m["outside"] == 0, m
        assert m["headings"] == [], f"headings broken over lines: {m['headings']}"
        assert m["narrow"] == [], f"department names squeezed: {m['narrow']}"
        assert m["images"] == 0
        if width == "phone":
            assert m["overflowing"] >= 1, "no table wide enough to test the sticky column"
        for box in page.evaluate(STICKY):
            assert box["scrolled"] and box["off"] <= 1.5 and box["lastVisible"], box
        assert v.blocked == [] and v.requests == [v.url], v.requests
        assert v.errors == [] and v.console == [], v.errors + v.console
        assert page.evaluate("document.querySelectorAll('script,iframe,object,embed,form,"
                             "base,link').length") == 0
        csp = page.evaluate("document.querySelector('meta[http-equiv]').content")
        assert "default-src 'none'" in csp


def test_index_pages_link_both_ways_in_chromium(index_sites, browser):
    """From the index to a year, to a department, to its report, and back, by clicking."""
    b = need(browser)
    out = index_sites["county"]
    with visit_at(b, out / "index.html", WIDTHS["phone"]) as v:
        page = v.page
        page.route("**/*", lambda r: r.continue_())  # links between the pages are followed
        page.get_by_role("link", name="2022年").first.click()
        assert page.url.endswith("/index-2022.html")
        assert page.locator("h1").inner_text() == "2022年度报告一览"
        page.get_by_role("link", name="示例县司法局").first.click()
        assert page.url.endswith("/d00-01/index.html")
        assert page.locator("h1").inner_text() == "示例县司法局"
        page.get_by_role("link", name="2023年").first.click()
        assert page.url.endswith("/index-2023.html")
        page.get_by_role("link", name="返回索引").click()
        assert page.url.endswith("/index.html") and "index-" not in page.url
