"""Pages drawn with reportlab: images, text, e-mails, and the « Pièce n° N » header band.

Imported only when a piece is turned into PDF (reportlab and Pillow are heavy).
Every page leaves its top ``reserved(caption)`` points free for the header band
that :mod:`.pdf_stamp` lays over it afterwards, so the band never hides content.

Images are never recompressed with loss: a JPEG is embedded as its own bytes
(DCT stream copied), a PNG (or any other raster Pillow reads) is embedded as its
decoded pixels, Flate-compressed. A very tall image (a long scrolled capture) is
shown in slices over several pages rather than shrunk until unreadable: the
fewest slices that keep it at least half the usable width; each slice shows the
same image object through a clip, so no pixel is resampled or duplicated.

Output is deterministic (``invariant``: no date, fixed document ID).
"""

from __future__ import annotations

import io
import math
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from reportlab import rl_config
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from ...errors import InputError
from ...i18n import _
from .mailview import MailView

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

    def fit(self, text: str) -> str:
        """``text`` with any character the font lacks replaced by « ? » (never a blank)."""
        if text.isascii() and text.isprintable():  # every face here draws these: most text
            return text
        return "".join(c if c == " " or self.covers(c) else "?" for c in text)


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
    pdfmetrics.registerFont(regular)
    pdfmetrics.registerFont(bold)
    glyphs = regular.face.charToGlyph
    return Fonts("RdvSans", "RdvSans-Bold", True, lambda c: ord(c) in glyphs)


def _winansi(char: str) -> bool:
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def width(text: str, font: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, font, size)


def wrap(text: str, font: str, size: float, room: float) -> list[str]:
    """One paragraph broken into lines at most ``room`` wide; words too long are cut.

    Widths add up (no kerning), so each word is measured once and a line's width is
    kept as a running sum: linear in the text, which matters for thousands of pages."""
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


# --- images ------------------------------------------------------------------------------

# EXIF orientation -> matrix placing the stored image (w, h) upright, in PDF (y-up) units.
_ORIENT = {
    1: lambda w, h: (1, 0, 0, 1, 0, 0),
    2: lambda w, h: (-1, 0, 0, 1, w, 0),
    3: lambda w, h: (-1, 0, 0, -1, w, h),
    4: lambda w, h: (1, 0, 0, -1, 0, h),
    5: lambda w, h: (0, -1, -1, 0, h, w),
    6: lambda w, h: (0, -1, 1, 0, 0, w),
    7: lambda w, h: (0, 1, 1, 0, 0, 0),
    8: lambda w, h: (0, 1, -1, 0, h, 0),
}


@dataclass(frozen=True)
class Raster:
    """One image ready to draw: the reader reportlab embeds, its stored size, its orientation."""

    reader: ImageReader
    width: int  # stored pixels
    height: int
    orientation: int

    @property
    def upright(self) -> tuple[int, int]:
        """Width and height as a person sees the image (EXIF rotation applied)."""
        swap = self.orientation in (5, 6, 7, 8)
        return (self.height, self.width) if swap else (self.width, self.height)


MAX_PIXELS = 60 * 10**6  # a 48-megapixel phone photo, an A4 page scanned at 600 dpi


def load_rasters(data: bytes, source: Path) -> list[Raster]:
    """The image(s) in ``data``: one, or one per page of a multi-page TIFF scan."""
    try:
        with warnings.catch_warnings():  # the size is checked below, in words
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:  # before decoding: 13,000² px is 700 MB
            raise ValueError(
                _("{size} millions de pixels, {max} au plus").format(
                    size=image.width * image.height // 10**6, max=MAX_PIXELS // 10**6
                )
            )
        image.load()
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        MemoryError,
        Image.DecompressionBombError,
    ) as exc:
        raise InputError(
            _("{path} semble être une image, mais elle ne peut pas être lue ({error}).").format(
                path=source, error=exc
            ),
            hint=_("Ouvrez-la et enregistrez-la de nouveau en PNG ou en JPEG."),
        ) from None
    orientation = image.getexif().get(0x0112, 1)
    orientation = orientation if orientation in _ORIENT else 1
    if image.format == "JPEG" or (image.format == "PNG" and image.mode in PNG_MODES):
        # JPEG: reportlab copies the file's own DCT stream; PNG: pixels, Flate (lossless).
        return [Raster(ImageReader(io.BytesIO(data)), *image.size, orientation)]
    frames = []
    for index in range(getattr(image, "n_frames", 1) if image.format == "TIFF" else 1):
        image.seek(index)
        frames.append(Raster(ImageReader(_drawable(image)), *image.size, orientation))
    return frames


