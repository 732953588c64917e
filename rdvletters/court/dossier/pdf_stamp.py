"""Assemble the pages of a piece and lay the « Pièce n° N » band over every one.

A page that came from elsewhere (a scanned avis de réception, a letter made by
LibreOffice) is not re-rendered: its content stream is kept and wrapped in one
transformation that shrinks it slightly (about 5 % on A4) towards the bottom of
the page, freeing the band at the top, so the header covers nothing. Page
rotation (``/Rotate``) is folded into that transformation so the band lands at
the top of the page as a person sees it; links keep pointing at their text.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypdf import PdfReader, Transformation
from pypdf.errors import PdfReadError, PyPdfError

from ...errors import InputError
from ...i18n import _
from .band import BandFonts, lay_bands
from .pdf_pages import reserved

# pypdf reports the small defects it repairs (« incorrect startxref pointer ») on stderr:
# the person can do nothing about them, and a PDF it cannot read raises an error anyway.
logging.getLogger("pypdf").setLevel(logging.ERROR)


@dataclass(frozen=True)
class Part:
    """A run of pages of the piece: a PDF, whether its pages need room made, their captions."""

    pdf: bytes | Any  # or a pikepdf.Pdf made here (images embedded as they are)
    foreign: bool  # True: pages made elsewhere, shrunk to free the band
    captions: list[str | None]  # one per page, or empty for none
    source: Path | None = None


def open_pdf(data: bytes, source: Path) -> PdfReader:
    """A readable, unlocked PDF, or an error naming the file."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(
                _("{path} est un PDF protégé par un mot de passe.").format(path=source),
                hint=_(
                    "Ouvrez-le et enregistrez-en une copie sans mot de passe "
                    "(« Imprimer » puis « Enregistrer en PDF »)."
                ),
            )
        count = len(reader.pages)
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise InputError(
            _("{path} semble être un PDF, mais il ne peut pas être lu ({error}).").format(
                path=source, error=exc
            ),
            hint=_("Ouvrez-le et enregistrez-le de nouveau en PDF."),
        ) from None
    if count == 0:
        raise InputError(_("{path} est un PDF sans aucune page.").format(path=source))
    return reader


def make_room(page, band: float) -> tuple[float, float]:
    """Fold rotation, shrink the content under a band of ``band`` points; returns (w, h).

    ``page`` is a :class:`pikepdf.Page`. The content is clipped to its former visible box,
    so nothing that was hidden (outside the crop box) appears in the margins it now has.
    """
    import pikepdf

    left, bottom, right, top = (float(v) for v in page.cropbox)
    box_w, box_h = right - left, top - bottom
    turn = int(page.obj.get("/Rotate", 0)) % 360
    w, h = (box_h, box_w) if turn in (90, 270) else (box_w, box_h)
    scale = (h - band) / h
    ctm = (
        Transformation()
        .translate(-(left + box_w / 2), -(bottom + box_h / 2))
        .rotate(-turn)
        .translate(w / 2, h / 2)
        .scale(scale, scale)
        .translate(w * (1 - scale) / 2, 0)
    )
    if "/Contents" in page.obj:
        numbers = " ".join(f"{v:.6f}".rstrip("0").rstrip(".") for v in ctm.ctm)
        clip = " ".join(f"{v:.6f}".rstrip("0").rstrip(".") for v in (left, bottom, box_w, box_h))
        page.contents_add(f"q\n{numbers} cm\n{clip} re\nW\nn\n".encode(), prepend=True)
        page.contents_add(b"\nQ\n")
    for annotation in page.obj.get("/Annots", None) or []:
        if "/Rect" in annotation:
            annotation.Rect = pikepdf.Array(_moved(annotation.Rect, ctm))
    page.obj.Rotate = 0
    page.obj.MediaBox = pikepdf.Array([0, 0, w, h])
    page.obj.CropBox = pikepdf.Array([0, 0, w, h])
    for name in ("/TrimBox", "/BleedBox", "/ArtBox"):
        if name in page.obj:
            del page.obj[name]
    return w, h


def _moved(rect, ctm: Transformation) -> list[float]:
    x0, y0, x1, y1 = (float(v) for v in rect)
    corners = [ctm.apply_on((x, y)) for x in (x0, x1) for y in (y0, y1)]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    return [min(xs), min(ys), max(xs), max(ys)]


def assemble(parts: list[Part], number: int, label: str, band: BandFonts | None = None) -> bytes:
    """One PDF: every part's pages in order, each under the band « Pièce n° N ».

    pikepdf (qpdf, in C++) copies the pages and writes the band into each (:mod:`.band`,
    with ``band``'s fonts when they have every character it needs); the pages made
    elsewhere were opened by :func:`open_pdf` first, to be refused by name."""
    import pikepdf

    out_pdf = pikepdf.new()
    sizes: list[tuple[float, float, str | None]] = []
    sources = []
    for part in parts:
        try:
            source = part.pdf
            if isinstance(source, bytes):
                source = pikepdf.open(io.BytesIO(source))
        except pikepdf.PdfError:
            open_pdf(part.pdf, part.source or Path("document"))  # says why, by name
            raise
        sources.append(source)
        for index, page in enumerate(source.pages):
            caption = part.captions[index] if index < len(part.captions) else None
            out_pdf.pages.append(page)
            added = out_pdf.pages[-1]
            if part.foreign:
                w, h = make_room(added, reserved(bool(caption)))
            else:
                _x0, _y0, w, h = (float(v) for v in added.mediabox)
            sizes.append((w, h, caption))
    lay_bands(out_pdf, sizes, number, label, band)
    out_pdf.docinfo = out_pdf.make_indirect(
        pikepdf.Dictionary(Title=f"Pièce n° {number} – {label}", Producer="rdvletters")
    )
    # Pages made here carry their big streams compressed already (images as they are,
    # reportlab's pages): asking qpdf to compress the rest cost it a look at every stream,
    # most of a piece's save. Pages made elsewhere may hold uncompressed streams: compressed.
    foreign = any(part.foreign for part in parts)
    level = None if foreign else pikepdf.StreamDecodeLevel.none
    out = io.BytesIO()
    out_pdf.save(out, static_id=True, compress_streams=foreign, stream_decode_level=level)
    return out.getvalue()
