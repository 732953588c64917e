"""Pages showing images: a screenshot or photo on an A4 page turned to match it.

Images are never recompressed with loss. A JPEG, and a PNG that PDF can read as it
is, are embedded with their own compressed data (:mod:`.image_asis`); any other
raster Pillow reads is drawn by reportlab, its decoded pixels Flate-compressed. A very
tall image (a long scrolled capture) is shown in slices over several pages rather than
shrunk until unreadable: the fewest slices that keep it at least half the usable width;
each slice shows the same image object through a clip, so no pixel is resampled or
duplicated. Every page leaves the top ``reserved(caption)`` points free for the band.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from ...errors import InputError
from ...i18n import _
from .image_asis import Embedded, as_is
from .pdf_pages import BOTTOM, GAP, MARGIN, MAX_SCALE, PNG_MODES, READABLE, reserved

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
    """One image ready to draw: the reader reportlab embeds (or the image object to embed
    as is, ``embedded``: see :mod:`.pdf_images`), its stored size, its orientation."""

    reader: ImageReader | None
    width: int  # stored pixels
    height: int
    orientation: int
    embedded: Embedded | None = None

    @property
    def upright(self) -> tuple[int, int]:
        """Width and height as a person sees the image (EXIF rotation applied)."""
        swap = self.orientation in (5, 6, 7, 8)
        return (self.height, self.width) if swap else (self.width, self.height)


MAX_PIXELS = 60 * 10**6  # a 48-megapixel phone photo, an A4 page scanned at 600 dpi


def load_rasters(data: bytes, source: Path) -> list[Raster]:
    """The image(s) in ``data``: one, or one per page of a multi-page TIFF scan."""
    embedded = as_is(data, MAX_PIXELS)  # a larger one is refused below, in words
    if embedded is not None:
        orientation = embedded.orientation if embedded.orientation in _ORIENT else 1
        return [Raster(None, embedded.width, embedded.height, orientation, embedded)]
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
        for piece in image_slices(raster, caption):
            _draw_slice(canvas, piece)
            captions.append(piece.caption)
    return captions


def _slices(upright: tuple[int, int], box: tuple[float, float]) -> tuple[int, float]:
    """(number of slices, points per pixel) for an image in a box.

    One slice when the whole image fits at a readable width; otherwise the fewest
    slices that keep it at least ``READABLE`` of the box width.
    """
    (w, h), (bw, bh) = upright, box
    count = max(1, math.ceil(READABLE * bw * h / (bh * w) - 1e-9))
    return count, min(bw / w, count * bh / h, MAX_SCALE)


@dataclass(frozen=True)
class Slice:
    """One page showing an image, or one slice of a tall one, through a window."""

    raster: Raster
    page: tuple[float, float]
    window: tuple[float, float, float, float]  # x, y, width, height on the page
    x: float  # where the image's bottom-left corner goes, then its scale
    y: float
    scale: float
    caption: str | None

    @property
    def orient(self) -> tuple[float, ...]:
        """The matrix placing the stored image upright (EXIF orientation)."""
        return _ORIENT[self.raster.orientation](self.raster.width, self.raster.height)


def image_slices(raster: Raster, caption: str | None) -> list[Slice]:
    """The page(s) an image takes: page size, window, placement and caption of each."""
    w, h = raster.upright
    page = landscape(A4) if w > h else A4
    with_caption = bool(caption)
    top = page[1] - reserved(True) - GAP  # the shorter box, so slices do not depend on caption
    box = (page[0] - 2 * MARGIN, top - BOTTOM)
    count, scale = _slices((w, h), box)
    shown_w = w * scale
    x = (page[0] - shown_w) / 2
    slices = []
    for k in range(count):
        first, last = h * k / count, h * (k + 1) / count
        top = page[1] - reserved(with_caption or count > 1) - GAP
        shown_h = (last - first) * scale
        part = f"image en {count} parties : partie {k + 1}/{count}" if count > 1 else ""
        slices.append(
            Slice(
                raster,
                page,
                (x, top - shown_h, shown_w, shown_h),
                x,
                top - (h - first) * scale,
                scale,
                " – ".join(t for t in (caption or "", part) if t) or None,
            )
        )
    return slices


def _draw_slice(canvas: Canvas, piece: Slice) -> None:
    raster = piece.raster
    canvas.setPageSize(piece.page)
    canvas.saveState()
    clip = canvas.beginPath()
    clip.rect(*piece.window)
    canvas.clipPath(clip, stroke=0, fill=0)
    canvas.translate(piece.x, piece.y)
    canvas.scale(piece.scale, piece.scale)
    canvas.transform(*piece.orient)
    canvas.drawImage(raster.reader, 0, 0, raster.width, raster.height, mask="auto")
    canvas.restoreState()
    canvas.setStrokeColorRGB(0.75, 0.75, 0.75)
    canvas.setLineWidth(0.5)
    canvas.rect(*piece.window, stroke=1, fill=0)
    canvas.showPage()


def image_parts(items: list[tuple[Raster, str | None]], source: Path | None = None) -> list:
    """The :class:`.pdf_stamp.Part` (s) showing ``items`` in order: images embedded as they
    are through pikepdf, the others drawn by reportlab; captions one per page."""
    from .image_asis import pages_pdf
    from .pdf_pages import new_canvas
    from .pdf_stamp import Part

    parts = []
    start = 0
    while start < len(items):
        as_is_run = items[start][0].embedded is not None
        end = start
        while end < len(items) and (items[end][0].embedded is not None) == as_is_run:
            end += 1
        if as_is_run:
            slices = [s for raster, text in items[start:end] for s in image_slices(raster, text)]
            parts.append(Part(pages_pdf(slices), False, [s.caption for s in slices], source))
        else:
            buffer = io.BytesIO()
            canvas = new_canvas(buffer)
            captions = draw_images(canvas, items[start:end])
            canvas.save()
            parts.append(Part(buffer.getvalue(), False, captions, source))
        start = end
    return parts
