"""End to end: the built sample report, its files, and the reference text it reproduces.

The sample is built once per session (``built_sample``); two more builds here:
the figure-change test, and nothing else that starts a kernel.
"""

from __future__ import annotations

import base64
import difflib
import gc
import hashlib
import importlib
import json
import re
import unicodedata
import warnings
from html.parser import HTMLParser

import nbformat
import pytest

import lawreport
from conftest import REFERENCE, ROOT, SAMPLE_DATA, SAMPLE_ORG, SAMPLE_YEAR
from lawreport import load_catalog

SAMPLE_FILE = SAMPLE_DATA / SAMPLE_ORG / f"{SAMPLE_YEAR}.yaml"

#: The public API, pinned: a change here is a change for every caller.
EXPORTED = sorted([
    "BuildError",
    "BuildLockedError",
    "BuildResult",
    "CatalogError",
    "DataValidationError",
    "Finding",
    "InputError",
    "LawReportError",
    "PartExecutionError",
    "PartTimeoutError",
    "__version__",
    "build",
    "load_catalog",
    "load_outline",
    "load_year",
    "validate_file",
])


class _Report(HTMLParser):
    """Visible text, attributes with URLs, and the elements the tests look at."""

    SKIP = {"style", "title", "script"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text, self.urls, self.tags = [], [], []
        self.elements = []  # [tag, classes, text] of h1-h3 and numbered item labels
        self._skip, self._open = 0, []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "action", "data", "poster", "srcset") and value:
                self.urls.append(value)
        if tag in self.SKIP:
            self._skip += 1
        classes = (dict(attrs).get("class") or "").split()
        if tag in ("h1", "h2", "h3") or (tag == "span" and "lr-num" in classes):
            el = [tag, classes, ""]
            self.elements.append(el)
            self._open.append((tag, el))

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self._skip -= 1
        if self._open and self._open[-1][0] == tag:
            self._open.pop()

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        for _tag, el in self._open:
            el[2] += data

    def of(self, tag, cls=None):
        return [t.strip() for tg, classes, t in self.elements
                if tg == tag and (cls is None or cls in classes)]


def parse(html):
    p = _Report()
    p.feed(html)
    p.close()
    return p


def squeeze(text):
    return unicodedata.normalize("NFKC", re.sub(r"\s+", "", text))


