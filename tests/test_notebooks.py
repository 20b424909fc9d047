"""The part notebooks: thin, parameterised, committed without outputs."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
#: part notebooks NN-<part>.ipynb, one department-year each (the others, such as the
#: cross-department rollup, take no org and year)
PART_NOTEBOOKS = [p for p in NOTEBOOKS if p.name[:2].isdigit()]
PARAMETERS = {"org", "year", "data_dir", "out_dir"}


def _code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def _assigned(source):
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def test_the_part_notebooks_are_there():
    names = [p.name for p in PART_NOTEBOOKS]
    assert names == ["01-measures.ipynb", "02-shortcomings.ipynb", "03-leadership.ipynb",
                     "04-plan.ipynb", "05-other.ipynb", "06-summary.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_cell(path):
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    (cell,) = tagged
    assert cell.cell_type == "code"
    wanted = PARAMETERS if path in PART_NOTEBOOKS else {"data_dir", "out_dir"}
    assert wanted <= _assigned(cell.source)
    # it comes before any cell that uses the parameters
    first_code = _code_cells(nb)[0]
    assert first_code is cell


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in _code_cells(nb):
        assert cell.outputs == [], f"outputs committed in {path.name}"
        assert cell.execution_count is None, f"execution count committed in {path.name}"
    assert "papermill" not in nb.metadata


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_thin_no_def_or_class(path):
    nb = nbformat.read(path, as_version=4)
    for cell in _code_cells(nb):
        for node in ast.walk(ast.parse(cell.source)):
            assert not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef,
                                         ast.ClassDef, ast.Lambda)), \
                f"{path.name}: logic belongs in lawreport/, not in the notebook"
            assert not isinstance(node, (ast.For, ast.While)), f"{path.name}: a loop"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_kernelspec(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "lawreport"
    assert nb.metadata["kernelspec"]["language"] == "python"


def test_parameters_file_covers_the_notebook_parameters():
    import yaml

    params = yaml.safe_load((ROOT / "parameters" / "2021.yaml").read_text(encoding="utf-8"))
    assert PARAMETERS <= set(params)
    assert params["year"] == 2021 and params["org"] == "yuncheng-kjj"


def test_papermill_cli_runs_a_part_notebook(tmp_path):
    """The README's command line, from the project root, writing nothing into the repo."""
    papermill = Path(sys.executable).parent / "papermill"
    out_nb = tmp_path / "out.ipynb"
    r = subprocess.run(
        [str(papermill), "notebooks/01-measures.ipynb", str(out_nb),
         "-f", "parameters/2021.yaml", "-p", "out_dir", str(tmp_path / "outputs"),
         "--no-progress-bar"],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    nb = nbformat.read(out_nb, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "lawreport"
    assert nb.metadata["papermill"]["parameters"]["out_dir"] == str(tmp_path / "outputs")
    html = "".join(o.get("data", {}).get("text/html", "")
                   for c in _code_cells(nb) for o in c.outputs)
    assert "推进法治政府建设的主要举措和成效" in html
    assert "报送监管行为 233 次" in html
    errors = [o for c in _code_cells(nb) for o in c.outputs if o.output_type == "error"]
    assert errors == []
