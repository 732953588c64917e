"""textops.draw_string writes what reportlab's drawString writes: the same file, byte for
byte, whatever the characters (accents, a non-breaking space, more than 256 distinct
characters, one the font lacks), and its text reads back as drawn."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from rdvletters.court.dossier import pdf_pages
from rdvletters.court.dossier.textops import draw_right_string, draw_string

# Greek and Cyrillic: over 256 distinct characters, so the font needs a second subset
MANY = "".join(chr(c) for c in [*range(0x391, 0x3CA), *range(0x400, 0x4FF)] if c != 0x3A2)
LINES = [
    "Aucun créneau disponible (essai 12)",
    "Préfecture\xa0: « rendez-vous » – 14 h 30, 2 € de frais",
    "",
    MANY[:120],
    MANY[120:] + " puis du français : élève, garçon, œuvre",
    "Retour à l'ASCII après le second sous-ensemble",
    "\u4e2d\u6587 absent de la police",  # drawn by reportlab as its « notdef » code
    "(parenthèses) et \\ barre oblique inverse",
]


def _draw(draw, draw_right) -> bytes:  # noqa: ANN001 - the two ways to draw a line
    faces = pdf_pages.fonts()
    buffer = io.BytesIO()
    canvas = pdf_pages.new_canvas(buffer)
    for page in range(2):
        for i, text in enumerate(LINES):
            canvas.setFont(faces.bold if i % 3 == 0 else faces.regular, 9 + i % 2)
            draw(canvas, 40, 780 - 20 * i, text)
        draw_right(canvas, 550, 40, f"page {page + 1}/2")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _reportlab(canvas, x, y, text):  # noqa: ANN001, ANN202
    canvas.drawString(x, y, text)


def _reportlab_right(canvas, x, y, text):  # noqa: ANN001, ANN202
    canvas.drawRightString(x, y, text)


def test_the_same_bytes_as_reportlabs_draw_string():
    if not pdf_pages.fonts().embedded:
        pytest.skip("no TrueType font on this machine: reportlab draws Helvetica itself")
    mine = _draw(draw_string, draw_right_string)
    assert mine == _draw(_reportlab, _reportlab_right)
    pages = PdfReader(io.BytesIO(mine)).pages
    text = pages[1].extract_text()
    assert "Préfecture : « rendez-vous » – 14 h 30, 2 € de frais" in text
    assert MANY[:120] in text.replace("\n", "")
    assert "élève, garçon, œuvre" in text
    assert "(parenthèses) et \\ barre oblique inverse" in text
    assert "page 2/2" in text


def test_helvetica_is_left_to_reportlab():
    def draw(canvas, x, y, text):  # noqa: ANN001, ANN202
        canvas.setFont("Helvetica", 10)
        draw_string(canvas, x, y, text.encode("cp1252", "replace").decode("cp1252"))

    def reference(canvas, x, y, text):  # noqa: ANN001, ANN202
        canvas.setFont("Helvetica", 10)
        canvas.drawString(x, y, text.encode("cp1252", "replace").decode("cp1252"))

    assert _draw(draw, draw_right_string) == _draw(reference, _reportlab_right)


def test_a_kept_font_subset_is_the_one_reportlab_makes():
    """The dossier keeps each font subset it made (``pdf_pages._kept_subsets``): asked
    again, for the same characters in the same order, it gives reportlab's own bytes."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFontFace

    faces = pdf_pages.fonts()
    if not faces.embedded:
        pytest.skip("no TrueType font on this machine")
    face = pdfmetrics.getFont(faces.regular).face
    fresh = TTFontFace(face.filename)
    codes = [0] * 32 + list(range(32, 127)) + [0xE9, 0x20AC, 0xAB]
    first = face.makeSubset(codes)
    assert first == fresh.makeSubset(codes)
    assert face.makeSubset(list(codes)) == first  # kept, and still the same
    other = codes[:-1]
    assert face.makeSubset(other) == fresh.makeSubset(other) != first
