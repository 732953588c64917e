"""Pages drawn with reportlab: text, e-mails, and the « Pièce n° N » header band.

Imported only when a piece is turned into PDF (reportlab is heavy). Every page
leaves its top ``reserved(caption)`` points free for the header band that
:mod:`.pdf_stamp` lays over it afterwards, so the band never hides content.
Images have their own module (:mod:`.pdf_images`), with the same layout constants.

Output is deterministic (``invariant``: no date, fixed document ID).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from .mailview import MailView
from .textops import draw_string, set_fill_rgb

rl_config.useA85 = 0  # binary streams: ASCII85 would make every image a quarter larger

MM = 72 / 25.4
MARGIN = 15 * MM
BOTTOM = 12 * MM
GAP = 4 * MM  # between the band and the content
PNG_MODES = ("1", "L", "LA", "P", "RGB", "RGBA")  # 8-bit or less: reportlab keeps every value
READABLE = 0.5  # a tall image keeps at least this share of the usable width
MAX_SCALE = 2.0  # points per pixel: a small image is not blown up further
BODY_SIZE, BODY_LEADING = 10, 13.5
GREY = (0.45, 0.45, 0.45)
BLACK = (0, 0, 0)

# The band: line 1 « Pièce n° N » and the page count, line 2 the label, line 3 the caption.
BAND_LINES = (9 * MM, 13.5 * MM, 18 * MM)
BAND_FONT = (12, 8.5, 9)


def reserved(caption: bool) -> float:
    """Height of the header band from the top edge, with or without a caption line."""
    return (BAND_LINES[2] if caption else BAND_LINES[1]) + 3 * MM


# --- fonts -------------------------------------------------------------------------------

FONT_PAIRS = [  # (regular, bold) file names, best first
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
    ("Arial.ttf", "Arial Bold.ttf"),
    ("arial.ttf", "arialbd.ttf"),
]
FONT_DIRS = [
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path.home() / ".fonts",
    Path("/Library/Fonts"),
    Path("/System/Library/Fonts/Supplemental"),
    Path("C:/Windows/Fonts"),
]


@dataclass(frozen=True)
class Fonts:
    """The two faces used, and which characters they can draw."""

    regular: str
    bold: str
    embedded: bool
    covers: Callable[[str], bool]
    drawable: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)
    good: set[str] = field(default_factory=set, compare=False, repr=False)  # drawable ones

    def fit(self, text: str) -> str:
        """``text`` with any character the font lacks replaced by « ? » (never a blank).

        Each character is looked up once (``drawable``): a long journal's report and
        chronology fit hundreds of thousands of lines with accents."""
        if text.isascii() and text.isprintable():  # every face here draws these: most text
            return text
        good = self.good
        if good.issuperset(text):
            return text
        drawable = self.drawable
        for char in set(text).difference(drawable):
            drawable[char] = char == " " or self.covers(char)
            if drawable[char]:
                good.add(char)
        if good.issuperset(text):
            return text
        return "".join(c if drawable[c] else "?" for c in text)


def find_font_files(dirs: list[Path] | None = None) -> tuple[Path, Path] | None:
    """(regular, bold) TrueType files of one family with French accents, or None."""
    for regular, bold in FONT_PAIRS:
        for folder in FONT_DIRS if dirs is None else dirs:
            if not folder.is_dir():
                continue
            found = _find(folder, regular)
            if found and (found.parent / bold).is_file():
                return found, found.parent / bold
    return None


def _find(folder: Path, name: str) -> Path | None:
    direct = folder / name
    if direct.is_file():
        return direct
    try:
        return next(iter(sorted(folder.rglob(name))), None)
    except OSError:
        return None


@lru_cache(maxsize=1)
def fonts() -> Fonts:
    """DejaVu Sans (else Liberation Sans, else Arial), embedded; Helvetica as the last resort.

    Helvetica is one of the PDF's standard fonts: readers draw it without the file
    being embedded, and it has every French letter (WinAnsi), but not other scripts.
    """
    files = find_font_files()
    if files is None:
        return Fonts("Helvetica", "Helvetica-Bold", False, _winansi)
    regular, bold = TTFont("RdvSans", str(files[0])), TTFont("RdvSans-Bold", str(files[1]))
    for font in (regular, bold):
        font.face.makeSubset = _kept_subsets(font.face.makeSubset)
    pdfmetrics.registerFont(regular)
    pdfmetrics.registerFont(bold)
    glyphs = regular.face.charToGlyph
    return Fonts("RdvSans", "RdvSans-Bold", True, lambda c: ord(c) in glyphs)


def _kept_subsets(make: Callable[[list[int]], bytes]) -> Callable[[list[int]], bytes]:
    """reportlab's ``makeSubset``, each result kept: it is a pure function of the codes'
    order, and thousands of small pieces (a capture's sheet, a short text) ask for the
    same few subsets again, each time reading the whole font file's tables."""

    @lru_cache(maxsize=32)
    def kept(codes: tuple[int, ...]) -> bytes:
        return make(list(codes))

    return lambda subset: kept(tuple(subset))


def _winansi(char: str) -> bool:
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


@lru_cache(maxsize=1 << 16)
def width(text: str, font: str, size: float) -> float:
    """reportlab's width of ``text``; kept, since the same words come back line after line."""
    return pdfmetrics.stringWidth(text, font, size)


def wrap(text: str, font: str, size: float, room: float) -> list[str]:
    """One paragraph broken into lines at most ``room`` wide; words too long are cut.

    Widths add up (no kerning), so each word is measured once and a line's width is
    kept as a running sum: linear in the text, which matters for thousands of pages. A
    line that fits whole, by a margin no rounding of that sum can cross, is kept as it is
    (what the sum would give) without being cut into words: most lines of a long text."""
    if pdfmetrics.stringWidth(text, font, size) < room - 0.01:
        return [text.rstrip()]
    lines: list[str] = []
    current, used = "", 0.0
    for token in _TOKEN.findall(text):
        size_of = width(token, font, size)
        if used + size_of <= room:
            current, used = current + token, used + size_of
            continue
        if current.strip():
            lines.append(current.rstrip())
        current, used = ("", 0.0) if token.isspace() else (token, size_of)
        while used > room and len(current) > 1:
            cut = _longest_prefix(current, font, size, room)
            lines.append(current[:cut])
            current = current[cut:]
            used = width(current, font, size)
    if current.strip() or not lines:
        lines.append(current.rstrip())
    return lines


_TOKEN = re.compile(r"\s+|\S+")


def _longest_prefix(text: str, font: str, size: float, room: float) -> int:
    """How many characters of ``text`` fit in ``room`` (at least one)."""
    used = 0.0
    for cut, char in enumerate(text):
        used += width(char, font, size)
        if used > room:
            return max(cut, 1)
    return len(text)


def ellipsize(text: str, font: str, size: float, room: float) -> str:
    """``text`` cut with « … » to fit ``room``."""
    if width(text, font, size) <= room:
        return text
    while text and width(text + "…", font, size) > room:
        text = text[:-1]
    return text.rstrip() + "…"


def new_canvas(buffer: io.BytesIO) -> Canvas:
    canvas = Canvas(
        buffer, pagesize=A4, invariant=1, pageCompression=1, initialFontName=fonts().regular
    )
    canvas.setAuthor("")
    canvas.setCreator("rdvletters")
    canvas.setProducer("rdvletters")
    return canvas


# --- text and e-mails --------------------------------------------------------------------


class TextPages:
    """Lines laid out from the top of the usable box down, a new page when one is full."""

    def __init__(self, canvas: Canvas) -> None:
        self.canvas, self.fonts = canvas, fonts()
        self.left, self.right = MARGIN, A4[0] - MARGIN
        self.top = A4[1] - reserved(False) - GAP
        self.y = self.top
        self.pages = 1

    def _room(self, needed: float) -> None:
        if self.y - needed < BOTTOM:
            self.canvas.showPage()
            self.pages += 1
            self.y = self.top

    def line(self, text: str, *, x: float | None = None, bold: bool = False, grey=False) -> None:
        self._room(BODY_LEADING)
        self.y -= BODY_LEADING
        self.canvas.setFont(self.fonts.bold if bold else self.fonts.regular, BODY_SIZE)
        set_fill_rgb(self.canvas, GREY if grey else BLACK)
        draw_string(self.canvas, self.left if x is None else x, self.y + 3, text)

    def paragraph(self, text: str, *, indent: float = 0, bold=False, grey=False) -> None:
        font = self.fonts.bold if bold else self.fonts.regular
        room = self.right - self.left - indent
        for line in wrap(self.fonts.fit(text), font, BODY_SIZE, room):
            self.line(line, x=self.left + indent, bold=bold, grey=grey)

    def text(self, text: str) -> None:
        for paragraph in text.split("\n"):
            self.paragraph(paragraph)

    def field(self, label: str, value: str, column: float = 28 * MM) -> None:
        """« Label : value », the value wrapped in its own column."""
        font = self.fonts.regular
        lines = wrap(self.fonts.fit(value), font, BODY_SIZE, self.right - self.left - column)
        self._room(BODY_LEADING * min(len(lines), 3))
        self.line(f"{label} :", bold=True)
        self.y += BODY_LEADING
        for line in lines:
            self.line(line, x=self.left + column)

    def rule(self) -> None:
        self._room(8)
        self.y -= 4
        self.canvas.setStrokeColorRGB(0.6, 0.6, 0.6)
        self.canvas.setLineWidth(0.5)
        self.canvas.line(self.left, self.y, self.right, self.y)
        self.y -= 4

    def finish(self) -> int:
        self.canvas.showPage()
        return self.pages


def draw_text(canvas: Canvas, text: str, note: str | None = None) -> int:
    """A plain-text piece, after a grey ``note`` if any; returns its page count."""
    pages = TextPages(canvas)
    if note:
        pages.paragraph(note, grey=True)
        pages.y -= BODY_LEADING / 2
    pages.text(text or "(fichier texte vide)")
    return pages.finish()


def draw_mail(canvas: Canvas, mail: MailView) -> int:
    """Headers, a rule, the body, then the names of the attachments; returns the page count."""
    pages = TextPages(canvas)
    for label, value in mail.headers:
        pages.field(label, value)
    pages.rule()
    if mail.from_html:
        pages.paragraph("(courriel au format HTML : texte seul, sans mise en forme)", grey=True)
        pages.y -= BODY_LEADING / 2
    pages.text(mail.body or "(courriel sans texte)")
    if mail.attachments:
        pages.y -= BODY_LEADING / 2
        pages.rule()
        pages.paragraph(
            f"Pièces jointes au courriel ({len(mail.attachments)}), non reproduites ici :",
            bold=True,
        )
        for name in mail.attachments:
            pages.paragraph(f"• {name}", indent=4 * MM)
    return pages.finish()


# --- the header band ---------------------------------------------------------------------


def draw_band(
    canvas: Canvas,
    size: tuple[float, float],
    number: int,
    label: str,
    page: tuple[int, int],
    caption: str | None = None,
) -> None:
    """The band at the top of one page: « Pièce n° N », « page k/n », the label, a caption.

    ``canvas`` is reportlab's (the chronology) or a :class:`.band.BandCanvas` (every other
    piece), which writes the same operators into the piece's own pages."""
    f = fonts()
    page_w, page_h = size
    margin = min(MARGIN, page_w * 0.08)
    room = page_w - 2 * margin
    band = reserved(bool(caption))
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(0, page_h - band, page_w, band, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setFont(f.regular, BAND_FONT[1])
    canvas.drawRightString(page_w - margin, page_h - BAND_LINES[0], f"page {page[0]}/{page[1]}")
    canvas.setFont(f.bold, BAND_FONT[0])
    canvas.drawString(margin, page_h - BAND_LINES[0], f"Pièce n° {number}")
    lines = [(label, f.regular, BAND_FONT[1])]
    if caption:
        lines.append((caption, f.bold, BAND_FONT[2]))
    for (text, font, fsize), down in zip(lines, BAND_LINES[1:], strict=False):
        canvas.setFont(font, fsize)
        canvas.drawString(margin, page_h - down, ellipsize(f.fit(text), font, fsize, room))
    canvas.setStrokeColorRGB(0.35, 0.35, 0.35)
    canvas.setLineWidth(0.6)
    canvas.line(margin, page_h - band + 1 * MM, page_w - margin, page_h - band + 1 * MM)
