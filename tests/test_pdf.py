"""report.pdf: A4, the reference text as text, embedded fonts by heading level, the
GB/T 9704 text block and line pitch, page numbers, five charts — read back with
pdfplumber (and poppler's pdffonts / pdftotext where installed)."""

from __future__ import annotations

import shutil
import subprocess
from collections import defaultdict

import pdfplumber
import pytest

from conftest import ROOT, SAMPLE_ORG, SAMPLE_YEAR, text_ratio

MM = 72 / 25.4  # points
A4 = (210 * MM, 297 * MM)


@pytest.fixture(scope="module")
def path(built_formats):
    return built_formats / "report.pdf"


@pytest.fixture(scope="module")
def pdf(path):
    with pdfplumber.open(path) as doc:
        yield doc


def _lines(page):
    """{top: [chars]} of a page, one entry per printed line."""
    out = defaultdict(list)
    for c in page.chars:
        out[round(c["top"], 1)].append(c)
    return {t: sorted(cs, key=lambda c: c["x0"]) for t, cs in sorted(out.items())}


def _text(chars):
    return "".join(c["text"] for c in chars)


def test_reproduces_the_reference_text(pdf, reference_text):
    text = "\n".join(p.extract_text() or "" for p in pdf.pages)
    assert text_ratio(reference_text, text) >= 0.98


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdftotext_reads_the_same_text(path, reference_text):
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert text_ratio(reference_text, text) >= 0.98


def test_every_page_is_a4(pdf):
    assert len(pdf.pages) > 5
    for page in pdf.pages:
        assert abs(page.width - A4[0]) < 0.5 and abs(page.height - A4[1]) < 0.5


def _fonts(pdf):
    """{base font name: embedded?} over every page."""
    from pdfminer.pdftypes import resolve1

    out = {}
    for page in pdf.pages:
        fonts = resolve1(page.page_obj.resources.get("Font", {}))
        for ref in fonts.values():
            font = resolve1(ref)
            name = resolve1(font["BaseFont"]).name
            desc = font
            if "DescendantFonts" in font:
                desc = resolve1(resolve1(font["DescendantFonts"])[0])
            fd = resolve1(desc["FontDescriptor"])
            out[name] = any(k in fd for k in ("FontFile", "FontFile2", "FontFile3"))
    return out


def test_every_font_embedded(pdf, path):
    fonts = _fonts(pdf)
    assert fonts and all(fonts.values()), fonts
    if shutil.which("pdffonts"):
        rows = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                              check=True).stdout.splitlines()[2:]
        assert rows and all(r.split()[-5] == "yes" for r in rows), rows  # the emb column


def test_fonts_by_level(pdf):
    first = _lines(pdf.pages[0])
    by_text = {_text(cs)[:6]: cs[0] for cs in first.values()}
    title = next(c for t, c in by_text.items() if t.startswith("关于"))
    assert "Serif-CJK-SC-Bold" in title["fontname"] and round(title["size"]) == 22  # 小标宋
    part = next(c for t, c in by_text.items() if t.startswith("一、"))
    area = next(c for t, c in by_text.items() if t.startswith("（一）"))
    body = next(c for t, c in by_text.items() if t.startswith("市科技局"))
    assert "Sans-CJK-SC" in part["fontname"]  # 黑体
    assert "UKai" in area["fontname"]  # 楷体
    assert "Serif-CJK-SC" in body["fontname"] and "Bold" not in body["fontname"]  # 仿宋
    assert {round(c["size"]) for c in (part, area, body)} == {16}  # 3号


def test_text_block_and_line_pitch(pdf):
    left, right = 28 * MM, A4[0] - 26 * MM  # binding margin 28 mm, text block 156 mm
    top, bottom = 37 * MM, 37 * MM + 225 * MM
    for page in pdf.pages[:3]:
        body = {t: cs for t, cs in _lines(page).items() if round(cs[0]["size"]) == 16}
        assert min(cs[0]["x0"] for cs in body.values()) == pytest.approx(left, abs=0.5)
        assert max(cs[-1]["x1"] for cs in body.values()) <= right + 0.5
        assert min(body) >= top and max(body) <= bottom
    tops = sorted(t for t, cs in _lines(pdf.pages[1]).items() if round(cs[0]["size"]) == 16)
    pitches = [b - a for a, b in zip(tops, tops[1:])]
    assert min(pitches) == pytest.approx(28.95, abs=0.15)  # 22 lines in 225 mm
    assert len(tops) == 22  # a full page of text holds 22 lines
    # 28 characters on a full line of Chinese text
    full = [cs for cs in _lines(pdf.pages[1]).values()
            if round(cs[0]["size"]) == 16 and len(cs) == 28]
    assert full and all(cs[-1]["x1"] - cs[0]["x0"] <= 156 * MM + 0.5 for cs in full)