@pytest.fixture(scope="module")
def html(built_sample):
    return (built_sample / "report.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def report(html):
    return parse(html)


# -- the report file ------------------------------------------------------------------


def test_report_exists_and_is_chinese(built_sample, html):
    assert (built_sample / "report.html").is_file()
    assert '<html lang="zh"' in html
    assert "<title>运城市科学技术局关于 2021 年法治政府建设的年度报告</title>" in html


def test_report_is_self_contained(html, report):
    assert "<script" not in html.lower()
    assert "script" not in report.tags
    external = [u for u in report.urls
                if u.lower().startswith(("http://", "https://", "//", "file:"))]
    assert external == []
    assert all(u.startswith("data:") or u.startswith("#") for u in report.urls), report.urls
    assert "link" not in report.tags  # no external stylesheet


def test_report_holds_no_code_and_no_parameters(html):
    for code in ("open_part(", "open_summary(", "import lawreport", "lawreport.notebook",
                 "part.body()", "data_dir", "catalog_files", "injected-parameters"):
        assert code not in html, code
    assert "In&nbsp;[" not in html and "In [" not in html  # no input prompts


def test_headings_in_order(report):
    assert report.of("h1") == ["关于 2021 年法治政府建设的年度报告"]
    parts = report.of("h2", "lr-part")
    assert [h[:2] for h in parts] == ["一、", "二、", "三、", "四、"]
    assert parts[0] == "一、推进法治政府建设的主要举措和成效"
    assert parts[3] == "四、2022 年度推进法治政府建设工作计划"
    areas = report.of("h3", "lr-area")
    labels = [re.match(r"（[一二三四五六七八九十]+）", a).group(0) for a in areas]
    first_part = labels[:8]
    assert first_part == ["（一）", "（二）", "（三）", "（四）", "（五）", "（六）", "（七）",
                          "（八）"]
    assert areas[0] == "（一）依法全面履行政府职能"
    assert areas[5] == "（六）加强普法依法治理，深化法制社会建设"
    # areas restart at （一） in every part: 8 + 3 + 3 + 5
    assert labels.count("（一）") == 4
    assert len(areas) == 19


def test_item_numbering_is_continuous(report):
    nums = report.of("span", "lr-num")
    assert nums == [f"{n}." for n in range(1, 28)]


def test_charts_inline(html, report):
    catalog = load_catalog()
    imgs = re.findall(r'<img[^>]*src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    charts = [e for e in catalog.exhibits if e.kind != "table"]
    assert len(imgs) >= len(charts) >= 3
    alts = re.findall(r'<img[^>]*alt="([^"]*)"', html)
    for e in charts:
        assert e.title in alts
    for b64 in imgs:
        assert base64.b64decode(b64).startswith(b"\x89PNG\r\n\x1a\n")
    # the table exhibit is an HTML table, not a picture
    assert "“互联网+监管”工作情况" in "".join(report.text)


def test_data_check_after_the_signature(html, report):
    sig = html.index('class="lr-signature"')
    check = html.index('class="lr-datacheck"')
    assert sig < check
    flat = squeeze("".join(report.text))
    assert flat.index("运城市科学技术局2021年12月30日") < flat.index("数据核验")
    assert flat.count("数据核验") == 1  # nowhere in the published text
    section = html[check:html.index("</section>", check)]
    assert "179" in section and "168" in section
    assert "figures.disclosure.total" in section
    # in Chinese, located by file name and line, with no path of the machine it ran on
    assert "所列合计 179 条，各分项之和为 168 条" in section and "2021.yaml 第 " in section
    assert "stated total" not in section and str(ROOT) not in html and "/tmp/" not in html


def test_figures_json(built_sample):
    rec = json.loads((built_sample / "figures.json").read_text(encoding="utf-8"))
    assert rec["figures"]["internet_supervision.actions_reported"]["value"] == 233
    assert rec["breakdowns"]["disclosure"]["consistent"] is False
    assert rec["year"] == 2021 and rec["org"]["slug"] == "yuncheng-kjj"


def test_provenance_json(built_sample):
    prov = json.loads((built_sample / "provenance.json").read_text(encoding="utf-8"))
    assert prov["org"] == "yuncheng-kjj" and prov["year"] == 2021
    digest = hashlib.sha256(SAMPLE_FILE.read_bytes()).hexdigest()
    assert list(prov["inputs"]["data"].values()) == [digest]
    assert set(prov["inputs"]["notebooks"]) >= {"01-measures.ipynb", "06-summary.ipynb"}
    assert prov["versions"]["lawreport"] is not None
    assert prov["versions"]["papermill"] is not None
    assert prov["parameters"]["org"] == "yuncheng-kjj"


def test_executed_notebooks(built_sample):
    folder = built_sample / "notebooks"
    names = sorted(p.name for p in folder.glob("*.ipynb"))
    # the sample has no 'other' part: its notebook does not run
    assert names == ["01-measures.ipynb", "02-shortcomings.ipynb", "03-leadership.ipynb",
                     "04-plan.ipynb", "06-summary.ipynb"]
    for name in names:
        nb = nbformat.read(folder / name, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert any(c.outputs for c in code), name
        assert not [o for c in code for o in c.outputs if o.output_type == "error"], name
        tags = [t for c in nb.cells for t in c.metadata.get("tags", [])]
        assert "injected-parameters" in tags, name


def test_no_staging_left_behind(built_sample):
    state = built_sample.parent.parent / ".lawreport"
    leftovers = [p for p in (state / "staging").rglob("*") if p.is_file()]
    assert leftovers == []
    assert not (state / "failed").exists() or not any((state / "failed").rglob("*.ipynb"))


# -- the reference ---------------------------------------------------------------------


def test_reference_reproduction(report):
    ref = squeeze(REFERENCE.read_text(encoding="utf-8"))
    text = squeeze("".join(report.text))
    sm = difflib.SequenceMatcher(None, ref, text, autojunk=False)
    matched = sum(b.size for b in sm.get_matching_blocks())
    assert matched / len(ref) >= 0.98


# -- changing a figure -----------------------------------------------------------------


@pytest.fixture(scope="module")
def changed_build(tmp_path_factory):
    """A copy of the sample with actions_reported 233 → 250, built once (warnings kept)."""
    data = tmp_path_factory.mktemp("changed") / "data"
    (data / SAMPLE_ORG).mkdir(parents=True)
    text = SAMPLE_FILE.read_text(encoding="utf-8")
    assert text.count("actions_reported: 233") == 1
    (data / SAMPLE_ORG / f"{SAMPLE_YEAR}.yaml").write_text(
        text.replace("actions_reported: 233", "actions_reported: 250"), encoding="utf-8")
    out = data.parent / "out"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = lawreport.build(data, SAMPLE_ORG, SAMPLE_YEAR, out,
                                 notebooks_dir=ROOT / "notebooks")
        gc.collect()
    return result, out / SAMPLE_ORG / str(SAMPLE_YEAR), caught


def test_figure_change_reaches_text_and_figures(changed_build):
    result, folder, _caught = changed_build
    assert result.report == str(folder / "report.html")
    assert [w.field for w in result.warnings] == ["figures.disclosure.total"]
    flat = squeeze("".join(parse((folder / "report.html").read_text(encoding="utf-8")).text))
    assert "报送监管行为250次" in flat
    assert "233次" not in flat
    rec = json.loads((folder / "figures.json").read_text(encoding="utf-8"))
    assert rec["figures"]["internet_supervision.actions_reported"]["value"] == 250


def test_build_leaves_no_unclosed_resources(changed_build):
    """A build in a long-running process (batch, JupyterLab) must not leak event loops
    or sockets: Python reports each as a ResourceWarning when it is collected."""
    _result, _folder, caught = changed_build
    leaks = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert leaks == []


# -- invalid data ----------------------------------------------------------------------


def test_build_with_an_error_raises_before_writing(sample_copy, tmp_path):
    path = sample_copy / SAMPLE_ORG / f"{SAMPLE_YEAR}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("body_cameras: 3", "body_cameras: -3"), encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(lawreport.DataValidationError) as ei:
        lawreport.build(sample_copy, SAMPLE_ORG, SAMPLE_YEAR, out,
                        notebooks_dir=ROOT / "notebooks")
    assert isinstance(ei.value, lawreport.InputError)
    assert ei.value.exit_code == 2
    errors = [f for f in ei.value.findings if f.level == "error"]
    assert [f.field for f in errors] == ["figures.body_cameras"]
    assert not out.exists()


# -- the public API ----------------------------------------------------------------------


def test_exported_members():
    assert sorted(lawreport.__all__) == EXPORTED
    assert len(set(lawreport.__all__)) == len(lawreport.__all__)
    module = importlib.import_module("lawreport")
    for name in lawreport.__all__:
        assert getattr(module, name, None) is not None, name
    ns = {}
    exec(f"from lawreport import {', '.join(n for n in EXPORTED if n != '__version__')}", ns)
    assert issubclass(ns["DataValidationError"], ns["LawReportError"])
