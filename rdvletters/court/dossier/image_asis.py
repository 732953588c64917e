"""Image pages with the file's own compressed data: no decoding, no re-encoding.

A JPEG's bytes and a PNG's compressed pixel data (``IDAT``) are what PDF readers
decode themselves (``DCTDecode``; ``FlateDecode`` with the PNG predictors), so a
piece made from a phone screenshot or photo can carry them as they are. img2pdf
(LGPL-3.0) makes that image object; pikepdf lays it on the same pages, in the same
place, as :func:`.pdf_images.draw_images` would (clip, upright turn, thin grey frame).
Drawing through reportlab instead decoded every image, then compressed a PNG's
pixels again: about 0.1 s per screenshot and 0.2 s per photo.

Only what passes through untouched takes this way: JPEG, and PNG of 8 bits or fewer
per sample, not interlaced, without transparency. The file is still checked whole
before it is used (the JPEG decoded at an eighth of its size, every chunk of the PNG
checked against its CRC), so a damaged image goes the usual way (Pillow decoding it)
and gets the usual message. Anything else (transparency, 16 bits, TIFF, WebP…) is drawn by
reportlab as before.
"""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass

JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_CHANNELS = {0: 1, 2: 3, 3: 1}  # PNG colour types kept as they are: grey, RGB, palette


@dataclass(frozen=True)
class Embedded:
    """An image ready to embed as is: img2pdf's one-page PDF, its size and orientation."""

    pdf: bytes
    width: int
    height: int
    orientation: int


def as_is(data: bytes, max_pixels: int) -> Embedded | None:
    """``data`` as an image object to embed untouched, or None for the usual way (which
    also refuses an image of more than ``max_pixels``, before anything is decoded)."""
    if data.startswith(JPEG_MAGIC):
        found = _jpeg(data, max_pixels)
    elif data.startswith(PNG_MAGIC):
        found = _png(data)
    else:
        return None
    if found is None or found[0] * found[1] > max_pixels:
        return None
    import img2pdf

    try:
        # its own writer: the same image object as through pikepdf, without a qpdf save
        pdf = img2pdf.convert(data, rotation=img2pdf.Rotation.none, engine=img2pdf.Engine.internal)
    except Exception:  # noqa: BLE001 - whatever img2pdf refuses, reportlab draws
        return None
    return Embedded(pdf, *found)


def _jpeg(data: bytes, max_pixels: int) -> tuple[int, int, int] | None:
    """(width, height, orientation) of a whole, readable JPEG."""
    import warnings

    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
        with image:
            if image.format != "JPEG" or image.width * image.height > max_pixels:
                return None
            size = image.size
            orientation = image.getexif().get(0x0112, 1)
            image.draft(image.mode, (max(1, size[0] // 8), max(1, size[1] // 8)))
            image.load()  # every block decoded, at an eighth of the size
    except Exception:  # noqa: BLE001 - the usual way says what is wrong with it
        return None
    return (*size, orientation)


def _png(data: bytes) -> tuple[int, int, int] | None:
    """(width, height, orientation) of a whole PNG whose pixel data PDF reads as is."""
    from ...evidence.proofs.pngmeta import png_metadata

    try:
        kinds = _whole_chunks(data)
        width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", data[16:29])
        meta = png_metadata(io.BytesIO(data))
    except (struct.error, ValueError):
        return None
    if kinds[0] != b"IHDR" or colour not in _CHANNELS or depth > 8 or interlace:
        return None
    if meta is None or b"tRNS" in kinds or b"IDAT" not in kinds:
        return None
    return width, height, _orientation(meta)


def _whole_chunks(data: bytes) -> list[bytes]:
    """The chunk types of a PNG, each chunk checked against its CRC, up to IEND.

    A byte changed anywhere (the pixel data too) or a file cut short raises ValueError.
    The pixel data is not inflated: that would cost as much as decoding it."""
    view, kinds, at = memoryview(data), [], 8
    while kinds[-1:] != [b"IEND"]:
        if at + 12 > len(data):
            raise ValueError("PNG cut short")
        length, kind = struct.unpack(">I4s", view[at : at + 8])
        end = at + 8 + length
        if end + 4 > len(data):
            raise ValueError("PNG cut short")
        (crc,) = struct.unpack(">I", view[end : end + 4])
        if zlib.crc32(view[at + 4 : end]) != crc:
            raise ValueError("PNG chunk damaged")
        kinds.append(kind)
        at = end + 4
    return kinds


def _orientation(meta) -> int:
    """The EXIF orientation, else the XMP one, as Pillow's ``getexif()`` gives it."""
    import re

    from PIL import Image

    exif = Image.Exif()
    if (block := meta.exif) is not None:
        exif.load(block)
    if 0x0112 in exif:
        return exif[0x0112]
    xmp = meta.info.get("XML:com.adobe.xmp") or meta.info.get("xmp")
    if isinstance(xmp, str):
        match = re.search(r'tiff:Orientation(="|>)([0-9])', xmp)
    elif isinstance(xmp, bytes):
        match = re.search(rb'tiff:Orientation(="|>)([0-9])', xmp)
    else:
        match = None
    return int(match[2]) if match else 1


def _number(value: float) -> str:
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


def pages_pdf(slices: list):  # noqa: ANN201 - pikepdf.Pdf, imported when used
    """One page per :class:`.pdf_images.Slice`, its image object stored once; the document
    is handed on unsaved (saving it to open it again cost a few ms a piece)."""
    import pikepdf

    pdf = pikepdf.new()
    copied: dict[int, pikepdf.Object] = {}
    for piece in slices:
        raster = piece.raster
        key = id(raster.embedded)
        if key not in copied:
            source = pikepdf.open(io.BytesIO(raster.embedded.pdf))
            image = next(iter(source.pages[0].Resources.XObject.values()))
            copied[key] = pdf.copy_foreign(image)
        page = pdf.add_blank_page(page_size=piece.page)
        page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=copied[key]))
        window = " ".join(_number(v) for v in piece.window)
        turn = " ".join(_number(v) for v in piece.orient)
        content = (
            f"q\n{window} re W n\n1 0 0 1 {_number(piece.x)} {_number(piece.y)} cm\n"
            f"{_number(piece.scale)} 0 0 {_number(piece.scale)} 0 0 cm\n{turn} cm\n"
            f"{raster.width} 0 0 {raster.height} 0 0 cm\n/Im0 Do\nQ\n"
            f"0.75 0.75 0.75 RG\n0.5 w\n{window} re S\n"
        )
        page.Contents = pdf.make_stream(content.encode("ascii"))
    return pdf