def test_page_numbers_outer_side(pdf):
    bottom = 37 * MM + 225 * MM
    for n, page in enumerate(pdf.pages, start=1):
        lines = [cs for t, cs in _lines(page).items() if t > bottom]
        assert len(lines) == 1
        chars = lines[0]
        assert _text(chars) == f"— {n} —"
        assert round(chars[0]["size"]) == 14  # 4号
        # the number line 7 mm below the text block (its glyphs a little lower)
        assert chars[0]["top"] - bottom == pytest.approx(7 * MM, abs=4)
        if n % 2:  # odd: right, one character in
            assert chars[-1]["x1"] == pytest.approx(A4[0] - 26 * MM - 14, abs=1)
        else:  # even: left, one character in
            assert chars[0]["x0"] == pytest.approx(28 * MM + 14, abs=1)


def test_five_charts_and_their_captions(pdf):
    assert sum(len(p.images) for p in pdf.pages) == 5
    text = "".join(p.extract_text() or "" for p in pdf.pages).replace(" ", "")
    for caption in ("权责清单事项（按职权类别）", "“互联网+监管”完成情况（%）",
                    "执法人员（按证件类别）", "政务公开信息发布情况（按类别）", "2021年主要数据",
                    "“互联网+监管”工作情况"):
        assert caption in text


def test_the_data_check_starts_a_page_and_charts_are_print_sized(pdf):
    # 数据核验 (the drafters', not the published text) on a page of its own; charts
    # at 300 dpi where they are placed
    starts = [(p.extract_text() or "").split("\n")[0].strip() for p in pdf.pages]
    assert "数据核验" in starts and "主要数据一览" in starts
    for page in pdf.pages:
        for im in page.images:
            assert im["srcsize"][0] / ((im["x1"] - im["x0"]) / 72) == pytest.approx(300, abs=3)


def test_signature_right_date_below(pdf):
    for page in pdf.pages:
        lines = list(_lines(page).values())
        texts = [_text(cs) for cs in lines]
        if "2021年12月30日" in texts:
            i = texts.index("2021年12月30日")
            sig, date = lines[i - 1], lines[i]
            assert _text(sig) == "运城市科学技术局"
            # the date starts two characters right of the signature, and ends two
            # characters from the right of the text block (the stand-in font's digits
            # are a little wider than half a character: a quarter character of slack)
            assert date[-1]["x1"] == pytest.approx(A4[0] - 26 * MM - 2 * 15.79, abs=1.5)
            assert date[0]["x0"] - sig[0]["x0"] == pytest.approx(2 * 15.79, abs=4)
            break
    else:
        pytest.fail("no date line")


def test_no_creation_date(path):
    data = path.read_bytes()
    assert b"/CreationDate" not in data and b"/ModDate" not in data


def _data_dir(folder):
    import json

    prov = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
    return (folder.parent.parent / prov["parameters"]["data_dir"]).resolve()


def test_formats_in_any_order_are_one_build_key():
    """The build key holds the formats in one order: asking for the same set another
    way finds the last build unchanged."""
    from lawreport.pipeline import check_formats

    assert check_formats("pdf,docx,html")[0] == ("html", "docx", "pdf")
    assert check_formats(["docx", " PDF "])[0] == ("docx", "pdf")
    assert check_formats("html")[0] == ("html",)


def test_rebuild_gives_the_same_bytes(built_formats, tmp_path):
    """A forced rebuild of the same inputs writes byte-identical Word, PDF and HTML
    files; a build asking for fewer formats rebuilds and removes the others."""
    import json

    import lawreport

    data = _data_dir(built_formats)
    out = tmp_path / "outputs"
    shutil.copytree(built_formats.parent.parent, out)
    folder = out / SAMPLE_ORG / str(SAMPLE_YEAR)
    lawreport.build(data, SAMPLE_ORG, SAMPLE_YEAR, out, notebooks_dir=ROOT / "notebooks",
                    formats=("html", "docx", "pdf"), force=True)
    for name in ("report.docx", "report.pdf", "report.html"):
        assert (folder / name).read_bytes() == (built_formats / name).read_bytes(), name
    r = lawreport.build(data, SAMPLE_ORG, SAMPLE_YEAR, out, notebooks_dir=ROOT / "notebooks",
                        formats="html")
    assert r.status == "built"
    assert not (folder / "report.pdf").exists() and not (folder / "report.docx").exists()
    prov = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
    assert prov["formats"] == ["html"]


