"""The PDF writer: ``report.pdf`` from the document tree, A4 in the official-document
layout (GB/T 9704-2012), typeset by WeasyPrint.

WeasyPrint implements CSS paged media — ``@page`` size and margins, page counters,
``:left``/``:right`` pages with their own margin boxes — so the page numbers
"— 1 —" sit on the outer side of odd and even pages as the standard wants, with no
browser to drive; it embeds (subsets of) every font it uses and writes text that
copies out as text. (Chromium's print-to-PDF has no odd/even page-number boxes, and
nbconvert's webpdf exporter cannot set A4.)

The page is an HTML rendering made for print from the same tree the other writers
read (the fragments of :mod:`lawreport.render`, the drawings of
:mod:`lawreport.exhibits`) with the stylesheet ``templates/print/report.css``, which
also says which installed face stands in for which official font. The output is the
same bytes for the same tree: no creation date, a fixed document identifier.
"""

from __future__ import annotations

import hashlib
import html
import os

__all__ = ["write_pdf", "pdf_bytes", "print_html", "CSS_PATH"]

CSS_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates", "print",
                        "report.css")
CHAR_PT = 15.79  # one 3号 character on the 28-character grid


def _closing_html(tree):
    """Signature and date placed as in the Word file (``signature_lines``)."""
    from .docx_writer import signature_lines

    lines = signature_lines(tree.signature, tree.date)
    if not lines:
        return ""
    return ('<footer class="lr-signature">' + "".join(
        f'<p style="padding-right: {pad * CHAR_PT:.2f}pt">{html.escape(text)}</p>'
        for text, pad in lines) + "</footer>")


def print_html(tree, drawings=None):
    """The report as one HTML page for print (images inline as data URIs)."""
    from .render import data_check_html, drawing_html, front_html, part_body_html, \
        part_heading_html

    draw = (lambda ref: drawing_html(drawings.of(ref))) if drawings is not None else None
    title = (tree.org_name + tree.title) if tree.show_org else tree.title
    out = ['<!DOCTYPE html>', '<html lang="zh-CN"><head><meta charset="utf-8">',
           f"<title>{html.escape(title)}</title>",
           f'<meta name="author" content="{html.escape(tree.org_name or "")}">',
           '<meta name="generator" content="lawreport">', "</head><body>",
           front_html(tree, page=True)]
    for part in tree.parts:
        out.append(part_heading_html(part))
        out.append(part_body_html(part, draw))
        if drawings is not None:
            out += [drawing_html(d) for d in drawings.after_part(part, tree.parts)]
    out.append(_closing_html(tree))
    if drawings is not None:
        out.append('<section class="lr-appendix">')
        appendix = drawings.appendix()
        if appendix:
            out.append('<section class="lr-keyfigures"><h2>主要数据一览</h2>')
            out += [drawing_html(d) for d in appendix]
            out.append("</section>")
        out.append(data_check_html(drawings.findings))
        out.append("</section>")
    out.append("</body></html>")
    return "\n".join(x for x in out if x)


def pdf_bytes(tree, drawings=None):
    """The PDF of a :class:`lawreport.document.Document` as bytes."""
    import logging

    from weasyprint import CSS, HTML

    page = print_html(tree, drawings)
    # WeasyPrint logs every CSS property it skips; the stylesheet is ours and tested
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    ident = hashlib.sha256(page.encode("utf-8")).hexdigest()[:32].encode()
    doc = HTML(string=page, base_url=os.path.dirname(CSS_PATH))
    return doc.write_pdf(stylesheets=[CSS(filename=CSS_PATH)], pdf_identifier=ident,
                         uncompressed_pdf=False)


def write_pdf(tree, path, drawings=None):
    """Write ``report.pdf`` (see :func:`pdf_bytes`); returns ``path``."""
    data = pdf_bytes(tree, drawings)
    with open(path, "wb") as fh:
        fh.write(data)
    return path
