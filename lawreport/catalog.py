"""The indicator catalogue and report outlines, shipped as package data.

``load_catalog()`` reads ``catalog/indicators.yaml`` and merges user files over
it; ``load_outline(name_or_path)`` reads one outline.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import os
import re
import threading
from importlib import resources

import yaml

from .exceptions import CatalogError
from .model import (PART_KINDS, AreaSpec, Breakdown, Catalog, Exhibit, Indicator, Outline,
                    PartSpec)
from .yamlread import Scalar, read_yaml

__all__ = ["load_catalog", "load_outline", "shipped_outlines", "plain", "PART_KEYS"]

KINDS = ("count", "percentage", "number")
EXHIBIT_KINDS = ("bar", "barh", "pie", "table")
ITEM_STYLES = ("continuous", "per_area", "none")
#: The kinds of part of 《法治政府建设与责任落实督察工作规定》 art. 25, one notebook each.
PART_KEYS = PART_KINDS


def plain(tree):
    """Scalars → Python values by YAML's own rules (for catalogue files)."""
    if isinstance(tree, dict):
        return {k: plain(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [plain(v) for v in tree]
    if isinstance(tree, Scalar):
        if tree.quoted or tree.tag.endswith(":str"):
            return tree.text
        return yaml.safe_load(tree.text)
    return tree


def _package_file(*parts):
    ref = resources.files("lawreport").joinpath("catalog")
    for part in parts:
        ref = ref.joinpath(part)
    return ref


def _read(path):
    tree, lines, findings = read_yaml(path)
    if findings:
        raise CatalogError("\n".join(f.format() for f in findings))
    return plain(tree), lines


def _fail(path, lines, fieldpath, msg):
    line = lines.get(fieldpath)
    where = f"{path}:{line}" if line else str(path)
    return CatalogError(f"{where}: {fieldpath}: {msg}")


def _merge_file(cat, path):
    data, lines = _read(path)
    if not isinstance(data, dict):
        raise CatalogError(f"{path}: a catalogue is a mapping with 'indicators', "
                           "'breakdowns' and 'exhibits'")
    for iid, spec in (data.get("indicators") or {}).items():
        fp = f"indicators.{iid}"
        if not isinstance(spec, dict) or "name" not in spec:
            raise _fail(path, lines, fp, "an indicator needs at least 'name' and 'unit'")
        kind = spec.get("kind", "count")
        if kind not in KINDS:
            raise _fail(path, lines, fp + ".kind", f"kind must be one of {', '.join(KINDS)}")
        cat.indicators[iid] = Indicator(
            id=iid, name=str(spec["name"]), unit=str(spec.get("unit", "")), kind=kind,
            min=spec.get("min"), max=spec.get("max"), key=bool(spec.get("key", False)),
            comparable=bool(spec.get("comparable", True)))
    for bid, spec in (data.get("breakdowns") or {}).items():
        fp = f"breakdowns.{bid}"
        if not isinstance(spec, dict) or not spec.get("parts"):
            raise _fail(path, lines, fp, "a breakdown needs 'parts', a list of indicator ids")
        cat.breakdowns[bid] = Breakdown(
            id=bid, name=str(spec.get("name", bid)), parts=tuple(spec["parts"]),
            total=spec.get("total"), rule=spec.get("rule"))
    for i, spec in enumerate(data.get("exhibits") or []):
        fp = f"exhibits.{i}"
        if spec.get("kind") not in EXHIBIT_KINDS:
            raise _fail(path, lines, fp, f"kind must be one of {', '.join(EXHIBIT_KINDS)}")
        columns = spec.get("columns") or ()
        if columns and (spec["kind"] != "table" or not isinstance(columns, list) or
                        len(columns) not in (2, 3)):
            raise _fail(path, lines, fp + ".columns", "columns are a table's own headers: "
                        "[label, value] or [label, value, unit], e.g. [纠纷类型, 件数]")
        cat.exhibits = [e for e in cat.exhibits if e.id != spec.get("id")]
        cat.exhibits.append(Exhibit(
            id=str(spec["id"]), title=str(spec.get("title", spec["id"])), kind=spec["kind"],
            breakdown=spec["breakdown"], part=spec.get("part", "measures"),
            areas=tuple(spec.get("areas") or ()), extra=spec.get("with"),
            columns=tuple(str(c) for c in columns)))
    cat.sources.append(str(path))
    return cat


def _check(cat):
    for b in cat.breakdowns.values():
        for iid in (*b.parts, *([b.total] if b.total else [])):
            if iid not in cat.indicators:
                raise CatalogError(f"breakdown '{b.id}' names unknown indicator '{iid}'")
        if b.rule not in (None, "equal", "at_least"):
            raise CatalogError(f"breakdown '{b.id}': rule must be 'equal' or 'at_least'")
    for e in cat.exhibits:
        for bid in (e.breakdown, e.extra):
            if bid and bid not in cat.breakdowns:
                raise CatalogError(f"exhibit '{e.id}' names unknown breakdown '{bid}'")
    return cat


def load_catalog(extra=()):
    """Load the shipped catalogue, then merge each file of ``extra`` over it.

    Kept per process, keyed by the files' paths and bytes: a second call on
    unchanged files costs a read of the files and gives its own copy.
    """
    extra = [os.fspath(p) for p in extra]
    with resources.as_file(_package_file("indicators.yaml")) as p:
        key = _files_key("catalog", [os.fspath(p), *extra])
    if key is None:  # a file is missing: say so as always
        return _load_catalog(extra)
    return _cached(key, lambda: _load_catalog(extra))


def _load_catalog(extra):
    cat = Catalog()
    with resources.as_file(_package_file("indicators.yaml")) as p:
        _merge_file(cat, p)
    for path in extra:
        if not os.path.isfile(path):
            raise CatalogError(f"{path}: catalogue file not found")
        _merge_file(cat, path)
    return _check(cat)


def shipped_outlines():
    """Names of the outlines shipped with lawreport."""
    folder = _package_file("outlines")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


def load_outline(name, base_dir=None):
    """Load a shipped outline by name, or an outline file by path.

    A relative path is taken relative to ``base_dir`` (the data file's folder).
    Kept per process like :func:`load_catalog`.
    """
    if name in shipped_outlines():
        with resources.as_file(_package_file("outlines", f"{name}.yaml")) as p:
            key = _files_key("outline", [os.fspath(p)], name)
    else:
        path = name if os.path.isabs(name) or base_dir is None else os.path.join(base_dir, name)
        key = _files_key("outline", [path], name, base_dir)
    if key is None:
        return _load_outline(name, base_dir)
    return _cached(key, lambda: _load_outline(name, base_dir))


#: Catalogues and outlines read in this process: key of their files → object.
_LOADED = {}
_LOADED_LOCK = threading.Lock()


def _files_key(what, paths, *more):
    """A key naming ``paths`` by name and content, or None if one cannot be read."""
    key = [what, *more]
    for path in paths:
        try:
            with open(path, "rb") as fh:
                key += [path, os.path.abspath(path), hashlib.sha256(fh.read()).digest()]
        except (OSError, ValueError):
            return None
    return tuple(key)


def _cached(key, load):
    with _LOADED_LOCK:
        obj = _LOADED.get(key)
    if obj is None:
        obj = load()
        with _LOADED_LOCK:
            if len(_LOADED) >= 64:
                _LOADED.clear()
            _LOADED[key] = obj
    return _fresh(obj)


def _fresh(obj):
    """A copy of ``obj`` whose dict, list and set fields are copies too."""
    new = copy.copy(obj)
    names = ([f.name for f in dataclasses.fields(obj)] if dataclasses.is_dataclass(obj)
             else list(vars(obj)))
    for name in names:
        value = getattr(obj, name)
        if isinstance(value, (dict, list, set)):
            object.__setattr__(new, name, copy.copy(value))
    return new


def _load_outline(name, base_dir):
    if name in shipped_outlines():
        ref = _package_file("outlines", f"{name}.yaml")
        with resources.as_file(ref) as p:
            return _build_outline(p)
    path = name if os.path.isabs(name) or base_dir is None else os.path.join(base_dir, name)
    if not (name.endswith((".yaml", ".yml")) and os.path.isfile(path)):
        raise CatalogError(
            f"unknown outline '{name}': use one of {', '.join(shipped_outlines())} "
            "or the path of an outline .yaml file")
    return _build_outline(path)


_PART_KEY = re.compile(r"[a-z][a-z0-9_]{0,40}")
NUMBER_LEVELS = ("part", "area", "item")
#: numbering styles as templates: {cn} 一二三, {n} 1 2 3, {circled} ①②③; "" prints none
NUMBER_STYLES = {"一、": "{cn}、", "（一）": "（{cn}）", "1.": "{n}. ", "1、": "{n}、",
                 "（1）": "（{n}）", "①": "{circled}", "none": ""}


def _template(path, lines, fieldpath, value):
    """A numbering template: a style name of NUMBER_STYLES, or a template of its own."""
    if value is None or value is False:
        return ""
    value = str(value)
    if value in NUMBER_STYLES:
        return NUMBER_STYLES[value]
    if value and not any(t in value for t in ("{cn}", "{n}", "{circled}")):
        raise _fail(path, lines, fieldpath,
                    f"numbering '{value}' has no number in it: write a template with {{cn}} "
                    "(一), {n} (1) or {circled} (①), one of "
                    f"{', '.join(NUMBER_STYLES)}, or none")
    return value


def _numbering(path, lines, fieldpath, tree):
    if tree in (None, {}):
        return {}
    if not isinstance(tree, dict):
        raise _fail(path, lines, fieldpath, "numbering is a mapping of part/area/item to a "
                    "template such as '（{cn}）'")
    out = {}
    for level, value in tree.items():
        if level not in NUMBER_LEVELS:
            raise _fail(path, lines, f"{fieldpath}.{level}",
                        f"numbering level must be one of {', '.join(NUMBER_LEVELS)}")
        out[level] = _template(path, lines, f"{fieldpath}.{level}", value)
    return out


def _build_outline(path):
    data, lines = _read(path)
    try:
        parts, keys = [], set()
        for i, p in enumerate(data["parts"]):
            key = str(p["key"])
            if not _PART_KEY.fullmatch(key):
                raise _fail(path, lines, f"parts.{i}.key", f"part key '{key}' must be lowercase "
                            "ASCII letters, digits and '_', starting with a letter")
            if key in keys or key == "summary":
                raise _fail(path, lines, f"parts.{i}.key", f"part key '{key}' is given twice"
                            if key in keys else "'summary' is the appendix's name: choose "
                            "another part key")
            keys.add(key)
            kind = p.get("kind", key if key in PART_KINDS else None)
            if kind not in PART_KINDS:
                raise _fail(path, lines, f"parts.{i}.kind",
                            f"part '{key}' needs 'kind:', one of {', '.join(PART_KINDS)} "
                            "(what the part reports, whatever its heading says)")
            items = p.get("items", "none")
            if items not in ITEM_STYLES:
                raise _fail(path, lines, f"parts.{i}.items",
                            f"items must be one of {', '.join(ITEM_STYLES)}")
            areas = tuple(AreaSpec(a["key"], str(a["heading"])) for a in p.get("areas") or ())
            numbering = _numbering(path, lines, f"parts.{i}.numbering", p.get("numbering"))
            parts.append(PartSpec(key=key, heading=str(p["heading"]),
                                  required=bool(p.get("required", True)), items=items,
                                  areas=areas, kind=kind,
                                  numbering=tuple(sorted(numbering.items()))))
        numbering = {"part": "{cn}、", "area": "（{cn}）", "item": "{n}. "}
        numbering.update(_numbering(path, lines, "numbering", data.get("numbering")))
        return Outline(name=str(data.get("name", os.path.basename(path)[:-5])),
                       title=str(data.get("title", "{year} 年法治政府建设年度报告")),
                       parts=tuple(parts), numbering=numbering,
                       description=str(data.get("description", "")), source=str(path))
    except (KeyError, TypeError, AttributeError) as exc:
        raise CatalogError(f"{path}: not a valid outline ({exc}); see "
                           "lawreport/catalog/outlines/ for examples") from None
