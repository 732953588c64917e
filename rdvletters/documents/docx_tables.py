"""DOCX documents made of tables: the inventory of pieces and the synthesis sheet.

They share the letters' page setup (A4, French, Arial) from ``docx_out`` and add
tables with a header row repeated on each page. (The chronology, which can be the
longest, is drawn straight to PDF by ``court.dossier.chronology_pdf``.)

A journal can hold tens of thousands of steps. python-docx re-scans the whole
table for each row it adds (quadratic), and an XML tree of 250,000 cells takes
gigabytes; so python-docx lays out the page, each table's header row and one
placeholder row, and the rows themselves are written as WordprocessingML text
streamed into ``word/document.xml`` in place of the placeholder: linear time,
and memory that holds one row at a time. The markup is the one python-docx
writes for the same cells (width, 9 pt, no space after).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from xml.sax.saxutils import escape

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .docx_out import ORDINAL, add_footer, new_page, paragraph_with, to_bytes
from .model import typographic

TABLE_SIZE = 9  # points
PLACEHOLDER = "rdvletters-lignes-{}"
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPECIAL = re.compile("[\x00-\x1f\ufffe\uffff]")
_ROW_START = re.compile(r"<w:tr[ >]")


def _shade(cell, color: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:fill"), color)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_header(row) -> None:
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def _grid(table, widths_mm: list[float]) -> None:
    """Fix column widths in the grid and in the first row (LibreOffice reads the grid)."""
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


# --- rows as WordprocessingML text ----------------------------------------------------
def _text(value: str) -> str:
    """Escaped run content; line breaks and tabs as python-docx writes them."""
    if not _SPECIAL.search(value):  # the usual case, kept fast: one cell among 250,000
        return f'<w:t xml:space="preserve">{escape(value)}</w:t>'
    clean = _XML_INVALID.sub("\ufffd", value)  # a hand-edited journal cannot break the file
    out = []
    for part in re.split(r"(\r\n|\n|\r|\t)", clean):
        if part == "\t":
            out.append("<w:tab/>")
        elif part in ("\n", "\r", "\r\n"):
            out.append("<w:br/>")
        elif part:
            out.append(f'<w:t xml:space="preserve">{escape(part)}</w:t>')
    return "".join(out)


def _french(cell: str) -> str:
    """French typography (``model.typographic``); every rule needs a space, so the many
    cells without one (dates, times) skip the regular expressions."""
    return typographic(cell) if " " in cell else cell


def _open_cell(twips: int) -> str:
    return (
        f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{twips}"/></w:tcPr>'
        '<w:p><w:pPr><w:spacing w:after="0"/></w:pPr>'
    )


def _twips(widths_mm: list[float]) -> list[int]:
    return [Mm(w).twips for w in widths_mm]


def _cell_text(value: str, run: str) -> str:
    """A cell's text; the « er » of « 1er » in a raised run of its own."""
    if "1er" not in value:
        return _text(value)
    raised = run.replace("</w:rPr>", '<w:vertAlign w:val="superscript"/></w:rPr>')
    parts = ORDINAL.split(value)
    return "".join(
        (f"</w:r>{raised}{_text(part)}</w:r>{run}" if i % 2 else _text(part))
        for i, part in enumerate(parts)
        if part
    )


def _table_rows(rows: Iterable[list[str]], widths_mm: list[float]) -> Iterator[str]:
    """Body rows at 9 pt; the cell markup around the text is made once per column."""
    run = f'<w:r><w:rPr><w:sz w:val="{int(TABLE_SIZE * 2)}"/></w:rPr>'
    heads = [_open_cell(t) + run for t in _twips(widths_mm)]
    tail = "</w:r></w:p></w:tc>"
    for values in rows:
        if len(values) != len(heads):
            raise ValueError(f"{len(values)} cellules pour {len(heads)} colonnes")
        cells = [
            heads[i] + (_cell_text(_french(v), run) if v else "") + tail
            for i, v in enumerate(values)
        ]
        yield "<w:tr>" + "".join(cells) + "</w:tr>"


# --- the document -------------------------------------------------------------------------
def _heading(docx, text: str, size: float = 13) -> None:
    paragraph = docx.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = True
    run.font.size = Pt(size)
    paragraph.paragraph_format.space_before = Pt(10)
    paragraph.paragraph_format.keep_with_next = True


def _table(docx, headers: list[str], widths_mm: list[float], mark: str) -> None:
    """The table's frame: grid, header row, and the placeholder its rows replace."""
    table = docx.add_table(rows=2, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
        _shade(cell, "D9D9D9")
    _repeat_header(table.rows[0])
    table.rows[1].cells[0].text = mark
    _grid(table, widths_mm)
    _small(table, TABLE_SIZE)


def table_document(
    title: str,
    intro: list[str],
    sections: list[tuple[str, list[str], list[list[str]], list[float]]],
    *,
    author: str,
    created: datetime,
    footer: str = "",
) -> bytes:
    """A titled document: intro lines, then tables given as
    (heading, headers, rows, widths in mm), all in French typography; ``rows`` may be any
    iterable of rows (read once, as they are written)."""
    intro = [typographic(line) for line in intro]
    docx = new_page(title, author, created)
    _heading(docx, title, 15)
    for line in intro:
        paragraph_with(docx, line).paragraph_format.space_after = Pt(2)
    fills: dict[str, Iterable[str]] = {}
    for heading, headers, rows, widths in sections:
        _heading(docx, typographic(heading))
        mark = PLACEHOLDER.format(len(fills))
        _table(docx, headers, widths, mark)
        fills[mark] = _table_rows(rows, widths)
    add_footer(docx, footer)
    return _splice(to_bytes(docx), fills)


def _splice(data: bytes, fills: dict[str, Iterable[str]]) -> bytes:
    """Replace each placeholder row of ``word/document.xml`` by its rows, streamed."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=member.date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            if member.filename != "word/document.xml":
                target.writestr(info, source.read(member.filename))
                continue
            xml = source.read(member.filename).decode("utf-8")
            with target.open(info, "w") as handle:
                for piece in _pieces(xml, fills):
                    handle.write(piece.encode("utf-8"))
    return out.getvalue()


def _pieces(xml: str, fills: dict[str, Iterable[str]]) -> Iterator[str]:
    position = 0
    for mark, rows in fills.items():
        at = xml.index(mark, position)
        start = max(m.start() for m in _ROW_START.finditer(xml, position, at))
        end = xml.index("</w:tr>", at) + len("</w:tr>")
        yield xml[position:start]
        buffered: list[str] = []
        for row in rows:
            buffered.append(row)
            if len(buffered) >= 256:
                yield "".join(buffered)
                buffered.clear()
        yield "".join(buffered)
        position = end
    yield xml[position:]
