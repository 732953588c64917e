"""Piece n° 1, the dated chronology, drawn straight into a PDF.

A chronology can run to thousands of rows; converting a DOCX that long through
LibreOffice, then stamping each page, takes minutes. Drawn here with reportlab, it
needs neither: the « Pièce n° 1 » band is drawn on each page as the pieces' band is
(``pdf_pages.draw_band``), the header row is repeated on every page, and the time
grows with the number of rows only. Layout is computed first (line breaks, row
heights, pages), then drawn, so that each page knows the page count.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4

from .pdf_pages import BOTTOM, GAP, MARGIN, MM, draw_band, fonts, new_canvas, reserved, wrap
from .textops import draw_right_string, draw_string

TITLE, TEXT, HEAD, CELL = 15, 9.5, 11.5, 8.5
LEAD = 1.3  # line height / font size
PAD = 1.2 * MM
BOX_GAP = 0.8 * MM
BOXES = 12
DARK, LIGHT, GRID, SHADE = (
    (0.18, 0.33, 0.59),
    (0.62, 0.76, 0.90),
    (0.5, 0.5, 0.5),
    (0.85, 0.85, 0.85),
)

Table = tuple[str, list[str], list[list[str]], list[float]]  # heading, columns, rows, widths mm


@dataclass
class _Page:
    items: list[tuple] = field(default_factory=list)  # (kind, y from the top, payload)


class _Layout:
    """Places blocks down the pages; a block never splits (a row, a line, a chart row)."""

    def __init__(self) -> None:
        self.width, self.height = A4
        self.top = self.height - reserved(False) - GAP
        self.pages: list[_Page] = [_Page()]
        self.y = self.top
        self.repeat: tuple | None = None  # a table's header, drawn again on a new page

    def place(self, kind: str, height: float, payload) -> None:
        if self.y - height < BOTTOM + 6 * MM and self.y < self.top:
            self.pages.append(_Page())
            self.y = self.top
            if self.repeat is not None and kind == "row":
                head_height, head = self.repeat
                self.pages[-1].items.append(("row", self.y, head))
                self.y -= head_height
        self.pages[-1].items.append((kind, self.y, payload))
        self.y -= height

    def space(self, points: float) -> None:
        self.y -= points


def _lines(text: str, font: str, size: float, room: float) -> list[str]:
    return wrap(fonts().fit(text), font, size, room)


def _row(cells: list[str], widths: list[float], bold: bool) -> tuple[float, dict]:
    f = fonts()
    font = f.bold if bold else f.regular
    wrapped = [_lines(c, font, CELL, w - 2 * PAD) for c, w in zip(cells, widths, strict=True)]
    height = max(len(lines) for lines in wrapped) * CELL * LEAD + 2 * PAD
    return height, {"cells": wrapped, "widths": widths, "height": height, "bold": bold}


def _layout(title: str, intro: list[str], weeks, tables: list[Table]) -> _Layout:
    f = fonts()
    page = _Layout()
    room = page.width - 2 * MARGIN
    for line in _lines(title, f.bold, TITLE, room):
        page.place("text", TITLE * LEAD, (line, f.bold, TITLE))
    page.space(2 * MM)
    for paragraph in intro:
        for line in _lines(paragraph, f.regular, TEXT, room):
            page.place("text", TEXT * LEAD, (line, f.regular, TEXT))
        page.space(1 * MM)
    if weeks:
        page.space(3 * MM)
        page.place("text", HEAD * LEAD, ("Démarches par semaine", f.bold, HEAD))
        legend = "Une case par démarche : foncée avec un justificatif, claire sans justificatif."
        page.place("text", CELL * LEAD + 1 * MM, (legend, f.regular, CELL))
        for label, count, proven in weeks:
            page.place("chart", 5.5 * MM, (label, count, proven))
    for heading, columns, rows, widths_mm in tables:
        scale = room / (sum(widths_mm) * MM)
        widths = [w * MM * scale for w in widths_mm]
        page.space(4 * MM)
        page.repeat = None
        page.place("text", HEAD * LEAD + 1 * MM, (heading, f.bold, HEAD))
        head_height, head = _row(columns, widths, bold=True)
        page.place("row", head_height, head)
        page.repeat = (head_height, head)
        for cells in rows:
            height, row = _row(cells, widths, bold=False)
            page.place("row", height, row)
        page.repeat = None
    return page


def _draw_row(canvas, y: float, row: dict) -> None:
    f = fonts()
    x, height = MARGIN, row["height"]
    if row["bold"]:
        canvas.setFillColorRGB(*SHADE)
        canvas.rect(x, y - height, sum(row["widths"]), height, stroke=0, fill=1)
        canvas.setFillColorRGB(0, 0, 0)
    canvas.setStrokeColorRGB(*GRID)
    canvas.setLineWidth(0.4)
    canvas.setFont(f.bold if row["bold"] else f.regular, CELL)
    for lines, w in zip(row["cells"], row["widths"], strict=True):
        canvas.rect(x, y - height, w, height, stroke=1, fill=0)
        for i, line in enumerate(lines):
            draw_string(canvas, x + PAD, y - PAD - CELL - i * CELL * LEAD + 1.5, line)
        x += w


def _draw_chart(canvas, y: float, label: str, count: int, proven: int) -> None:
    """One week: its label, « made (with proof) », one separate box per attempt."""
    f = fonts()
    canvas.setFont(f.regular, CELL)
    canvas.setFillColorRGB(0, 0, 0)
    draw_string(canvas, MARGIN, y - 4 * MM, label)
    draw_right_string(canvas, MARGIN + 50 * MM, y - 4 * MM, f"{count} ({proven})")
    if count == 0:
        canvas.setFillColorRGB(*GRID)
        draw_string(canvas, MARGIN + 54 * MM, y - 4 * MM, "aucune démarche")
        canvas.setFillColorRGB(0, 0, 0)
        return
    size = 4 * MM
    canvas.setStrokeColorRGB(*GRID)
    canvas.setLineWidth(0.5)
    for i in range(min(count, BOXES)):
        canvas.setFillColorRGB(*(DARK if i < proven else LIGHT))
        canvas.rect(MARGIN + 54 * MM + i * (size + BOX_GAP), y - 4.8 * MM, size, size, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    if count > BOXES:
        draw_string(canvas, MARGIN + 54 * MM + BOXES * (size + BOX_GAP), y - 4 * MM, "…")


def chronology_pdf(
    title: str,
    intro: list[str],
    weeks: list[tuple[str, int, int]],
    tables: list[Table],
    *,
    number: int,
    label: str,
    footer: str,
) -> bytes:
    """The chronology as a PDF piece: title, intro lines, the weekly chart, the tables."""
    layout = _layout(title, intro, weeks, tables)
    buffer = io.BytesIO()
    canvas = new_canvas(buffer)
    canvas.setTitle(f"Pièce n° {number} – {label}")
    total = len(layout.pages)
    f = fonts()
    for index, page in enumerate(layout.pages, start=1):
        draw_band(canvas, A4, number, label, (index, total))
        for kind, y, payload in page.items:
            if kind == "text":
                text, font, size = payload
                canvas.setFont(font, size)
                draw_string(canvas, MARGIN, y - size, text)
            elif kind == "row":
                _draw_row(canvas, y, payload)
            else:
                _draw_chart(canvas, y, *payload)
        canvas.setFont(f.regular, 7)
        canvas.setFillColorRGB(0.4, 0.4, 0.4)
        draw_string(canvas, MARGIN, BOTTOM - 4 * MM, f.fit(footer))
        canvas.setFillColorRGB(0, 0, 0)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
