"""DOCX documents made of tables: the inventory of pieces and the chronology.

They share the letters' page setup (A4, French, Arial) from ``docx_out`` and add
tables with a header row repeated on each page, and a weekly bar chart drawn
with shaded cells so that a judge sees the pattern of attempts at a glance.
"""

from __future__ import annotations

from datetime import datetime

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .docx_out import add_footer, new_page, to_bytes
from .model import typographic, visible

BAR_CELLS = 12  # width of the weekly chart, in attempts


def _shade(cell, color: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:fill"), color)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_header(row) -> None:
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def _widths(table, widths_mm: list[float]) -> None:
    """Fix column widths in the grid and in every cell (LibreOffice reads the grid)."""
    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)


def _small(table, size: float) -> None:
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.space_after = Pt(0)
                for run in paragraph.runs:
                    run.font.size = Pt(size)


def _table(docx, headers: list[str], rows: list[list[str]], widths_mm: list[float]) -> None:
    table = docx.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(visible(text)).bold = True
        _shade(cell, "D9D9D9")
    _repeat_header(table.rows[0])
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = visible(text)  # journal text may hold what XML cannot
    _widths(table, widths_mm)
    _small(table, 9)


def _heading(docx, text: str, size: float = 13) -> None:
    paragraph = docx.add_paragraph()
    run = paragraph.add_run(visible(text))
    run.bold = True
    run.font.size = Pt(size)
    paragraph.paragraph_format.space_before = Pt(10)
    paragraph.paragraph_format.keep_with_next = True


def _weekly_chart(docx, weeks: list[tuple[str, int, int]]) -> None:
    """One row per week: label, « made (with proof) », and one shaded cell per attempt,
    dark for an attempt with a proof file, light for one without (beyond BAR_CELLS,
    the figures still tell)."""
    table = docx.add_table(rows=0, cols=2 + BAR_CELLS)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for label, count, proven in weeks:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = visible(label), f"{count} ({proven})"
        for i in range(min(count, BAR_CELLS)):
            _shade(cells[2 + i], "2F5597" if i < proven else "9DC3E6")
    _widths(table, [30, 14] + [8.5] * BAR_CELLS)
    for row, (_, count, _proven) in zip(table.rows, weeks, strict=True):
        if count == 0:
            row.cells[2].merge(row.cells[-1]).text = "aucune démarche"
    _small(table, 8)


def table_document(
    title: str,
    intro: list[str],
    sections: list[tuple[str, list[str], list[list[str]], list[float]]],
    *,
    author: str,
    created: datetime,
    weeks: list[tuple[str, int, int]] | None = None,
    footer: str = "",
) -> bytes:
    """A titled document: intro lines, an optional weekly chart, then tables given as
    (heading, headers, rows, widths in mm), all in French typography."""
    intro = [typographic(line) for line in intro]
    sections = [
        (typographic(head), cols, [[typographic(cell) for cell in row] for row in rows], widths)
        for head, cols, rows, widths in sections
    ]
    docx = new_page(visible(title), visible(author), created)
    _heading(docx, title, 15)
    for line in intro:
        docx.add_paragraph(visible(line)).paragraph_format.space_after = Pt(2)
    if weeks:
        _heading(docx, "Démarches par semaine")
        docx.add_paragraph(
            "Une case par démarche : foncée avec un justificatif, claire sans justificatif."
        ).runs[0].font.size = Pt(8)
        _weekly_chart(docx, weeks)
    for heading, headers, rows, widths in sections:
        _heading(docx, heading)
        _table(docx, headers, rows, widths)
    add_footer(docx, visible(footer))
    return to_bytes(docx)
