"""bench/floor.py, the floor the benchmarks compare with: the notebooks' own code in one
plain process, each notebook in a fresh namespace, parameters as papermill injects them."""

from __future__ import annotations

import json
import subprocess
import sys

import nbformat

from conftest import ROOT


def _notebook(path, *cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src, id=f"c{i}") for i, src in enumerate(cells)]
    nb.cells[0].metadata["tags"] = ["parameters"]
    nbformat.write(nb, path)
    return path


def test_the_floor_runs_each_notebook_in_a_fresh_namespace_with_the_parameters(tmp_path):
    out = tmp_path / "seen.txt"
    first = _notebook(tmp_path / "01-a.ipynb", "who = 'default'\nout = ''",
                      "left_behind = 1\nopen(out, 'a').write(f'a {who}\\n')",
                      "class Shown:\n    def _repr_html_(self):\n"
                      "        open(out, 'a').write('shown\\n')\n        return ''\nShown()")
    second = _notebook(tmp_path / "02-b.ipynb", "who = 'default'\nout = ''",
                       "open(out, 'a').write(f\"b {'left_behind' in globals()}\\n\")")
    r = subprocess.run([sys.executable, ROOT / "bench" / "floor.py",
                        json.dumps({"who": "param", "out": str(out)}), first, second],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert out.read_text().split("\n") == ["a param", "shown", "b False", ""]
