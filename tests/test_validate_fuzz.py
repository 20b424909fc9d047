"""Random mutations of the sample data file are accepted or refused with findings.

Whatever is done to the text (lines deleted, duplicated, swapped, re-indented or
cut off; YAML punctuation, tabs, quotes and non-ASCII inserted; numbers changed
to negative, fractional, huge or exotic values), loading and validating it
(:func:`lawreport.validate_file`: ``load_yaml`` then ``check_data``) either
accepts it or returns error findings that carry a fix: it never raises.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lawreport
from conftest import SAMPLE_DATA, SAMPLE_ORG, SAMPLE_YEAR

SAMPLE_TEXT = (SAMPLE_DATA / SAMPLE_ORG / f"{SAMPLE_YEAR}.yaml").read_text(encoding="utf-8")
_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])")

#: Characters that mean something to YAML or to placeholders, and some that are
#: only unusual: non-ASCII, full-width braces, line separators, a BOM, a form feed.
ALPHABET = list("{}:-\t&*'\"#|>[],!%@`?~\\ \n") + [
    "中", "文", "：", "，", "｛", "｝", "é", "\u3000", "\u00a0", "\u2028", "\x85", "\ufeff",
    "\x0c", "\x07", "😀", "0", "9", ".", "e"]

#: Replacement values for a number of the file.
NUMBERS = st.one_of(
    st.integers(-10**6, 10**6).map(str),
    st.integers(-10**40, 10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["1e15", "1E400", "-0", "+3", "0101", "09", "0x1F", "0o17", "1_000",
                     "1,000", "2.5", ".5", "5.", "100%", "99.5%", "三", "".join(["9"] * 400),
                     "0." + "9" * 400, ".inf", "-.inf", ".nan", "~", "null", "yes", "",
                     '"3"', "'3'", "[3]", "{a: 3}", "2021-12-30", "12:30"]),
)

MUTATIONS = st.one_of(
    st.tuples(st.just("delete"), st.integers(0, 10**4)),
    st.tuples(st.just("duplicate"), st.integers(0, 10**4)),
    st.tuples(st.just("swap"), st.integers(0, 10**4), st.integers(0, 10**4)),
    st.tuples(st.just("indent"), st.integers(0, 10**4), st.integers(-4, 4)),
    st.tuples(st.just("insert"), st.integers(0, 10**6),
              st.text(st.sampled_from(ALPHABET), min_size=1, max_size=6)),
    st.tuples(st.just("number"), st.integers(0, 10**4), NUMBERS),
    st.tuples(st.just("truncate"), st.integers(0, 10**6)),
)


def mutate(text, mutations):
    """Apply ``mutations`` (see MUTATIONS) one after the other; indices wrap around."""
    for m in mutations:
        lines = text.split("\n")
        kind, i = m[0], m[1]
        if kind == "delete":
            del lines[i % len(lines)]
        elif kind == "duplicate":
            j = i % len(lines)
            lines.insert(j, lines[j])
        elif kind == "swap":
            a, b = i % len(lines), m[2] % len(lines)
            lines[a], lines[b] = lines[b], lines[a]
        elif kind == "indent":
            j = i % len(lines)
            n = m[2]
            lines[j] = " " * n + lines[j] if n >= 0 else re.sub(rf"^ {{0,{-n}}}", "", lines[j])
        elif kind == "insert":
            pos = i % (len(text) + 1)
            text = text[:pos] + m[2] + text[pos:]
            continue
        elif kind == "number":
            spots = list(_NUMBER.finditer(text))
            if spots:
                s = spots[i % len(spots)]
                text = text[:s.start()] + m[2] + text[s.end():]
            continue
        elif kind == "truncate":
            text = text[: i % (len(text) + 1)]
            continue
        text = "\n".join(lines)
    return text


@pytest.fixture(scope="module")
def catalog():
    return lawreport.load_catalog()


@pytest.fixture(scope="module")
def data_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz") / "data" / SAMPLE_ORG
    folder.mkdir(parents=True)
    return folder / f"{SAMPLE_YEAR}.yaml"


def test_the_unmutated_sample_is_accepted(catalog, data_file):
    data_file.write_text(SAMPLE_TEXT, encoding="utf-8")
    data, _outline, findings = lawreport.validate_file(data_file, catalog)
    assert data is not None
    assert [f.level for f in findings] == ["warning"]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(mutations=st.lists(MUTATIONS, min_size=1, max_size=4))
def test_a_mutated_file_is_accepted_or_refused_with_findings(mutations, catalog, data_file):
    text = mutate(SAMPLE_TEXT, mutations)
    data_file.write_bytes(text.encode("utf-8"))
    # must not raise, whatever the text
    data, outline, findings = lawreport.validate_file(data_file, catalog)
    errors = [f for f in findings if f.level == "error"]
    if data is None:
        assert errors, "refused without an error"
        assert outline is None
    else:
        assert not errors and outline is not None
    n_lines = len(re.findall("\r\n|[\n\r\x85\u2028\u2029]", text)) + 1
    for f in findings:
        assert f.level in ("error", "warning")
        assert f.file == str(data_file)
        assert isinstance(f.field, str) and isinstance(f.message, str) and f.message
        assert f.hint.strip(), f"a finding without a fix: {f.format()}"
        assert f.line is None or 1 <= f.line <= n_lines, f.format()
        assert f.format().startswith(str(data_file))


#: One figure of each kind in the sample: a count, a percentage, a capped count.
FIGURE_LINES = ["  body_cameras: 3", "    claim_rate: 100", "    quarterly_assessments: 4"]
EDGE_VALUES = ["0", "-0", "-1", "2.5", "3.0", "+3", "1e15", "1E400", "0101", "09", "0x1F",
               "1_000", "1,000", "100%", "100.5", "1" + "0" * 15, "9" * 400,
               "9" * 400 + ".5", "0." + "9" * 400, ".inf", "-.inf", ".nan", "~", "null", "",
               "yes", "三", '"3"', "[3]", "{a: 3}", "2021-12-30", "12:30", "&a 3", "*a",
               "!!int 3", "!!float 3", "|\n  3", "٣", "３"]


@pytest.mark.parametrize("line", FIGURE_LINES, ids=["count", "percentage", "capped"])
def test_edge_values_in_each_kind_of_figure(line, catalog, tmp_path):
    """Every edge value in a figure of each kind: accepted, or refused at that figure."""
    key = line.split(":")[0].strip()
    indent = " " * (len(line) - len(line.lstrip()))
    for value in EDGE_VALUES:
        path = tmp_path / SAMPLE_ORG / f"{SAMPLE_YEAR}.yaml"
        path.parent.mkdir(exist_ok=True)
        value = value.replace("\n", "\n" + indent)  # a block's text under its key
        text = SAMPLE_TEXT.replace(line, f"{indent}{key}: {value}")
        path.write_text(text, encoding="utf-8")
        data, _outline, findings = lawreport.validate_file(path, catalog)
        errors = [f for f in findings if f.level == "error"]
        if data is None:
            assert any(key in f.field for f in errors), (value, findings)
            assert all(f.hint for f in findings)
