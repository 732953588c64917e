"""A sheet of (label, value) rows as the pages of a piece: « Conditions de la capture »
after a screenshot, « Conditions de réception du fichier » after an upload."""

from __future__ import annotations

import io

from .pdf_pages import BODY_LEADING, BODY_SIZE, MM, TextPages, new_canvas, width, wrap
from .pdf_stamp import Part

LABEL_COLUMN = 48 * MM
UNDER_INDENT = 8 * MM  # a long label: its value on the lines below, nearly full width


def _row(pages: TextPages, label: str, value: str) -> None:
    """« Label : » in bold, the value wrapped in its column (under the label if it is long:
    a certificate's fingerprint, a long address)."""
    said = f"{label} :"
    fits = width(said, pages.fonts.bold, BODY_SIZE) < LABEL_COLUMN - 2 * MM
    column = LABEL_COLUMN if fits else UNDER_INDENT
    room = pages.right - pages.left - column
    lines = wrap(pages.fonts.fit(value), pages.fonts.regular, BODY_SIZE, room)
    pages.line(pages.fonts.fit(said), bold=True)
    if fits:
        pages.y += BODY_LEADING
    for line in lines:
        pages.line(line, x=pages.left + column)


def sheet_part(title: str, rows: list[tuple[str, str]], note: str) -> Part:
    """The sheet's pages, each captioned with ``title`` under the piece's band."""
    buffer = io.BytesIO()
    canvas = new_canvas(buffer)
    pages = TextPages(canvas)  # the title is the band's caption, on every page
    for label, value in rows:
        _row(pages, label, value)
    pages.rule()
    pages.paragraph(note, grey=True)
    count = pages.finish()
    canvas.save()
    return Part(buffer.getvalue(), False, [title] * count)
