"""The « Pièce n° N » band written straight into a piece's pages, its fonts made once.

reportlab used to draw a band document for every piece, with a font subset of its own:
about a third of a long dossier's time. Here the band's two faces are subset once, on
one page where reportlab draws every character the dossier's bands need
(:class:`BandFonts`), and every band is drawn by the same :func:`.pdf_pages.draw_band`
that heads the chronology, on a :class:`BandCanvas` that writes the operators a
reportlab canvas would write, in the same order. Each piece gets its own copy of the
fonts (a piece is a file of its own). A band that would need a character outside the
set gets fonts made for its piece alone, as before.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable

from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase import pdfmetrics

from .pdf_pages import draw_band, fonts, new_canvas

# What every band may draw besides the label and the captions: « Pièce n° 12 »,
# « page 3/4 », a tall image's « partie 1/2 », « … » when a line is cut, « ? » for a
# character the font lacks.
FIXED = "Pièce n° 0123456789 page/ partie – …?"


class BandFonts:
    """The band's regular and bold faces, subset for ``texts`` (labels, captions)."""

    def __init__(self, texts: Iterable[str]) -> None:
        import pikepdf

        face = fonts()
        chars = set(FIXED).union(*(face.fit(text) for text in texts))
        chars.discard("\xa0")  # reportlab draws it as a space
        sample = "".join(sorted(chars))
        buffer = io.BytesIO()
        canvas = new_canvas(buffer)
        self.codes: dict[str, tuple[str, dict[int, int]]] = {}  # face: (name, char -> code)
        for name in (face.regular, face.bold):
            canvas.setFont(name, 10)
            canvas.drawString(0, 0, sample)
            font = pdfmetrics.getFont(name)
            if face.embedded:  # reportlab forgets a subset's codes once it is saved: kept
                state = font.state[canvas._doc]
                self.codes[name] = (state.internalName, dict(state.assignments))
            else:
                self.codes[name] = (canvas._doc.getInternalFontName(name), {})
        canvas.showPage()
        canvas.save()
        self.chars = chars | {"\xa0"}
        self._runs: dict[tuple[str, str], list[tuple[str, bytes]]] = {}
        self.embedded = face.embedded
        self._pdf = pikepdf.open(io.BytesIO(buffer.getvalue()))
        self.objects = dict(self._pdf.pages[0].Resources.Font.items())

    def covers(self, text: str) -> bool:
        """Whether every character of ``text`` (as the band shows it) is in the fonts."""
        return set(fonts().fit(text)) <= self.chars

    def runs(self, name: str, text: str) -> list[tuple[str, bytes]]:
        """(font resource, encoded bytes) for ``text`` in face ``name``, split between a
        TrueType font's subsets as reportlab's ``splitString`` does (or, for Helvetica,
        encoded as reportlab does for the standard fonts)."""
        key = (name, text)
        if key not in self._runs:  # the label and captions come back on every page
            self._runs[key] = self._split(name, text)
        return self._runs[key]

    def _split(self, name: str, text: str) -> list[tuple[str, bytes]]:
        internal, assignments = self.codes[name]
        if not self.embedded:
            return [(internal, text.encode("cp1252"))]
        runs: list[tuple[str, bytes]] = []
        current, codes = -1, bytearray()
        for char in text:
            n = assignments.get(32 if char == "\xa0" else ord(char), 0)
            if n >> 8 != current:
                if codes:
                    runs.append((f"/{internal}+{current}", bytes(codes)))
                current, codes = n >> 8, bytearray()
            codes.append(n & 0xFF)
        if codes:
            runs.append((f"/{internal}+{current}", bytes(codes)))
        return runs


