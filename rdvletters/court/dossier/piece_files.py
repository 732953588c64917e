"""The files of a dossier's pieces: each piece made into its PDF (or kept as it is) and
written into the staging folder, LibreOffice's conversions made in one start.

What a piece becomes is :mod:`.piece_pdf`'s; here, which function makes it, the name it
takes, and what the person is told when a piece stays in its own format.
"""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

from ...case import Case
from ...errors import InputError, RdvError, ToolMissingError
from ...fsutil import write_new
from ...i18n import _
from ..pieces import Piece

if TYPE_CHECKING:
    from .band import BandFonts


# Checked byte for byte by ``openssl ts -verify`` and ``sha256sum`` (the explanation gives the
# commands to copy): delivered as they are, never converted.
ORIGINAL_KINDS = ("horodatage", "journal", "explication")


class Writer:
    """Writes the dossier's files one by one into a private staging folder."""

    def __init__(self, staging: Path) -> None:
        self.staging = staging
        self.warnings: list[str] = []

    def put(self, name: str, data: bytes) -> str:
        write_new(self.staging / name, data, sync=False)  # all at once: ``write_bundle``
        return name

    def put_converted(self, name: str, result: bytes | str) -> str | None:
        """The PDF beside a generated DOCX, or, when LibreOffice could not make it, the
        reason said to the person (the DOCX stays: Télérecours accepts it)."""
        if isinstance(result, str):
            self.warnings.append(
                _(
                    "{name} reste au format DOCX : {why} (Télérecours accepte aussi le DOCX)."
                ).format(name=name, why=result)
            )
            return None
        return self.put(name.rsplit(".", 1)[0] + ".pdf", result)


def convert(documents: list[tuple[bytes, str]]) -> list[bytes | str]:
    """Each (bytes, suffix) as PDF, or the reason it could not be, with one LibreOffice
    start for all (starting it costs seconds). When one document makes the shared run
    fail, each is converted alone to tell which (rare: a damaged file the person added)."""
    from ...documents.pdf import office_batch_to_pdf

    if not documents:
        return []
    try:
        return list(office_batch_to_pdf(documents))
    except ToolMissingError:
        return [_("LibreOffice n'est pas installé pour le convertir en PDF")] * len(documents)
    except RdvError:
        if len(documents) == 1:
            return [_("LibreOffice n'a pas pu le convertir en PDF")]
        return [result for document in documents for result in convert([document])]


def office_sources(case: Case, pieces: list[Piece]) -> dict[int, tuple[Path, bytes, str]]:
    """The pieces LibreOffice turns into PDF (sent letters in DOCX), by number."""
    from .piece_pdf import office_document

    found = {}
    for piece in pieces:
        if piece.data is None and piece.sources and piece.kind not in (*ORIGINAL_KINDS, "serie"):
            source = case.file(piece.sources[0], _("pièce n° {n}").format(n=piece.number))
            try:
                document = office_document(source)
            except InputError:  # unreadable or unusual: ``piece_file`` says so and keeps it
                continue
            if document is not None:
                found[piece.number] = (source, *document)
    return found


def office_piece(
    writer: Writer, piece: Piece, source: Path, data: bytes, result, band: BandFonts
) -> str:
    """Write a converted piece stamped « Pièce n° N », or its original with the reason."""
    from .piece_pdf import converted_piece

    if isinstance(result, bytes):
        pdf = converted_piece(result, source, piece.number, piece.label, band)
        return writer.put(piece.filename(".pdf"), pdf)
    writer.warnings.append(
        _("pièce n° {n} gardée dans son format d'origine : {why}.").format(
            n=piece.number, why=result
        )
    )
    return writer.put(piece.file_name, data)


def piece_file(case: Case, writer: Writer, piece: Piece, band: BandFonts) -> str:
    """Write one piece (PDF with « Pièce n° N » on every page); returns its file name."""
    from .piece_pdf import piece_to_pdf, series_to_pdf

    where = _("pièce n° {n}").format(n=piece.number)  # for an error message
    if piece.kind == "liste" and piece.data is not None:
        from .piece_pdf import data_to_pdf

        pdf = data_to_pdf(piece.data, "liste.txt", piece.number, piece.label, band)
        return writer.put(piece.filename(".pdf"), pdf)
    if piece.data is not None:
        return writer.put(piece.file_name, piece.data)
    if piece.kind in ORIGINAL_KINDS:
        return writer.put(piece.file_name, case.file(piece.sources[0], where).read_bytes())
    if piece.kind == "serie":
        items = [
            (case.file(s, where), c) for s, c in zip(piece.sources, piece.captions, strict=True)
        ]
        pdf = series_to_pdf(items, piece.number, piece.label, band)
        return writer.put(piece.filename(".pdf"), pdf)
    source = case.file(piece.sources[0], where)
    try:
        pdf = piece_to_pdf(source, piece.number, piece.label, piece.sheet, band)
    except ToolMissingError:
        why = _("LibreOffice n'est pas installé pour la convertir en PDF")
    except InputError as error:  # a damaged or unusual file: the original still proves
        why = _("conversion en PDF impossible ({error})").format(error=error)
    else:
        return writer.put(piece.filename(".pdf"), pdf)
    writer.warnings.append(
        _("pièce n° {n} gardée dans son format d'origine : {why}.").format(n=piece.number, why=why)
    )
    return writer.put(piece.file_name, source.read_bytes())


def band_fonts(pieces: list[Piece]) -> BandFonts:
    """The band's fonts for every piece at once: made for each piece, they were about a
    third of a long dossier's time. A piece's band needing more gets its own."""
    from .band import BandFonts

    texts = [p.label for p in pieces] + [c for p in pieces for c in p.captions if c]
    return BandFonts(texts + [p.sheet[0] for p in pieces if p.sheet])


def piece_job(case: Case, staging: Path, piece: Piece, band: BandFonts) -> tuple[str, list[str]]:
    """One piece made and written, in whichever process :mod:`.sharing` runs it: its file
    name and what the person should be told about it."""
    writer = Writer(staging)
    return piece_file(case, writer, piece, band), writer.warnings


def piece_weight(case: Case, piece: Piece) -> int:
    """About how long a piece takes to make (the size of its files): the longest are
    claimed first, so that no process is left alone with a long one at the end."""
    if piece.data is not None:
        return len(piece.data)
    total = 0
    for source in piece.sources:
        with suppress(RdvError, OSError):  # said by the piece's own job, in its turn
            total += case.file(source, "").stat().st_size
    return total
