"""Assembling executed part notebooks into one self-contained HTML report.

nbconvert does the work through its own extension points: the ``lawreport``
template package (``lawreport/templates/lawreport``: no scripts, no external
resources, one small stylesheet, ``lang`` from ``HTMLExporter.language_code``),
``exclude_input``, and ``TagRemovePreprocessor`` for parameters cells and
cells tagged ``lr-hide``.
"""

from __future__ import annotations

import threading
from importlib import resources

__all__ = ["assemble", "export_html", "html_cell", "make_exporter", "warm", "REMOVE_TAGS"]

REMOVE_TAGS = ("parameters", "injected-parameters", "lr-hide")
_exporter = None
_EXPORT_LOCK = threading.Lock()  # one exporter per process, used by one thread at a time


def html_cell(cid, html):
    """A code cell whose only output is ``html`` (front matter, signature)."""
    from nbformat.v4 import new_code_cell, new_output

    cell = new_code_cell("", id=cid)
    cell.outputs = [new_output("display_data", data={"text/html": html})]
    return cell


def assemble(parts, front_html, closing_html, appendix=()):
    """One notebook: front matter, the parts' cells, the signature, the appendix.

    ``parts`` and ``appendix`` are executed notebooks, in order.
    """
    from nbformat.v4 import new_notebook

    def cells(prefix, notebooks):
        for i, part in enumerate(notebooks):
            for c in part.cells:
                c = c.copy()
                c.id = f"{prefix}{i}-{c.get('id', '')}"
                yield c

    nb = new_notebook(metadata={"language_info": {"name": "python"}})
    nb.cells = [html_cell("lr-front", front_html), *cells("p", parts),
                html_cell("lr-closing", closing_html), *cells("a", appendix)]
    return nb


def make_exporter(template_name="lawreport", template_file=None):
    """An HTMLExporter for one of lawreport's template packages (``templates/<name>``):
    no inputs or prompts, tagged cells removed, ``lang="zh"``."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor
    from traitlets.config import Config

    base = str(resources.files("lawreport").joinpath("templates"))
    c = Config()
    c.TagRemovePreprocessor.remove_cell_tags = set(REMOVE_TAGS)
    c.TagRemovePreprocessor.enabled = True
    kw = {"template_file": template_file} if template_file else {}
    exporter = HTMLExporter(config=c, template_name=template_name,
                            extra_template_basedirs=[base], **kw)
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.language_code = "zh"
    # the notebook is validated once, after the preprocessors, not after each of them
    # (a dozen validations of the whole report, a third of the export's time)
    exporter.optimistic_validation = True
    exporter.register_preprocessor(TagRemovePreprocessor(config=c), enabled=True)
    return exporter


def _get_exporter():
    global _exporter
    if _exporter is None:
        _exporter = make_exporter()
    return _exporter


def export_html(nb, *, title, version, provenance_line):
    """Render the assembled notebook to the report's HTML text."""
    with _EXPORT_LOCK:
        body, _ = _get_exporter().from_notebook_node(
            nb, resources={"lawreport": {"title": title, "version": version,
                                         "provenance_line": provenance_line}})
    return body


def warm():
    """Export an empty report once, so that what a process's first export pays once (the
    exporter, its compiled templates, nbconvert's HTML clean-up selectors) is paid while
    the process waits for its first kernel, not after its last part."""
    export_html(assemble([], "", ""), title="", version="", provenance_line="")
