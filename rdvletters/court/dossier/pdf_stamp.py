"""Assemble the pages of a piece and lay the « Pièce n° N » band over every one (pypdf).

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

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.errors import PdfReadError, PyPdfError
from pypdf.generic import (
    ArrayObject,
    ContentStream,
    FloatObject,
    NameObject,
    RectangleObject,
    TextStringObject,
)

from ...errors import InputError
from ...i18n import _
from .pdf_pages import header_overlay, reserved

# pypdf reports the small defects it repairs (« incorrect startxref pointer ») on stderr:
# the person can do nothing about them, and a PDF it cannot read raises an error anyway.
logging.getLogger("pypdf").setLevel(logging.ERROR)


@dataclass(frozen=True)
class Part:
    """A run of pages of the piece: a PDF, whether its pages need room made, their captions."""

    pdf: bytes
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


def make_room(page: PageObject, band: float) -> tuple[float, float]:
    """Fold rotation, shrink the content under a band of ``band`` points; returns (w, h).

    The content is clipped to its former visible box, so nothing that was hidden
    (outside the crop box) appears in the margins it now has.
    """
    box = page.cropbox
    left, bottom = float(box.left), float(box.bottom)
    box_w, box_h = float(box.width), float(box.height)
    turn = page.rotation % 360
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
    content = page.get_contents()
    if content is not None:
        stream = ContentStream(content, page.pdf)
        stream.operations[:0] = [
            ([FloatObject(v) for v in ctm.ctm], b"cm"),
            ([FloatObject(v) for v in (left, bottom, box_w, box_h)], b"re"),
            ([], b"W"),
            ([], b"n"),
        ]
        stream.isolate_graphics_state()
        page.replace_contents(stream)
    for annotation in page.get("/Annots", None) or []:
        annotation = annotation.get_object()
        if "/Rect" in annotation:
            annotation[NameObject("/Rect")] = _moved(annotation["/Rect"], ctm)
    page.rotation = 0
    page.mediabox = RectangleObject((0, 0, w, h))
    page.cropbox = RectangleObject((0, 0, w, h))
    for name in ("/TrimBox", "/BleedBox", "/ArtBox"):
        if name in page:
            del page[name]
    return w, h


def _moved(rect: ArrayObject, ctm: Transformation) -> RectangleObject:
    x0, y0, x1, y1 = (float(v) for v in rect)
    corners = [ctm.apply_on((x, y)) for x in (x0, x1) for y in (y0, y1)]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    return RectangleObject((min(xs), min(ys), max(xs), max(ys)))


def assemble(parts: list[Part], number: int, label: str) -> bytes:
    """One PDF: every part's pages in order, each under the band « Pièce n° N »."""
    writer = PdfWriter()
    sizes: list[tuple[float, float, str | None]] = []
    for part in parts:
        reader = open_pdf(part.pdf, part.source or Path("document"))
        for index, page in enumerate(reader.pages):
            caption = part.captions[index] if index < len(part.captions) else None
            added = writer.add_page(page)
            if part.foreign:
                w, h = make_room(added, reserved(bool(caption)))
            else:
                w, h = float(added.mediabox.width), float(added.mediabox.height)
            sizes.append((w, h, caption))
    overlay = PdfReader(io.BytesIO(header_overlay(sizes, number, label)))
    for page, band in zip(writer.pages, overlay.pages, strict=True):
        page.merge_page(band)
        page.compress_content_streams()
    writer.add_metadata(
        {
            "/Title": TextStringObject(f"Pièce n° {number} – {label}"),
            "/Producer": TextStringObject("rdvletters"),
        }
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