class BandCanvas:
    """The few drawing calls :func:`.pdf_pages.draw_band` makes, written as PDF operators
    (reportlab's own, number for number); font names are resolved per page by
    :func:`lay_bands`, which gives them names the page does not use yet."""

    def __init__(self, band_fonts: BandFonts) -> None:
        self.fonts = band_fonts
        self.code: list[str | tuple[str, str]] = []  # a tuple: (font resource, rest of line)
        self._font = ("", 0.0)

    def setFillColorRGB(self, r: float, g: float, b: float) -> None:  # noqa: N802 - reportlab's
        self.code.append(f"{fp_str(r, g, b)} rg")

    def setStrokeColorRGB(self, r: float, g: float, b: float) -> None:  # noqa: N802
        self.code.append(f"{fp_str(r, g, b)} RG")

    def setLineWidth(self, width: float) -> None:  # noqa: N802
        self.code.append(f"{fp_str(width)} w")

    def setFont(self, name: str, size: float) -> None:  # noqa: N802
        self._font = (name, size)

    def rect(self, x: float, y: float, w: float, h: float, stroke: int = 1, fill: int = 0) -> None:
        operator = {(0, 1): "f*", (1, 0): "S", (1, 1): "B*"}[stroke, fill]
        self.code.append(f"n {fp_str(x, y, w, h)} re {operator}")

    def line(self, x1: float, y1: float, x2: float, y2: float) -> None:
        self.code.append(f"n {fp_str(x1, y1)} m {fp_str(x2, y2)} l S")

    def drawString(self, x: float, y: float, text: str) -> None:  # noqa: N802
        name, size = self._font
        self.code.append(f"BT 1 0 0 1 {fp_str(x, y)} Tm")
        tail = f" {fp_str(size)} Tf {fp_str(size * 1.2)} TL"
        for resource, data in self.fonts.runs(name, text):
            self.code.append((resource, tail))
            self.code.append(f"({escapePDF(data)}) Tj")
        self.code.append("T* ET")

    def drawRightString(self, x: float, y: float, text: str) -> None:  # noqa: N802
        name, size = self._font
        self.drawString(x - pdfmetrics.stringWidth(text, name, size), y, text)

    def showPage(self) -> None:  # noqa: N802 - one band per BandCanvas
        pass

    def stream(self, names: dict[str, str]) -> bytes:
        """The operators, each font resource written under its name on the page."""
        lines = [c if isinstance(c, str) else names[c[0]] + c[1] for c in self.code]
        return ("\n".join(lines) + "\n").encode("latin-1")

    def resources(self) -> list[str]:
        """The font resources the band uses, in order of first use."""
        return list(dict.fromkeys(c[0] for c in self.code if isinstance(c, tuple)))


def lay_bands(
    pdf,  # noqa: ANN001 - pikepdf.Pdf, the piece being made
    pages: list[tuple[float, float, str | None]],
    number: int,
    label: str,
    band_fonts: BandFonts | None,
) -> None:
    """Draw the band over each page of ``pdf`` (one (width, height, caption) per page)."""
    texts = [label, *(caption for _w, _h, caption in pages if caption)]
    if band_fonts is None or not all(band_fonts.covers(t) for t in texts):
        band_fonts = BandFonts(texts)
    total = len(pages)

    def band(canvas: BandCanvas, index: int) -> None:
        page_w, page_h, caption = pages[index - 1]
        draw_band(canvas, (page_w, page_h), number, label, (index, total), caption)

    stamp(pdf, band_fonts, band)


def stamp(pdf, band_fonts: BandFonts, draw: Callable[[BandCanvas, int], None]) -> None:  # noqa: ANN001
    """Draw ``draw(canvas, k)`` over page k (from 1) of ``pdf`` (pikepdf), in the page's own
    content stream, its fonts added under names of their own: the page keeps one image
    object per picture and no form, as a reader (and Télérecours) expects."""
    import pikepdf

    copied: dict[str, pikepdf.Object] = {}
    for index, page in enumerate(pdf.pages, start=1):
        canvas = BandCanvas(band_fonts)
        draw(canvas, index)
        resources = page.obj.get("/Resources")
        if resources is None:
            resources = page.obj.Resources = pikepdf.Dictionary()
        mine = resources.get("/Font")
        if mine is None:
            mine = resources.Font = pikepdf.Dictionary()
        names: dict[str, str] = {}
        for resource in canvas.resources():
            if resource not in copied:
                copied[resource] = pdf.make_indirect(pdf.copy_foreign(band_fonts.objects[resource]))
            font = copied[resource]
            new = f"/Band{len(names)}"
            while new in mine and mine[new].objgen != font.objgen:  # pages may share mine
                new += "x"
            mine[new] = font
            names[resource] = new
        page.contents_add(b"q\n", prepend=True)
        page.contents_add(b"\nQ\nq\n1 0 0 1 0 0 cm\n" + canvas.stream(names) + b"\nQ\n")
