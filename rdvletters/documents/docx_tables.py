"""DOCX documents made of tables: the inventory of pieces and the synthesis sheet.

They share the letters' page setup (A4, French, Arial) and footer from ``docx_out`` and
add tables with a header row repeated on each page. (The chronology, which can be the
longest, is drawn straight to PDF by ``court.dossier.chronology_pdf``.)

A journal can hold tens of thousands of steps, and an XML tree of 250,000 cells takes
gigabytes: the rows are written as WordprocessingML text and streamed into
``word/document.xml`` as they come (``docx_package``): linear time, and memory that
holds one row at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from .docx_out import text_paragraph, write
from .model import Document, typographic
from .wordml import ORDINAL, Paragraph, mm_twips, run
from .wordml import text as _text

TABLE_SIZE = 9  # points
HEADER_FILL = "D9D9D9"
TABLE_PROPERTIES = (
    '<w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:type="auto" w:w="0"/>'
    '<w:jc w:val="center"/><w:tblLayout w:type="fixed"/><w:tblLook w:firstColumn="1" '
    'w:firstRow="1" w:lastColumn="0" w:lastRow="0" w:noHBand="0" w:noVBand="1" '
    'w:val="04A0"/></w:tblPr>'
)


# --- rows as WordprocessingML text ----------------------------------------------------
def _french(cell: str) -> str:
    """French typography (``model.typographic``); every rule needs a space, so the many
    cells without one (dates, times) skip the regular expressions."""
    return typographic(cell) if " " in cell else cell


def _open_cell(twips: int, shading: str = "") -> str:
    return (
        f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{twips}"/>{shading}</w:tcPr>'
        '<w:p><w:pPr><w:spacing w:after="0"/></w:pPr>'
    )


def _twips(widths_mm: list[float]) -> list[int]:
    return [mm_twips(w) for w in widths_mm]


def _cell_text(value: str, opening: str) -> str:
    """A cell's text; the « er » of « 1er » in a raised run of its own (``opening`` starts
    a run of the cell's size)."""
    if "1er" not in value:
        return _text(value, True)
    raised = opening.replace("</w:rPr>", '<w:vertAlign w:val="superscript"/></w:rPr>')
    parts = ORDINAL.split(value)
    return "".join(
        (f"</w:r>{raised}{_text(part, True)}</w:r>{opening}" if i % 2 else _text(part, True))
        for i, part in enumerate(parts)
        if part
    )


def _table_rows(rows: Iterable[list[str]], widths_mm: list[float]) -> Iterator[str]:
    """Body rows at 9 pt; the cell markup around the text is made once per column."""
    opening = f'<w:r><w:rPr><w:sz w:val="{int(TABLE_SIZE * 2)}"/></w:rPr>'
    heads = [_open_cell(t) + opening for t in _twips(widths_mm)]
    tail = "</w:r></w:p></w:tc>"
    for values in rows:
        if len(values) != len(heads):
            raise ValueError(f"{len(values)} cellules pour {len(heads)} colonnes")
        cells = [
            heads[i] + (_cell_text(_french(v), opening) if v else "") + tail
            for i, v in enumerate(values)
        ]
        yield "<w:tr>" + "".join(cells) + "</w:tr>"


# --- the document -------------------------------------------------------------------------
def _heading(text: str, size: float = 13) -> Paragraph:
    return Paragraph([run(text, bold=True, size=size)], keep_next=True, before=200)


def _table(headers: list[str], rows: Iterable[list[str]], widths_mm: list[float]) -> Iterator[str]:
    """The table: its grid, a header row repeated on each page, then its rows, streamed."""
    twips = _twips(widths_mm)
    grid = "".join(f'<w:gridCol w:w="{t}"/>' for t in twips)
    shading = f'<w:shd w:val="clear" w:fill="{HEADER_FILL}"/>'
    cells = "".join(
        _open_cell(t, shading) + run(label, bold=True, size=TABLE_SIZE) + "</w:p></w:tc>"
        for t, label in zip(twips, headers, strict=True)
    )
    yield f"<w:tbl>{TABLE_PROPERTIES}<w:tblGrid>{grid}</w:tblGrid>"
    yield f'<w:tr><w:trPr><w:tblHeader w:val="true"/></w:trPr>{cells}</w:tr>'
    buffered: list[str] = []
    for row in _table_rows(rows, widths_mm):
        buffered.append(row)
        if len(buffered) >= 256:
            yield "".join(buffered)
            buffered.clear()
    yield "".join(buffered) + "</w:tbl>"


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
    body: list = [_heading(title, 15)]
    for line in intro:
        paragraph = text_paragraph(typographic(line))
        paragraph.after = 40
        body.append(paragraph)
    for heading, headers, rows, widths in sections:
        body.append(_heading(typographic(heading)))
        body.append(_table(headers, rows, widths))
    document = Document("tableau", {"objet": [title]}, author=author, created=created)
    return write(document, body, text=footer)