def test_lead_bold_and_a_report_without_signature():
    import io

    from lawreport.document import Document, Item, Part
    from lawreport.pdf_writer import pdf_bytes

    part = Part(key="plan", kind="plan", heading="工作安排", label="一、", number=1,
                items=[Item("推进依法行政。", "1. ", lead="一是加强领导。")])
    tree = Document(title="某某局2022年法治政府建设年度报告", org_name="某某局",
                    year=2022, parts=[part])
    data = pdf_bytes(tree)
    assert data == pdf_bytes(tree)
    with pdfplumber.open(io.BytesIO(data)) as doc:
        chars = doc.pages[0].chars
        text = "".join(c["text"] for c in chars)
        assert "一是加强领导。推进依法行政。" in text.replace(" ", "")
        assert text.count("某某局") == 1  # in the title only: no signature, no date
        lead = next(c for c in chars if c["text"] == "是")
        body = next(c for c in chars if c["text"] == "推")
        assert "Bold" in lead["fontname"] and "Bold" not in body["fontname"]


def test_a_long_title_is_broken_between_words_and_reads_back_whole(tmp_path):
    import io

    from lawreport.document import Document, Item, Part
    from lawreport.extract import read_document
    from lawreport.pdf_writer import pdf_bytes

    title = "某某市教育局关于2022年度法治政府建设情况的报告"
    part = Part(key="measures", kind="measures", heading="主要举措和成效", label="一、",
                number=1, items=[Item("全年开展执法检查45次。")])
    data = pdf_bytes(Document(title=title, org_name="某某市教育局", year=2022, parts=[part]))
    with pdfplumber.open(io.BytesIO(data)) as doc:
        lines = [ln["text"] for ln in doc.pages[0].extract_text_lines()]
    assert lines[:2] == ["某某市教育局关于2022年度", "法治政府建设情况的报告"]
    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    assert read_document(path).title == title


def test_title_lines_break_between_words_into_even_lines():
    from lawreport.document import title_lines

    assert title_lines("关于 2021 年法治政府建设的年度报告") == ["关于 2021 年法治政府建设的年度报告"]
    assert title_lines("中共某某市委某某市人民政府关于2023年度法治政府建设情况的报告") == [
        "中共某某市委某某市人民政府关于", "2023年度法治政府建设情况的报告"]
    assert title_lines("某某自治区某某盟某某旗人民政府办公室关于2023年度推进法治政府建设的情况报告") == [
        "某某自治区某某盟某某旗人民政府办公室", "关于2023年度推进法治政府建设的情况报告"]
    # no break that splits no word makes it fit: the page breaks it
    assert title_lines("某某某某某某某某某某某某某某某某某某某某某某某某年度报告") == [
        "某某某某某某某某某某某某某某某某某某某某某某某某年度报告"]


def test_an_area_numbered_in_arabic_numerals_is_set_as_the_body():
    import io

    from lawreport.document import Document, Item, Part, Section
    from lawreport.pdf_writer import pdf_bytes

    part = Part(key="measures", kind="measures", heading="主要举措和成效", label="一、", number=1,
                sections=[Section("加强组织领导。", "1.", items=[Item("全年召开专题会议3次。")]),
                          Section("规范行政执法", "（一）")])
    data = pdf_bytes(Document(title="某某局2022年法治政府建设年度报告", org_name="某某局",
                              year=2022, parts=[part]))
    with pdfplumber.open(io.BytesIO(data)) as doc:
        by_text = {_text(cs)[:4]: cs[0] for cs in _lines(doc.pages[0]).values()}
    arabic, kai, body = by_text["1.加强"], by_text["（一）规"], by_text["全年召开"]
    assert arabic["fontname"] == body["fontname"] and "Serif-CJK-SC" in body["fontname"]
    assert "UKai" in kai["fontname"]
