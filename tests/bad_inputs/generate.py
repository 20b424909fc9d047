"""Write the bad-input corpus: ``tests/bad_inputs/<case>/<year>.yaml`` and ``EXPECTED.yaml``.

Run from anywhere (``.venv/bin/python tests/bad_inputs/generate.py``) after changing a
case below or the sample data file; ``tests/test_bad_inputs.py`` fails while the files
in the tree differ from what this script writes.

Most cases are the sample ``data/yuncheng-kjj/2021.yaml`` with its slug set to the
case name (the folder it lives in, so the path rules hold) and then changed in one
place. Each case names the error it must produce: its field path ('' for the whole
file), its line (found as the first line of the bad file holding a needle, or a
number, or None when no line applies) and a fragment of its message.

Two cases are too large to keep in the tree and are written at test time by
:func:`huge_file` (50 MB) and :func:`billion_laughs` (aliases that would expand
exponentially).
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SAMPLE = ROOT / "data" / "yuncheng-kjj" / "2021.yaml"
SAMPLE_SLUG = "yuncheng-kjj"

#: The first bytes of a PNG image (a user who gives a screenshot instead of the data).
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06"
       b"\x00\x00\x00\x1f\xf3\xffa\x00\x00\x00\x19IDATx\x9cc\xfc\xff\xff?\x03%\x80\x89"
       b"\x81B0j\xc0\xa8\x01\x00\x00\x97\x1f\x0f\xf1\xa2\x00\x00\x00\x00IEND\xaeB`\x82")


@dataclass(frozen=True)
class Case:
    slug: str          # the case name, also the department folder
    cls: str           # the class of bad input (docs/bad-input.md)
    what: str          # the one change, in words
    mutate: object     # base text → new text (str) or bytes; base has slug = case slug
    field: str         # the field path of the expected error ('' for the file)
    line: object       # needle (str), line number (int) or None
    message: str       # a fragment of the expected message
    year: int = 2021
    build: bool = False     # also run `lawreport build` on it
    cli_only: bool = False  # found by `lawreport validate` (history check), not validate_file


def sub(old, new, count=1):
    """A mutation replacing ``old`` (which must occur ``count`` times) with ``new``."""
    def mutate(text):
        n = text.count(old)
        if n != count:
            raise ValueError(f"{old!r} occurs {n} times in the sample, expected {count}")
        return text.replace(old, new)
    return mutate


def cut(start, end=None):
    """A mutation deleting the text from ``start`` up to ``end`` (or the end of the file)."""
    def mutate(text):
        i = text.index(start)
        j = text.index(end, i) if end else len(text)
        return text[:i] + text[j:]
    return mutate


def raw(data):
    return lambda text: data


ITEM_2 = "              按照国家、省、市要求推行证明事项告知承诺制，第一批不涉及。"
CAMERAS = "领取执法记录仪{body_cameras}台"

CASES = [
    # -- malformed YAML ----------------------------------------------------------------
    Case("yaml-unclosed-quote", "malformed YAML", 'report_date: "2021-12-30 (no closing quote)',
         sub('report_date: "2021-12-30"', 'report_date: "2021-12-30'),
         "", "report_date:", "closing quote is missing", build=True),
    Case("yaml-bad-indentation", "malformed YAML", "'name:' indented by 3 spaces instead of 2",
         sub("  name: 运城市科学技术局", "   name: 运城市科学技术局"),
         "", "   name:", "where YAML does not expect one"),
    Case("yaml-bad-indentation-figures", "malformed YAML",
         "a figure indented by 3 spaces among figures indented by 4",
         sub("    total: 179 ", "   total: 179 "),
         "", "    work_news: 118", "not indented like the lines above it"),
    Case("yaml-colon-in-value", "malformed YAML", "an unquoted value containing ': '",
         sub("  name: 运城市科学技术局", "  name: 运城市: 科学技术局"),
         "", "  name: 运城市: 科学技术局", "':' followed by a space inside a value"),
    Case("yaml-unclosed-bracket", "malformed YAML", "body_cameras: [3, 4 (no ']')",
         sub("  body_cameras: 3", "  body_cameras: [3, 4"),
         "", "body_cameras: [3, 4", "'[' on this line is never closed"),
    Case("yaml-unclosed-brace", "malformed YAML", "body_cameras: {a: 3 (no '}')",
         sub("  body_cameras: 3", "  body_cameras: {a: 3"),
         "", "body_cameras: {a: 3", "'{' on this line is never closed"),
    Case("yaml-key-without-colon", "malformed YAML", "'body_cameras 3' (no ':')",
         sub("  body_cameras: 3", "  body_cameras 3"),
         "", "body_cameras 3", "no ':' after the key"),
    Case("yaml-placeholder-starts-value", "malformed YAML",
         "an unquoted item that starts with {year}",
         sub("            - |-\n" + ITEM_2, "            - {year} 年" + ITEM_2.strip()),
         "", "- {year} 年", "starts with '{' is read as a YAML mapping"),
    Case("yaml-two-documents", "malformed YAML", "a '---' line before figures:",
         sub("\nfigures:\n", "\n---\nfigures:\n"),
         "", "---", "second YAML document"),
    Case("yaml-backslash-in-double-quotes", "malformed YAML",
         'outline: "C:\\data\\outline.yaml" (a Windows path in double quotes)',
         sub("outline: yuncheng-2021", 'outline: "C:\\data\\outline.yaml"'),
         "", "outline:", "backslash in double quotes"),
    Case("yaml-control-character", "malformed YAML",
         "a form feed (U+000C, from a PDF) inside a text",
         sub(CAMERAS, "领取执法\x0c记录仪{body_cameras}台"),
         "", "领取执法", "control character U+000C"),
    Case("yaml-deep-nesting", "malformed YAML", "a figure nested 40 brackets deep",
         sub("  body_cameras: 3", "  body_cameras: " + "[" * 40 + "3" + "]" * 40),
         "", "body_cameras: [[[", "nests more than 32 levels"),
    Case("tabs-indentation", "tabs", "a tab instead of two spaces before 'slug:'",
         sub("  slug: tabs-indentation", "\tslug: tabs-indentation"),
         "", "\tslug:", "a tab is used for indentation", build=True),
    # -- full-width input (Chinese input methods) ----------------------------------------
    Case("fullwidth-colon", "full-width input", "body_cameras：3 (a full-width colon)",
         sub("  body_cameras: 3", "  body_cameras：3"),
         "", "body_cameras：3", "full-width colon"),
    Case("fullwidth-space-indent", "full-width input",
         "a full-width space (U+3000) in the indentation of a figure",
         sub("  body_cameras: 3", "  \u3000body_cameras: 3"),
         "figures", "\u3000body_cameras", "contains a full-width space (全角空格, U+3000)"),
    Case("fullwidth-space-after-colon", "full-width input",
         "a full-width space after 'year:'",
         sub("year: 2021", "year:\u30002021"),
         "", "year:\u3000", "followed by a full-width space"),
    # -- encodings ---------------------------------------------------------------------
    Case("encoding-gbk", "encoding", "the whole file saved as GB18030 (GBK)",
         lambda text: text.encode("gb18030"),
         "", 1, "encoded in GBK/GB18030", build=True),
    Case("encoding-utf8-bom", "encoding", "UTF-8 with a byte-order mark",
         lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
         "", 1, "byte-order mark (BOM)", build=True),
    Case("encoding-utf16", "encoding", "the whole file saved as UTF-16 (Notepad 'Unicode')",
         lambda text: text.encode("utf-16"),
         "", 1, "UTF-16 encoded"),
    Case("encoding-invalid-bytes", "encoding", "a stray byte 0xFF (neither UTF-8 nor GBK)",
         lambda text: text.encode("utf-8").replace(b"  body_cameras: 3",
                                                   b"  body_cameras: 3 \xff"),
         "", "body_cameras: 3", "not UTF-8 text (byte 0xff"),
    # -- duplicates, anchors, aliases, merge keys ---------------------------------------
    Case("duplicate-key-top-level", "duplicate keys", "'year: 2021' twice",
         sub("year: 2021\n", "year: 2021\nyear: 2021\n"),
         "year", ("year: 2021", 2), "duplicate key 'year'", build=True),
    Case("duplicate-key-figures", "duplicate keys", "'body_cameras' twice in figures",
         sub("  body_cameras: 3\n", "  body_cameras: 3\n  body_cameras: 4\n"),
         "figures.body_cameras", "body_cameras: 4", "duplicate key 'body_cameras'"),
    Case("duplicate-figure-dotted", "duplicate keys",
         "disclosure.total given again as a dotted key 'disclosure.total: 170'",
         sub("  body_cameras: 3\n", "  body_cameras: 3\n  disclosure.total: 170\n"),
         "figures.disclosure.total", "    total: 179", "given twice"),
    Case("yaml-anchor-alias", "anchors and aliases", "body_cameras: &n 3 and a later *n",
         sub("  body_cameras: 3\n  litigation:\n    cases: 0",
             "  body_cameras: &n 3\n  litigation:\n    cases: *n"),
         "figures.body_cameras", "&n", "an anchor (&n) is not allowed"),
    Case("yaml-undefined-alias", "anchors and aliases", "body_cameras: *cams (no &cams)",
         sub("  body_cameras: 3", "  body_cameras: *cams"),
         "figures.body_cameras", "*cams", "an alias (*cams) is not allowed"),
    Case("yaml-merge-key", "merge keys", "'<<: {finance: 7}' inside figures.disclosure",
         sub("    finance: 7\n", "    <<: {finance: 7}\n"),
         "figures.disclosure", "<<:", "merge keys (<<) are not allowed"),
    # -- values of the wrong type --------------------------------------------------------
    Case("type-text-for-number", "wrong type", "body_cameras: 三台",
         sub("  body_cameras: 3", "  body_cameras: 三台"),
         "figures.body_cameras", "body_cameras:", "expected a number, found '三台'"),
    Case("type-list-for-number", "wrong type", "body_cameras: [3]",
         sub("  body_cameras: 3", "  body_cameras: [3]"),
         "figures.body_cameras", "body_cameras:", "expected a number, found a list"),
    Case("type-yes-for-number", "wrong type", "body_cameras: yes (a YAML 1.1 boolean)",
         sub("  body_cameras: 3", "  body_cameras: yes"),
         "figures.body_cameras", "body_cameras:", "expected a number, found 'yes'"),
    Case("type-empty-figure", "wrong type", "body_cameras: (no value)",
         sub("  body_cameras: 3", "  body_cameras:"),
         "figures.body_cameras", "body_cameras:", "expected a number, found nothing"),
    Case("type-mapping-for-text", "wrong type", "org name given as a mapping",
         sub("  name: 运城市科学技术局", "  name: {cn: 运城市科学技术局}"),
         "org.name", "  name:", "expected department name, found a mapping"),
    Case("type-org-not-a-mapping", "wrong type", "org: 运城市科学技术局 (no slug/name)",
         sub("org:\n  slug: type-org-not-a-mapping\n  name: 运城市科学技术局\n",
             "org: 运城市科学技术局\n"),
         "org", "org:", "expected 'slug' and 'name' under org"),
    # -- numbers ---------------------------------------------------------------------
    Case("number-leading-zero", "numbers", "body_cameras: 0101 (YAML 1.1 octal = 65)",
         sub("  body_cameras: 3", "  body_cameras: 0101"),
         "figures.body_cameras", "body_cameras:", "octal number 65"),
    Case("count-negative", "numbers", "body_cameras: -3",
         sub("  body_cameras: 3", "  body_cameras: -3"),
         "figures.body_cameras", "body_cameras:", "-3 is below 0"),
    Case("count-fraction", "numbers", "body_cameras: 2.5",
         sub("  body_cameras: 3", "  body_cameras: 2.5"),
         "figures.body_cameras", "body_cameras:", "2.5 is not a whole number"),
    Case("percentage-over-100", "numbers", "claim_rate: 120",
         sub("    claim_rate: 100", "    claim_rate: 120"),
         "figures.internet_supervision.claim_rate", "claim_rate:", "(percentages are 0-100)"),
    Case("percentage-with-sign", "numbers", "claim_rate: 100%",
         sub("    claim_rate: 100", "    claim_rate: 100%"),
         "figures.internet_supervision.claim_rate", "claim_rate:", "'100%' is not a number",
         build=True),
    Case("number-huge", "numbers", "body_cameras: 1000000000000000",
         sub("  body_cameras: 3", "  body_cameras: 1000000000000000"),
         "figures.body_cameras", "body_cameras:", "1000000000000000 is above its bound"),
    Case("number-exponent", "numbers", "body_cameras: 1e15",
         sub("  body_cameras: 3", "  body_cameras: 1e15"),
         "figures.body_cameras", "body_cameras:", "expected a number, found '1e15'"),
    Case("number-overflow", "numbers", "claim_rate: a 400-digit number (beyond a float)",
         sub("    claim_rate: 100", "    claim_rate: " + "9" * 400),
         "figures.internet_supervision.claim_rate", "claim_rate:", "too large to be a figure",
         build=True),
    # -- dates and years -------------------------------------------------------------
    Case("date-impossible", "dates", "report_date: 2021-13-45",
         sub('report_date: "2021-12-30"', "report_date: 2021-13-45"),
         "report_date", "report_date:", "not a date of the calendar (month must be in 1..12)"),
    Case("date-not-a-date", "dates", "report_date: 2021年12月30日",
         sub('report_date: "2021-12-30"', "report_date: 2021年12月30日"),
         "report_date", "report_date:", "expected a date YYYY-MM-DD, found '2021年12月30日'"),
    Case("year-quoted", "dates", 'year: "2021" (a number written as text)',
         sub("year: 2021", 'year: "2021"'),
         "year", "year:", "written as quoted text", build=True),
    Case("year-two-digits", "dates", "year: 21",
         sub("year: 2021", "year: 21"),
         "year", "year:", "expected a four-digit year, found '21'"),
    Case("year-contradicts-path", "paths and slugs", "year: 2022 in 2021.yaml",
         sub("year: 2021", "year: 2022"),
         "year", "year:", "year 2022 contradicts the file name 2021.yaml", build=True),
    # -- slugs ---------------------------------------------------------------------------
    Case("slug-dotdot", "paths and slugs", "slug: ../x",
         sub("slug: slug-dotdot", "slug: ../x"),
         "org.slug", "slug:", "'../x' is not a valid slug"),
    Case("slug-slash", "paths and slugs", "slug: a/b",
         sub("slug: slug-slash", "slug: a/b"),
         "org.slug", "slug:", "'a/b' is not a valid slug"),
    Case("slug-chinese", "paths and slugs", "slug: 科技局",
         sub("slug: slug-chinese", "slug: 科技局"),
         "org.slug", "slug:", "'科技局' is not a valid slug"),
    Case("slug-uppercase", "paths and slugs", "slug: Slug-Uppercase",
         sub("slug: slug-uppercase", "slug: Slug-Uppercase"),
         "org.slug", "slug:", "'Slug-Uppercase' is not a valid slug"),
    Case("slug-space", "paths and slugs", "slug: slug space",
         sub("slug: slug-space", "slug: slug space"),
         "org.slug", "slug:", "'slug space' is not a valid slug"),
    Case("slug-differs-from-folder", "paths and slugs", "slug: yuncheng-kjj in another folder",
         sub("slug: slug-differs-from-folder", f"slug: {SAMPLE_SLUG}"),
         "org.slug", "slug:", "differs from the folder 'slug-differs-from-folder'", build=True),
    Case("slug-leading-zero", "paths and slugs",
         "slug: 0101 (kept as the text '0101', not octal 65)",
         sub("slug: slug-leading-zero", "slug: 0101"),
         "org.slug", "slug:", "slug '0101' differs from the folder"),
    # -- placeholders ----------------------------------------------------------------
    Case("placeholder-unknown-figure", "placeholders", "{body_camera} (a typo)",
         sub(CAMERAS, "领取执法记录仪{body_camera}台"),
         "narrative.parts.measures.areas.3.items.5", ("- |-", "{body_camera}台", -1),
         "{body_camera} names an unknown figure (did you mean 'body_cameras'?)"),
    Case("placeholder-no-value", "placeholders", "figure body_cameras deleted, still used",
         sub("  body_cameras: 3\n", ""),
         "narrative.parts.measures.areas.3.items.5", ("- |-", CAMERAS, -1),
         "{body_cameras} has no value in figures", build=True),
    Case("placeholder-lone-open-brace", "placeholders", "{body_cameras台 (no '}')",
         sub(CAMERAS, "领取执法记录仪{body_cameras台"),
         "narrative.parts.measures.areas.3.items.5", ("- |-", "{body_cameras台", -1),
         "unbalanced '{'"),
    Case("placeholder-lone-close-brace", "placeholders", "body_cameras}台 (no '{')",
         sub(CAMERAS, "领取执法记录仪body_cameras}台"),
         "narrative.parts.measures.areas.3.items.5", ("- |-", "body_cameras}台", -1),
         "unbalanced '}'"),
    Case("placeholder-unclosed-dotted", "placeholders", "{a.b with no '}'",
         sub(CAMERAS, "领取执法记录仪{a.b台"),
         "narrative.parts.measures.areas.3.items.5", ("- |-", "{a.b台", -1),
         "unbalanced '{'"),
    Case("placeholder-unknown-format", "placeholders", "{body_cameras:foo}",
         sub(CAMERAS, "领取执法记录仪{body_cameras:foo}台"),
         "narrative.parts.measures.areas.3.items.5", ("- |-", ":foo}", -1),
         "unknown format ':foo'"),
    Case("placeholder-spaces", "placeholders", "{ body_cameras } (spaces inside)",
         sub(CAMERAS, "领取执法记录仪{ body_cameras }台"),
         "narrative.parts.measures.areas.3.items.5", ("- |-", "{ body_cameras }", -1),
         "malformed placeholder '{ body_cameras }'"),
    Case("placeholder-fullwidth-braces", "placeholders", "｛body_cameras｝ (full-width braces)",
         sub(CAMERAS, "领取执法记录仪｛body_cameras｝台"),
         "narrative.parts.measures.areas.3.items.5", ("- |-", "｛body_cameras｝", -1),
         "written with full-width braces"),
    Case("placeholder-yoy-without-previous-year", "placeholders",
         "{body_cameras:yoy} with no 2020 file", sub(CAMERAS, "领取执法记录仪{body_cameras:yoy}台"),
         "narrative.parts.measures.areas.3.items.5", ("- |-", ":yoy}", -1),
         "needs the 2020 data", cli_only=True),
    # -- structure: fields, parts, areas, items ----------------------------------------
    Case("field-typo", "structure", "'figuers:' instead of 'figures:'",
         sub("\nfigures:\n", "\nfiguers:\n"),
         "figuers", "figuers:", "unknown field 'figuers' (did you mean 'figures'?)"),
    Case("field-missing-org", "structure", "no org: block",
         sub("org:\n  slug: field-missing-org\n  name: 运城市科学技术局\n", ""),
         "org", 1, "required field 'org' is missing"),
    Case("field-missing-narrative", "structure", "no narrative: (the file ends after figures)",
         cut("\nnarrative:\n"),
         "narrative", 1, "required field 'narrative' is missing"),
    Case("figure-unknown", "structure", "a figure id not in the catalogue (body_camras)",
         sub("  body_cameras: 3\n", "  body_cameras: 3\n  body_camras: 4\n"),
         "figures.body_camras", "body_camras:", "unknown figure 'body_camras'"),
    Case("figure-wrong-indentation", "structure",
         "body_cameras indented under the group above it",
         sub("  body_cameras: 3", "    body_cameras: 3"),
         "figures.discretion_baseline.body_cameras", "    body_cameras:",
         "nested under 'discretion_baseline'"),
    Case("outline-unknown", "structure", "outline: yuncheng-2020 (not shipped)",
         sub("outline: yuncheng-2021", "outline: yuncheng-2020"),
         "outline", "outline:", "unknown outline 'yuncheng-2020'"),
    Case("part-missing", "structure", "the required part 'plan' deleted",
         cut("    plan:\n"),
         "narrative.parts.plan", "  parts:", "required part 'plan'"),
    Case("part-unknown", "structure", "'shortcoming:' (a typo of a part key)",
         sub("    shortcomings:\n", "    shortcoming:\n"),
         "narrative.parts.shortcoming", "shortcoming:",
         "part 'shortcoming' is not in outline 'yuncheng-2021' (did you mean 'shortcomings'?)"),
    Case("part-unknown-field", "structure", "'areaz:' instead of 'areas:' in a part",
         sub("    shortcomings:\n      areas:", "    shortcomings:\n      areaz:"),
         "narrative.parts.shortcomings.areaz", "areaz:", "unknown field 'areaz' in a part"),
    Case("area-unknown", "structure", "- area: oversite (a typo)",
         sub("- area: oversight", "- area: oversite"),
         "narrative.parts.measures.areas.4.area", "- area: oversite",
         "area 'oversite' is not in part 'measures'", build=True),
    Case("area-no-items", "structure", "an area with 'items: []'",
         sub("        - area: decisions\n          items:\n            - |-\n"
             "              深入贯彻落实《运城市重大行政决策办法》",
             "        - area: decisions\n          items: []\n        - title: 其他\n"
             "          items:\n            - |-\n              深入贯彻落实《运城市重大行政决策办法》"),
         "narrative.parts.measures.areas.2.items", "items: []",
         "an area needs 'items'"),
    Case("item-empty", "structure", 'an item that is ""',
         sub("            - |-\n" + ITEM_2 + "\n", '            - ""\n'),
         "narrative.parts.measures.areas.0.items.1", '- ""', "the text is empty"),
    # -- whole files ---------------------------------------------------------------------
    Case("file-top-level-list", "whole file", "a list instead of a mapping",
         raw("- org: 运城市科学技术局\n- year: 2021\n"),
         "", 1, "expected a mapping of fields"),
    Case("file-plain-text", "whole file", "one line of text, no fields",
         raw("运城市科学技术局 2021 年法治政府建设年度报告\n"),
         "", 1, "expected a mapping of fields"),
    Case("file-empty", "whole file", "0 bytes", raw(b""), "", None, "the file is empty"),
    Case("file-whitespace-only", "whole file", "spaces and newlines only",
         raw(b"  \n\n   \n"), "", None, "the file is empty"),
    Case("file-comment-only", "whole file", "only comments",
         raw("# 运城市科学技术局 2021\n# (data to follow)\n"), "", None,
         "the file holds no data (only comments or blank lines)"),
    Case("file-binary-png", "whole file", "a PNG image renamed to 2021.yaml",
         raw(PNG), "", None, "this is a binary file", build=True),
]


def base_text(slug):
    """The sample file with its slug set to ``slug``."""
    text = SAMPLE.read_text(encoding="utf-8")
    old = f"  slug: {SAMPLE_SLUG}\n"
    assert text.count(old) == 1
    return text.replace(old, f"  slug: {slug}\n")


def line_of(text, needle):
    """Resolve a line spec against ``text``.

    ``needle`` is a line number, None, a string (the first line holding it), or a
    tuple: ``(needle, n)`` the n-th line holding it; ``(before, needle, -1)`` the last
    line holding ``before`` that comes before the first line holding ``needle``.
    """
    if needle is None or isinstance(needle, int):
        return needle
    lines = text.splitlines()
    hits = lambda s: [i for i, line in enumerate(lines, 1) if s in line]  # noqa: E731
    if isinstance(needle, str):
        found = hits(needle)
        if not found:
            raise ValueError(f"{needle!r} not in the text")
        return found[0]
    if len(needle) == 2:
        return hits(needle[0])[needle[1] - 1]
    before, after, _ = needle
    stop = hits(after)[0]
    return [i for i in hits(before) if i < stop][-1]


def render(case):
    """(bytes of the bad file, its expected line)."""
    out = case.mutate(base_text(case.slug))
    data = out.encode("utf-8") if isinstance(out, str) else out
    if isinstance(case.line, (int, type(None))):
        return data, case.line
    text = data.decode("utf-8", errors="replace")
    return data, line_of(text, case.line)


def expected_table():
    """The content of EXPECTED.yaml: case → what it must produce."""
    table = {}
    for case in CASES:
        _data, line = render(case)
        entry = {"class": case.cls, "what": case.what, "year": case.year,
                 "field": case.field, "line": line, "message": case.message}
        if case.build:
            entry["build"] = True
        if case.cli_only:
            entry["cli_only"] = True
        table[case.slug] = entry
    return table


HEADER = """\
# The bad-input corpus: what `lawreport validate` must report for each
# tests/bad_inputs/<case>/<year>.yaml. Written by tests/bad_inputs/generate.py:
# change the cases there and rerun it, do not edit this file.
#
#   class    the kind of bad input (see docs/bad-input.md)
#   what     the one change made to the sample data file
#   year     the file's year (its name)
#   field    field path of the expected error ('' for the whole file)
#   line     its line, or null when no line applies
#   message  a fragment of its message
#   build    true: `lawreport build` is run on it too
#   cli_only true: found by the year-over-year check of `lawreport validate`,
#            not by lawreport.validate_file
"""


def files():
    """``{relative path: bytes}`` of the whole corpus."""
    out = {}
    for case in CASES:
        data, _line = render(case)
        out[f"{case.slug}/{case.year}.yaml"] = data
    text = yaml.safe_dump(expected_table(), allow_unicode=True, sort_keys=False, width=100)
    out["EXPECTED.yaml"] = (HEADER + "\n" + text).encode("utf-8")
    return out


def write(dest=HERE):
    """Write the corpus under ``dest``, removing case folders no longer listed."""
    dest = Path(dest)
    wanted = files()
    keep = {p.split("/")[0] for p in wanted}
    for d in dest.iterdir():
        if d.is_dir() and d.name not in keep and not d.name.startswith(("_", ".")):
            shutil.rmtree(d)
    for rel, data in wanted.items():
        p = dest / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    return wanted


# -- written at test time ------------------------------------------------------------


def huge_file(path, size=50 * 1024 * 1024):
    """A ``size``-byte data file: the sample's figures repeated (text, not sparse)."""
    text = base_text(Path(path).parent.name)
    block = ("  " + "\n  ".join(text.splitlines()) + "\n").encode("utf-8")
    head = text.encode("utf-8")[: text.index("narrative:")] + b"narrative:\n  padding: |\n"
    with open(path, "wb") as fh:
        fh.write(head)
        written = len(head)
        while written < size:
            n = min(len(block), size - written)
            fh.write(block[:n])
            written += n
    return path


def billion_laughs(path, levels=30, width=10):
    """Aliases that would expand to ``width ** levels`` values if YAML expanded them."""
    slug = Path(path).parent.name
    lines = [f"org:\n  slug: {slug}\n  name: 运城市科学技术局", "year: 2021",
             'report_date: "2021-12-30"', "outline: yuncheng-2021",
             f"lol0: &l0 [{', '.join(['哈'] * width)}]"]
    for i in range(1, levels):
        lines.append(f"lol{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]")
    lines.append(f"figures:\n  body_cameras: *l{levels - 1}")
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    written = write(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
    print(f"wrote {len(written) - 1} cases and EXPECTED.yaml under {HERE}")
