"""A sheet of (label, value) rows as the pages of a piece: « Conditions de la capture »
after a screenshot, « Conditions de réception du fichier » after an upload."""

from __future__ import annotations

import io

from .pdf_pages import BODY_LEADING, BODY_SIZE, MM, TextPages, new_canvas, width, wrap
from .pdf_stamp import Part

LABEL_COLUMN = 48 * MM
UNDER_INDENT = 8 * MM  # a long label: its value on the lines below, nearly full width


def row(pages: TextPages, label: str, value: str) -> None:
    """« Label : » in bold, the value wrapped in its column; under the label, nearly full
    width, when the label is long or a word of the value would not fit (a fingerprint)."""
    said = f"{label} :"
    room = pages.right - pages.left - LABEL_COLUMN
    longest = max((width(w, pages.fonts.regular, BODY_SIZE) for w in value.split()), default=0)
    fits = width(said, pages.fonts.bold, BODY_SIZE) < LABEL_COLUMN - 2 * MM and longest <= room
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
        row(pages, label, value)
    pages.rule()
    pages.paragraph(note, grey=True)
    count = pages.finish()
    canvas.save()
    return Part(buffer.getvalue(), False, [title] * count)
