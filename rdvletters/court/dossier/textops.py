"""One line of text written into a reportlab page as reportlab itself would write it.

reportlab's ``Canvas.drawString`` builds a text object, measures the string it never
uses, looks every character up in the font's subset, then joins the pieces: about
40 µs a line. A long journal's report, chronology and registered letters are hundreds
of thousands of lines, so that was most of a stress-sized dossier's time.
:func:`draw_string` writes the same operators, byte for byte, into the canvas's page
(``BT``, the text matrix, ``Tf``/``TL`` for each subset run, ``Tj``, ``T* ET``) and
assigns each new character its code through reportlab's own ``splitString``, so the
font subsets, and therefore the whole file, are exactly what ``drawString`` gives. A
line whose characters all have codes already is encoded by one ``str.translate``.
Only TrueType (embedded) fonts take this path; Helvetica, the last-resort font, is
left to reportlab.
"""

from __future__ import annotations

from functools import lru_cache

from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas


class _Codes:
    """The codes a font's subset 0 gives characters in one document, as a translation
    table (only subset 0: a character past the first 256 goes through reportlab)."""

    __slots__ = ("chars", "known", "name", "state", "table")

    def __init__(self, state, name: str) -> None:  # noqa: ANN001 - reportlab's TTFont.State
        self.state, self.name = state, name
        self.table: dict[int, str] = {}
        self.chars: frozenset[str] = frozenset()
        self.known = -1  # len(state.assignments) when the table was last made

    def encode(self, text: str) -> bytes | None:
        """``text`` in subset 0's codes, or None when a character has none yet."""
        assignments = self.state.assignments
        if len(assignments) != self.known:
            self._refresh(assignments)
        if not self.chars.issuperset(text):
            return None
        return text.translate(self.table).encode("latin-1")

    def _refresh(self, assignments: dict[int, int]) -> None:
        table = {code: chr(n) for code, n in assignments.items() if n < 256}
        if 32 in table:  # reportlab draws a non-breaking space as a space
            table[0xA0] = table[32]
        self.table = table
        self.chars = frozenset(map(chr, table))
        self.known = len(assignments)


def _codes(canvas: Canvas, font) -> _Codes:  # noqa: ANN001 - reportlab's TTFont
    """The document's table for ``font``, made when the font first draws in it (where
    reportlab names the font too, so fonts are numbered in the same order). Kept on the
    document, which lives as long as its canvas."""
    doc = canvas._doc
    tables = doc.__dict__.setdefault("_rdv_codes", {})
    codes = tables.get(font.fontName)
    if codes is None:
        font.splitString("", doc)  # creates the font's state for this document
        codes = tables[font.fontName] = _Codes(font.state[doc], font.getSubsetInternalName(0, doc))
    return codes


@lru_cache(maxsize=64)
def _tail(size: float, leading: float) -> str:
    return f" {fp_str(size)} Tf {fp_str(leading)} TL ("


def draw_string(canvas: Canvas, x: float, y: float, text: str) -> None:
    """``canvas.drawString(x, y, text)``, the same bytes, in a fraction of the time."""
    font = pdfmetrics.getFont(canvas._fontname)
    if not font._dynamicFont or not text or not canvas.bottomup:
        canvas.drawString(x, y, text)
        return
    tail = _tail(canvas._fontsize, canvas._leading)
    codes = _codes(canvas, font)
    data = codes.encode(text)
    if data is not None:
        runs = f"{codes.name}{tail}{escapePDF(data)}) Tj"
    else:
        doc = canvas._doc
        runs = " ".join(
            f"{font.getSubsetInternalName(subset, doc)}{tail}{escapePDF(chunk)}) Tj"
            for subset, chunk in font.splitString(text, doc)
        )
    canvas._code.append(f"BT 1 0 0 1 {fp_str(x, y)} Tm {runs} T* ET")


@lru_cache(maxsize=16)
def _fill(rgb: tuple[float, float, float]) -> str:
    return f"{fp_str(rgb)} rg"


def set_fill_rgb(canvas: Canvas, rgb: tuple[float, float, float]) -> None:
    """``canvas.setFillColorRGB(*rgb)``: the same operator, the same colour kept."""
    canvas._fillColorObj = rgb
    canvas._code.append(_fill(rgb))


def draw_right_string(canvas: Canvas, x: float, y: float, text: str) -> None:
    """``canvas.drawRightString``: the line ending at ``x``."""
    name, size = canvas._fontname, canvas._fontsize
    draw_string(canvas, x - pdfmetrics.stringWidth(text, name, size), y, text)
