"""Reading YAML fast changes nothing: LibYAML's parser gives the same trees, lines and
findings as the pure-Python one, and a file is parsed once per process."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lawreport import catalog, yamlread
from conftest import ROOT
from test_validate_fuzz import MUTATIONS, SAMPLE_TEXT, mutate

pytestmark = pytest.mark.skipif(yamlread._FastLoader is None,
                                reason="PyYAML is built without LibYAML")


def _plain(tree):
    if isinstance(tree, dict):
        return {k: _plain(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_plain(v) for v in tree]
    if isinstance(tree, yamlread.Scalar):
        return (tree.text, tree.quoted, tree.tag, tree.line)
    return tree


def _read(text, fast, monkeypatch):
    with monkeypatch.context() as m:
        if not fast:
            m.setattr(yamlread, "_FastLoader", None)
        try:
            tree, lines, findings = yamlread._parse(text, "data.yaml")
        except yamlread._Fail as exc:
            return "refused", exc.finding.format()
    return _plain(tree), lines, [f.format() for f in findings]


def _corpus():
    for folder, pattern in (("data", "**/*.yaml"), ("lawreport/catalog", "**/*.yaml"),
                            ("tests/bad_inputs", "**/*")):
        for path in sorted((ROOT / folder).glob(pattern)):
            if path.is_file():
                yield path


def test_libyaml_and_the_pure_parser_agree_on_every_sample_and_bad_input(monkeypatch):
    n = 0
    for path in _corpus():
        try:
            text = yamlread._decode(path.read_bytes(), str(path))
        except yamlread._Fail:
            continue  # refused before any parsing
        assert _read(text, True, monkeypatch) == _read(text, False, monkeypatch), path
        n += 1
    assert n > 50


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(MUTATIONS, min_size=1, max_size=5))
def test_libyaml_and_the_pure_parser_agree_on_mutated_data(monkeypatch, mutations):
    text = mutate(SAMPLE_TEXT, mutations)
    assert _read(text, True, monkeypatch) == _read(text, False, monkeypatch)


@pytest.mark.parametrize("text", ["a: 1\nb:\t2\n", "figures:\n  x: ?", "? a",
                                  "\ufeff\ufefforg: 1\n"])
def test_texts_libyaml_reads_differently_go_to_the_pure_parser(monkeypatch, text):
    assert _read(text, True, monkeypatch) == _read(text, False, monkeypatch)


def test_a_file_is_parsed_once_per_process_and_each_reader_gets_its_own_copy(
        tmp_path, monkeypatch):
    calls = []
    compose = yamlread._compose
    monkeypatch.setattr(yamlread, "_compose", lambda *a: calls.append(1) or compose(*a))
    path = tmp_path / "x.yaml"
    path.write_text("figures:\n  a: 1\nlist: [1, 2]\n", encoding="utf-8")
    first = yamlread.read_yaml(path)
    first[0]["figures"]["b"] = "changed by a reader"
    first[0]["list"].append(3)
    first[1]["extra"] = 1
    second = yamlread.read_yaml(path)
    assert len(calls) == 1
    assert set(second[0]["figures"]) == {"a"} and len(second[0]["list"]) == 2
    assert "extra" not in second[1]
    path.write_text("figures:\n  a: 2\n", encoding="utf-8")  # new content: read again
    third = yamlread.read_yaml(path)
    assert len(calls) == 2 and third[0]["figures"]["a"].text == "2"


def test_a_refused_file_is_refused_again_with_the_same_finding(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("a: 1\n a: [\n", encoding="utf-8")
    first, second = yamlread.read_yaml(path), yamlread.read_yaml(path)
    assert first[0] is None and first[2] and \
        [f.format() for f in first[2]] == [f.format() for f in second[2]]


def test_the_catalogue_and_outlines_are_read_once_and_given_as_copies(tmp_path, monkeypatch):
    calls = []
    merge = catalog._merge_file
    monkeypatch.setattr(catalog, "_merge_file", lambda *a: calls.append(a[1]) or merge(*a))
    own = tmp_path / "catalog.yaml"
    own.write_text("indicators:\n  own.x: {name: 自定义, unit: 项}\n", encoding="utf-8")
    catalog._LOADED.clear()
    a = catalog.load_catalog([own])
    a.indicators.pop("own.x")
    b = catalog.load_catalog([own])
    assert len(calls) == 2  # the shipped file and the user's, once each
    assert "own.x" in b.indicators and a is not b
    own.write_text("indicators:\n  own.y: {name: 另一个, unit: 项}\n", encoding="utf-8")
    c = catalog.load_catalog([own])
    assert "own.y" in c.indicators and "own.x" not in c.indicators
    o1 = catalog.load_outline("yuncheng-2021")
    o1.numbering["part"] = "changed"
    assert catalog.load_outline("yuncheng-2021").numbering["part"] != "changed"
