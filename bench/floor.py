#!/usr/bin/env python3
"""The floor: the part notebooks' own code, in one plain Python process, no Jupyter.

``python bench/floor.py PARAMS_JSON NOTEBOOK...`` runs the code cells of each
notebook one after another, each notebook in a fresh namespace holding the
parameters (as papermill would inject them), and shows the value of a cell's
last expression as Jupyter would (its ``_repr_html_`` and ``repr``). No
kernel, no papermill, no nbconvert: what is left is the work itself, plus
the imports the notebooks need. ``bench/run.py`` times it as a subprocess.
"""

from __future__ import annotations

import ast
import json
import os
import sys


def display(value):
    """What Jupyter's display formatter computes for a cell's value (HTML and text)."""
    if value is None:
        return
    html = getattr(value, "_repr_html_", None)
    if callable(html):
        html()
    repr(value)


def run_notebook(path, parameters):
    with open(path, encoding="utf-8") as fh:
        nb = json.load(fh)
    ns = {"__name__": "__main__"}
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        tree = ast.parse(source)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        exec(compile(tree, path, "exec"), ns)
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            ns.update(parameters)  # papermill's injected-parameters cell
        if last is not None:
            display(eval(compile(ast.Expression(last.value), path, "eval"), ns))


def main():
    params = json.loads(sys.argv[1])
    notebooks = [os.path.abspath(nb) for nb in sys.argv[2:]]
    os.environ.setdefault("MPLBACKEND", "agg")  # as the lawreport kernel does
    for nb in notebooks:
        os.chdir(os.path.dirname(nb))  # the kernel's working folder: the notebooks'
        run_notebook(nb, params)


if __name__ == "__main__":
    main()