def _drawable(image: Image.Image) -> Image.Image:
    """A copy in a mode reportlab embeds as is (8-bit grey, RGB, CMYK, or with alpha)."""
    if image.mode in ("L", "RGB", "CMYK", "RGBA", "LA"):
        return image.copy()
    if image.mode.startswith(("I", "F")):
        return image.convert("I").point(lambda v: v / 256).convert("L")
    return image.convert("RGBA")


def draw_images(canvas: Canvas, items: list[tuple[Raster, str | None]]) -> list[str | None]:
    """Draw each image on its own page(s); returns the caption of every page drawn."""
    captions: list[str | None] = []
    for raster, caption in items:
        captions += _draw_one(canvas, raster, caption)
    return captions


def _slices(upright: tuple[int, int], box: tuple[float, float]) -> tuple[int, float]:
    """(number of slices, points per pixel) for an image in a box.

    One slice when the whole image fits at a readable width; otherwise the fewest
    slices that keep it at least ``READABLE`` of the box width.
    """
    (w, h), (bw, bh) = upright, box
    count = max(1, math.ceil(READABLE * bw * h / (bh * w) - 1e-9))
    return count, min(bw / w, count * bh / h, MAX_SCALE)


def _draw_one(canvas: Canvas, raster: Raster, caption: str | None) -> list[str | None]:
    w, h = raster.upright
    page = landscape(A4) if w > h else A4
    with_caption = bool(caption)
    top = page[1] - reserved(True) - GAP  # the shorter box, so slices do not depend on caption
    box = (page[0] - 2 * MARGIN, top - BOTTOM)
    count, scale = _slices((w, h), box)
    shown_w = w * scale
    x = (page[0] - shown_w) / 2
    captions = []
    for k in range(count):
        canvas.setPageSize(page)
        first, last = h * k / count, h * (k + 1) / count
        top = page[1] - reserved(with_caption or count > 1) - GAP
        shown_h = (last - first) * scale
        canvas.saveState()
        clip = canvas.beginPath()
        clip.rect(x, top - shown_h, shown_w, shown_h)
        canvas.clipPath(clip, stroke=0, fill=0)
        canvas.translate(x, top - (h - first) * scale)
        canvas.scale(scale, scale)
        canvas.transform(*_ORIENT[raster.orientation](raster.width, raster.height))
        canvas.drawImage(raster.reader, 0, 0, raster.width, raster.height, mask="auto")
        canvas.restoreState()
        canvas.setStrokeColorRGB(0.75, 0.75, 0.75)
        canvas.setLineWidth(0.5)
        canvas.rect(x, top - shown_h, shown_w, shown_h, stroke=1, fill=0)
        canvas.showPage()
        part = f"image en {count} parties : partie {k + 1}/{count}" if count > 1 else ""
        captions.append(" – ".join(t for t in (caption or "", part) if t) or None)
    return captions


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
        self.canvas.setFillColorRGB(*(GREY if grey else (0, 0, 0)))
        self.canvas.drawString(self.left if x is None else x, self.y + 3, text)

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
    """The band at the top of one page: « Pièce n° N », « page k/n », the label, a caption."""
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


def header_overlay(pages: list[tuple[float, float, str | None]], number: int, label: str) -> bytes:
    """One page per (width, height, caption): the band alone, to lay over the piece's pages."""
    buffer = io.BytesIO()
    canvas = new_canvas(buffer)
    total = len(pages)
    for index, (page_w, page_h, caption) in enumerate(pages, start=1):
        canvas.setPageSize((page_w, page_h))
        draw_band(canvas, (page_w, page_h), number, label, (index, total), caption)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
