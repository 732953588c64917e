"""One piece of the court dossier as one PDF, with « Pièce n° N » and its label on every page.

Télérecours citoyens takes one file per piece, PDF preferred, at most 32 Mo
(CJA R. 414-5; CAA Versailles page, see shared/reference/legal-followup.md §7).
What each kind of file becomes:

- an image (PNG, JPEG; GIF, WebP, BMP, TIFF too): on an A4 page turned to match
  it, as large as fits, never recompressed with loss (see :mod:`.pdf_images`);
  a very tall capture runs over several pages, « partie 1/3 »…;
- a PDF: its own pages, not re-rendered, shrunk by about 5 % to make room for
  the band (see :mod:`.pdf_stamp`);
- an e-mail (.eml): its headers (Date, De, À, Cc, Objet, Identifiant) as
  written, its text, and the names of its attachments (see :mod:`.mailview`);
- a DOCX, ODT, DOC or RTF document: converted by LibreOffice, then stamped;
- a plain-text file: its text; a saved web page (.html): its visible text only.

The kind is read from the content (the name only breaks ties), so a « .png »
that is really a JPEG still works and a renamed program is refused. The same
input always gives the same bytes. This module imports only the standard
library; the PDF libraries are loaded when a PDF is made.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ...errors import InputError, RdvError, ToolMissingError
from ...i18n import N_, _
from .mailview import clean_text, html_to_text, looks_like_mail, read_mail

if TYPE_CHECKING:
    from .band import BandFonts

# Conservative reading of « 32 Mo » (decimal): a larger file risks being refused.
MAX_PIECE_BYTES = 32_000_000

IMAGE_MAGIC = (  # PNG, JPEG, GIF, TIFF (both byte orders), BMP
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"II*\x00",
    b"MM\x00*",
    b"BM",
)
HTML_NOTE = "(page web enregistrée : son texte seul, sans mise en forme ni images)"
KINDS_FR = N_(
    "une image (PNG, JPEG), un PDF, un courriel (.eml), un document (DOCX, ODT) ou un texte"
)


def piece_to_pdf(
    source: Path, number: int, label: str, sheet: tuple | None = None, band: BandFonts | None = None
) -> bytes:
    """The PDF of one piece: ``source`` turned into pages, each headed « Pièce n° ``number`` ».

    ``label`` is the explicit title of the piece (the inventory's), shown under
    the number; ``sheet`` (title, rows) adds the pages of its conditions (a capture's,
    an upload's); ``band``, the :class:`.band.BandFonts` a whole dossier shares.
    Raises :class:`InputError` naming ``source`` when it cannot be a piece.
    """
    from .pdf_stamp import assemble

    parts = _parts(source, _read(source))
    if sheet is not None:
        from ...evidence.proofs.provenance import SHEET_NOTE
        from .sheet_pdf import sheet_part

        parts.append(sheet_part(sheet[0], list(sheet[1]), SHEET_NOTE))
    return assemble(parts, number, label, band)


def data_to_pdf(
    data: bytes, name: str, number: int, label: str, band: BandFonts | None = None
) -> bytes:
    """The PDF of a piece made in memory (the chronology's DOCX, an explanation's text);
    ``name`` gives its kind by suffix, as a file name would."""
    from .pdf_stamp import assemble

    return assemble(_parts(Path(name), data), number, label, band)


def series_to_pdf(
    items: Sequence[tuple[Path, str]], number: int, label: str, band: BandFonts | None = None
) -> bytes:
    """One PDF for a « série homogène » (R. 412-2): images (or PDFs) each with its caption.

    ``items`` are (file, caption) in the order to show, the caption saying what
    the page is (« Capture du lundi 5 octobre 2026 à 9 h 12 »). Each image gets
    its own page (two or more for a very tall capture), the caption in the band
    under « Pièce n° ``number`` » and ``label``.
    """
    if not items:
        raise InputError(
            _("la série de la pièce n° {n} ne contient aucun fichier.").format(n=number)
        )
    from .pdf_images import Raster, image_parts, load_rasters
    from .pdf_stamp import Part, assemble, open_pdf

    parts: list[Part] = []
    pending: list[tuple[Raster, str | None]] = []

    def flush() -> None:
        parts.extend(image_parts(pending))
        pending.clear()

    for source, caption in items:
        data = _read(source)
        kind = detect(source, data)
        if kind == "image":
            pending += [(raster, caption) for raster in load_rasters(data, source)]
        elif kind == "pdf":
            flush()
            pages = len(open_pdf(data, source).pages)
            parts.append(Part(data, True, [caption] * pages, source))
        else:
            raise InputError(
                _(
                    "{path} ne peut pas entrer dans une série : une série ne réunit que des "
                    "images ou des PDF."
                ).format(path=source),
                hint=_("Versez ce fichier comme une pièce à part."),
            )
    flush()
    return assemble(parts, number, label, band)


def _read(source: Path) -> bytes:
    """The bytes of a piece, or an error saying plainly why not."""
    if source.is_dir():
        raise InputError(
            _("{path} est un dossier : une pièce est un seul fichier ({kinds}).").format(
                path=source, kinds=_(KINDS_FR)
            ),
            hint=_("Indiquez le fichier lui-même, ou regroupez des captures avec une série."),
        )
    try:
        data = source.read_bytes()
    except FileNotFoundError:
        raise InputError(_("{path} est introuvable.").format(path=source)) from None
    except OSError as exc:
        raise InputError(
            _("{path} ne peut pas être lu : {reason}.").format(
                path=source, reason=exc.strerror or exc
            )
        ) from None
    if not data:
        raise InputError(
            _("{path} est vide (0 octet) : il ne peut pas devenir une pièce.").format(path=source)
        )
    return data


def detect(source: Path, data: bytes) -> str:
    """« image », « pdf », « mail », « office » or « text », read from the content."""
    suffix = source.suffix.lower()
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(IMAGE_MAGIC) or _is_webp(data):
        return "image"
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc"):
        raise InputError(
            _("{path} est une photo HEIC (iPhone), que le tribunal ne lit pas.").format(
                path=source
            ),
            hint=_("Réglez l'appareil sur « Le plus compatible » ou exportez la photo en JPEG."),
        )
    if data.startswith(b"PK\x03\x04") and _office_suffix(data):
        return "office"
    if data.startswith(b"\xd0\xcf\x11\xe0") and suffix == ".doc":
        return "office"
    if data.startswith(b"{\\rtf"):
        return "office"
    text = _as_text(data)
    if text is not None:
        if suffix == ".eml" or looks_like_mail(data):
            return "mail"
        return "text"
    if suffix == ".msg":
        raise InputError(
            _("{path} est un courriel Outlook (.msg), un format fermé.").format(path=source),
            hint=_(
                "Dans Outlook : Fichier > Enregistrer sous > « Format MIME (.eml) », "
                "ou « Imprimer » en PDF avec les en-têtes."
            ),
        )
    raise InputError(
        _("{path} n'est pas d'un type reconnu : une pièce doit être {kinds}.").format(
            path=source, kinds=_(KINDS_FR)
        ),
        hint=_("Ouvrez-le et enregistrez-le en PDF, puis indiquez ce PDF."),
    )


def _is_webp(data: bytes) -> bool:
    return data.startswith(b"RIFF") and data[8:12] == b"WEBP"


def _office_suffix(data: bytes) -> str | None:
    """« .docx » or « .odt » for a zipped text document, else None (a spreadsheet, an archive)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return ".docx"
            if "mimetype" in names:
                mimetype = archive.read("mimetype").strip()
                if mimetype == b"application/vnd.oasis.opendocument.text":
                    return ".odt"
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    return None


def _as_text(data: bytes) -> str | None:
    """The text of a file that is text (UTF-8, else Windows-1252), or None for binary data."""
    if b"\x00" in data[:8192]:
        return None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        sample = text[:8192]
        controls = sum(1 for c in sample if ord(c) < 32 and c not in "\t\n\r\f")
        return text if controls <= len(sample) // 100 else None
    return None


def _parts(source: Path, data: bytes) -> list:
    """The pages of one file, as :class:`.pdf_stamp.Part` (s)."""
    from .pdf_pages import draw_mail, draw_text, new_canvas
    from .pdf_stamp import Part, open_pdf

    kind = detect(source, data)
    if kind == "pdf":
        open_pdf(data, source)  # refuse a damaged or locked file with its name
        return [Part(data, True, [], source)]
    if kind == "office":
        return [Part(_converted(source, data), True, [], source)]
    if kind == "image":
        from .pdf_images import image_parts, load_rasters

        return image_parts([(r, None) for r in load_rasters(data, source)], source)
    buffer = io.BytesIO()
    canvas = new_canvas(buffer)
    if kind == "mail":
        draw_mail(canvas, read_mail(data))
    elif source.suffix.lower() in (".html", ".htm"):
        draw_text(canvas, clean_text(html_to_text(_as_text(data) or "")), note=HTML_NOTE)
    else:
        draw_text(canvas, clean_text(_as_text(data) or ""))
    canvas.save()
    return [Part(buffer.getvalue(), False, [], source)]


def _suffix_for_office(data: bytes) -> str:
    """The suffix LibreOffice needs to pick its import filter."""
    return _office_suffix(data) or (".rtf" if data.startswith(b"{\\rtf") else ".doc")


def office_document(source: Path) -> tuple[bytes, str] | None:
    """(bytes, suffix) of a word-processing piece (a sent letter in DOCX), which LibreOffice
    converts; None for any other kind. The dossier converts them all in one start."""
    data = _read(source)
    if detect(source, data) != "office":
        return None
    return data, _suffix_for_office(data)


def converted_piece(
    pdf: bytes, source: Path, number: int, label: str, band: BandFonts | None = None
) -> bytes:
    """A piece LibreOffice already converted (``office_document``), stamped « Pièce n° N »."""
    from .pdf_stamp import Part, assemble

    return assemble([Part(pdf, True, [], source)], number, label, band)


def _converted(source: Path, data: bytes) -> bytes:
    """A text document through LibreOffice; a file it cannot open is the user's to fix."""
    from ...documents.pdf import office_to_pdf

    try:
        return office_to_pdf(data, _suffix_for_office(data))
    except ToolMissingError:
        raise
    except RdvError as exc:
        raise InputError(
            _("{path} n'a pas pu être converti en PDF par LibreOffice ({error}).").format(
                path=source, error=exc
            ),
            hint=_("Ouvrez-le dans votre traitement de texte et enregistrez-le en PDF."),
        ) from None
