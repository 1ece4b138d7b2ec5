"""A report as a Word document (DOCX), written by python-docx, with the figure as a PNG.

Word's own heading, quote and table styles are used, so a team can restyle the whole
document from its template. Characters a DOCX (XML) cannot hold are written as U+FFFD.
"""

from __future__ import annotations

import io
from typing import Any

from ..errors import MissingExtraError
from ..render.text import xml_safe
from .blocks import (
    Block,
    Bullets,
    Cite,
    Figure,
    Heading,
    Inline,
    Para,
    Quote,
    References,
    Table,
    Text,
)
from .citations import Bibliography

__all__ = ["FIGURE_WIDTH", "write_docx"]

#: the width of the figure in a DOCX report, in inches (A4 or Letter, 1-inch margins)
FIGURE_WIDTH = 6.0


def _add_runs(paragraph: Any, runs: list[Inline], bib: Bibliography) -> None:
    for run in runs:
        if isinstance(run, Cite):
            paragraph.add_run("[" + ", ".join(str(n) for n in bib.numbers(run.studies)) + "]")
        else:
            _add_text(paragraph, run)


def _add_text(paragraph: Any, run: Text) -> None:
    added = paragraph.add_run(xml_safe(run.text))
    marks = set(run.marks)
    added.italic = "i" in marks or None
    added.bold = "b" in marks or None
    if "sup" in marks:
        added.font.superscript = True
    if "sub" in marks:
        added.font.subscript = True
    if "sc" in marks:
        added.font.small_caps = True
    if "u" in marks:
        added.underline = True


def _table(document: Any, table: Table, bib: Bibliography) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    if table.caption:
        caption = document.add_paragraph(style="Caption")
        caption.add_run(xml_safe(table.caption))
    grid = document.add_table(rows=1, cols=len(table.headers))
    grid.style = "Table Grid"
    for i, header in enumerate(table.headers):
        cell = grid.rows[0].cells[i]
        cell.text = ""
        cell.paragraphs[0].add_run(xml_safe(header)).bold = True
    for row in table.rows:
        cells = grid.add_row().cells
        for i, value in enumerate(row):
            paragraph = cells[i].paragraphs[0]
            if isinstance(value, list):
                _add_runs(paragraph, value, bib)
            else:
                paragraph.add_run(xml_safe(str(value)))
            if i in table.numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _block(document: Any, block: Block, bib: Bibliography) -> None:
    from docx.shared import Inches

    if isinstance(block, Heading):
        document.add_heading(
            xml_safe(block.text), level=min(block.level - 1, 9) if block.level > 1 else 0
        )
    elif isinstance(block, Para):
        paragraph = document.add_paragraph()
        _add_runs(paragraph, block.runs, bib)
        if block.kind == "note":
            for run in paragraph.runs:
                run.italic = True
    elif isinstance(block, Quote):
        paragraph = document.add_paragraph(style="Quote")
        _add_runs(paragraph, [Text("\u201c"), *block.runs, Text("\u201d")], bib)
        source = document.add_paragraph(style="Quote")
        _add_runs(source, block.source, bib)
    elif isinstance(block, Bullets):
        for item in block.items:
            _add_runs(document.add_paragraph(style="List Bullet"), item, bib)
    elif isinstance(block, Table):
        _table(document, block, bib)
    elif isinstance(block, Figure):
        if block.png is None:
            document.add_paragraph(xml_safe(block.missing or "No figure."))
        else:
            document.add_picture(io.BytesIO(block.png), width=Inches(FIGURE_WIDTH))
            document.add_paragraph(xml_safe(block.caption), style="Caption")
    elif isinstance(block, References):
        note = document.add_paragraph()
        note.add_run(xml_safe(f"Formatted in {bib.title} by citeproc-py.")).italic = True
        for entry in bib.entries:
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.left_indent = Inches(0.5)
            paragraph.paragraph_format.first_line_indent = Inches(-0.5)
            paragraph.add_run(f"[{entry.number}]\t")
            for run in entry.runs:
                _add_text(paragraph, run)


def write_docx(blocks: list[Block], bib: Bibliography, title: str) -> bytes:
    """The report as the bytes of a DOCX file."""
    try:
        import docx
    except ImportError as exc:
        raise MissingExtraError("Word reports", "python-docx", "report") from exc
    document = docx.Document()
    document.core_properties.title = xml_safe(title)[:255]
    document.core_properties.author = "theorygraph"
    for block in blocks:
        _block(document, block, bib)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
