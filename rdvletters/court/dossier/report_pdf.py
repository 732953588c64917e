"""The verification report as a PDF: headings, (label, value) rows, paragraphs, commands,
and « page k/n » at the foot of every page. Deterministic, like every piece."""

from __future__ import annotations

import io

from .pdf_pages import BODY_LEADING, MM, TextPages, new_canvas
from .sheet_pdf import row

REPORT_NAME = "Rapport_de_verification.pdf"  # in the dossier's Ne_pas_deposer/


def dossier_report(case, created) -> bytes:  # noqa: ANN001 - Case, datetime
    """``verify --report`` for the dossier (proof: ``proofs/report.py``), dated like the
    dossier's other documents so that the same journal gives the same bytes."""
    from ...evidence.proofs.report import TITLE, build

    return report_pdf(build(case, when=created), TITLE)


def write_report(case, path, copies=()):  # noqa: ANN001 - Case, Path, tuple[Path, ...]
    """``verify --report``: the report as a new PDF at ``path`` (never replacing a file).
    Drawn here, above the proofs that word it (``evidence.proofs.report``)."""
    from ...evidence.proofs.report import TITLE, build
    from ...fsutil import write_new

    return write_new(path, report_pdf(build(case, copies), TITLE))


def report_pdf(sections: list, title: str) -> bytes:
    """``sections``: ``proofs.report.Section`` objects, in order."""
    buffer = io.BytesIO()
    canvas = new_canvas(buffer)
    pages = TextPages(canvas)
    for section in sections:
        pages.y -= BODY_LEADING / 2
        pages.paragraph(section.title, bold=True)
        pages.rule()
        for label, value in section.rows:
            if value:
                row(pages, label, value)
            else:  # a sub-heading (« Entrée n° 12 »)
                pages.paragraph(label, bold=True)
        for paragraph in section.paragraphs:
            pages.paragraph(paragraph)
        for command in section.commands:
            pages.paragraph(command, indent=6 * MM, grey=True)
    pages.finish()
    canvas.save()
    return _numbered(buffer.getvalue(), title)


def _numbered(pdf: bytes, title: str) -> bytes:
    """« title – page k/n » at the foot of each page (written into the pages by pikepdf:
    pypdf's merge of an overlay took about a second for a long journal's report)."""
    import pikepdf

    from .band import BandFonts, stamp
    from .pdf_pages import fonts

    document = pikepdf.open(io.BytesIO(pdf))
    total = len(document.pages)

    def foot(canvas, index: int) -> None:  # noqa: ANN001 - band.BandCanvas
        canvas.setFont(fonts().regular, 8)
        canvas.drawString(15 * MM, 6 * MM, f"{title} – page {index}/{total}")

    stamp(document, BandFonts([title]), foot)
    document.docinfo = document.make_indirect(
        pikepdf.Dictionary(Title=title, Producer="rdvletters")
    )
    out = io.BytesIO()
    document.save(out, static_id=True, compress_streams=True)
    return out.getvalue()
